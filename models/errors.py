"""Every error casenote reports to a person, in one tree shared by every layer.

Stages and services raise these, each with one line that says what is wrong and,
where it can, what to do. Two places turn them into what their reader gets, and
nothing else translates them: ``casenote.cli`` prints ``casenote: error: <message>``
and exits with code 2; ``api.problems`` answers with an RFC 9457 problem (its status,
type and extra members are chosen there, by class). ``code`` is a stable machine
name (a failed job stores it): the class name in snake case, or a code kept from
before (``KEPT_CODES``); ``details`` are the extra facts a client may need
(the reasons a sign-off is refused, the version saved meanwhile...).

    CasenoteError
    ├── InputError                  what was given cannot be used
    │   ├── AudioError              the recording
    │   │   ├── AudioFileMissing
    │   │   ├── AudioFileEmpty
    │   │   ├── NotAudio
    │   │   ├── AudioCorrupt
    │   │   ├── AudioTooLong
    │   │   ├── SilentAudio
    │   │   └── NoSpeech
    │   ├── TextFileError           a transcript, glossary or annotated-notes file
    │   ├── TemplateError           a case-note template
    │   └── InvalidRequest          a request (API call or command) that cannot be carried out as sent
    │       ├── InvalidEdit
    │       ├── ConfirmRefused
    │       ├── IdempotencyKeyReused
    │       ├── UploadTooLarge
    │       │   └── FormTooLarge
    │       ├── TextTooLong
    │       ├── InvalidText
    │       ├── PasswordRejected
    │       ├── UnsupportedUpload
    │       ├── MalformedUpload
    │       └── RangeNotSatisfiable
    ├── NotFound                    no such thing, or none this person may see (the same answer)
    ├── PermissionDenied            seen, but not this person's to do
    │   └── NotEditable
    ├── Conflict                    the thing's state forbids it now
    │   ├── DraftConfirmed
    │   ├── VersionConflict
    │   ├── JobNotFailed
    │   ├── NoAudioToRetry
    │   ├── AlreadyDelivered
    │   └── ConnectorGone
    ├── Gone                        deleted on purpose, and kept deleted
    │   └── AudioDeleted
    ├── RateLimited
    │   └── SignInThrottled
    ├── Unavailable                 the service cannot do it now; trying again later may work
    │   ├── ServerBusy
    │   └── StorageUnavailable
    ├── ConfigurationError          the deployment must fix something
    │   ├── ModelNotFound
    │   ├── ModelSetupError
    │   ├── KeyFileError
    │   ├── KeysNotGiven
    │   ├── ConnectorConfigError
    │   └── NeedsPostgreSQL
    ├── ExportError                 a confirmed note cannot be exported as asked
    │   ├── UnknownFormat
    │   ├── UnknownPreset
    │   ├── NotExportable
    │   ├── PresetInvalid           (the deployment's preset file)
    │   └── ExportSetupError        (a font or schema file the deployment must provide)
    ├── CaptureError                dictating on the worker's machine
    │   ├── PortAudioMissing
    │   ├── NoInputDevice
    │   ├── DeviceBusy
    │   ├── DeviceFailed
    │   ├── DiskFull
    │   ├── UploadRefused
    │   └── ServerUnreachable       (not fatal: the recording waits in the outbox)
    └── StorageError                what is stored cannot be read back
        └── AudioIntegrityError
"""

from __future__ import annotations

import math
import re
from typing import Any


# Codes kept from before the errors were one tree: failed jobs store them, so they stay.
KEPT_CODES = {
    "AudioFileMissing": "file_not_found", "AudioFileEmpty": "empty_file", "AudioCorrupt": "corrupt_audio",
    "TextFileError": "bad_text_file", "TemplateError": "bad_template", "ModelSetupError": "model_setup",
    "ConnectorConfigError": "bad_connector_config", "UnknownFormat": "unknown_export_format",
    "UnknownPreset": "unknown_export_preset", "PresetInvalid": "bad_export_preset", "ExportSetupError": "export_setup",
    "PortAudioMissing": "portaudio_missing", "AudioIntegrityError": "audio_unreadable",
}


def _code_of(name: str) -> str:
    """A kept code, or the class name in snake case: NoAudioToRetry -> no_audio_to_retry."""
    return KEPT_CODES.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CasenoteError(Exception):
    """Base of every error that is the input's, the request's or the set-up's fault, not a bug."""

    code = "casenote_error"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = _code_of(cls.__name__)

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = details


# --- input ---------------------------------------------------------------------------


class InputError(CasenoteError):
    """What was given (a file, a text, a request) cannot be used as it is."""


class AudioError(InputError):
    """The recording cannot be transcribed."""


class AudioFileMissing(AudioError):
    """No such file, a folder, or a file that cannot be read."""


class AudioFileEmpty(AudioError):
    """A file of 0 bytes."""


class NotAudio(AudioError):
    """Text, a picture or unknown bytes: judged by the content, not the name."""


class AudioCorrupt(AudioError):
    """Truncated or damaged: the container's bookkeeping or the decoder says so."""


class AudioTooLong(AudioError):
    """Longer than ``CASENOTE_MAX_AUDIO_SECONDS``."""


class SilentAudio(AudioError):
    """The whole recording is (near) digital silence: a muted or unplugged microphone."""


class NoSpeech(AudioError):
    """Sound, but the voice-activity detector heard no speech in it."""


class TextFileError(InputError):
    """A transcript, glossary or annotated-notes file that cannot be read as one."""


class TemplateError(InputError):
    """A case-note template that cannot be read or is not valid (bad YAML, a key used twice...)."""


class InvalidRequest(InputError):
    """A request (an API call or a command) that cannot be carried out as sent."""


class InvalidEdit(InvalidRequest):
    """An autosave that names something the draft does not have (or a retired code)."""


class ConfirmRefused(InvalidRequest):
    """The draft cannot be signed yet; ``reasons`` says why, one line each."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("the draft cannot be confirmed yet: " + "; ".join(reasons), reasons=reasons)
        self.reasons = reasons


class IdempotencyKeyReused(InvalidRequest):
    """The same key with other audio or another case: a client's mistake, not a retry."""

    def __init__(self, recording_id: int) -> None:
        super().__init__(f"the Idempotency-Key was already used for recording {recording_id}, with other "
                         "audio or another case reference; send a new key for a new recording",
                         recording_id=recording_id)


class UploadTooLarge(InvalidRequest):
    """Over ``CASENOTE_MAX_UPLOAD_BYTES`` (checked while it streams in), or a form field too long."""


class FormTooLarge(UploadTooLarge):
    """Too many form fields, or one too long (they are held in memory, unlike the audio)."""

    code = "form_too_large"


class TextTooLong(InvalidRequest):
    """A text (a section of a note) longer than the setting allows."""

    code = "text_too_long"


class InvalidText(InvalidRequest):
    """A text that holds a character it may not (a control character in a case reference)."""

    code = "invalid_text"


class PasswordRejected(InvalidRequest):
    """A new password that the password policy refuses (too short, too common)."""

    code = "password_rejected"


class UnsupportedUpload(InvalidRequest):
    """Not sent the way the service reads uploads (multipart/form-data)."""


class MalformedUpload(InvalidRequest):
    """A multipart body that cannot be parsed."""


class RangeNotSatisfiable(InvalidRequest):
    """A byte range outside the ``size`` bytes there are."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the range is outside the {size} bytes of audio")
        self.size = size


# --- what a request finds --------------------------------------------------------------


class NotFound(CasenoteError):
    """No such thing, or none this person may see: both get the same answer, so ids leak nothing."""

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__(message or f"no {what} with that id")
        self.what = what


class PermissionDenied(CasenoteError):
    """Seen, but not this person's to do (an admin looks and does not edit)."""


class NotEditable(PermissionDenied):
    """Only the worker who recorded a draft, or their team's manager, changes it."""


class Conflict(CasenoteError):
    """The thing's current state forbids the request."""


class DraftConfirmed(Conflict):
    """A confirmed draft is read-only."""

    def __init__(self) -> None:
        super().__init__("this draft has been confirmed and is read-only")


class VersionConflict(Conflict):
    """Someone saved the draft since the version this edit was made on; nothing was overwritten.
    The details carry the current version and state, so a client can show both."""

    def __init__(self, *, sent: int, current_version: int, current: dict, updated_at: str,
                 updated_by: str | None) -> None:
        super().__init__(f"the draft was saved meanwhile (you edited version {sent}, it is now version "
                         f"{current_version}); nothing was overwritten",
                         current_version=current_version, current=current, updated_at=updated_at,
                         updated_by=updated_by)


class JobNotFailed(Conflict):
    """Only a failed job is run again."""


class NoAudioToRetry(Conflict):
    """A failed job whose audio has been deleted cannot run again."""


class AlreadyDelivered(Conflict):
    """A delivery that succeeded is not tried again."""


class ConnectorGone(Conflict):
    """The delivery's connector is no longer configured."""


class Gone(CasenoteError):
    """Deleted on purpose (retention), and it stays deleted."""


class AudioDeleted(Gone):
    """The recording's audio, after its retention period; the confirmed note is kept."""


class RateLimited(CasenoteError):
    """Too many tries: wait ``retry_after_s`` seconds."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class SignInThrottled(RateLimited):
    """Too many failed sign-ins for one user name (the name is not in the message)."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many failed sign-ins for this user name; try again in {self.wait_text}",
                         retry_after_s)

    @property
    def wait_text(self) -> str:
        """'15 minutes' or '40 seconds'."""
        if self.retry_after_s > 60:
            minutes = math.ceil(self.retry_after_s / 60)
            return f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"{self.retry_after_s} second{'s' if self.retry_after_s != 1 else ''}"


class Unavailable(CasenoteError):
    """The service cannot do this now (busy, or its storage fails); ``retry_after_s``
    says when to try again."""

    code = "unavailable"

    def __init__(self, message: str, retry_after_s: int = 30) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class ServerBusy(Unavailable):
    """Every slot for this kind of work (e.g. checking uploads) stayed taken."""

    code = "server_busy"


class StorageUnavailable(Unavailable):
    """The database or the disk cannot be written (full, read-only, gone): nothing was
    changed, and nothing is shown that could not be audited."""

    code = "storage_unavailable"


# --- set-up ----------------------------------------------------------------------------


class ConfigurationError(CasenoteError):
    """A setting, file or resource the deployment provides cannot be used."""


class ModelNotFound(ConfigurationError):
    """A speech model that is not a local folder: names are refused, never downloaded."""


class ModelSetupError(ConfigurationError):
    """The configured device or compute type cannot run here."""


class KeyFileError(ConfigurationError):
    """A configured key, or a key file, that cannot be used (wrong length, not base64)."""


class KeysNotGiven(ConfigurationError):
    """On PostgreSQL several processes on several machines share the data: every one of
    them must be given the same keys, never make its own key file."""


class ConnectorConfigError(ConfigurationError):
    """The delivery connectors (``CASENOTE_DELIVERY_CONNECTORS``) cannot be read or are not valid."""


class NeedsPostgreSQL(ConfigurationError):
    """A way of running casenote (separate worker processes) that only PostgreSQL supports."""


# --- exports, dictation, storage ---------------------------------------------------------


class ExportError(CasenoteError):
    """A confirmed note cannot be exported as asked."""


class UnknownFormat(ExportError):
    """Not one of the export formats."""


class UnknownPreset(ExportError):
    """Not one of the case-system presets (built in or the deployment's own)."""


class NotExportable(ExportError):
    """The note cannot be expressed in this format (e.g. census rules broken)."""


class PresetInvalid(ExportError):
    """An export preset file of the deployment cannot be read."""


class ExportSetupError(ExportError):
    """Something the deployment must provide is missing (a font, a schema file)."""


class CaptureError(CasenoteError):
    """Dictating on the worker's machine went wrong; what was recorded is kept."""


class PortAudioMissing(CaptureError):
    """The PortAudio library, which records from the microphone, is not installed."""


class NoInputDevice(CaptureError):
    """No microphone, or none with that number."""


class DeviceBusy(CaptureError):
    """Another program holds the microphone."""


class DeviceFailed(CaptureError):
    """The microphone stopped or refused the recording's format."""


class DiskFull(CaptureError):
    """The disk filled up while recording; what was recorded is kept."""


class UploadRefused(CaptureError):
    """The server answered, and said no (bad token, bad field): retrying will not help."""

    def __init__(self, message: str, *, token_refused: bool = False, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.token_refused = token_refused
        self.maybe_stored = maybe_stored  # an odd 2xx: the server may hold it, so look before resending


class ServerUnreachable(CaptureError):
    """Not the worker's fault and not fatal: the recording waits in the outbox."""

    def __init__(self, message: str, *, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.maybe_stored = maybe_stored  # False only when no connection was made at all


class StorageError(CasenoteError):
    """What the service stored cannot be read back."""


class AudioIntegrityError(StorageError):
    """The stored audio does not decrypt: damaged, cut short, or the wrong key."""

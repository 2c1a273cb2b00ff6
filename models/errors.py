"""Every error casenote reports to a person, in one tree shared by every layer.

Stages and services raise these, each with one line that says what is wrong and,
where it can, what to do. Two places turn them into what their reader gets, and
nothing else translates them: ``casenote.cli`` prints ``casenote: error: <message>``
and exits with code 2; ``api.problems`` answers with an RFC 9457 problem (its status,
type and extra members are chosen there, by class). ``code`` is a stable machine
name (a failed job stores it); ``details`` are the extra facts a client may need
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
    │   └── ConnectorConfigError
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
from typing import Any


class CasenoteError(Exception):
    """Base of every error that is the input's, the request's or the set-up's fault, not a bug."""

    code = "casenote_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = details


# --- input ---------------------------------------------------------------------------


class InputError(CasenoteError):
    """What was given (a file, a text, a request) cannot be used as it is."""


class AudioError(InputError):
    """The recording cannot be transcribed."""


class AudioFileMissing(AudioError):
    code = "file_not_found"


class AudioFileEmpty(AudioError):
    code = "empty_file"


class NotAudio(AudioError):
    code = "not_audio"


class AudioCorrupt(AudioError):
    code = "corrupt_audio"


class AudioTooLong(AudioError):
    code = "audio_too_long"


class SilentAudio(AudioError):
    """The whole recording is (near) digital silence: a muted or unplugged microphone."""

    code = "silent_audio"


class NoSpeech(AudioError):
    code = "no_speech"


class TextFileError(InputError):
    code = "bad_text_file"


class TemplateError(InputError):
    code = "bad_template"


class InvalidRequest(InputError):
    """A request (an API call or a command) that cannot be carried out as sent."""

    code = "invalid_request"


class InvalidEdit(InvalidRequest):
    """An autosave that names something the draft does not have (or a retired code)."""

    code = "invalid_edit"


class ConfirmRefused(InvalidRequest):
    """The draft cannot be signed yet; ``reasons`` says why, one line each."""

    code = "confirm_refused"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("the draft cannot be confirmed yet: " + "; ".join(reasons), reasons=reasons)
        self.reasons = reasons


class IdempotencyKeyReused(InvalidRequest):
    """The same key with other audio or another case: a client's mistake, not a retry."""

    code = "idempotency_key_reused"

    def __init__(self, recording_id: int) -> None:
        super().__init__(f"the Idempotency-Key was already used for recording {recording_id}, with other "
                         "audio or another case reference; send a new key for a new recording",
                         recording_id=recording_id)


class UploadTooLarge(InvalidRequest):
    code = "upload_too_large"


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
    """The upload is not sent the way the service reads uploads (multipart/form-data)."""

    code = "unsupported_upload"


class MalformedUpload(InvalidRequest):
    code = "malformed_upload"


class RangeNotSatisfiable(InvalidRequest):
    """A byte range outside the ``size`` bytes there are."""

    code = "range_not_satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__(f"the range is outside the {size} bytes of audio")
        self.size = size


# --- what a request finds --------------------------------------------------------------


class NotFound(CasenoteError):
    """No such thing, or none this person may see: both get the same answer, so ids leak nothing."""

    code = "not_found"

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__(message or f"no {what} with that id")
        self.what = what


class PermissionDenied(CasenoteError):
    code = "permission_denied"


class NotEditable(PermissionDenied):
    code = "not_editable"


class Conflict(CasenoteError):
    """The thing's current state forbids the request."""

    code = "conflict"


class DraftConfirmed(Conflict):
    code = "draft_confirmed"

    def __init__(self) -> None:
        super().__init__("this draft has been confirmed and is read-only")


class VersionConflict(Conflict):
    """Someone saved the draft since the version this edit was made on; nothing was overwritten.
    The details carry the current version and state, so a client can show both."""

    code = "version_conflict"

    def __init__(self, *, sent: int, current_version: int, current: dict, updated_at: str,
                 updated_by: str | None) -> None:
        super().__init__(f"the draft was saved meanwhile (you edited version {sent}, it is now version "
                         f"{current_version}); nothing was overwritten",
                         current_version=current_version, current=current, updated_at=updated_at,
                         updated_by=updated_by)


class JobNotFailed(Conflict):
    code = "job_not_failed"


class NoAudioToRetry(Conflict):
    code = "no_audio_to_retry"


class AlreadyDelivered(Conflict):
    code = "already_delivered"


class ConnectorGone(Conflict):
    code = "connector_gone"


class Gone(CasenoteError):
    """Deleted on purpose (retention), and it stays deleted."""

    code = "gone"


class AudioDeleted(Gone):
    code = "audio_deleted"


class RateLimited(CasenoteError):
    """Too many tries: wait ``retry_after_s`` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class SignInThrottled(RateLimited):
    """Too many failed sign-ins for one user name (the name is not in the message)."""

    code = "sign_in_throttled"

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

    code = "configuration"


class ModelNotFound(ConfigurationError):
    code = "model_not_found"


class ModelSetupError(ConfigurationError):
    """The configured device or compute type cannot run here."""

    code = "model_setup"


class KeyFileError(ConfigurationError):
    """A configured key, or a key file, that cannot be used (wrong length, not base64)."""

    code = "bad_key"


class ConnectorConfigError(ConfigurationError):
    code = "bad_connector_config"


# --- exports, dictation, storage ---------------------------------------------------------


class ExportError(CasenoteError):
    code = "export_error"


class UnknownFormat(ExportError):
    code = "unknown_export_format"


class UnknownPreset(ExportError):
    code = "unknown_export_preset"


class NotExportable(ExportError):
    """The note cannot be expressed in this format (e.g. census rules broken)."""

    code = "not_exportable"


class PresetInvalid(ExportError):
    """An export preset file of the deployment cannot be read."""

    code = "bad_export_preset"


class ExportSetupError(ExportError):
    """Something the deployment must provide is missing (a font, a schema file)."""

    code = "export_setup"


class CaptureError(CasenoteError):
    code = "capture_error"


class PortAudioMissing(CaptureError):
    code = "portaudio_missing"


class NoInputDevice(CaptureError):
    code = "no_input_device"


class DeviceBusy(CaptureError):
    code = "device_busy"


class DeviceFailed(CaptureError):
    code = "device_failed"


class DiskFull(CaptureError):
    code = "disk_full"


class UploadRefused(CaptureError):
    """The server answered, and said no (bad token, bad field): retrying will not help."""

    code = "upload_refused"

    def __init__(self, message: str, *, token_refused: bool = False, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.token_refused = token_refused
        self.maybe_stored = maybe_stored  # an odd 2xx: the server may hold it, so look before resending


class ServerUnreachable(CaptureError):
    """Not the worker's fault and not fatal: the recording waits in the outbox."""

    code = "server_unreachable"

    def __init__(self, message: str, *, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.maybe_stored = maybe_stored  # False only when no connection was made at all


class StorageError(CasenoteError):
    """What the service stored cannot be read back."""

    code = "storage_error"


class AudioIntegrityError(StorageError):
    """The stored audio does not decrypt: damaged, cut short, or the wrong key."""

    code = "audio_unreadable"

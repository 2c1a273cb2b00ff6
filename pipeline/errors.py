"""Errors that describe bad input. Their message is one line a worker can act on."""


class CasenoteError(Exception):
    """Base for every error that is the input's fault, not a bug."""

    code = "casenote_error"


class AudioFileMissing(CasenoteError):
    code = "file_not_found"


class AudioFileEmpty(CasenoteError):
    code = "empty_file"


class NotAudio(CasenoteError):
    code = "not_audio"


class AudioCorrupt(CasenoteError):
    code = "corrupt_audio"


class AudioTooLong(CasenoteError):
    code = "audio_too_long"


class NoSpeech(CasenoteError):
    code = "no_speech"


class SilentAudio(CasenoteError):
    """The whole recording is (near) digital silence: a muted or unplugged microphone."""

    code = "silent_audio"


class ModelNotFound(CasenoteError):
    code = "model_not_found"


class TextFileError(CasenoteError):
    code = "bad_text_file"


class TemplateError(CasenoteError):
    code = "bad_template"


class ModelSetupError(CasenoteError):
    """The configured device or compute type cannot run here."""

    code = "model_setup"

"""Capture errors: each message is one line that says what to do."""

from __future__ import annotations

from pipeline.errors import CasenoteError


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


class ServerUnreachable(Exception):
    """Not the worker's fault and not fatal: the recording waits in the outbox."""

    def __init__(self, message: str, *, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.maybe_stored = maybe_stored  # False only when no connection was made at all

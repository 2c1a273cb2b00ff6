"""Input devices through PortAudio (sounddevice), and PortAudio's errors turned into
one line a worker can act on."""

from __future__ import annotations

import errno
import logging
from types import ModuleType

from pydantic import BaseModel

from models.errors import CaptureError, DeviceBusy, DeviceFailed, NoInputDevice, PortAudioMissing

logger = logging.getLogger(__name__)

PORTAUDIO_PACKAGE = "libportaudio2"
# PortAudio's PaErrorCode values that mean "someone else has the device".
_PA_DEVICE_UNAVAILABLE = -9985
_PA_INVALID_DEVICE = -9996


class InputDevice(BaseModel):
    index: int
    name: str
    host_api: str
    max_input_channels: int
    default_samplerate: float
    is_default: bool


def load_portaudio() -> ModuleType:
    """Import sounddevice; its import fails when the PortAudio library is missing."""
    try:
        import sounddevice
    except OSError as exc:
        logger.debug("PortAudio could not be loaded: %s", exc)
        raise PortAudioMissing(
            "PortAudio, which records from the microphone, is not installed: "
            f"install the Debian package {PORTAUDIO_PACKAGE} (apt-get install {PORTAUDIO_PACKAGE})"
        ) from None
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    sd = load_portaudio()
    try:
        devices = sd.query_devices()
        host_apis = sd.query_hostapis()
        default_input = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise portaudio_failure(exc, "the list of audio devices") from None
    found = []
    for index, info in enumerate(devices):
        if info["max_input_channels"] < 1:
            continue
        found.append(InputDevice(
            index=index,
            name=info["name"],
            host_api=host_apis[info["hostapi"]]["name"],
            max_input_channels=info["max_input_channels"],
            default_samplerate=info["default_samplerate"],
            is_default=index == default_input,
        ))
    return found


def choose_input_device(index: int | None) -> InputDevice:
    """The device ``index`` (from ``casenote devices``), or the system's default input."""
    devices = list_input_devices()
    if not devices:
        raise NoInputDevice("no input device found: connect or unmute a microphone, then try again")
    if index is None:
        # PortAudio's default input; some systems report none, then the first one that records.
        return next((d for d in devices if d.is_default), devices[0])
    for device in devices:
        if device.index == index:
            return device
    numbers = ", ".join(str(d.index) for d in devices)
    raise NoInputDevice(f"no input device number {index}: the inputs here are {numbers} (see `casenote devices`)")


def portaudio_failure(exc: Exception, what: str) -> CaptureError:
    """One PortAudio exception -> the capture error that says what happened to ``what``."""
    code = exc.args[1] if len(exc.args) > 1 else None
    host_code = exc.args[2][1] if len(exc.args) > 2 else None
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    busy = (code == _PA_DEVICE_UNAVAILABLE or host_code in (-errno.EBUSY, errno.EBUSY)
            or "busy" in text.lower() or "unavailable" in text.lower())
    if busy:
        return DeviceBusy(f"{what} is busy: another program is using it; close that program or choose "
                          "another device with --device (see `casenote devices`)")
    if code == _PA_INVALID_DEVICE:
        return NoInputDevice(f"{what} is not available any more: reconnect it, or see `casenote devices`")
    return DeviceFailed(f"{what} could not be used: {text}")

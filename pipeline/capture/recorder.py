"""Microphone -> WAV on disk, as it is captured.

PortAudio calls ``_on_block`` on its own thread about ten times a second; that
callback only copies the block into a queue (it must never wait on a disk). The
main thread takes blocks off the queue and writes them through ``WavStreamWriter``,
which makes the file crash-safe. Pausing drops blocks instead of closing the
stream, so resuming is instant and the device cannot be lost to another program
in between."""

from __future__ import annotations

import logging
import math
import queue
import time
from collections.abc import Callable
from enum import Enum

import numpy as np
from pydantic import BaseModel

from models.errors import DeviceFailed
from pipeline.capture.devices import InputDevice, load_portaudio, portaudio_failure
from pipeline.capture.wavfile import WavStreamWriter

logger = logging.getLogger(__name__)

TARGET_SAMPLERATE = 16000  # what Whisper works at; anything else is resampled on decode
BLOCK_S = 0.1
# No block from the device for this long means it was unplugged or stopped by the system.
STALL_S = 3.0
# A device that has not sent its first block this long after starting is not working.
STARTUP_S = 5.0


class Command(str, Enum):
    toggle_pause = "toggle_pause"
    stop = "stop"


class CaptureOptions(BaseModel):
    silence_warn_s: float = 10.0
    silence_dbfs: float = -60.0


class CaptureStatus(BaseModel):
    """What the terminal shows, about ten times a second."""

    elapsed_s: float
    level_dbfs: float
    paused: bool
    silent_for_s: float
    warn_silent: bool


class CaptureResult(BaseModel):
    duration_s: float
    stop_reason: str
    dropped_blocks: int


def stream_format(sd, device: InputDevice) -> tuple[int, int]:
    """(samplerate, channels): 16 kHz mono where the device takes it, else its own rate."""
    for samplerate, channels in ((TARGET_SAMPLERATE, 1), (int(device.default_samplerate), 1),
                                 (TARGET_SAMPLERATE, 2), (int(device.default_samplerate), 2)):
        if channels > device.max_input_channels:
            continue
        try:
            sd.check_input_settings(device=device.index, samplerate=samplerate, channels=channels, dtype="int16")
            return samplerate, channels
        except sd.PortAudioError:
            continue
        except ValueError:
            continue
    raise DeviceFailed(f"input device {device.index} ({device.name}) takes neither 16 kHz nor its own rate "
                       "as 16-bit audio; choose another with --device")


def level_dbfs(block: np.ndarray) -> float:
    """RMS level of an int16 block in dB below full scale (-inf for digital silence)."""
    if block.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(block.astype(np.float32) / 32768.0))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def record(
    device: InputDevice,
    writer: WavStreamWriter,
    options: CaptureOptions,
    poll_commands: Callable[[], list[Command]],
    on_status: Callable[[CaptureStatus], None],
    should_stop: Callable[[], bool],
    on_started: Callable[[], None] = lambda: None,
) -> CaptureResult:
    """Record until a stop command, ``should_stop()``, a full disk or a lost device."""
    sd = load_portaudio()
    blocks: queue.Queue[np.ndarray] = queue.Queue()
    dropped = 0

    def _on_block(indata, frames, time_info, status) -> None:
        nonlocal dropped
        if status.input_overflow:
            dropped += 1  # the OS dropped audio before we saw it; counted, reported at the end
        blocks.put(indata.copy())

    try:
        stream = sd.InputStream(device=device.index, samplerate=writer.samplerate, channels=writer.channels,
                                dtype="int16", blocksize=int(writer.samplerate * BLOCK_S), callback=_on_block)
        stream.start()
    except sd.PortAudioError as exc:
        raise portaudio_failure(exc, f"input device {device.index} ({device.name})") from None

    paused, level, silent_since = False, -math.inf, time.monotonic()
    last_block_at, reason, flowing = time.monotonic(), "stopped", False
    try:
        while True:
            for command in poll_commands():
                if command is Command.stop:
                    reason = "stopped"
                    raise _Stop
                paused = not paused
                silent_since = time.monotonic()
            if should_stop():
                reason = "signal"
                raise _Stop
            try:
                block = blocks.get(timeout=BLOCK_S)
            except queue.Empty:
                if time.monotonic() - last_block_at > (STALL_S if flowing else STARTUP_S):
                    raise DeviceFailed(f"input device {device.index} ({device.name}) stopped sending audio "
                                       f"(unplugged?); the recording so far is kept in {writer.path}") from None
                continue
            last_block_at = time.monotonic()
            if not flowing:
                # Say "recording" only once sound really arrives: devices take up to a second
                # to start, and words spoken before that would be lost.
                flowing, silent_since = True, last_block_at
                on_started()
            if paused:
                level = -math.inf
            else:
                writer.append(block.tobytes())
                level = level_dbfs(block)
                if level > options.silence_dbfs:
                    silent_since = time.monotonic()
            silent_for = 0.0 if paused else time.monotonic() - silent_since
            on_status(CaptureStatus(elapsed_s=writer.duration_s, level_dbfs=level, paused=paused,
                                    silent_for_s=silent_for, warn_silent=silent_for >= options.silence_warn_s))
    except _Stop:
        pass
    finally:
        _close_quietly(stream)
    # Blocks PortAudio delivered before the stop was asked for are part of the recording.
    while not paused:
        try:
            writer.append(blocks.get_nowait().tobytes())
        except queue.Empty:
            break
    if dropped:
        logger.warning("the input overflowed %d times: about %.1f s of audio is missing", dropped, dropped * BLOCK_S)
    return CaptureResult(duration_s=writer.duration_s, stop_reason=reason, dropped_blocks=dropped)


class _Stop(Exception):
    pass


def _close_quietly(stream) -> None:
    try:
        stream.stop()
        stream.close()
    except Exception as exc:  # noqa: BLE001 - a device that vanished cannot be closed; the file is what matters
        logger.debug("closing the input stream failed: %s", exc)

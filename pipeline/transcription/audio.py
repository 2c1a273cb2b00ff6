"""Open and check an audio file, then decode it to 16 kHz mono float32 for Whisper.

Every check raises an error from ``models.errors`` with a message that names the
file and says what is wrong, so the CLI and the API can show it as it is."""

from __future__ import annotations

import gc
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from pipeline.transcription.audio_containers import looks_like_text, sniff_container, truncation_reason
from models.errors import AudioCorrupt, AudioFileEmpty, AudioFileMissing, AudioTooLong, NotAudio

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
SUPPORTED_FORMATS = "wav, flac, mp3, m4a/aac, ogg/opus or webm"
# Containers whose stated length is exact (a header sample count or index), so a
# decode that comes up short means the file is cut off. MP3, ADTS AAC and WAV are
# left out: FFmpeg estimates or clamps their length from the file size, and
# ``truncation_reason`` checks them byte by byte instead.
_EXACT_LENGTH_FORMATS = {"flac", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "ogg"}
_ESTIMATED_LENGTH_FORMATS = {"mp3", "aac", "wav"}
# Of those, the ones whose stated length may overstate the audio (a bit-rate guess).
_GUESSED_LENGTH_FORMATS = {"mp3", "aac"}
# More undecodable packets than this share of the stream is damage, not a glitch.
_MAX_BAD_PACKET_SHARE = 0.01
# A decoded frame whose loudest sample reaches this counts as sound (room noise peaks
# around -50 dBFS and speech near -20; the dither of a silent recording near -90).
SOUND_DBFS = -45.0
# Samples gathered before each resampler call (as faster-whisper's own decoder does).
_RESAMPLE_CHUNK = 500_000


@dataclass(frozen=True)
class AudioProbe:
    format_name: str
    codec: str
    declared_duration_s: float | None  # as the container states it; None when it does not
    container: str | None = None  # the container its first bytes name ("WAV", "Ogg"...)


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32, mono, 16 kHz
    duration_s: float
    probe: AudioProbe
    bad_packets: int = 0  # packets the decoder had to skip (few enough to carry on)


@dataclass(frozen=True)
class CheckedAudio:
    """A file that passed every check ``load_audio`` makes, not kept in memory."""

    probe: AudioProbe
    duration_s: float  # of the audio decoded
    peak_dbfs: float  # the loudest sample, in dB below full scale (-inf for all zeros)
    sound_s: float = 0.0  # seconds of decoded frames whose loudest sample reaches SOUND_DBFS


@dataclass
class _DecodeTally:
    seconds: float = 0.0  # decoded
    packets: int = 0
    bad: int = 0  # packets the decoder could not decode
    bad_at_end: bool = False  # the last packet was one of them (a cut-off end)
    peak: float = 0.0  # loudest sample seen, as a fraction of full scale
    sound_s: float = 0.0  # seconds of frames whose peak reaches SOUND_DBFS


def _fmt_duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def _short(exc: Exception) -> str:
    """FFmpeg's message without its errno and the path (the caller names the file)."""
    text = getattr(exc, "strerror", None) or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return text.split(": '")[0].strip()


# Reads the file from a seekable stream instead of from its path (e.g. audio decrypted
# as it is read: ``path`` is then only the name that messages give).
Opener = Callable[[], BinaryIO]


@contextmanager
def _av_open(path: Path, opener: Opener | None) -> Iterator[av.container.InputContainer]:
    if opener is None:
        with av.open(str(path), metadata_errors="ignore") as container:
            yield container
    else:
        with opener() as handle, av.open(handle, metadata_errors="ignore") as container:
            yield container


def probe_audio(path: Path, opener: Opener | None = None) -> AudioProbe:
    """Check that ``path`` exists, is not empty and holds an audio stream."""
    path = Path(path)
    if opener is None and not path.exists():
        raise AudioFileMissing(f"{path}: no such file")
    if opener is None and path.is_dir():
        raise AudioFileMissing(f"{path}: is a folder, not an audio file")
    try:
        with opener() if opener else open(path, "rb") as handle:
            head = handle.read(4096)
    except PermissionError:
        raise AudioFileMissing(f"{path}: cannot be read (permission denied)") from None
    if not head:
        raise AudioFileEmpty(f"{path}: the file is empty (0 bytes)")
    container = sniff_container(head)
    try:
        with _av_open(path, opener) as opened:
            streams = opened.streams.audio
            if not streams:
                raise NotAudio(not_audio_message(path, head, has_pictures=bool(opened.streams.video)))
            stream = streams[0]
            declared = None
            if stream.duration is not None and stream.time_base is not None:
                declared = float(stream.duration * stream.time_base)
            elif opened.duration is not None:
                declared = opened.duration / av.time_base
            return AudioProbe(opened.format.name, stream.codec_context.name, declared, container)
    except NotAudio:
        raise
    except av.error.PermissionError:
        raise AudioFileMissing(f"{path}: cannot be read (permission denied)") from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        if container:  # it starts like audio, so it is audio that is damaged
            raise AudioCorrupt(f"{path}: the {container} file is damaged or truncated and cannot be opened") from None
        raise NotAudio(not_audio_message(path, head, has_pictures=False)) from None


def not_audio_message(path: Path | str, head: bytes, *, has_pictures: bool) -> str:
    if looks_like_text(head):
        what = "it holds text"
    elif has_pictures:
        what = "it holds pictures or video but no sound"
    else:
        what = "its format is not one casenote recognises"
    return f"{path}: not an audio file ({what}); casenote reads {SUPPORTED_FORMATS}"


def load_audio(path: Path, *, max_seconds: float) -> DecodedAudio:
    """Probe, check the length limit and the container, decode, and check the decode."""
    path = Path(path)
    probe = _check_container(path, max_seconds)
    stated = probe.declared_duration_s if probe.format_name not in _GUESSED_LENGTH_FORMATS else None
    samples, tally = _decode(path, max_seconds, min(stated, max_seconds) if stated else None)
    _check_decode(path, probe, tally)
    # Counts and formats only: neither the content nor the file name (which may name a
    # child) goes to the log.
    if tally.bad:
        logger.warning("skipped %d undecodable packet(s) of %d; the rest decoded", tally.bad, tally.packets)
    duration = len(samples) / SAMPLE_RATE
    logger.debug("decoded %s/%s, %.1f s", probe.format_name, probe.codec, duration)
    return DecodedAudio(samples=samples, duration_s=duration, probe=probe, bad_packets=tally.bad)


def check_audio(path: Path, *, max_seconds: float, opener: Opener | None = None) -> CheckedAudio:
    """Every check of ``load_audio``, judged on the same numbers, without resampling or
    keeping the samples: memory stays constant however long the file, and it takes about
    two thirds of ``load_audio``'s time (for a file that must be judged before it is kept).
    With ``opener`` the file is read as a stream and never held whole."""
    path = Path(path)
    probe = _check_container(path, max_seconds, opener)
    tally = _DecodeTally()
    with _decode_errors(path), closing(_decoded_frames(path, max_seconds, tally, opener)) as frames:
        sound_level = 10 ** (SOUND_DBFS / 20)
        for frame in frames:
            peak = _frame_peak(frame)
            tally.peak = max(tally.peak, peak)
            if peak >= sound_level:
                tally.sound_s += frame.samples / frame.sample_rate
    _check_decode(path, probe, tally)
    peak_dbfs = 20 * math.log10(tally.peak) if tally.peak > 0 else -math.inf
    return CheckedAudio(probe=probe, duration_s=tally.seconds, peak_dbfs=peak_dbfs, sound_s=tally.sound_s)


def _frame_peak(frame: av.AudioFrame) -> float:
    """Loudest sample of a decoded frame as a fraction of full scale, whatever its format."""
    data = frame.to_ndarray()
    if data.size == 0:
        return 0.0
    peak = float(np.abs(data).max())
    if np.issubdtype(data.dtype, np.integer):
        info = np.iinfo(data.dtype)
        if info.min == 0:  # unsigned 8-bit PCM is centred on 128
            return float(np.abs(data.astype(np.int32) - (info.max + 1) // 2).max()) / ((info.max + 1) / 2)
        return peak / -info.min
    return peak


def _check_container(path: Path, max_seconds: float, opener: Opener | None = None) -> AudioProbe:
    """Probe, the stated length against the limit, the container's own bookkeeping."""
    probe = probe_audio(path, opener)
    declared = probe.declared_duration_s
    if declared is not None and declared > max_seconds and probe.format_name not in _GUESSED_LENGTH_FORMATS:
        raise _too_long(path, declared, max_seconds)
    reason = truncation_reason(path, probe.container, opener)
    if reason:
        raise AudioCorrupt(f"{path}: the {_kind(probe)} file is truncated: {reason}")
    return probe


def _check_decode(path: Path, probe: AudioProbe, tally: _DecodeTally) -> None:
    """Whether the decode shows a cut-off end, damage, nothing at all, or less than stated."""
    kind, declared = _kind(probe), probe.declared_duration_s
    if tally.bad_at_end:
        raise AudioCorrupt(f"{path}: the {kind} file is truncated: its last block of audio is cut off")
    if tally.bad > _MAX_BAD_PACKET_SHARE * max(tally.packets, 1):
        raise AudioCorrupt(f"{path}: the audio is damaged: {tally.bad} of {tally.packets} blocks could not be decoded")
    if tally.seconds == 0:
        raise AudioCorrupt(f"{path}: the file holds no decodable audio (damaged or truncated)")
    if declared and _short_of_declared(probe.format_name, declared, tally.seconds):
        raise AudioCorrupt(
            f"{path}: the {kind} file is damaged or truncated: it should hold {_fmt_duration(declared)} "
            f"of audio but only {_fmt_duration(tally.seconds)} could be decoded"
        )


def _kind(probe: AudioProbe) -> str:
    return probe.container or probe.format_name


def _too_long(path: Path, seconds: float | None, max_seconds: float) -> AudioTooLong:
    limit = f"{_fmt_duration(max_seconds)} (CASENOTE_MAX_AUDIO_SECONDS)"
    if seconds is None:  # decoding stopped at the limit; the container does not say its length
        return AudioTooLong(f"{path}: the recording is longer than the limit of {limit}")
    return AudioTooLong(f"{path}: the recording is {_fmt_duration(seconds)} long; the limit is {limit}")


def _short_of_declared(format_name: str, declared: float, decoded: float) -> bool:
    if format_name in _ESTIMATED_LENGTH_FORMATS:
        return False
    if format_name in _EXACT_LENGTH_FORMATS:  # only codec priming/padding differs (< 0.07 s)
        return decoded + 0.1 < declared
    return decoded + 0.5 < declared * 0.98


def _decode(path: Path, max_seconds: float, expected_s: float | None = None) -> tuple[np.ndarray, _DecodeTally]:
    """16 kHz mono float32 samples, and the tally of the decode.

    The same resampling as faster-whisper's ``decode_audio`` (so the samples are
    identical), but decoding packet by packet: its decoder stops at the first bad
    packet and silently returns the audio before it, and it cannot stop early at the
    length limit when the container does not state its length (browser WebM).

    Memory: with ``expected_s`` (a length the container states exactly) the samples go
    straight into one float32 array of that size, 4 bytes a sample at the peak (3 hours:
    0.7 GB); else int16 blocks are gathered and copied into the float32 array one by one
    as each is freed, 6 bytes a sample (was 12 with concatenate, astype and divide)."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    fifo = av.AudioFifo()
    chunks: list[np.ndarray] = []
    samples = np.empty(int(expected_s * SAMPLE_RATE) + SAMPLE_RATE if expected_s else 0, dtype=np.float32)
    filled = 0
    tally = _DecodeTally()

    def resample(frame: av.AudioFrame | None) -> None:
        nonlocal filled
        for out in resampler.resample(frame):
            block = out.to_ndarray().reshape(-1)
            if not chunks and filled + len(block) <= len(samples):
                samples[filled:filled + len(block)] = block
                filled += len(block)
            else:  # longer than stated, or no length stated
                chunks.append(block)

    try:
        with _decode_errors(path), closing(_decoded_frames(path, max_seconds, tally)) as frames:
            for frame in frames:
                frame.pts = None  # the FIFO checks timestamps; gaps are not our concern
                fifo.write(frame)
                if fifo.samples >= _RESAMPLE_CHUNK:
                    resample(fifo.read())
            if fifo.samples:
                resample(fifo.read())
            resample(None)  # flush
    finally:
        # PyAV's resampler holds native buffers until collected (faster-whisper issue 390).
        del resampler, fifo
        gc.collect()
    if chunks:
        samples = _joined(samples[:filled], chunks)
    else:
        samples = samples[:filled]
    samples /= 32768.0
    return samples, tally


def _joined(head: np.ndarray, chunks: list[np.ndarray]) -> np.ndarray:
    """``head`` then the int16 ``chunks`` as one float32 array, each chunk freed once copied."""
    joined = np.empty(len(head) + sum(len(c) for c in chunks), dtype=np.float32)
    joined[:len(head)] = head
    at = len(head)
    chunks.reverse()
    while chunks:
        block = chunks.pop()
        joined[at:at + len(block)] = block
        at += len(block)
    return joined


def _decoded_frames(path: Path, max_seconds: float, tally: _DecodeTally,
                    opener: Opener | None = None) -> Iterator[av.AudioFrame]:
    """The decoded frames in order, skipping packets that do not decode (counted in
    ``tally``); stops with ``AudioTooLong`` past the limit."""
    with _av_open(path, opener) as container:
        for packet in container.demux(container.streams.audio[0]):
            if packet.size:
                tally.packets += 1
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                tally.bad += 1
                tally.bad_at_end = True
                continue
            if packet.size:
                tally.bad_at_end = False
            for frame in frames:
                tally.seconds += frame.samples / frame.sample_rate
                if tally.seconds > max_seconds:
                    raise _too_long(path, None, max_seconds)
                yield frame


@contextmanager
def _decode_errors(path: Path) -> Iterator[None]:
    """FFmpeg's errors while decoding, as one ``AudioCorrupt`` line."""
    try:
        yield
    except av.error.FFmpegError as exc:
        detail = _short(exc)
        detail = "" if detail.startswith("Error number") else f" ({detail})"  # FFmpeg's unnamed codes say nothing
        raise AudioCorrupt(f"{path}: the audio is damaged and could not be decoded{detail}") from None
    except ValueError as exc:  # the stream changes sample format or layout part-way
        raise AudioCorrupt(f"{path}: the audio could not be decoded ({_short(exc)})") from None

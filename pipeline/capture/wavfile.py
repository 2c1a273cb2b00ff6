"""A 16-bit PCM WAV file that is valid audio at every moment it is being written.

Why WAV with a patched header, not FLAC or a journal: PCM needs no encoder state,
so every byte on disk is final the moment it is written and a cut-off file is
still the recording up to the cut. Blocks go to the kernel as they arrive (a killed
process loses only the block in flight); about once a second the header's two
sizes are rewritten in place and the file is fsynced, so after a power cut the
file on disk is a playable WAV holding all but the last second. A file whose
header lags its data (killed between two patches) is put right by
``repair_wav`` from the file's real length. 16 kHz mono 16-bit is 115 MB an
hour, which a laptop disk takes easily."""

from __future__ import annotations

import errno
import os
import struct
import time
from pathlib import Path

from models.errors import CaptureError, DiskFull

HEADER_BYTES = 44
SAMPLE_BYTES = 2  # int16


def wav_header(samplerate: int, channels: int, data_bytes: int) -> bytes:
    block_align = channels * SAMPLE_BYTES
    return b"".join([
        b"RIFF", struct.pack("<I", 36 + data_bytes), b"WAVE",
        b"fmt ", struct.pack("<IHHIIHH", 16, 1, channels, samplerate, samplerate * block_align,
                             block_align, 8 * SAMPLE_BYTES),
        b"data", struct.pack("<I", data_bytes),
    ])


def read_wav_format(path: Path) -> tuple[int, int] | None:
    """(samplerate, channels) from a header this module wrote, or None if it is not one."""
    with open(path, "rb") as f:
        head = f.read(HEADER_BYTES)
    if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt " or head[36:40] != b"data":
        return None
    _, fmt, channels, samplerate, _, _, bits = struct.unpack("<IHHIIHH", head[16:36])
    if fmt != 1 or bits != 16 or channels < 1:
        return None
    return samplerate, channels


class WavStreamWriter:
    """Appends int16 PCM blocks; ``sync`` (about once a second) patches sizes and fsyncs."""

    def __init__(self, path: Path, samplerate: int, channels: int = 1, *, sync_interval_s: float = 1.0) -> None:
        self.path, self.samplerate, self.channels = Path(path), samplerate, channels
        self.block_align = channels * SAMPLE_BYTES
        self.sync_interval_s = sync_interval_s
        self.data_bytes = 0
        self._last_sync = time.monotonic()
        try:
            # O_EXCL: never overwrite an earlier recording, whatever --out says.
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CaptureError(f"{self.path}: the file already exists; choose another --out name") from None
        except OSError as exc:
            raise _write_failure(self.path, exc, 0.0) from None
        try:
            self._write_all(wav_header(samplerate, channels, 0))
            os.fsync(self.fd)
        except OSError as exc:
            os.close(self.fd)
            raise _write_failure(self.path, exc, 0.0) from None

    @property
    def frames(self) -> int:
        return self.data_bytes // self.block_align

    @property
    def duration_s(self) -> float:
        return self.frames / self.samplerate

    def append(self, pcm: bytes) -> None:
        """Write one block; on a full disk keep every whole frame written, then raise."""
        try:
            self._write_all(pcm)
        except OSError as exc:
            self._settle_after_failed_write()
            raise _write_failure(self.path, exc, self.duration_s) from None
        self.data_bytes += len(pcm)
        if time.monotonic() - self._last_sync >= self.sync_interval_s:
            self.sync()

    def sync(self) -> None:
        os.pwrite(self.fd, struct.pack("<I", 36 + self.data_bytes), 4)
        os.pwrite(self.fd, struct.pack("<I", self.data_bytes), 40)
        os.fsync(self.fd)
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self.fd < 0:
            return
        fd, self.fd = self.fd, -1
        try:
            os.pwrite(fd, struct.pack("<I", 36 + self.data_bytes), 4)
            os.pwrite(fd, struct.pack("<I", self.data_bytes), 40)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def _settle_after_failed_write(self) -> None:
        """A partly written block: cut the file back to the last whole frame we counted.

        Shrinking and patching bytes already allocated need no free space."""
        os.ftruncate(self.fd, HEADER_BYTES + self.data_bytes)
        os.lseek(self.fd, 0, os.SEEK_END)
        try:
            self.sync()
        except OSError:
            pass  # the data is in the page cache; repair_wav fixes the header next run


def _write_failure(path: Path, exc: OSError, kept_s: float) -> CaptureError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"the disk is full: recording stopped after {kept_s:.0f} s; "
                        f"what was recorded is kept in {path}")
    return CaptureError(f"{path}: cannot write the recording ({exc.strerror or exc})")


def repair_wav(path: Path, samplerate: int, channels: int = 1) -> float:
    """Make the header agree with the data actually on disk; returns the duration in seconds.

    Used on a recording whose writer was killed: a torn last frame is cut off, a
    header that never got written (killed within microseconds of starting) is made."""
    block_align = channels * SAMPLE_BYTES
    fmt = read_wav_format(path)
    if fmt is not None:
        samplerate, channels = fmt
        block_align = channels * SAMPLE_BYTES
    size = path.stat().st_size
    data_bytes = max(0, size - HEADER_BYTES) // block_align * block_align
    fd = os.open(path, os.O_RDWR)
    try:
        if size < HEADER_BYTES:
            os.ftruncate(fd, 0)
        os.pwrite(fd, wav_header(samplerate, channels, data_bytes), 0)
        os.ftruncate(fd, HEADER_BYTES + data_bytes)
        os.fsync(fd)
    finally:
        os.close(fd)
    return data_bytes / block_align / samplerate

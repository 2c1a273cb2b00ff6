"""Byte-level checks of audio containers, for what FFmpeg is too lenient to report.

FFmpeg decodes whatever bytes are there, so a recording cut off part-way through an
upload or a copy looks to it like a shorter recording. These checks read the
container's own bookkeeping (the WAV data size, Ogg's end-of-stream page, the length
of each MPEG audio frame) to tell the two apart, and name the container of a file
FFmpeg cannot open at all, so the message can say "damaged" rather than "not audio"."""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# Magic bytes -> the name a worker knows the format by.
WAV, FLAC, MP3, MP4, OGG, WEBM, AAC = "WAV", "FLAC", "MP3", "MP4/M4A", "Ogg", "WebM/Matroska", "AAC"


def sniff_container(head: bytes) -> str | None:
    """The audio container ``head`` (the file's first bytes) starts like, if any."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"fLaC":
        return FLAC
    if head[4:8] == b"ftyp":
        return MP4
    if head[:4] == b"OggS":
        return OGG
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return WEBM
    if head[:3] == b"ID3":
        return MP3
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # 12 sync bits, layer 00: ADTS
            return AAC
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # 11 sync bits, a real layer
            return MP3
    return None


def looks_like_text(head: bytes) -> bool:
    """Whether the file's first bytes read as text (notes, JSON, a transcript...)."""
    if not head or b"\x00" in head:
        return False
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a multi-byte character cut by the read is fine
            return False
        decoded = head[: exc.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
    return printable >= 0.95 * len(decoded)


def truncation_reason(path: Path, kind: str | None, opener: Callable[[], BinaryIO] | None = None) -> str | None:
    """Why the file is evidently cut short, or None when its bookkeeping adds up.
    ``opener``: read the file through it (a seekable stream) instead of from ``path``."""
    checks = {WAV: _wav_truncation, OGG: _ogg_truncation, MP3: _mpeg_truncation, AAC: _mpeg_truncation}
    check = checks.get(kind or "")
    if check is None:
        return None
    if opener is not None:
        with opener() as handle:
            view = StreamView(handle)
            return check(view) if len(view) else None
    if path.stat().st_size == 0:
        return None
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return check(data)


class StreamView:
    """The bytes of a seekable stream indexed like an ``mmap`` (``len``, ``view[i]``,
    ``view[a:b]``), read a block at a time, for files that are not plain files on disk."""

    BLOCK = 64 * 1024

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.size = handle.seek(0, 2)
        self._start, self._block = 0, b""

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, _ = key.indices(self.size)
            return self._read(start, max(start, stop))
        if key < 0:
            key += self.size
        if not 0 <= key < self.size:
            raise IndexError(key)
        return self._read(key, key + 1)[0]

    def _read(self, start: int, stop: int) -> bytes:
        if not (self._start <= start and stop <= self._start + len(self._block)):
            self.handle.seek(start)
            self._start, self._block = start, self.handle.read(max(stop - start, self.BLOCK))
        return self._block[start - self._start:stop - self._start]


def _wav_truncation(data: mmap.mmap) -> str | None:
    byte_rate = None
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if chunk == b"fmt " and size >= 12:
            byte_rate = struct.unpack("<I", data[offset + 16:offset + 20])[0]
        if chunk == b"data":
            present = len(data) - offset - 8
            # 0 and 0xFFFFFFFF mean "size unknown" (a recorder that never went back to fill it in).
            if size in (0, 0xFFFFFFFF) or size <= present:
                return None
            if byte_rate:
                return (f"its header promises {size / byte_rate:.1f} s of audio "
                        f"but the file holds only {present / byte_rate:.1f} s")
            return f"its header promises {size} bytes of audio but the file holds only {present}"
        offset += 8 + size + (size & 1)  # chunks are padded to an even length
    return None


def _ogg_truncation(data: mmap.mmap) -> str | None:
    offset, last_flags = 0, None
    while offset < len(data):
        if data[offset:offset + 4] != b"OggS":
            return None  # not a page where one should be: leave it to the decoder
        if offset + 27 > len(data):
            return "its last page is cut off"
        segments = data[offset + 26]
        if offset + 27 + segments > len(data):
            return "its last page is cut off"
        body = sum(data[offset + 27:offset + 27 + segments])
        end = offset + 27 + segments + body
        if end > len(data):
            return "its last page is cut off"
        last_flags, offset = data[offset + 5], end
    if last_flags is not None and not last_flags & 0x04:
        return "it ends without the end-of-stream page a finished recording has"
    return None


# kbit/s by [MPEG-1?][layer 1..3][index]; sample rates by version.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame_length(header: bytes) -> int | None:
    """Length in bytes of the MP3 or ADTS (AAC) frame starting with ``header``."""
    if len(header) < 6 or header[0] != 0xFF:
        return None
    if header[1] & 0xF6 == 0xF0:  # ADTS: the 13-bit frame length is in the header
        return ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5) or None
    version, layer = (header[1] >> 3) & 3, 4 - ((header[1] >> 1) & 3)
    if header[1] & 0xE0 != 0xE0 or version == 1 or layer == 4:
        return None
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if bitrate_index in (0, 15) or rate_index == 3:  # free format or invalid: cannot walk
        return None
    bitrate = _BITRATES[(version == 3, layer)][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if layer == 2 or version == 3 else 72
    return per_frame * bitrate // rate + padding


def _mpeg_truncation(data: mmap.mmap) -> str | None:
    offset = 0
    if data[:3] == b"ID3" and len(data) >= 10:  # ID3v2 tag: its size is a 28-bit synchsafe int
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        offset = 10 + size + (10 if data[5] & 0x10 else 0)
    frames = 0
    while offset < len(data):
        length = _mpeg_frame_length(data[offset:offset + 6])
        if length is None:
            # A tag at the end (ID3v1, APE, Lyrics3) is normal; anything else (junk,
            # free-format bit rate) cannot be walked, so it is left to the decoder.
            return None
        if offset + length > len(data):
            return "its last audio frame is cut off" if frames else None
        offset += length
        frames += 1
    return None

"""HTTP Range requests (RFC 9110 §14) for the audio player: one range per request,
which is what browsers send when seeking."""

from __future__ import annotations

import re

from api.problems import Problem

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end) inclusive, or None to send the whole file. Raises 416 when the
    range cannot be satisfied."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: ignoring Range is allowed (full 200)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise unsatisfiable(size)
    return start, end


def unsatisfiable(size: int) -> Problem:
    return Problem(416, f"the range is outside the {size} bytes of audio", type_="range-not-satisfiable",
                   headers={"Content-Range": f"bytes */{size}"})

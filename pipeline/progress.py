"""The progress bar every command that transcribes shows on stderr, for recordings
long enough to wait for."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROGRESS_MIN_SECONDS = 30.0


class StderrProgress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.last = label, width, -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if percent == self.last:
            return
        self.last = percent
        filled = int(self.width * fraction)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}%")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()


def progress_for(audio: Path) -> StderrProgress | None:
    """A progress bar only for files over ~30 s (short ones finish before it helps), and
    only on a terminal (``CASENOTE_PROGRESS=1`` forces it)."""
    from pipeline.transcription.audio import probe_audio

    declared = probe_audio(audio).declared_duration_s
    long_enough = declared is not None and declared > PROGRESS_MIN_SECONDS
    if long_enough and (sys.stderr.isatty() or os.environ.get("CASENOTE_PROGRESS") == "1"):
        return StderrProgress(f"transcribing {audio.name}")
    return None

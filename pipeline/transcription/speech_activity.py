"""Where the voice-activity detector hears speech, frame by frame.

faster-whisper's VAD filter only says which long chunks to recognise (it bridges
pauses of up to 2 s and pads each chunk by 0.4 s), which is too coarse to tell a
pause from speech the recogniser skipped. The same Silero model, read at its own
frame rate (32 ms), is fine enough: the coverage guard compares it with where
words were placed, and the quality flags ask it whether a segment's time held
speech at all."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import get_vad_model

from pipeline.transcription.audio import SAMPLE_RATE

FRAME_SAMPLES = 512  # Silero's window at 16 kHz
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
SPEECH_THRESHOLD = 0.5  # faster-whisper's VadOptions.threshold: above it a frame is speech


@dataclass(frozen=True)
class SpeechMap:
    """Speech probability of each 32 ms frame of a stretch of audio starting at ``offset_s``."""

    probabilities: np.ndarray  # float32, one per frame
    offset_s: float = 0.0

    @property
    def end_s(self) -> float:
        return self.offset_s + len(self.probabilities) * FRAME_S

    def _frames(self, start_s: float, end_s: float) -> slice:
        first = max(0, int(np.floor((start_s - self.offset_s) / FRAME_S)))
        last = min(len(self.probabilities), int(np.ceil((end_s - self.offset_s) / FRAME_S)))
        return slice(first, max(first, last))

    def speech_s(self, start_s: float, end_s: float) -> float:
        """Seconds of speech the detector heard between ``start_s`` and ``end_s``."""
        if end_s <= start_s:
            return 0.0
        frames = self.probabilities[self._frames(start_s, end_s)]
        return float(np.count_nonzero(frames >= SPEECH_THRESHOLD)) * FRAME_S

    def speech_share(self, spans: list[tuple[float, float]]) -> float:
        """Share (0..1) of the frames under ``spans`` (each frame counted once) heard as speech."""
        covered = np.zeros(len(self.probabilities), dtype=bool)
        for start_s, end_s in spans:
            covered[self._frames(start_s, end_s)] = True
        if not covered.any():
            return 0.0
        return float(np.mean(self.probabilities[covered] >= SPEECH_THRESHOLD))

    def speech_extent(self, start_s: float, end_s: float) -> tuple[float, float] | None:
        """(first, last) moment of speech between ``start_s`` and ``end_s``; None if none."""
        window = self._frames(start_s, end_s)
        speech = np.flatnonzero(self.probabilities[window] >= SPEECH_THRESHOLD)
        if not len(speech):
            return None
        first = self.offset_s + (window.start + int(speech[0])) * FRAME_S
        last = self.offset_s + (window.start + int(speech[-1]) + 1) * FRAME_S
        return max(first, start_s), min(last, end_s)


def speech_map(samples: np.ndarray, offset_s: float = 0.0) -> SpeechMap:
    """Run Silero VAD (the model faster-whisper ships) over ``samples`` once."""
    if len(samples) == 0:
        return SpeechMap(np.zeros(0, dtype=np.float32), offset_s)
    padded = np.pad(samples, (0, FRAME_SAMPLES - len(samples) % FRAME_SAMPLES))
    probabilities = np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)
    return SpeechMap(probabilities[: -(-len(samples) // FRAME_SAMPLES)], offset_s)

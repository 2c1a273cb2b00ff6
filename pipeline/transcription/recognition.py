"""faster-whisper's output as plain, absolutely timed pieces the later steps can
rearrange: each recognised segment with its words, and the gaps where speech was
heard but could not be recognised."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from faster_whisper import WhisperModel

from pipeline.transcription.audio import SAMPLE_RATE


@dataclass(frozen=True)
class TimedWord:
    text: str  # as Whisper wrote it, with its leading space
    start: float
    end: float
    probability: float
    heard: str | None = None  # what Whisper wrote, when a vocabulary correction replaced it


@dataclass
class Piece:
    """One recognised segment (times in seconds from the start of the recording), or,
    with ``gap`` set, a stretch of speech that no recognition could turn into words."""

    start: float
    end: float
    words: list[TimedWord] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    # The hot-words prompt this piece was recognised with (None: recognised again
    # without it, by the coverage guard).
    prompt: str | None = None
    gap: bool = False
    # Share of the piece's time the voice-activity detector heard as speech (None: not measured).
    speech_share: float | None = None
    # Words Whisper wrote over and over (a loop) that were taken out so the stretch could
    # be recognised again, as "'aunt's' 11 times": kept for the flag that says so.
    loop_removed: str | None = None

    def split_before(self, index: int) -> tuple[Piece, Piece]:
        """This piece cut before its ``index``-th word (both halves keep its scores)."""
        head, tail = self.words[:index], self.words[index:]
        return (dataclasses.replace(self, end=max(self.start, head[-1].end) if head else self.start, words=head),
                dataclasses.replace(self, start=tail[0].start if tail else self.end, words=tail, loop_removed=None))


def pieces_from(segments, offset_s: float, prompt: str | None,
                on_piece: Callable[[Piece], None] | None = None) -> Iterator[Piece]:
    """faster-whisper segments (a generator: recognition happens as it is consumed) as pieces."""
    for segment in segments:
        piece = Piece(
            start=offset_s + segment.start, end=offset_s + segment.end,
            words=[TimedWord(text=w.word, start=offset_s + w.start, end=offset_s + w.end,
                             probability=float(w.probability)) for w in (segment.words or [])],
            avg_logprob=float(segment.avg_logprob), no_speech_prob=float(segment.no_speech_prob),
            compression_ratio=float(segment.compression_ratio), prompt=prompt,
        )
        if on_piece:
            on_piece(piece)
        yield piece


def recognise_again(model: WhisperModel, samples: np.ndarray, start_s: float, end_s: float,
                    whisper_kwargs: dict) -> list[Piece]:
    """Recognise ``samples[start_s:end_s]`` on its own: no vocabulary prompt, no
    context, no VAD (the detector already said this is speech), and no skipping of a
    window that Whisper thinks silent (its no-speech guess is what lost it)."""
    kwargs = dict(whisper_kwargs, hotwords=None, vad_filter=False, condition_on_previous_text=False,
                  no_speech_threshold=None)
    stretch = samples[int(start_s * SAMPLE_RATE):int(end_s * SAMPLE_RATE)]
    if len(stretch) < SAMPLE_RATE // 10:
        return []
    segments, _ = model.transcribe(stretch, **kwargs)
    return [piece for piece in pieces_from(segments, start_s, prompt=None) if piece.words]

"""Mark recognised text the worker must check. Flagged text is kept, never dropped:
the worker decides, with the audio to hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.transcript import Flag, FlagKind, Word

_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class FlagThresholds:
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float
    word_probability: float
    repeated_ngram: int  # this many back-to-back repeats of an n-gram is suspicious


def repeated_ngram(text: str, *, repeats: int, max_n: int = 6) -> str | None:
    """The first n-gram that occurs ``repeats`` times in a row (Whisper's looping failure)."""
    tokens = [t.lower() for t in _WORD.findall(text)]
    for n in range(1, max_n + 1):
        for start in range(0, len(tokens) - n * repeats + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, repeats)):
                return " ".join(gram)
    return None


def segment_flags(
    *,
    text: str,
    avg_logprob: float,
    no_speech_prob: float,
    compression_ratio: float,
    words: list[Word],
    thresholds: FlagThresholds,
) -> list[Flag]:
    flags: list[Flag] = []
    if no_speech_prob > thresholds.no_speech_prob:
        flags.append(Flag(kind=FlagKind.likely_no_speech,
                          reason=f"possibly invented: the audio here may hold no speech "
                                 f"({no_speech_prob:.0%} chance)"))
    if avg_logprob < thresholds.avg_logprob:
        flags.append(Flag(kind=FlagKind.low_logprob,
                          reason="the recogniser was unsure of this passage: check it against the audio"))
    if compression_ratio > thresholds.compression_ratio:
        flags.append(Flag(kind=FlagKind.high_compression,
                          reason="repetitive text, a sign of recognition looping: check against the audio"))
    gram = repeated_ngram(text, repeats=thresholds.repeated_ngram)
    if gram:
        flags.append(Flag(kind=FlagKind.repeated_ngram,
                          reason=f"'{gram}' repeats {thresholds.repeated_ngram} or more times in a row"))
    unsure = [w.text.strip() for w in words if w.probability < thresholds.word_probability and w.start_char is not None]
    if unsure:
        shown = ", ".join(f"'{w}'" for w in unsure[:5]) + (" ..." if len(unsure) > 5 else "")
        flags.append(Flag(kind=FlagKind.unsure_words, reason=f"unsure of {shown}"))
    return flags

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
    # Text over time the voice-activity detector heard as speech less than this share of is suspect.
    min_speech_share: float = 0.5


def repeated_ngram(text: str, *, repeats: int, max_n: int = 6) -> str | None:
    """The first n-gram that occurs ``repeats`` times in a row (Whisper's looping failure)."""
    tokens = [t.lower() for t in _WORD.findall(text)]
    for n in range(1, max_n + 1):
        for start in range(0, len(tokens) - n * repeats + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, repeats)):
                return " ".join(gram)
    return None


def prompt_echo(text: str, prompt: str | None, *, scaffolding: set[str], min_words: int = 4) -> str | None:
    """The longest run of ``prompt`` that ``text`` repeats word for word, when it is at
    least ``min_words`` long and holds a word of the prompt's own wording
    (``scaffolding``: "social care visit note", "terms", "people"), not only glossary
    terms a worker may well say one after another ("child protection core group")."""
    if not prompt:
        return None
    said, given = [t.lower() for t in _WORD.findall(text)], [t.lower() for t in _WORD.findall(prompt)]
    best: tuple[int, int] = (0, 0)  # (length, end in said)
    previous = [0] * (len(given) + 1)
    for i, word in enumerate(said, 1):
        current = [0] * (len(given) + 1)
        for j, other in enumerate(given, 1):
            if word == other:
                current[j] = previous[j - 1] + 1
                if current[j] > best[0]:
                    best = (current[j], i)
        previous = current
    length, end = best
    run = said[end - length:end]
    if length >= min_words and scaffolding.intersection(run):
        return " ".join(run)
    return None


def possibly_invented(*, no_speech_prob: float, avg_logprob: float, speech_share: float | None,
                      thresholds: FlagThresholds) -> str | None:
    """Why a segment's text may not have been said at all, or None.

    Whisper's no-speech probability alone is a poor sign: measured on long dictations
    with the hot-words prompt, most segments it put over 0.6 held words all said. Two
    signs that hold up: the voice-activity detector heard speech in less than
    ``min_speech_share`` of the segment's time (text where there was no voice), or
    Whisper's own test for a silent window (no-speech probability over its threshold
    and a log-probability under its threshold, both)."""
    if speech_share is not None and speech_share < thresholds.min_speech_share:
        return f"the recording holds little or no speech here (voice heard in {speech_share:.0%} of it)"
    if no_speech_prob > thresholds.no_speech_prob and avg_logprob < thresholds.avg_logprob:
        return f"the audio here may hold no speech ({no_speech_prob:.0%} chance) and the recogniser was unsure"
    return None


def segment_flags(
    *,
    text: str,
    avg_logprob: float,
    no_speech_prob: float,
    compression_ratio: float,
    words: list[Word],
    thresholds: FlagThresholds,
    prompt: str | None = None,
    prompt_scaffolding: frozenset[str] = frozenset(),
    speech_share: float | None = None,
) -> list[Flag]:
    flags: list[Flag] = []
    invented = possibly_invented(no_speech_prob=no_speech_prob, avg_logprob=avg_logprob,
                                 speech_share=speech_share, thresholds=thresholds)
    if invented:
        flags.append(Flag(kind=FlagKind.likely_no_speech, reason=f"possibly invented: {invented}"))
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
    echo = prompt_echo(text, prompt, scaffolding=set(prompt_scaffolding))
    if echo:
        # Whisper sometimes "hears" its prompt in a pause; measured on tiny.en with the
        # glossary prompt: "Social care visit note." after the last sentence of a clip.
        flags.append(Flag(kind=FlagKind.prompt_echo,
                          reason=f"'{echo}' repeats the vocabulary given to the recogniser: "
                                 "possibly invented, check against the audio"))
    return flags

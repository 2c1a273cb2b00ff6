"""How well a transcript keeps what was said: word error rate, the runs of reference
words missing from it (and whether the transcript flags each place), and how often a
"possibly invented" flag sits on speech that was really said.

Pure functions of (reference, transcript) -> typed scores; the dictation benchmark and
the tests use them, and a worker-facing stage never does.

- Text is compared after Whisper's English normaliser (case, punctuation, numbers,
  British/American spellings), with parentheses turned into spaces first: the
  normaliser would delete words in parentheses as if they were "[noise]" notes.
- Gap markers such as ``[speech not transcribed 0:46–0:55]`` are removed before
  anything is compared: they are not words anyone said.
- A *missing run* is a maximal run of consecutive reference words that the word
  alignment marks as deleted or substituted, i.e. not in the transcript as said.
  Its time span is interpolated from the span of the sentence(s) it lies in, by word
  position. It is *flagged* when a segment carries an ``untranscribed_speech`` flag
  whose stretch (the flag's own start/end, else the segment's) overlaps the run's
  span widened by ``flag_tolerance_s`` on each side (1 s by default: the span inside a
  sentence is only interpolated, and a gap's edges are where the detector heard speech).
- An *invented-text flag* (``likely_no_speech`` by default) is a false alarm when every
  word of its segment is in the reference: aligned as correct, or substituted by a
  near-correct spelling (character similarity >= ``near_correct_ratio``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jiwer
from pydantic import BaseModel, ConfigDict, Field

from models.transcript import FlagKind, Transcript

# "[speech not transcribed 0:46–0:55]" and the like, whatever dash or spacing.
GAP_MARKER = re.compile(r"\[\s*speech not transcribed[^\]]*\]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def strip_gap_markers(text: str) -> str:
    return GAP_MARKER.sub(" ", text)


def normalise(text: str) -> str:
    """Whisper's English normaliser, gap markers removed and words in parentheses kept."""
    return _normaliser()(strip_gap_markers(text).replace("(", " ").replace(")", " "))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of one hypothesis against one reference, both normalised."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref.split():
        raise ValueError("the reference holds no words")
    return jiwer.wer(ref, hyp) if hyp.split() else 1.0


class ScoringOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    flag_tolerance_s: float = Field(default=1.0, ge=0)
    long_run_words: int = Field(default=5, ge=1, description="a run of more words than this is a lost passage")
    near_correct_ratio: float = Field(default=0.8, gt=0, le=1)
    invented_kinds: frozenset[FlagKind] = frozenset({FlagKind.likely_no_speech})


class ReferenceSentence(BaseModel):
    """One sentence of what was said, where it lies in the recording."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: float
    end: float


class MissingRun(BaseModel):
    first_word: int = Field(description="index of its first word among the reference's normalised words")
    words: list[str]
    start: float
    end: float
    flagged: bool

    @property
    def length(self) -> int:
        return len(self.words)


class InventedFlagCheck(BaseModel):
    segment_id: int
    start: float
    end: float
    text: str
    words: int
    said_words: int = Field(description="its words aligned to the reference as correct or near-correct")

    @property
    def words_in_reference(self) -> bool:
        """Every word of the segment was said: the flag is a false alarm."""
        return self.said_words == self.words


class RecordingScore(BaseModel):
    reference_words: int
    hypothesis_words: int
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    long_run_words: int
    missing_runs: list[MissingRun]
    invented_flags: list[InventedFlagCheck]
    untranscribed_flags: int = Field(description="segments flagged untranscribed_speech")

    @property
    def wer(self) -> float:
        return (self.substitutions + self.deletions + self.insertions) / self.reference_words

    @property
    def longest_missing_run(self) -> int:
        return max((run.length for run in self.missing_runs), default=0)

    @property
    def long_runs(self) -> list[MissingRun]:
        return [run for run in self.missing_runs if run.length > self.long_run_words]

    @property
    def unflagged_long_runs(self) -> list[MissingRun]:
        return [run for run in self.long_runs if not run.flagged]

    @property
    def invented_false_alarms(self) -> int:
        return sum(check.words_in_reference for check in self.invented_flags)


@dataclass(frozen=True)
class _Piece:
    """A stretch of the transcript: its text, span and flags (a segment, or all of a raw text)."""

    segment_id: int
    text: str
    start: float
    end: float
    flags: tuple[tuple[FlagKind, float, float], ...]  # (kind, start, end)


def score_transcript(reference: Sequence[ReferenceSentence], transcript: Transcript,
                     options: ScoringOptions = ScoringOptions()) -> RecordingScore:
    """Score a casenote ``Transcript`` against the sentences that were said."""
    pieces = [
        _Piece(segment.id, segment.text, segment.start, segment.end,
               tuple((flag.kind, segment.start if flag.start is None else flag.start,
                      segment.end if flag.end is None else flag.end) for flag in segment.flags))
        for segment in transcript.segments
    ]
    return _score(reference, pieces, options)


def score_text(reference: Sequence[ReferenceSentence], text: str,
               options: ScoringOptions = ScoringOptions()) -> RecordingScore:
    """Score plain text with no segments or flags (e.g. raw faster-whisper output):
    every missing run counts as unflagged."""
    return _score(reference, [_Piece(0, text, 0.0, float("inf"), ())], options)


def _score(reference: Sequence[ReferenceSentence], pieces: list[_Piece], options: ScoringOptions) -> RecordingScore:
    ref_words, ref_times = _reference_words(reference)
    if not ref_words:
        raise ValueError("the reference holds no words")
    hyp_words: list[str] = []
    hyp_owner: list[int] = []  # index into pieces
    for index, piece in enumerate(pieces):
        words = normalise(piece.text).split()
        hyp_words += words
        hyp_owner += [index] * len(words)

    ref_missing, hyp_said, counts = _align(ref_words, hyp_words, options.near_correct_ratio)

    gaps = [(start, end) for piece in pieces for kind, start, end in piece.flags
            if kind == FlagKind.untranscribed_speech]
    runs = [_missing_run(first, last, ref_words, ref_times, gaps, options.flag_tolerance_s)
            for first, last in _runs(ref_missing)]
    invented = []
    for index, piece in enumerate(pieces):  # one flag check per flagged segment
        if not any(kind in options.invented_kinds for kind, _, _ in piece.flags):
            continue
        said = [hyp_said[k] for k, owner in enumerate(hyp_owner) if owner == index]
        if said:  # a flagged segment with no words left has nothing to be invented
            invented.append(InventedFlagCheck(segment_id=piece.segment_id, start=piece.start, end=piece.end,
                                              text=piece.text, words=len(said), said_words=sum(said)))
    return RecordingScore(
        reference_words=len(ref_words), hypothesis_words=len(hyp_words), hits=counts["equal"],
        substitutions=counts["substitute"], deletions=counts["delete"], insertions=counts["insert"],
        long_run_words=options.long_run_words, missing_runs=runs, invented_flags=invented,
        untranscribed_flags=sum(any(kind == FlagKind.untranscribed_speech for kind, _, _ in piece.flags)
                                for piece in pieces),
    )


def _align(ref_words: list[str], hyp_words: list[str],
           near_ratio: float) -> tuple[list[bool], list[bool], dict[str, int]]:
    """Word alignment (jiwer's Levenshtein): which reference words are missing (deleted
    or substituted), which hypothesis words were said (correct, or a near-correct
    substitute), and the counts of each kind of edit."""
    ref_missing = [True] * len(ref_words)
    hyp_said = [False] * len(hyp_words)
    counts = {"equal": 0, "substitute": 0, "delete": 0, "insert": 0}
    if not hyp_words:
        counts["delete"] = len(ref_words)
        return ref_missing, hyp_said, counts
    output = jiwer.process_words(" ".join(ref_words), " ".join(hyp_words))
    for chunk in output.alignments[0]:
        refs = range(chunk.ref_start_idx, chunk.ref_end_idx)
        hyps = range(chunk.hyp_start_idx, chunk.hyp_end_idx)
        counts[chunk.type] += max(len(refs), len(hyps))
        if chunk.type == "equal":
            for r, h in zip(refs, hyps):
                ref_missing[r], hyp_said[h] = False, True
        elif chunk.type == "substitute":
            for r, h in zip(refs, hyps):
                hyp_said[h] = _near(ref_words[r], hyp_words[h], near_ratio)
    return ref_missing, hyp_said, counts


def _reference_words(reference: Sequence[ReferenceSentence]) -> tuple[list[str], list[tuple[float, float]]]:
    """The normalised words of all sentences and each word's approximate (start, end):
    the sentence's span shared out evenly by word position."""
    words, times = [], []
    for sentence in reference:
        said = normalise(sentence.text).split()
        step = (sentence.end - sentence.start) / len(said) if said else 0.0
        for position, word in enumerate(said):
            words.append(word)
            times.append((sentence.start + position * step, sentence.start + (position + 1) * step))
    return words, times


def _near(reference_word: str, hypothesis_word: str, ratio: float) -> bool:
    return difflib.SequenceMatcher(None, reference_word, hypothesis_word).ratio() >= ratio


def _runs(missing: list[bool]) -> list[tuple[int, int]]:
    """(first, last) indices of each maximal run of True."""
    runs, start = [], None
    for index, flag in enumerate(missing + [False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index - 1))
            start = None
    return runs


def _missing_run(first: int, last: int, words: list[str], times: list[tuple[float, float]],
                 gaps: list[tuple[float, float]], tolerance: float) -> MissingRun:
    start, end = times[first][0], times[last][1]
    flagged = any(gap_start < end + tolerance and gap_end > start - tolerance for gap_start, gap_end in gaps)
    return MissingRun(first_word=first, words=words[first:last + 1], start=round(start, 3), end=round(end, 3),
                      flagged=flagged)


class ScoreSummary(BaseModel):
    """Scores of several recordings together (per voice, or a whole set)."""

    recordings: int
    wer: float = Field(description="corpus WER: all errors over all reference words")
    longest_missing_run: int
    long_runs: int
    long_runs_flagged: int
    recordings_with_long_runs: int
    invented_flags: int
    invented_false_alarms: int

    @property
    def invented_flag_precision(self) -> float | None:
        """Share of invented-text flags that are not on speech that was really said."""
        if not self.invented_flags:
            return None
        return 1 - self.invented_false_alarms / self.invented_flags


def summarise(scores: Sequence[RecordingScore]) -> ScoreSummary:
    if not scores:
        raise ValueError("nothing to summarise")
    errors = sum(s.substitutions + s.deletions + s.insertions for s in scores)
    return ScoreSummary(
        recordings=len(scores),
        wer=errors / sum(s.reference_words for s in scores),
        longest_missing_run=max(s.longest_missing_run for s in scores),
        long_runs=sum(len(s.long_runs) for s in scores),
        long_runs_flagged=sum(len(s.long_runs) - len(s.unflagged_long_runs) for s in scores),
        recordings_with_long_runs=sum(bool(s.long_runs) for s in scores),
        invented_flags=sum(len(s.invented_flags) for s in scores),
        invented_false_alarms=sum(s.invented_false_alarms for s in scores),
    )

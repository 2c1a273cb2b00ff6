"""The coverage guard: no speech leaves the transcript silently.

Whisper sometimes skips speech: it ends a 30-second window early and the next one
starts after the hole (measured: often with the hot-words prompt), or it judges a
window silent. After recognition the guard compares where the voice-activity
detector heard speech with where words were placed. Every stretch between two words
that holds more than ``min_speech_s`` of speech is recognised again on its own, and
its words are put back in place. What still holds speech without words becomes a
gap piece: a visible marker in the text with an ``untranscribed_speech`` flag."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.transcription.recognition import Piece, TimedWord
from pipeline.transcription.speech_activity import SpeechMap

logger = logging.getLogger(__name__)

Recogniser = Callable[[float, float], list[Piece]]  # (start_s, end_s) -> pieces in absolute time


@dataclass(frozen=True)
class CoverageOptions:
    min_speech_s: float = 1.0  # more speech than this without a word is a hole
    # Word timings are approximate (about a tenth of a second, more at a window's
    # edge): speech this close to a word counts as that word's.
    edge_s: float = 0.3
    # Audio either side of a hole given with it when it is recognised again: a hole
    # often starts mid-sentence, and Whisper hears a stretch cut out of a sentence
    # badly without the words around it. Only the words inside the hole are kept.
    context_s: float = 2.0
    rounds: int = 2  # recognition attempts of what is left of a hole before it is marked
    loop_repeats: int = 4  # a word or n-gram written this many times in a row is a loop
    # A word timed longer than this covers only this much of its time: Whisper's timing
    # sometimes stretches a segment's last word over speech it skipped (measured: "his"
    # over 5 s of a dictation; faster-whisper itself calls a word over 2 s an anomaly).
    max_word_s: float = 2.0


@dataclass(frozen=True)
class Hole:
    start: float  # end of the word before (or the block's start)
    end: float  # start of the word after (or the block's end)
    piece: int  # the hole lies before word ``word`` of piece ``piece``
    word: int
    speech: tuple[float, float]  # first and last moment of speech in it


def find_holes(pieces: list[Piece], speech: SpeechMap, start_s: float, end_s: float,
               options: CoverageOptions) -> list[Hole]:
    """Stretches between consecutive words (and before the first, after the last,
    within ``start_s``..``end_s``) that hold more than ``min_speech_s`` of speech."""
    holes = []
    left = start_s  # the end of the previous word; speech right at the block's edge counts in full
    left_margin = 0.0
    places = [(i, j, word) for i, piece in enumerate(pieces) for j, word in enumerate(piece.words)]
    for i, j, word in places + [(len(pieces), 0, None)]:
        right = word.start if word else end_s
        right_margin = options.edge_s if word else 0.0
        inner_start, inner_end = left + left_margin, right - right_margin
        if inner_end - inner_start > options.min_speech_s \
                and speech.speech_s(inner_start, inner_end) > options.min_speech_s:
            extent = speech.speech_extent(inner_start, inner_end)
            if extent:
                holes.append(Hole(start=left, end=right, piece=i, word=j, speech=extent))
        if word:
            left, left_margin = max(left, min(word.end, word.start + options.max_word_s)), options.edge_s
    return holes


def cut_loops(pieces: list[Piece], *, repeats: int) -> list[Piece]:
    """Whisper sometimes loops on a word ("aunt's aunt's aunt's ...") over speech it
    lost track of (measured: 13 times over 4.7 s of a dictation, base under AVX2, the
    loop running on from one segment into the next). The repeats after the first cover
    no speech: they are taken out (the piece of the first keeps a note of them, for its
    flag) so the guard sees the hole and recognises the stretch again."""
    places = [(i, j) for i, piece in enumerate(pieces) for j in range(len(piece.words))]
    words = [pieces[i].words[j] for i, j in places]
    removed: set[tuple[int, int]] = set()
    notes: dict[int, str] = {}
    start = 0
    while (loop := _loop(words, repeats, start)) is not None:
        first, end, n = loop
        removed.update(places[first + n:end])
        count = (end - first - n) // n
        gram = " ".join(w.text.strip() for w in words[first:first + n])
        notes[places[first][0]] = f"'{gram}' {count} more time{'s' * (count > 1)}"
        start = end
    if not removed:
        return pieces
    out = []
    for i, piece in enumerate(pieces):
        kept = [w for j, w in enumerate(piece.words) if (i, j) not in removed]
        if kept:
            out.append(dataclasses.replace(piece, start=min(piece.start, kept[0].start), end=kept[-1].end,
                                           words=kept, loop_removed=notes.get(i)))
    return out


def _loop(words: list[TimedWord], repeats: int, start: int, max_n: int = 4) -> tuple[int, int, int] | None:
    """(first word, end, n-gram size) of the first n-gram from ``start`` on written
    ``repeats`` or more times in a row."""
    keys = [w.text.strip(" .,?!;:").lower() for w in words]
    for n in range(1, max_n + 1):
        for first in range(start, len(keys) - n * repeats + 1):
            gram, end = keys[first:first + n], first + n
            while keys[end:end + n] == gram:
                end += n
            if (end - first) // n >= repeats:
                return first, end, n
    return None


def guard_coverage(pieces: list[Piece], speech: SpeechMap, recognise: Recogniser, *,
                   start_s: float, end_s: float, options: CoverageOptions) -> list[Piece]:
    """``pieces`` of one block (in time order, times absolute) with every hole
    recognised again, and what stays unrecognised marked as gap pieces."""
    pieces = [piece for piece in cut_loops(pieces, repeats=options.loop_repeats) if piece.words]
    for _ in range(options.rounds):
        holes = find_holes(pieces, speech, start_s, end_s, options)
        if not holes:
            return pieces
        for hole in reversed(holes):  # from the end, so earlier holes' places stay valid
            found = _words_inside(recognise(max(start_s, hole.start - options.context_s),
                                            min(end_s, hole.end + options.context_s)), hole)
            logger.info("recognised a %.1f s stretch without words again: %d word(s)",
                        hole.end - hole.start, sum(len(p.words) for p in found))
            pieces = _insert(pieces, hole, found)
    holes = find_holes(pieces, speech, start_s, end_s, options)
    for hole in reversed(holes):
        logger.warning("%.1f s of speech could not be transcribed", hole.speech[1] - hole.speech[0])
        pieces = _insert(pieces, hole, [Piece(start=hole.speech[0], end=hole.speech[1], gap=True)])
    return pieces


def _words_inside(found: list[Piece], hole: Hole) -> list[Piece]:
    """The recognised pieces cut to the words whose middle lies in the hole, with
    their times kept inside it (so the timeline stays in order)."""
    kept = []
    for piece in found:
        words = [TimedWord(text=w.text, start=min(max(w.start, hole.start), hole.end),
                           end=min(max(w.end, hole.start), hole.end), probability=w.probability)
                 for w in piece.words if hole.start < (w.start + w.end) / 2 < hole.end]
        if words:
            kept.append(Piece(start=words[0].start, end=words[-1].end, words=words,
                              avg_logprob=piece.avg_logprob, no_speech_prob=piece.no_speech_prob,
                              compression_ratio=piece.compression_ratio, prompt=piece.prompt))
    return kept


def _insert(pieces: list[Piece], hole: Hole, new: list[Piece]) -> list[Piece]:
    """``new`` put in before word ``hole.word`` of piece ``hole.piece``, cutting that
    piece in two when the hole lies inside it."""
    if not new:
        return pieces
    if hole.word == 0:
        before, after = pieces[:hole.piece], pieces[hole.piece:]
    else:
        head, tail = pieces[hole.piece].split_before(hole.word)
        before, after = pieces[:hole.piece] + [head], [tail] + pieces[hole.piece + 1:]
    if before and before[-1].words and before[-1].words[-1].end > new[0].start:
        before[-1] = _ending_by(before[-1], new[0].start)
    return before + new + after


def _ending_by(piece: Piece, at: float) -> Piece:
    """``piece`` with its last word (stretched over the hole) ending by ``at``."""
    last = piece.words[-1]
    trimmed = dataclasses.replace(last, end=max(last.start, at))
    return dataclasses.replace(piece, words=piece.words[:-1] + [trimmed], end=trimmed.end)

"""Pieces -> the transcript's text and segments.

All words are laid out as one text (dictation commands can straddle segments and
re-recognised stretches), then the text is cut back into segments by their words'
character spans. A gap piece becomes a visible marker in the text, with its flag."""

from __future__ import annotations

from models.transcript import Flag, FlagKind, Segment, Word
from pipeline.transcription.dictation_commands import lay_out_words
from pipeline.transcription.quality_flags import FlagThresholds, segment_flags
from pipeline.transcription.recognition import Piece
from pipeline.transcription.vocabulary import prompt_scaffolding


def clock(seconds: float) -> str:
    """0:46, 12:05, 1:02:09."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def gap_marker(start: float, end: float) -> str:
    return f"[speech not transcribed {clock(start)}–{clock(end + 0.999)}]"  # the marker's end rounds up


def gap_flag(start: float, end: float) -> Flag:
    return Flag(kind=FlagKind.untranscribed_speech, start=round(start, 3), end=round(end, 3),
                reason=f"speech at {clock(start)}–{clock(end + 0.999)} could not be transcribed: "
                       "listen to the recording and type what was said")


def assemble(pieces: list[Piece], *, commands: bool, thresholds: FlagThresholds,
             duration_s: float) -> tuple[str, list[Segment]]:
    # One entry per laid-out "word": (piece index, word index or None for a gap marker).
    places: list[tuple[int, int | None]] = []
    pieces_text: list[str] = []
    for index, piece in enumerate(pieces):
        if piece.gap:
            places.append((index, None))
            pieces_text.append(" " + gap_marker(piece.start, piece.end))
            continue
        for word_index, word in enumerate(piece.words):
            places.append((index, word_index))
            pieces_text.append(word.text)
    laid_out = lay_out_words(pieces_text, commands=commands)
    text = laid_out.text

    def clamp(seconds: float) -> float:  # word timings can overshoot the audio's end by a frame
        return round(min(max(float(seconds), 0.0), duration_s), 3)

    words_of: dict[int, list[Word]] = {}
    marker_span: dict[int, tuple[int, int]] = {}
    for (index, word_index), span in zip(places, laid_out.spans):
        if word_index is None:
            marker_span[index] = span
            continue
        raw = pieces[index].words[word_index]
        words_of.setdefault(index, []).append(Word(
            # As laid out (capitalised after a full stop, its own comma moved aside), so
            # that text[start_char:end_char] == word.text; a spoken command keeps its words.
            text=text[span[0]:span[1]] if span else raw.text.strip(),
            start=clamp(raw.start), end=clamp(raw.end), probability=round(raw.probability, 4),
            start_char=span[0] if span else None, end_char=span[1] if span else None, heard=raw.heard,
        ))

    segments: list[Segment] = []
    previous_end_char = 0
    for index, piece in enumerate(pieces):
        words = words_of.get(index, [])
        spans = [(w.start_char, w.end_char) for w in words if w.start_char is not None]
        if piece.gap:
            spans = [marker_span[index]]
        if spans:
            start_char, end_char = spans[0][0], spans[-1][1]
            # Punctuation made by a trailing command belongs to this segment.
            while end_char < len(text) and text[end_char] in ".,?!:":
                end_char += 1
        else:  # a segment that was nothing but a command
            start_char = end_char = previous_end_char
        previous_end_char = end_char
        segment_text = text[start_char:end_char]
        if piece.gap:
            flags = [gap_flag(piece.start, piece.end)]
        else:
            flags = segment_flags(
                text=segment_text, avg_logprob=piece.avg_logprob, no_speech_prob=piece.no_speech_prob,
                compression_ratio=piece.compression_ratio, words=words, thresholds=thresholds,
                prompt=piece.prompt, prompt_scaffolding=prompt_scaffolding(),
                speech_share=piece.speech_share)
            if piece.loop_removed:
                flags.append(Flag(kind=FlagKind.repeated_ngram,
                                  reason=f"the recogniser repeated {piece.loop_removed} here, over speech it had "
                                         "lost; the repeats were taken out and the stretch after them recognised "
                                         "again: check it against the audio"))
        segments.append(Segment(
            id=len(segments), start=clamp(piece.start), end=clamp(piece.end),
            text=segment_text, start_char=start_char, end_char=end_char,
            avg_logprob=round(piece.avg_logprob, 4), no_speech_prob=round(piece.no_speech_prob, 4),
            compression_ratio=round(piece.compression_ratio, 4), words=words, flags=flags,
        ))
    return text, segments

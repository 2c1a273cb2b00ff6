"""Cut the transcript into sentences (spaCy) and give each its audio time, recogniser
confidence and the quality flags of the segments it overlaps.

Every character of the transcript except whitespace lands in exactly one sentence:
a piece that is only punctuation is joined to the sentence before it."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from spacy.tokens import Doc, Span, Token

from models.draft import Sentence
from models.transcript import Flag, Transcript
from pipeline.drafting.doc_views import doc_text, parser_sentences


@dataclass
class NoteSentence:
    """A sentence of the note with the spaCy span it came from."""

    span: Span
    model: Sentence

    @property
    def text(self) -> str:
        return self.model.text


_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "pc", "dc", "st", "no", "vs", "etc", "approx"}


def _pieces(doc: Doc) -> list[Span]:
    """spaCy's sentences, cut again where the worker ended one (the parser sometimes joins
    a spoken fragment, "Mum, Leo and Amy.", to the next sentence)."""
    pieces = []
    for sent in parser_sentences(doc):
        start = sent.start
        for token in sent[:-1]:
            if ends_a_sentence(token) and token.i + 1 > start:
                pieces.append(doc[start:token.i + 1])
                start = token.i + 1
        pieces.append(doc[start:sent.end])
    return pieces


def ends_a_sentence(token: Token) -> bool:
    """The worker ended a sentence here: a full stop, question or exclamation mark before a
    capital (not after "Mr", "PC"...), or a dictated line or paragraph break."""
    if token.is_space:
        return "\n" in token.text
    if token.text not in (".", "?", "!"):
        return False
    doc = token.doc
    before = doc[token.i - 1].lower_ if token.i > 0 else ""
    following = next((t for t in doc[token.i + 1:] if not t.is_space), None)
    return following is not None and following.text[:1].isupper() and before not in _ABBREVIATIONS


def split_sentences(doc: Doc, transcript: Transcript | None = None) -> list[NoteSentence]:
    pieces: list[tuple[int, int, Span]] = []
    text = doc_text(doc)
    for sent in _pieces(doc):
        start, end = _trim(text, sent.start_char, sent.end_char)
        if start >= end:
            continue
        if pieces and not any(ch.isalnum() for ch in text[start:end]):
            first, _, span = pieces[-1]
            pieces[-1] = (first, end, doc[span.start:sent.end])
            continue
        pieces.append((start, end, sent))
    return [NoteSentence(span=span, model=_sentence(text, start, end, transcript))
            for start, end, span in pieces]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence(text: str, start: int, end: int, transcript: Transcript | None) -> Sentence:
    sentence = Sentence(text=text[start:end], start_char=start, end_char=end)
    if transcript is None:
        return sentence
    words = [w for segment in transcript.segments for w in segment.words
             if w.start_char is not None and w.end_char is not None
             and w.start_char < end and w.end_char > start]
    if words:
        sentence.start_s = round(min(w.start for w in words), 3)
        sentence.end_s = round(max(w.end for w in words), 3)
        sentence.confidence = round(fmean(w.probability for w in words), 3)
    flags: dict[tuple[str, str], Flag] = {}
    for segment in transcript.segments:
        if segment.start_char < end and segment.end_char > start:
            for flag in segment.flags:
                flags.setdefault((flag.kind.value, flag.reason), flag)
    sentence.flags = list(flags.values())
    return sentence

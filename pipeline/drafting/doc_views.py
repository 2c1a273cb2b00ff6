"""Views of one parsed note, built once per note and kept in ``doc.user_data``.

spaCy computes these again on every access: ``doc.text`` re-joins every token,
``token.sent`` walks the document, and each ``doc[i]`` or ``token.lower_`` makes a new
Python object (~100 ns). The drafting rules ask for them thousands of times a note, so
they read these views instead."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from pipeline.drafting.fastregex import SearchText


@dataclass(frozen=True)
class TokenTable:
    """The note's tokens and the attributes the rules read most, as plain lists by index."""

    tokens: list[Token]
    lower: list[str]
    text: list[str]
    tag: list[str]


def doc_text(doc: Doc) -> str:
    return _cached(doc, "casenote_text", lambda: doc.text)


def search_text(doc: Doc) -> SearchText:
    """The note's text indexed for the cue and factor patterns."""
    return _cached(doc, "casenote_search_text", lambda: SearchText(doc_text(doc)))


def token_table(doc: Doc) -> TokenTable:
    def build() -> TokenTable:
        tokens = list(doc)
        return TokenTable(tokens=tokens, lower=[t.lower_ for t in tokens], text=[t.text for t in tokens],
                          tag=[t.tag_ for t in tokens])
    return _cached(doc, "casenote_tokens", build)


def clause_texts(doc: Doc) -> dict[tuple[int, int], str]:
    """Text of each clause asked about so far, by the index of its head word and of the
    factor word in it (context.py fills it: several factor words often share a clause)."""
    return _cached(doc, "casenote_clause_text", dict)


def parser_sentences(doc: Doc) -> list[Span]:
    """``list(doc.sents)``."""
    return _cached(doc, "casenote_sents", lambda: list(doc.sents))


def sentence_of(item: Span | Token) -> Span:
    doc = item.doc
    sents = parser_sentences(doc)
    starts = _cached(doc, "casenote_sent_starts", lambda: [s.start for s in sents])
    index = item.i if isinstance(item, Token) else item.start
    return sents[bisect_right(starts, index) - 1]


def _cached(doc: Doc, key: str, build):
    value = doc.user_data.get(key)
    if value is None:
        value = doc.user_data[key] = build()
    return value

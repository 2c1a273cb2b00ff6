"""A seen / seen alone / bedroom statement the worker hedges is not said: "I may have seen
Daisy's room", "I think I saw Tom on his own", "I'm not sure whether Ella was seen alone",
"it seemed she was in her room", "possibly saw his cot". The field stays null and the worker
is asked, never given a true or false the note does not say outright.

Read on the parse: a modal + "have" on the seeing verb, a doubting adverb on it, or a
doubting verb ("think", "seem") or "not sure" above it whose subject is the worker or
"it"; without a parse, the words of the phrase's part of the sentence. The words are in
``data/field_hedges.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

_DATA = Path(__file__).parent / "data" / "field_hedges.yaml"
_KEYS = ("modals", "adverbs", "doubting_verbs", "unsure")
_DOUBTERS = {"i", "we", "sw", "it", "this", "that"}  # "I think", "it seemed": not "mum thinks"
_CLAUSE_STOPS = {",", ";", "but", "so", "because", "although", "though", "whereas"}


@lru_cache
def hedge_words() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(_KEYS) or not all(
            isinstance(words, list) and words and all(isinstance(w, str) and w.isalpha() and w == w.lower()
                                                      for w in words) for words in data.values()):
        raise ValueError(f"{_DATA.name}: needs {', '.join(_KEYS)}, each a list of lower-case words")
    return {k: frozenset(v) for k, v in data.items()}


def hedged(verb: Token | None, match: Span, span: Span, *, parsed: bool) -> bool:
    """Is the statement of this phrase (its seeing verb ``verb``) said with a hedge?"""
    words = hedge_words()
    if any(_unsure(t, words) or t.lower_ in words["adverbs"] for t in _part(match, span)):
        return True
    if verb is None:
        return False
    if not parsed:
        return _modal_have(verb, words)
    current = verb
    for _ in range(4):
        if any(c.lower_ in words["adverbs"] and c.dep_ == "advmod" for c in current.children):
            return True
        if any(_modal_have(c, words) for c in [current] + [c for c in current.children if c.dep_ in ("aux", "auxpass")]):
            return True
        if current.lower_ in words["doubting_verbs"] and any(
                c.dep_ in ("nsubj", "expl") and c.lower_ in _DOUBTERS for c in current.children):
            return True
        if current.lower_ in words["unsure"] and any(c.dep_ == "neg" for c in current.children):
            return True
        if current.head.i == current.i:
            break
        current = current.head
    return False


def _modal_have(token: Token, words: dict) -> bool:
    """'may have seen', 'might have been shown': a modal and 'have' just before the verb."""
    doc = token.doc
    before = [doc[j].lower_ for j in range(max(0, token.i - 3), token.i)]
    return "have" in before[-2:] and any(w in words["modals"] for w in before[:-1])


def _unsure(token: Token, words: dict) -> bool:
    """'not sure', "I'm not certain", "don't know whether"."""
    doc = token.doc
    if token.lower_ not in words["unsure"]:
        return False
    before = [doc[j].lower_ for j in range(max(0, token.i - 2), token.i)]
    return "not" in before or "n't" in before


def _part(match: Span, span: Span) -> list[Token]:
    """The phrase and the words before it back to the start of its part of the sentence."""
    doc = span.doc
    start = match.start
    while start > span.start and doc[start - 1].lower_ not in _CLAUSE_STOPS:
        start -= 1
    return list(doc[start:match.end])

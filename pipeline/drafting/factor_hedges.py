"""A factor the worker only guesses at is not said: "I think she may have been drinking, but
I'm not sure" suggests no factor (the worker is asked instead). The phrases are in
``data/factor_hedges.yaml``: a first-person guess in the same part of the sentence as the
factor word, a disclaimer anywhere in the sentence, or (with a parse) "may"/"might" on the
factor word's own verb. Reported speech ("mum thinks he may be using") is not the worker's
guess and is left to the weighting in ``factors.py``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator
from spacy.tokens import Span, Token

from pipeline.drafting.doc_views import sentence_of
from pipeline.drafting.factor_children import statement_part

_DATA = Path(__file__).parent / "data" / "factor_hedges.yaml"
# from a factor word up to the verb it belongs to: "might have a problem with cannabis", "may be depressed"
_UP_TO_VERB = {"dobj", "attr", "pobj", "prep", "compound", "amod", "acomp", "npadvmod"}
_HAVE = {"have", "has", "had"}


class HedgeLexicon(BaseModel):
    guesses: list[str]
    disclaimers: list[str]
    guess_modals: frozenset[str]
    others_or_worry_verbs: frozenset[str]

    @field_validator("guesses", "disclaimers")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        if not patterns:
            raise ValueError("a hedge list may not be empty")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{_DATA.name}: bad pattern {pattern!r}: {error}") from error
        return patterns


@lru_cache(maxsize=1)
def _lexicon() -> HedgeLexicon:
    return HedgeLexicon.model_validate(yaml.safe_load(_DATA.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    lexicon = _lexicon()
    return (re.compile("|".join(f"(?:{p})" for p in lexicon.guesses), re.I),
            re.compile("|".join(f"(?:{p})" for p in lexicon.disclaimers), re.I))


def worker_guess(span: Span) -> bool:
    """True when the factor word is only the worker's guess."""
    guesses, disclaimers = _patterns()
    sentence = sentence_of(span)
    if disclaimers.search(sentence.text):
        return True
    start, end = statement_part(span)
    part = span.doc[start:end].text
    return guesses.search(part) is not None or span.doc.has_annotation("DEP") and _modal_guess(span.root)


def _modal_guess(token: Token) -> bool:
    """'Rochelle may be drinking again', 'he might have a problem with cannabis': the factor
    word's own verb (or the verb it is the object of) carries may/might, and nothing above it
    in the sentence says whose words or worry the guess is."""
    lexicon = _lexicon()
    verb, objects = token, set()
    while verb.dep_ in _UP_TO_VERB and verb.head.i != verb.i:
        objects.add(verb.dep_)
        verb = verb.head
    if "dobj" in objects and verb.lower_ not in _HAVE:
        return False  # "he may need help with his drinking": the drinking is said, the help guessed
    if not any(c.dep_ == "aux" and c.lower_ in lexicon.guess_modals for c in verb.children):
        return False
    above = verb
    while above.head.i != above.i:
        above = above.head
        if above.lower_ in lexicon.others_or_worry_verbs:
            return False
    return True

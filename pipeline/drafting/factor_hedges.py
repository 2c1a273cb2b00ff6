"""A factor the worker only guesses at is not said: "I think she may have been drinking, but
I'm not sure" suggests no factor (the worker is asked instead). The phrases are in
``data/factor_hedges.yaml``: a first-person guess in the same part of the sentence as the
factor word, or a disclaimer anywhere in the sentence. Reported speech ("mum thinks he may
be using") is not the worker's guess and is left to the weighting in ``factors.py``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator
from spacy.tokens import Span

from pipeline.drafting.doc_views import sentence_of
from pipeline.drafting.factor_children import statement_part

_DATA = Path(__file__).parent / "data" / "factor_hedges.yaml"


class HedgeLexicon(BaseModel):
    guesses: list[str]
    disclaimers: list[str]

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
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    lexicon = HedgeLexicon.model_validate(yaml.safe_load(_DATA.read_text(encoding="utf-8")))
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
    return guesses.search(part) is not None

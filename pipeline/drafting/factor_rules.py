"""The CiN factor rules: one YAML file per factor family in ``pipeline/drafting/data/factors/``
(lexicon terms with a weight, what decides the letter, exclusions), checked against the
census code list in ``models/cin_codes.py`` when loaded."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, model_validator

from models.cin_codes import RETIRED_CODES, cin_factors
from pipeline.drafting.fastregex import FastPattern

FACTOR_DIR = Path(__file__).resolve().parent / "data" / "factors"
LetterBy = Literal["owner", "victim", "perpetrator", "none", "subtype"]
VictimRule = Literal["adult", "child", "child_by_partner", "child_not_by_partner"]


class Term(BaseModel):
    regex: str | None = None
    lexicon: str | None = None
    weight: float = Field(gt=0, le=1)
    verb: bool = False  # with a parse: only when the word is used as a verb ("drinks" not "a drink")
    victim: VictimRule | None = None
    owner_inside: bool = False  # the person named inside the match is whose it is ("reported Keira missing")
    support: bool = False  # counts only beside another term of the family in its sentence, as that one's
    unless: str | None = None  # a sentence like this gives the sign another meaning ("older lads" paying for runs)
    yields_to: list[str] = []  # families whose mention about the same person says what this word meant

    @model_validator(mode="after")
    def _one_source(self) -> "Term":
        if (self.regex is None) == (self.lexicon is None):
            raise ValueError("a term needs exactly one of regex or lexicon")
        return self


class Subtype(BaseModel):
    code: str
    all: list[str] = []


class FamilyRules(BaseModel):
    family: str
    name: str
    letter_by: LetterBy
    codes: dict[str, str]
    unresolved: str | None = None
    owner_is_doer: bool = False  # whose it is: the subject of the verb, never a possessor (7: the carer)
    # a pronoun that would make it a child's younger than this means the adult it may also mean
    # ("She said he drinks every night" after the 7-year-old was named: the father); with no such
    # adult the mention is not counted (never a young child's by default)
    child_from_age: int | None = None
    terms: list[Term]
    exclude: list[str] = []  # text that looks like a term but is not one (overlapping the match)
    exclude_sentence: list[str] = []  # a sentence like this is about something else entirely
    subtype_cues: dict[str, str] = {}
    subtypes: list[Subtype] = []

    def all_codes(self) -> set[str]:
        return set(self.codes.values()) | {s.code for s in self.subtypes}


class CompiledTerm(BaseModel, arbitrary_types_allowed=True):
    pattern: FastPattern
    weight: float
    verb: bool
    victim: VictimRule | None
    owner_inside: bool = False
    support: bool = False
    unless: re.Pattern | None = None
    yields_to: frozenset[str] = frozenset()
    index: int


class CompiledFamily(BaseModel, arbitrary_types_allowed=True):
    rules: FamilyRules
    terms: list[CompiledTerm]
    exclude: list[FastPattern]
    exclude_sentence: list[FastPattern]
    subtype_cues: dict[str, re.Pattern]


def _fast(pattern: str, where: str) -> FastPattern:
    _compile(pattern, where)
    return FastPattern(pattern)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.I)
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression: {exc}") from exc


@lru_cache
def load_factor_rules(directory: Path = FACTOR_DIR) -> tuple[CompiledFamily, ...]:
    shared = yaml.safe_load((directory / "_shared.yaml").read_text(encoding="utf-8")).get("lexicons", {})
    known = cin_factors()
    families = []
    for path in sorted(directory.glob("[0-9]*.yaml")):
        rules = FamilyRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        bad = sorted(c for c in rules.all_codes() if c not in known or c in RETIRED_CODES)
        if bad:
            raise ValueError(f"{path.name}: {', '.join(bad)} is not a usable CiN census code")
        terms = []
        for index, term in enumerate(rules.terms):
            source = term.regex if term.regex is not None else shared[term.lexicon]
            _compile(source, path.name)  # a clear error for a bad expression
            terms.append(CompiledTerm(pattern=FastPattern(source), weight=term.weight, verb=term.verb,
                                      victim=term.victim, owner_inside=term.owner_inside, support=term.support,
                                      unless=_compile(term.unless, path.name) if term.unless else None,
                                      yields_to=frozenset(term.yields_to),
                                      index=index))
        families.append(CompiledFamily(
            rules=rules, terms=terms, exclude=[_fast(p, path.name) for p in rules.exclude],
            exclude_sentence=[_fast(p, path.name) for p in rules.exclude_sentence],
            subtype_cues={k: _compile(v, path.name) for k, v in rules.subtype_cues.items()}))
    ids = {f.rules.family for f in families}
    unknown = sorted({y for f in families for t in f.terms for y in t.yields_to} - ids)
    if unknown:
        raise ValueError(f"yields_to names no factor family: {', '.join(unknown)}")
    return tuple(families)


def reachable_codes() -> set[str]:
    """Every code some rule can suggest."""
    return {code for family in load_factor_rules() for code in family.rules.all_codes()}


def code_order(code: str) -> tuple[int, str]:
    """Census order: 1A, 1B, ... 2A, ... 21, 22A."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits), code

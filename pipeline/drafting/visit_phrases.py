"""The phrases of ``data/visit.yaml`` (statutory visit fields, contact types, presence),
compiled once, and ``PhraseFinder``, which tells in which sentences of a note a phrase
can occur at all."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.drafting.doc_views import search_text
from pipeline.drafting.fastregex import FastPattern
from pipeline.drafting.sentences import NoteSentence

_DATA = Path(__file__).parent / "data" / "visit.yaml"


@lru_cache
def visit_rules() -> dict:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))

    def compiled(value):
        if isinstance(value, str):
            return re.compile(value, re.I)
        if isinstance(value, dict):
            return {k: compiled(v) for k, v in value.items()}
        return value

    other_rooms = data.get("other_rooms")
    if not isinstance(other_rooms, list) or not all(isinstance(w, str) and w.isalpha() and w.islower()
                                                    for w in other_rooms):
        raise ValueError(f"{_DATA.name}: other_rooms must be a list of lower-case words")
    corrections = data.get("corrections")
    if not isinstance(corrections, dict) or set(corrections) != {"signal", "any"} or not all(
            isinstance(w, str) and w == w.lower() and " " not in w for ws in corrections.values() for w in ws) \
            or not set(corrections["signal"]) <= set(corrections["any"]):
        raise ValueError(f"{_DATA.name}: corrections must be 'signal' and 'any' lists of lower-case words, "
                         "every signal word also in 'any'")
    words = data.get("form", {}).get("question_words")
    if not isinstance(words, int) or not 1 <= words <= 12:
        raise ValueError(f"{_DATA.name}: form.question_words must be a whole number from 1 to 12")
    data = {k: compiled(v) for k, v in data.items() if k not in ("contact_types", "other_rooms", "corrections")} | {
        "contact_types": [(c["type"], re.compile(c["regex"], re.I)) for c in data["contact_types"]],
        "other_rooms": frozenset(other_rooms),
        "corrections": {k: frozenset(v) for k, v in corrections.items()}}
    return data


class PhraseFinder:
    """Tells in which sentences a visit phrase can occur, from ``FastPattern.possible_starts``
    over the whole note: most sentences of a note hold none of them, and a regular
    expression per phrase per sentence cost ~1 ms a note."""

    def __init__(self, sentences: list[NoteSentence]) -> None:
        self.sentences = sentences
        self.searched = search_text(sentences[0].span.doc) if sentences else None
        self.starts = [s.model.start_char for s in sentences]
        self.where: dict[str, set[int] | None] = {}

    def may_occur(self, pattern: re.Pattern, index: int) -> bool:
        if pattern.pattern not in self.where:
            self.where[pattern.pattern] = self._candidates(pattern)
        candidates = self.where[pattern.pattern]
        return candidates is None or index in candidates

    def _candidates(self, pattern: re.Pattern) -> set[int] | None:
        positions = _gate(pattern.pattern).possible_starts(self.searched) if self.searched else None
        if positions is None:
            return None
        return {bisect_right(self.starts, at) - 1 for at in positions}


@lru_cache(maxsize=64)
def _gate(source: str) -> FastPattern:
    return FastPattern(source)

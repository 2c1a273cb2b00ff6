"""The words that name people in a note (``data/people.yaml``) and ``PersonRef``, the
answer to "who is this?" that every drafting rule works with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_DATA = Path(__file__).parent / "data" / "people.yaml"
REPORTING_HEADS = {"said", "says", "say", "told", "tells", "tell", "explained", "reported", "stated",
                   "shared", "disclosed", "admitted", "denied", "confirmed", "thinks", "thought", "feels",
                   "felt", "believes", "believed", "knows", "added", "accepted", "agreed", "worries"}


@dataclass(frozen=True)
class PersonRef:
    role: str
    kind: str  # child, parent_carer, household_member, adult, another_child, professional, worker, unknown
    gender: str | None = None  # f, m, plural
    name: str | None = None
    age: int | None = None

    @property
    def key(self) -> str:
        """Tells people apart: by name, else by role (and gender: grandad is not nan)."""
        if self.name:
            return self.name.lower()
        return self.role if self.gender in (None, "plural") else f"{self.role}:{self.gender}"

    @property
    def is_child(self) -> bool:
        return self.age < lexicon().adult_age if self.age is not None else self.kind in ("child", "another_child")

    @property
    def likely_child(self) -> bool:
        """A child, or a bare first name nobody gave a role (in a child's visit note most
        often a child's). Used where a guess is safe: sections, seen alone, who was hurt;
        never to choose a census letter for whose problem it is."""
        return self.is_child or (self.kind == "unknown" and self.name is not None)


WORKER = PersonRef(role="worker", kind="worker")


@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], dict]
    longest: int
    first_words: frozenset[str]  # a role phrase can start only with one of these
    pronouns: dict[str, str]
    worker_pronouns: set[str]
    titles: set[str]
    mid_sentence_titles: set[str]
    professional_titles: set[str]
    not_names: set[str]
    adult_nicknames: set[str]  # "Big Dave": the word before a name that makes it an adult's nickname
    calendar_words: set[str]  # a short month or weekday that is also a name ("Jan"): not one beside a number
    place_prepositions: set[str]
    organisation_words: set[str]
    agency_words: set[str]
    institution_words: set[str]
    voice_labels: set[str]
    presence_states: set[str]
    animal_words: set[str]
    travel_words: set[str]
    lodging_verbs: set[str]
    adult_age: int


@lru_cache
def lexicon() -> Lexicon:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    _all_strings(data, _DATA.name)
    phrases: dict[tuple[str, ...], dict] = {}
    for entry in data["roles"]:
        for word in entry["words"]:
            phrases[tuple(word.lower().replace("-", " - ").split())] = entry
    return Lexicon(phrases=phrases, longest=max(len(p) for p in phrases), first_words=frozenset(p[0] for p in phrases),
                   pronouns=data["pronouns"], worker_pronouns=set(data["worker_pronouns"]),
                   titles=set(data["titles"]),
                   mid_sentence_titles=set(data["mid_sentence_titles"]),
                   professional_titles=set(data["professional_titles"]), not_names=set(data["not_names"]) | set(data["places"]),
                   calendar_words=set(data["calendar_words"]), adult_nicknames=set(data["adult_nicknames"]),
                   place_prepositions=set(data["place_prepositions"]),
                   organisation_words=set(data["organisation_words"]), agency_words=set(data["agency_words"]),
                   institution_words=set(data["institution_words"]),
                   voice_labels=set(data["voice_labels"]),
                   presence_states=set(data["presence_states"]), animal_words=set(data["animal_words"]),
                   travel_words=set(data["travel_words"]), lodging_verbs=set(data["lodging_verbs"]),
                   adult_age=int(data["adult_age"]))


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                 "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}


def number(text: str) -> int | None:
    """'7' -> 7, 'seven' -> 7."""
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def _all_strings(data: dict, where: str) -> None:
    """Word lists hold words: YAML reads a bare no or yes as a boolean, so quote them."""
    for key, value in data.items():
        items = value if isinstance(value, list) else []
        for item in items:
            words = item.get("words", []) if isinstance(item, dict) else [item]
            bad = [w for w in words if not isinstance(w, str)]
            if bad:
                raise ValueError(f"{where}: {key} has {bad!r}, not words (quote yes/no in YAML)")

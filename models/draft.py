"""Schema of the drafting stage's output: a case note the worker has not yet checked."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from models.transcript import Flag, Transcript


class Sentence(BaseModel):
    text: str
    start_char: int = Field(description="Offset in the transcript text")
    end_char: int
    start_s: float | None = Field(None, description="Audio time; None for a typed transcript")
    end_s: float | None = None
    confidence: float | None = Field(None, description="Mean recogniser word probability")
    flags: list[Flag] = []


class Section(BaseModel):
    key: str
    title: str
    text: str
    sentences: list[Sentence] = []


class Person(BaseModel):
    name: str | None = None
    role: str | None = Field(None, description="child, mother, father, partner, grandparent, professional...")


class Evidence(BaseModel):
    text: str
    start_char: int
    end_char: int
    start_s: float | None = None
    end_s: float | None = None


ChildField = Literal["child_seen", "child_seen_alone", "bedroom_seen"]
CHILD_FIELDS: tuple[ChildField, ...] = ("child_seen", "child_seen_alone", "bedroom_seen")


class ChildVisit(BaseModel):
    """One child of the visit and the statutory fields on that child's record, each
    decided only from what was said about that child (None = not said: the worker answers)."""

    name: str = Field(description="As said; a child the note does not name is called by the note's "
                                   "words for them, e.g. 'the baby'")
    named: bool = Field(True, description="False when `name` is the note's words for an unnamed child")
    age: int | None = Field(None, description="Years, as said; 0 for a baby under one; None = not said")
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    bedroom_seen: bool | None = None
    evidence: dict[ChildField, Evidence] = Field(
        {}, description="For each field that was decided, the sentence it was decided from")


class VisitWhen(BaseModel):
    """When the visit took place, as far as the dictation says. Parts not said are None;
    'today' or nothing at all gives no VisitWhen (the service uses the recording's time)."""

    said: str = Field(description="The words it was read from, e.g. 'Tuesday 3 March at 4 pm'")
    start_char: int = Field(description="Offset of `said` in the transcript text")
    end_char: int
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None = None
    day: int | None = Field(None, ge=1, le=31)
    month: int | None = Field(None, ge=1, le=12)
    year: int | None = None
    days_before: int | None = Field(None, ge=1, description="'yesterday' = 1: days before the recording")
    time: dt.time | None = None
    date: dt.date | None = Field(None, description="The full date, when the words and the recording's "
                                                   "date (if known) give one")

    def resolve(self, recorded: dt.date) -> dt.date | None:
        """The visit date given the day of the recording: 'yesterday' counts back from it; a
        day and month without a year is the latest such date not after it; a weekday alone is
        the latest such weekday not after it. None when the parts said do not fix a date."""
        if self.year is not None and self.month is not None and self.day is not None:
            return _valid_date(self.year, self.month, self.day)
        if self.days_before is not None:
            return recorded - dt.timedelta(days=self.days_before)
        if self.month is not None and self.day is not None:
            for year in (recorded.year, recorded.year - 1):
                found = _valid_date(year, self.month, self.day)
                if found is not None and found <= recorded:
                    # a weekday said with it that does not fit is doubt, not a date to sign
                    fits = self.weekday is None or WEEKDAYS[found.weekday()] == self.weekday
                    return found if fits else None
            return None
        if self.weekday is not None and self.day is None and self.month is None:
            wanted = WEEKDAYS.index(self.weekday)
            return recorded - dt.timedelta(days=(recorded.weekday() - wanted) % 7)
        return None


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def shared_value(values: list[bool | None]) -> bool | None:
    """A visit-level field from the children's: the value every child shares; None when the
    children differ, when any child's is not said, or when there is no child. A family note
    never says 'seen alone: yes' for the visit while one child was not seen alone."""
    if not values or any(v is None for v in values) or len(set(values)) > 1:
        return None
    return values[0]


class VisitFields(BaseModel):
    child_seen: bool | None = Field(None, description="Derived from `children` (shared_value)")
    child_seen_alone: bool | None = Field(None, description="Derived from `children` (shared_value)")
    bedroom_seen: bool | None = Field(None, description="Derived from `children` (shared_value)")
    people_present: list[Person] = []
    contact_type: str | None = None
    announced: bool | None = Field(None, description="False for an unannounced visit; None = not said")
    # Added in schema 1.1: a note signed before holds neither, and hashes as it did (models/record.py).
    children: list[ChildVisit] = Field([], description="The children of the visit, in the order first named",
                                       json_schema_extra={"added_in": "1.1"})
    when: VisitWhen | None = Field(None, description="Date/time of the visit when the dictation says it",
                                   json_schema_extra={"added_in": "1.1"})


class Subject(str, Enum):
    child = "child"
    parent_carer = "parent_carer"
    household_member = "household_member"
    another_child = "another_child"
    adult = "adult"
    none = "none"


class FactorSuggestion(BaseModel):
    code: str = Field(description="CiN census code exactly as in the census, e.g. 2B")
    label: str
    confidence: float
    subject: Subject
    evidence: list[Evidence] = []
    by: Subject | None = Field(None, description="For 18/19: who the abuse is by (another_child or adult)")
    children: list[str] = Field([], description="Names (ChildVisit.name) of the children whose record this "
                                                "factor belongs to")


class DraftNote(BaseModel):
    template: str = "default"
    sections: list[Section]
    visit: VisitFields
    factor_suggestions: list[FactorSuggestion] = []
    transcript: Transcript | None = None
    warnings: list[str] = Field([], description="Why this draft may be less reliable (e.g. no spaCy model)")

"""Schema of the drafting stage's output: a case note the worker has not yet checked."""

from __future__ import annotations

from enum import Enum

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


class VisitFields(BaseModel):
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    bedroom_seen: bool | None = None
    people_present: list[Person] = []
    contact_type: str | None = None
    announced: bool | None = Field(None, description="False for an unannounced visit; None = not said")


class Subject(str, Enum):
    child = "child"
    parent_carer = "parent_carer"
    household_member = "household_member"
    another_child = "another_child"
    adult = "adult"
    none = "none"


class Evidence(BaseModel):
    text: str
    start_char: int
    end_char: int
    start_s: float | None = None
    end_s: float | None = None


class FactorSuggestion(BaseModel):
    code: str = Field(description="CiN census code exactly as in the census, e.g. 2B")
    label: str
    confidence: float
    subject: Subject
    evidence: list[Evidence] = []
    by: Subject | None = Field(None, description="For 18/19: who the abuse is by (another_child or adult)")


class DraftNote(BaseModel):
    template: str = "default"
    sections: list[Section]
    visit: VisitFields
    factor_suggestions: list[FactorSuggestion] = []
    transcript: Transcript | None = None
    warnings: list[str] = Field([], description="Why this draft may be less reliable (e.g. no spaCy model)")

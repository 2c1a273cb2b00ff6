"""The annotated notes of ``tests/devset/`` (format in its README): one YAML file per
note with the sentences and their sections, the visit fields, the factor codes and,
in the family-visit format, each child's fields and factor codes."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError, field_validator, model_validator

from models.draft import CHILD_FIELDS, WEEKDAYS, shared_value
from models.errors import TextFileError

WHEN_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


def _codes(value):
    """YAML reads an unquoted 20 or 21 as a number."""
    return [str(code) for code in value or []]


class GoldChild(BaseModel, extra="forbid"):
    name: str
    age: int | None = None
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    bedroom_seen: bool | None = None
    factors: list[str] = []

    _codes = field_validator("factors", mode="before")(_codes)


class GoldWhen(BaseModel, extra="forbid"):
    weekday: str | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    days_before: int | None = None
    time: str | None = None  # "16:00"

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str | None) -> str | None:
        if value is not None and value not in WEEKDAYS:
            raise ValueError(f"weekday {value!r} is not one of {', '.join(WEEKDAYS)}")
        return value


class GoldNote(BaseModel):
    id: str
    about: str = ""
    visit: dict = {}
    factors: list[str]
    sentences: list[tuple[str, str]]
    children: list[GoldChild] | None = None  # the family-visit format; None in older notes

    _codes = field_validator("factors", mode="before")(_codes)

    @model_validator(mode="after")
    def _children_agree(self) -> "GoldNote":
        if self.children is None:
            return self
        union = {code for child in self.children for code in child.factors}
        if union != set(self.factors):
            raise ValueError(f"factors {sorted(self.factors)} are not the union of the children's {sorted(union)}")
        if self.visit.get("when") is not None:
            GoldWhen.model_validate(self.visit["when"])
        for name in CHILD_FIELDS:  # visit-level fields follow from the children's (models.draft.shared_value)
            derived = shared_value([getattr(child, name) for child in self.children])
            if name in self.visit and self.visit[name] != derived:
                raise ValueError(f"visit {name} {self.visit[name]!r} disagrees with the children's ({derived!r})")
            if derived is not None:
                self.visit[name] = derived
        return self

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.sentences)

    @property
    def when(self) -> GoldWhen | None:
        value = self.visit.get("when")
        return GoldWhen.model_validate(value) if value is not None else None

    def spans(self) -> list[tuple[int, int, str, str]]:
        spans, offset = [], 0
        for section, text in self.sentences:
            spans.append((offset, offset + len(text), section, text))
            offset += len(text) + 1
        return spans


def load_gold(directory: Path) -> list[GoldNote]:
    if not directory.is_dir():
        raise TextFileError(f"{directory}: not a folder of annotated notes")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise TextFileError(f"{directory}: no annotated notes (*.yaml) in this folder")
    notes = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            notes.append(GoldNote.model_validate(data))
        except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
            first = str(exc).splitlines()[0]
            detail = str(exc).splitlines()[2].strip() if isinstance(exc, ValidationError) else first
            raise TextFileError(f"{path}: not an annotated note ({first}: {detail})") from None
    return notes

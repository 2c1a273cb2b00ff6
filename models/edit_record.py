"""The edit record of a confirmed note: what the machine drafted beside what the worker
signed, field by field, and what the worker did with each part (kept, changed, added).

It is evidence of what the tool wrote, kept with the signed note (and signed with it), so
that a council can judge the tool from its own use: how many drafted words were kept, which
sections were rewritten, which visit fields were changed, which factor suggestions were
accepted, rejected or added by hand, and how the recogniser's check marks were dealt with.
A family visit's notes each carry the shared sections and visit fields (the same in every
note of the visit: count them once per ``draft_id``) and that child's own fields and factors.

``word_diff`` is the readable diff of one section (the note page's "changed from the
draft") and ``word_counts`` its measure; both are pure functions of the two texts."""

from __future__ import annotations

import difflib
import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field


class SectionOutcome(str, Enum):
    kept = "kept"  # signed exactly as drafted (spacing aside)
    changed = "changed"  # drafted text the worker edited
    added = "added"  # nothing was drafted there; the worker wrote it
    cleared = "cleared"  # drafted text the worker removed: the section is not in the signed note


class FieldOutcome(str, Enum):
    kept = "kept"  # signed as drafted (a field drafted as 'not said' and left so is kept too)
    changed = "changed"  # drafted with a value, signed with another (or with none)
    added = "added"  # the draft had no value (not said); the signed note has one


class SetBy(str, Enum):
    worker = "worker"  # the worker set it on the review screen
    text = "text"  # it follows the note's text: as drafted, or as drafted again after the worker's edits


class SuggestionOutcome(str, Enum):
    accepted = "accepted"
    rejected = "rejected"
    added = "added"  # not suggested for this child: the worker added the code by hand


class SuggestionOrigin(str, Enum):
    draft = "draft"  # suggested in the machine's draft
    edit = "edit"  # appeared when the drafting rules ran again on the worker's edited text
    hand = "hand"  # never suggested: added by the worker


class CheckKind(str, Enum):
    unsure_words = "unsure_words"  # words (or a passage) the recogniser was unsure of
    possibly_invented = "possibly_invented"  # possibly no speech, looping, repeats, an echo of the prompt
    untranscribed_speech = "untranscribed_speech"  # speech heard that no words could be recognised for


FieldValue = bool | int | str | None


class SectionEdit(BaseModel):
    key: str
    title: str
    drafted: str = Field(description="The section's text as drafted (the signed text is in the note's sections)")
    outcome: SectionOutcome
    drafted_words: int = Field(ge=0)
    kept_words: int = Field(ge=0, description="Drafted words still in the signed text, in their order (the longest "
                                              "common run of words, ignoring case and punctuation)")
    signed_words: int = Field(ge=0)


class FieldEdit(BaseModel):
    field: str = Field(description="contact_type, announced, people_present, visit_day, visit_time (the visit); "
                                   "name, age, child_seen, child_seen_alone, bedroom_seen (the child)")
    child: str | None = Field(None, description="The child's name for a field of the child's record; null for the "
                                                "visit's")
    drafted: FieldValue = Field(description="As drafted; null = not said (people present: one 'Name (role)' a line "
                                            "joined by '; ', day as YYYY-MM-DD, time as HH:MM)")
    signed: FieldValue
    outcome: FieldOutcome
    set_by: SetBy


class SuggestionEdit(BaseModel):
    code: str
    label: str
    outcome: SuggestionOutcome
    origin: SuggestionOrigin
    evidence_removed: bool = Field(False, description="The sentence it was suggested from is no longer in the note")
    confidence: float | None = Field(None, description="The drafting stage's confidence; null for a code added by hand")


class CheckItems(BaseModel):
    kind: CheckKind
    flagged: int = Field(ge=0, description="Drafted sentences carrying this kind of check mark")
    changed: int = Field(ge=0, description="Of them, those the worker changed (no longer word for word in the note)")


class EditRecord(BaseModel):
    """What was drafted beside what was signed, for one note (one child's record)."""

    record_version: Literal["1"] = "1"
    sections: list[SectionEdit] = Field(description="Every section of the draft, in template order")
    fields: list[FieldEdit] = Field(description="The visit's fields, then this child's")
    suggestions: list[SuggestionEdit] = Field(description="Every factor decided for this child: suggested "
                                                          "(accepted or rejected) and added by hand")
    checks: list[CheckItems] = Field(description="The recogniser's check marks in the draft, per kind")

    @property
    def drafted_words(self) -> int:
        return sum(s.drafted_words for s in self.sections)

    @property
    def kept_words(self) -> int:
        return sum(s.kept_words for s in self.sections)


# --- comparing texts --------------------------------------------------------------

_TOKEN = re.compile(r"\S+\s*")
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


def _word(token: str) -> str:
    """A token as compared: case and the punctuation around it do not count ('Tyler,' = 'tyler')."""
    return _EDGE_PUNCTUATION.sub("", token.strip()).casefold()


def _words(text: str) -> list[str]:
    return [w for w in (_word(t) for t in _TOKEN.findall(text)) if w]


def word_counts(drafted: str, signed: str) -> tuple[int, int, int]:
    """(drafted words, drafted words kept in order in the signed text, signed words)."""
    a, b = _words(drafted), _words(signed)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return len(a), kept, len(b)


def section_outcome(drafted: str, signed: str) -> SectionOutcome:
    drafted, signed = " ".join(drafted.split()), " ".join(signed.split())
    if drafted == signed:
        return SectionOutcome.kept
    if not drafted:
        return SectionOutcome.added
    return SectionOutcome.cleared if not signed else SectionOutcome.changed


class DiffPart(BaseModel):
    kind: Literal["same", "removed", "added"]
    text: str


def word_diff(drafted: str, signed: str) -> list[DiffPart]:
    """The signed text against the drafted one, word by word: runs of words kept, removed
    and added, in reading order (a replacement is its removed words, then its added ones).
    Unlike the measure, a change of case or punctuation shows: the diff is for reading."""
    a, b = _TOKEN.findall(drafted), _TOKEN.findall(signed)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    parts: list[DiffPart] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].kind == kind:
            parts[-1] = DiffPart(kind=kind, text=parts[-1].text + text)
        else:
            parts.append(DiffPart(kind=kind, text=text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", b[j1:j2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return parts

"""What the pages show of an edit record ("changed from the draft"): each section's
outcome with a readable word diff, each field as drafted and as signed, each factor's
outcome and where it came from, and the recogniser's check marks. Pure functions of the
record and the signed sections."""

from __future__ import annotations

from pydantic import BaseModel

from models.edit_record import (CheckKind, DiffPart, EditRecord, FieldValue, SectionOutcome, SetBy, SuggestionOrigin,
                                word_diff)
from models.record import ConfirmedSection

FIELD_WORDS = {
    "contact_type": "Type of visit", "announced": "Announced", "people_present": "People present",
    "visit_day": "Date of the visit", "visit_time": "Time of the visit", "name": "Name", "age": "Age",
    "child_seen": "Seen", "child_seen_alone": "Seen alone", "bedroom_seen": "Bedroom seen",
}
SECTION_WORDS = {SectionOutcome.kept: "Kept as drafted", SectionOutcome.changed: "Changed",
                 SectionOutcome.added: "Written by the worker (nothing was drafted)",
                 SectionOutcome.cleared: "Removed (left out of the note)"}
SET_BY_WORDS = {SetBy.worker: "set by the worker", SetBy.text: "from the note's text"}
ORIGIN_WORDS = {SuggestionOrigin.draft: "suggested in the draft",
                SuggestionOrigin.edit: "suggested after the worker's edit",
                SuggestionOrigin.hand: "added by hand by the worker"}
CHECK_WORDS = {CheckKind.unsure_words: "Words the recogniser was unsure of",
               CheckKind.possibly_invented: "Passages possibly invented or looping",
               CheckKind.untranscribed_speech: "Speech that could not be transcribed"}
TAGS = {"kept": "govuk-tag--grey", "changed": "govuk-tag--yellow", "added": "govuk-tag--blue",
        "cleared": "govuk-tag--red", "accepted": "govuk-tag--green", "rejected": "govuk-tag--grey"}


class SectionChange(BaseModel):
    key: str
    title: str
    outcome: str
    words: str  # 'Kept as drafted' / 'Changed: 41 of 55 drafted words kept'
    drafted: str
    diff: list[DiffPart]


class FieldChange(BaseModel):
    label: str
    child: str | None
    drafted: str
    signed: str
    outcome: str
    set_by: str


class FactorChange(BaseModel):
    code: str
    label: str
    outcome: str
    origin: str
    evidence_removed: bool


class CheckLine(BaseModel):
    words: str
    flagged: int
    changed: int


class EditView(BaseModel):
    summary: str
    sections: list[SectionChange]
    fields: list[FieldChange]
    factors: list[FactorChange]
    checks: list[CheckLine]


def value_words(value: FieldValue) -> str:
    if value is None:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def edit_view(record: EditRecord, sections: list[ConfirmedSection], summary: str) -> EditView:
    signed = {s.key: s.text for s in sections}
    changes = []
    for section in record.sections:
        if not section.drafted_words and not section.signed_words:
            continue  # nothing drafted, nothing written
        words = SECTION_WORDS[section.outcome]
        if section.outcome == SectionOutcome.changed:
            words = f"Changed: {section.kept_words} of {section.drafted_words} drafted words kept"
        changes.append(SectionChange(
            key=section.key, title=section.title, outcome=section.outcome.value, words=words,
            drafted=section.drafted, diff=word_diff(section.drafted, signed.get(section.key, ""))
            if section.outcome != SectionOutcome.kept else []))
    fields = [FieldChange(label=FIELD_WORDS.get(f.field, f.field), child=f.child, drafted=value_words(f.drafted),
                          signed=value_words(f.signed), outcome=f.outcome.value, set_by=SET_BY_WORDS[f.set_by])
              for f in record.fields]
    factors = [FactorChange(code=s.code, label=s.label, outcome=s.outcome.value, origin=ORIGIN_WORDS[s.origin],
                            evidence_removed=s.evidence_removed) for s in record.suggestions]
    checks = [CheckLine(words=CHECK_WORDS[c.kind], flagged=c.flagged, changed=c.changed) for c in record.checks]
    return EditView(summary=summary, sections=changes, fields=fields, factors=factors, checks=checks)

"""The exported view of a confirmed note, shared by every format.

``NoteDocument`` is the JSON document (its JSON Schema is published); the flat
values are what CSV rows and document headers show, written the way a preset says."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from api.exports.presets import Preset
from models.draft import Person
from models.errors import ExportSetupError
from models.record import ConfirmedFactor, ConfirmedNote, ConfirmedSection, GroupChild

DOCUMENT_TYPE = "casenote.confirmed_note"
DOCUMENT_VERSION = "1.1"  # 1.1: the child of the note and the family visit it is one of (fields added)


class NoteDocument(BaseModel):
    """One confirmed (signed) case note as casenote exports it. Field names are
    casenote's own; a case-system preset renames the top-level fields."""

    model_config = ConfigDict(title="casenote confirmed case note")

    document_type: Literal["casenote.confirmed_note"] = Field(DOCUMENT_TYPE, description="Always casenote.confirmed_note")
    document_version: Literal["1.1"] = Field(
        DOCUMENT_VERSION, description="Version of this document format; a breaking change gets a new major version"
    )
    note_id: int = Field(description="casenote's id of the confirmed note (stable; use it to de-duplicate)")
    case_reference: str = Field(description="The child's case reference / person id in the case system")
    child_name: str | None = Field(description="The child whose record this note goes on; null if the note does "
                                               "not name them (notes signed before schema 1.2 too)")
    child_age: int | None = Field(description="The child's age in years (0 under one); null if not said")
    title: str = Field(description="Short title: visit type, date and the child's name")
    visit_date: datetime | None = Field(description="Date and time of the visit (ISO 8601); null if not recorded")
    visit_time_known: bool = Field(description="False when only the day of the visit is known: visit_date is "
                                               "then midnight of that day where the visit took place")
    visit_type: str | None = Field(description="Type of contact; under a preset, the case system's code")
    announced: bool | None = Field(description="Was the visit announced; false = unannounced, null if not said")
    child_seen: bool | None = Field(description="Was the child seen; null if not recorded")
    child_seen_alone: bool | None = Field(description="Was the child seen alone; null if not recorded")
    bedroom_seen: bool | None = Field(description="Was the child's bedroom seen; null if not recorded")
    people_present: list[Person] = Field(description="People present at the visit, with their roles")
    visit_group_id: str | None = Field(description="Shared by the notes of one family visit (one note per child; "
                                                   "Mosaic: a group case note); null for a visit about one child")
    family_reference: str | None = Field(description="The case reference the family visit was recorded under; "
                                                     "null for a visit about one child")
    visit_children: list[GroupChild] = Field(description="Every child of the family visit with the record their "
                                                         "note goes on; empty for a visit about one child")
    worker: str = Field(description="The social worker who made the visit")
    confirmed_by: str = Field(description="The person who checked and confirmed (signed) the note")
    confirmed_at: datetime = Field(description="When the note was confirmed (ISO 8601)")
    recorded_at: datetime = Field(description="When the dictation was recorded (ISO 8601)")
    sections: list[ConfirmedSection] = Field(description="The note's sections in order: key, heading, text")
    factors: list[ConfirmedFactor] = Field(description="CiN census factors the worker confirmed, with evidence")
    factor_codes: list[str] = Field(description="The confirmed CiN census factor codes, in census order")
    note_text: str = Field(description="The sections as one plain text with headings, for a single free-text field")
    content_sha256: str = Field(description="SHA-256 of the canonical JSON of the confirmed content")
    record_schema_version: str = Field(description="Version of casenote's record schema the note was made with")


def display_zone(zone_name: str):
    try:
        return ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ExportSetupError(f"unknown time zone {zone_name!r} (setting export_timezone)") from exc


def local(moment: datetime, zone) -> datetime:
    """Naive datetimes from the database are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone)


def format_date(moment: datetime | None, preset: Preset, zone) -> str:
    return local(moment, zone).strftime(preset.date_format) if moment else ""


def format_time(moment: datetime | None, preset: Preset, zone) -> str:
    return local(moment, zone).strftime(preset.time_format) if moment else ""


def format_moment(moment: datetime | None, preset: Preset, zone) -> str:
    return f"{format_date(moment, preset, zone)} {format_time(moment, preset, zone)}".strip()


def census_order(codes: list[str]) -> list[str]:
    """Unique codes sorted as the census lists them (1A, 1B, ... 9A, 10A, ... 24A)."""

    def key(code: str) -> tuple[int, str]:
        digits = code.rstrip("ABCDEF")
        return (int(digits) if digits.isdigit() else 999, code[len(digits):])

    return sorted(set(codes), key=key)


def section_title(section: ConfirmedSection, preset: Preset) -> str:
    return preset.section_titles.get(section.key, section.title)


def sections_text(sections: list[ConfirmedSection], preset: Preset) -> str:
    """Sections as plain text: heading, underline, text; blank line between them."""
    blocks = []
    for section in sections:
        heading = section_title(section, preset)
        blocks.append(f"{heading}\n{'-' * len(heading)}\n{section.text.strip() or '(nothing recorded)'}")
    return "\n\n".join(blocks)


def person_text(person: Person) -> str:
    name = person.name or "unnamed"
    return f"{name} ({person.role})" if person.role else name


def child_name(note: ConfirmedNote) -> str | None:
    return note.child.name if note.child is not None and note.child.named else None


def child_text(note: ConfirmedNote) -> str:
    """'Mia, 9' / 'the baby (not named in the note)' / '' for a note signed before 1.2."""
    if note.child is None:
        return ""
    name = note.child.name if note.child.named else f"{note.child.name} (not named in the note)"
    return f"{name}, {age_text(note.child.age)}" if note.child.age is not None else name


def record_of(note: ConfirmedNote) -> str:
    """Whose record: 'Mia · CN-1' for a named child, else the case reference."""
    name = child_name(note)
    return f"{name} · {note.case_reference}" if name else note.case_reference


def age_text(age: int | None) -> str:
    if age is None:
        return ""
    return "under one" if age == 0 else f"{age}"


def visit_title(note: ConfirmedNote, zone) -> str:
    kind = (note.visit.contact_type or "Visit").strip()
    kind = kind[:1].upper() + kind[1:]
    when = local(note.visit_date, zone).strftime("%d %b %Y") if note.visit_date else "date not recorded"
    name = child_name(note)
    return f"{kind} – {when}" + (f" – {name}" if name else "")


def visit_moment_text(note: ConfirmedNote, preset: Preset, zone) -> str:
    if note.visit_date is None:
        return ""
    if not note.visit_time_known:
        return f"{format_date(note.visit_date, preset, zone)} (time not recorded)"
    return format_moment(note.visit_date, preset, zone)


def build_document(note: ConfirmedNote, preset: Preset, zone) -> NoteDocument:
    return NoteDocument(
        note_id=note.id,
        case_reference=note.case_reference,
        child_name=child_name(note),
        child_age=note.child.age if note.child is not None else None,
        title=visit_title(note, zone),
        visit_date=note.visit_date,
        visit_time_known=note.visit_time_known,
        visit_type=preset.visit_type_code(note.visit.contact_type),
        announced=note.visit.announced,
        child_seen=note.visit.child_seen,
        child_seen_alone=note.visit.child_seen_alone,
        bedroom_seen=note.visit.bedroom_seen,
        people_present=note.visit.people_present,
        visit_group_id=note.group.id if note.group else None,
        family_reference=note.group.family_reference if note.group else None,
        visit_children=note.group.children if note.group else [],
        worker=note.worker,
        confirmed_by=note.confirmed_by,
        confirmed_at=note.confirmed_at,
        recorded_at=note.recorded_at,
        sections=[s.model_copy(update={"title": section_title(s, preset)}) for s in note.sections],
        factors=note.factors,
        factor_codes=census_order([f.code for f in note.factors]),
        note_text=sections_text(note.sections, preset),
        content_sha256=note.content_sha256,
        record_schema_version=note.schema_version,
    )


def flat_values(note: ConfirmedNote, preset: Preset, zone) -> dict[str, str]:
    """Every field as the text a CSV cell or a document line shows."""
    doc = build_document(note, preset, zone)
    return {
        "document_type": doc.document_type,
        "document_version": doc.document_version,
        "note_id": str(doc.note_id),
        "case_reference": doc.case_reference,
        "child_name": doc.child_name or "",
        "child_age": age_text(doc.child_age),
        "title": doc.title,
        "visit_date": format_date(doc.visit_date, preset, zone),
        "visit_time": format_time(doc.visit_date, preset, zone) if doc.visit_time_known else "",
        "visit_time_known": preset.yes_no(doc.visit_time_known) if doc.visit_date else "",
        "visit_type": doc.visit_type or "",
        "announced": preset.yes_no(doc.announced),
        "child_seen": preset.yes_no(doc.child_seen),
        "child_seen_alone": preset.yes_no(doc.child_seen_alone),
        "bedroom_seen": preset.yes_no(doc.bedroom_seen),
        "people_present": preset.list_separator.join(person_text(p) for p in doc.people_present),
        "visit_group_id": doc.visit_group_id or "",
        "family_reference": doc.family_reference or "",
        "visit_children": preset.list_separator.join(f"{c.name} ({c.case_reference})" for c in doc.visit_children),
        "worker": doc.worker,
        "confirmed_by": doc.confirmed_by,
        "confirmed_at": format_moment(doc.confirmed_at, preset, zone),
        "recorded_at": format_moment(doc.recorded_at, preset, zone),
        "sections": preset.list_separator.join(s.title for s in doc.sections),
        "factors": preset.list_separator.join(f"{f.code} {f.label}" for f in doc.factors),
        "factor_codes": " ".join(doc.factor_codes),
        "note_text": doc.note_text,
        "content_sha256": doc.content_sha256,
        "record_schema_version": doc.record_schema_version,
    }


@lru_cache(maxsize=1)
def document_schema() -> dict:
    return NoteDocument.model_json_schema(mode="serialization")


def visit_lines(note: ConfirmedNote, preset: Preset, zone) -> list[tuple[str, str]]:
    """The visit's statutory fields as (heading, value) lines for the documents."""
    values = flat_values(note, preset, zone)
    kind = note.visit.contact_type or "not recorded"
    code = preset.visit_type_code(note.visit.contact_type)
    child = [(preset.label("child_name"), child_text(note))] if note.child is not None else []
    group = [(preset.label("family_reference"), values["family_reference"]),
             (preset.label("visit_children"), values["visit_children"]),
             (preset.label("visit_group_id"), values["visit_group_id"])] if note.group is not None else []
    return [
        (preset.label("case_reference"), values["case_reference"]),
        *child,
        (preset.label("visit_date"), visit_moment_text(note, preset, zone) or "not recorded"),
        (preset.label("visit_type"), kind if code in (None, kind) else f"{kind} ({code})"),
        (preset.label("announced"), values["announced"] or "not recorded"),
        (preset.label("worker"), values["worker"]),
        (preset.label("child_seen"), values["child_seen"] or "not recorded"),
        (preset.label("child_seen_alone"), values["child_seen_alone"] or "not recorded"),
        (preset.label("bedroom_seen"), values["bedroom_seen"] or "not recorded"),
        (preset.label("people_present"), values["people_present"] or "not recorded"),
        *group,
    ]


def signature_lines(note: ConfirmedNote, preset: Preset, zone) -> list[tuple[str, str]]:
    """Who confirmed the record, when, and the hash that identifies its content."""
    return [
        (preset.label("confirmed_by"), note.confirmed_by),
        (preset.label("confirmed_at"), format_moment(note.confirmed_at, preset, zone)),
        (preset.label("recorded_at"), format_moment(note.recorded_at, preset, zone)),
        (preset.label("note_id"), str(note.id)),
        (preset.label("content_sha256"), note.content_sha256),
    ]

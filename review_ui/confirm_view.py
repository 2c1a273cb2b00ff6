"""What the confirm page lists: exactly what each note confirming would sign holds, and
what each export of it will carry, field by field, worked out from the very notes
sign-off would make (``build_confirmed_notes``) and the export code itself
(``flat_values``, the census fragment's rules), so that nothing is signed or sent that
the page did not show."""

from __future__ import annotations

from pydantic import BaseModel

from api.exports.cin_xml import assessment_dates, factor_codes
from api.exports.context import RenderContext
from api.exports.plain_text import factor_lines
from api.exports.presets import FIELD_LABELS, Preset
from api.exports.record import flat_values, person_text
from models.errors import NotExportable
from models.record import ConfirmedNote

# Known only at the moment of signing: shown as what they will be.
AFTER_SIGNING = {
    "note_id": "a number given to each note when you sign",
    "content_sha256": "worked out from the note's content when you sign",
    "confirmed_at": "the date and time you sign",
    "visit_group_id": "one id for this visit's notes, given when you sign",
}


class ExportFieldView(BaseModel):
    key: str
    label: str
    value: str
    after_signing: bool = False


class FactorPreview(BaseModel):
    line: str  # '1B – Alcohol misuse by parent/carer (added by the worker)', as the documents print it
    code: str
    evidence: list[str]


class CensusPreview(BaseModel):
    codes: list[str] = []
    start: str = ""
    authorised: str = ""
    refused: str = ""  # why the census fragment cannot be made for this note


class NotePreview(BaseModel):
    number: int
    child_key: str
    child_name: str
    case_reference: str
    fields: list[ExportFieldView]
    people: list[str]
    factors: list[FactorPreview]
    census: CensusPreview


def _census(note: ConfirmedNote, ctx: RenderContext) -> CensusPreview:
    try:
        codes = factor_codes(note)
        start, authorised = assessment_dates(note, ctx)
    except NotExportable as refused:
        return CensusPreview(refused=str(refused))
    return CensusPreview(codes=codes, start=start.isoformat(), authorised=authorised.isoformat())


def note_previews(notes: list[ConfirmedNote], child_keys: list[str], ctx: RenderContext) -> list[NotePreview]:
    """One preview per note, every export field in the order of FIELD_LABELS with the
    value the exports will print (the default preset's spelling)."""
    previews = []
    for number, (note, key) in enumerate(zip(notes, child_keys), 1):
        values = flat_values(note, ctx.preset, ctx.zone)
        fields = []
        for field, label in FIELD_LABELS.items():
            later = field in AFTER_SIGNING and (field != "visit_group_id" or note.group is not None)
            fields.append(ExportFieldView(key=field, label=label, value=AFTER_SIGNING[field] if later else values[field],
                                          after_signing=later))
        factors = [FactorPreview(line=line, code=f.code, evidence=[e.text for e in f.evidence])
                   for line, f in zip(factor_lines(note), note.factors)]
        previews.append(NotePreview(
            number=number, child_key=key, child_name=note.child.name if note.child else "",
            case_reference=note.case_reference, fields=fields,
            people=[person_text(p) for p in note.visit.people_present], factors=factors, census=_census(note, ctx)))
    return previews


def fixed_values(presets: list[Preset]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(case system, [(field, value)]) that a preset adds to every note it exports."""
    return [(p.title, [(name, str(value)) for name, value in p.fixed_values.items()])
            for p in presets if p.fixed_values]

"""The notes of a family visit, one per child, in every format and preset: each carries
its child's name, age, case reference, fields and factors, and the visit they share."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import docx
import jsonschema
import pypdf
import pytest

from api.exports.context import ExportOptions
from api.exports.json_doc import schema_for
from api.exports.presets import FIELD_LABELS, load_preset, preset_names
from api.exports.record import NoteDocument, flat_values
from api.exports.registry import FORMATS, export_note
from models.draft import ChildVisit
from models.record import GroupChild, VisitGroup
from tests.exports.conftest import make_note

pytestmark = pytest.mark.unit

GROUP = VisitGroup(id="8d1f0c", family_reference="FAM-88", children=[
    GroupChild(name="Mia", case_reference="CN-1"), GroupChild(name="Tyler", case_reference="CN-2")])


def child_note(note_id: int, name: str, reference: str, age: int, alone: bool, factors: list[str], **changes):
    child = ChildVisit(name=name, age=age, child_seen=True, child_seen_alone=alone, bedroom_seen=alone)
    base = make_note(note_id, factors=factors)
    visit = base.visit.model_copy(update={"child_seen_alone": alone, "bedroom_seen": alone})
    return make_note(note_id, factors=factors, case_reference=reference, child=child, group=GROUP, visit=visit,
                     schema_version="1.2", **changes)


@pytest.fixture
def mia():
    return child_note(21, "Mia", "CN-1", 9, True, ["1B", "16A"])


@pytest.fixture
def tyler():
    return child_note(22, "Tyler", "CN-2", 4, False, ["1B", "4B"])


def export(note, fmt, settings, preset=None):
    return export_note(note, fmt, ExportOptions(preset=preset), settings).content


def test_every_field_of_the_json_document_is_a_field_every_format_names():
    """The confirm page shows each export field by these names and values: none may lack one."""
    fields = set(NoteDocument.model_fields)
    assert fields <= set(FIELD_LABELS), fields - set(FIELD_LABELS)
    assert set(FIELD_LABELS) - fields == {"visit_time"}  # the time is part of visit_date in JSON


def test_text_docx_and_pdf_name_the_child_their_record_and_the_visit(mia, tyler, settings):
    for note, name, reference, alone in ((mia, "Mia, 9", "CN-1", "Yes"), (tyler, "Tyler, 4", "CN-2", "No")):
        text = export(note, "text", settings).decode("utf-8")
        assert text.startswith(f"Statutory visit – 12 Mar 2025 – {name.split(',')[0]}\n")
        for label, value in (("Case reference", reference), ("Child", name), ("Child seen alone", alone),
                             ("Family case reference", "FAM-88"), ("Children of the visit", "Mia (CN-1); Tyler (CN-2)"),
                             ("Family visit id", "8d1f0c")):
            assert f"{label}:" in text and value in text.split(f"{label}:", 1)[1].split("\n", 1)[0], (label, text)
        document = docx.Document(io.BytesIO(export(note, "docx", settings)))
        header = document.sections[0].header.paragraphs[0].text
        assert f"{name.split(',')[0]} · {reference} · casenote note {note.id}" in header
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        assert name in cells and "FAM-88" in cells
        pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(export(note, "pdf", settings))).pages)
        assert f"{name.split(',')[0]} · {reference}" in pdf and name in pdf
    assert "4B" in export(tyler, "text", settings).decode() and "4B" not in export(mia, "text", settings).decode()


def test_json_and_csv_carry_the_child_and_the_group_under_every_preset(mia, tyler, settings):
    for preset in preset_names(settings):
        loaded = load_preset(preset, settings)
        for note in (mia, tyler):
            document = json.loads(export(note, "json", settings, preset))
            jsonschema.validate(document, schema_for(loaded))
            name = loaded.field_name
            assert document[name("case_reference")] == note.case_reference
            assert (document[name("child_name")], document[name("child_age")]) == (note.child.name, note.child.age)
            assert document[name("child_seen_alone")] is note.child.child_seen_alone
            assert document[name("visit_group_id")] == "8d1f0c" and document[name("family_reference")] == "FAM-88"
            assert document[name("visit_children")] == [{"name": "Mia", "case_reference": "CN-1"},
                                                         {"name": "Tyler", "case_reference": "CN-2"}]
            assert document[name("factor_codes")] == [f.code for f in note.factors]
            [row] = csv.DictReader(io.StringIO(export(note, "csv", settings, preset).decode("utf-8-sig"), newline=""))
            assert row[name("case_reference")] == note.case_reference and row[name("child_name")] == note.child.name
            assert row[name("visit_group_id")] == "8d1f0c"


def test_the_census_fragment_is_each_childs_own(mia, tyler, settings):
    for note, codes in ((mia, ["1B", "16A"]), (tyler, ["1B", "4B"])):
        xml = export(note, "cin-xml", settings).decode("utf-8")
        assert f"casenote note {note.id}, case {note.case_reference}:" in xml
        assert [line.strip()[len("<AssessmentFactors>"):-len("</AssessmentFactors>")]
                for line in xml.splitlines() if "<AssessmentFactors>" in line] == codes


def test_a_visit_whose_time_was_not_said_prints_its_day_only(settings):
    note = child_note(23, "Mia", "CN-1", 9, True, ["1B"], visit_time_known=False,
                      visit_date=datetime(2025, 3, 12, 0, 0, tzinfo=timezone.utc))
    values = flat_values(note, load_preset(None, settings), ZoneInfo("Europe/London"))
    assert (values["visit_date"], values["visit_time"], values["visit_time_known"]) == ("2025-03-12", "", "No")
    text = export(note, "text", settings).decode("utf-8")
    assert "2025-03-12 (time not recorded)" in text
    assert json.loads(export(note, "json", settings))["visit_time_known"] is False


def test_an_unnamed_child_and_a_note_signed_before_children(settings):
    baby = make_note(24, child=ChildVisit(name="the baby", named=False, age=0))
    document = json.loads(export(baby, "json", settings))
    assert (document["child_name"], document["child_age"]) == (None, 0)
    text = export(baby, "text", settings).decode()
    assert "Child:" in text and "the baby (not named in the note), under one" in text
    old = make_note(25)  # signed before 1.2: no child, no group
    document = json.loads(export(old, "json", settings))
    assert document["child_name"] is None and document["visit_children"] == [] and document["visit_group_id"] is None
    assert "Child:" not in export(old, "text", settings).decode()
    assert set(FORMATS) == {"text", "docx", "pdf", "json", "csv", "cin-xml"}

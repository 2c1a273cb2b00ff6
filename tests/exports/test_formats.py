"""Each export format, opened with a real reader and checked against the note."""

from __future__ import annotations

import csv
import io
import json
import re

import docx
import jsonschema
import pypdf
import pytest
import xmlschema

from api.exports.context import ExportOptions
from api.exports.json_doc import schema_for
from api.exports.presets import load_preset
from api.exports.registry import FORMATS, export_note, export_notes_csv
from models.errors import NotExportable, UnknownFormat
from tests.conftest import SHARED
from tests.exports.conftest import SECTIONS, make_note

pytestmark = pytest.mark.unit

CIN_XSD = SHARED / "reference" / "CIN_schema_2024.xsd"


def has_line(text: str, label: str, value: str) -> bool:
    """A 'label: value' line of the aligned header, whatever the padding."""
    return re.search(rf"^{re.escape(label)}:\s+{re.escape(value)}$", text, re.MULTILINE) is not None


def export(note, fmt, settings, preset=None, **options):
    return export_note(note, fmt, ExportOptions(preset=preset, **options), settings)


def test_text_has_headings_fields_sections_and_factors(note, settings):
    text = export(note, "text", settings).content.decode("utf-8")
    assert text.startswith("Statutory visit – 12 Mar 2025\n=====")
    for _, heading, body in SECTIONS:
        assert f"\n{heading}\n{'-' * len(heading)}\n" in text
        assert body.split("\n\n")[0] in text
    assert "Case reference:" in text and "CN-204871" in text
    assert has_line(text, "Announced visit", "No") and has_line(text, "Child seen alone", "No")
    assert "Child seen:" in text and "Child seen alone:" in text and "Child's bedroom seen:" in text
    assert "1B – Alcohol misuse by parent/carer" in text
    assert "16A – Neglect (added by the worker)" in text
    assert note.content_sha256 in text
    assert has_line(text, "Confirmed at", "2025-03-12 17:42")  # Europe/London (GMT in March)


def test_text_uses_the_preset_headings(note, settings):
    lcs = export(note, "text", settings, preset="lcs").content.decode("utf-8")
    assert has_line(lcs, "Event date", "12/03/2025 14:00") and has_line(lcs, "Seen alone", "N")
    assert has_line(lcs, "Note type", "statutory visit (STVC)")
    eclipse = export(note, "text", settings, preset="eclipse").content.decode("utf-8")
    assert "Date of visit:" in eclipse and "Was the child seen alone:" in eclipse


def test_docx_is_a_signed_record(note, settings):
    result = export(note, "docx", settings)
    document = docx.Document(io.BytesIO(result.content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = {row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows}
    assert paragraphs[0] == "Statutory visit – 12 Mar 2025"
    assert cells["Case reference"] == "CN-204871"
    assert cells["Visit date"] == "2025-03-12 14:00"
    assert cells["Visit type"] == "statutory visit"
    assert cells["Announced visit"] == "No"
    assert cells["Worker"] == "Amara Okafor"
    assert (cells["Child seen"], cells["Child seen alone"], cells["Child's bedroom seen"]) == ("Yes", "No", "Yes")
    assert "Zoë Ó Súilleabháin (professional)" in cells["People present"]
    assert cells["Confirmed by"] == "Amara Okafor" and cells["Confirmed at"] == "2025-03-12 17:42"
    assert cells["Content SHA-256"] == note.content_sha256
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [h for _, h, _ in SECTIONS] + ["CiN factors confirmed", "Confirmation"]
    assert "Empty cans were in the recycling bag by the door." in paragraphs
    assert "1B – Alcohol misuse by parent/carer" in paragraphs
    assert document.core_properties.identifier == "casenote-note-17"
    assert note.content_sha256 in document.sections[0].footer.paragraphs[0].text


def test_pdf_text_carries_the_record(note, settings):
    result = export(note, "pdf", settings, preset="lcs")
    assert result.content.startswith(b"%PDF-") and result.media_type == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(result.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in ["Statutory visit – 12 Mar 2025", "Case reference CN-204871", "Event date 12/03/2025 14:00",
                     "Note type statutory visit (STVC)", "Worker Amara Okafor", "Seen alone N",
                     "Zoë Ó Súilleabháin", "Kayden’s bedroom was tidy", "“I like it when Nan picks me up",
                     "1B – Alcohol misuse by parent/carer", "Confirmed at 12/03/2025 17:42",
                     f"Page 1 of {len(reader.pages)}", note.content_sha256]:
        assert expected in text, expected
    for _, heading, _ in SECTIONS:
        assert heading in text
    assert reader.metadata.title == "Statutory visit – 12 Mar 2025"
    # The same note always gives the same bytes (creation date = confirmation time).
    assert export(note, "pdf", settings, preset="lcs").content == result.content


def test_json_validates_against_the_published_schema_for_every_preset(note, settings):
    for preset in ["casenote", "lcs", "mosaic", "eclipse"]:
        document = json.loads(export(note, "json", settings, preset=preset).content)
        schema = schema_for(load_preset(preset, settings))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
        assert schema["properties"][load_preset(preset, settings).field_name("child_seen_alone")]["description"]
    lcs = json.loads(export(note, "json", settings, preset="lcs").content)
    assert (lcs["PersonID"], lcs["EventDate"], lcs["NoteType"], lcs["SeenAlone"]) == (
        "CN-204871", "2025-03-12T14:00:00Z", "STVC", False)
    mosaic = json.loads(export(note, "json", settings, preset="mosaic").content)
    assert mosaic["Status"] == "Finished" and mosaic["Body"].startswith("Purpose of visit\n")
    assert mosaic["CINFactors"] == ["1B", "16A"] and mosaic["document_version"] == "1.1"
    # A document that breaks the schema is caught by it (the check can fail).
    lcs["SeenAlone"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(lcs, schema_for(load_preset("lcs", settings)))


def test_csv_is_one_parsable_row_per_note(settings):
    notes = [make_note(17), make_note(18, visit_date=None, factors=["21"])]
    table = export_notes_csv(notes, ExportOptions(preset="lcs"), settings).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert len(rows) == 2
    assert list(rows[0]) == ["PersonID", "PersonName", "EventDate", "EventTime", "NoteType", "Announced", "Seen",
                             "SeenAlone", "BedroomSeen", "PeoplePresent", "Worker", "ConfirmedDate", "CINFactors",
                             "ExternalNoteRef", "GroupNoteRef", "FamilyID", "ContentHash", "NoteText"]
    first, second = rows
    assert (first["EventDate"], first["EventTime"], first["Seen"], first["SeenAlone"]) == ("12/03/2025", "14:00", "Y", "N")
    assert first["Announced"] == "N"  # an unannounced visit
    assert first["CINFactors"] == "1B 16A" and first["ExternalNoteRef"] == "17"
    assert "Empty cans were in the recycling bag by the door." in first["NoteText"]  # multi-line cell survives
    assert (second["EventDate"], second["CINFactors"], second["ExternalNoteRef"]) == ("", "21", "18")
    single = export(make_note(17), "csv", settings).content.decode("utf-8")
    assert single.splitlines()[0].startswith(
        "note_id,case_reference,child_name,child_age,visit_date,visit_time,visit_type,announced,child_seen")


def _assessments_schema(tmp_path):
    """The census schema declares only <Message>; <Assessments> is validated as its type."""
    wrapper = tmp_path / "assessments.xsd"
    wrapper.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:include schemaLocation="{CIN_XSD.as_uri()}"/>'
        '<xs:element name="Assessments" type="assessmentstype"/></xs:schema>'
    )
    return xmlschema.XMLSchema(str(wrapper))


def _in_a_census_message(fragment: bytes) -> str:
    """The fragment in its real place inside a minimal census Message."""
    body = fragment.decode("utf-8").split("?>", 1)[1]
    return (
        "<Message><Children><Child>"
        "<ChildIdentifiers><LAchildID>CN-204871</LAchildID><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        "<CINdetails><CINreferralDate>2025-02-01</CINreferralDate><ReferralSource>1A</ReferralSource>"
        f"{body}<ReferralNFA>false</ReferralNFA></CINdetails>"
        "</Child></Children></Message>"
    )


def test_cin_xml_validates_against_the_census_schema(tmp_path, settings):
    schema = _assessments_schema(tmp_path)
    census = xmlschema.XMLSchema(str(CIN_XSD))
    note = make_note(factors=["16A", "1B", "4B"])
    xml = export(note, "cin-xml", settings).content
    schema.validate(xml.decode("utf-8"))
    census.validate(_in_a_census_message(xml))
    decoded = schema.to_dict(xml.decode("utf-8"))
    assert decoded["AssessmentActualStartDate"] == "2025-03-12"
    assert decoded["AssessmentAuthorisationDate"] == "2025-03-12"
    assert decoded["FactorsIdentifiedAtAssessment"]["AssessmentFactors"] == ["1B", "4B", "16A"]
    dated = export(note, "cin-xml", settings, assessment_start_date="2025-02-20",
                   assessment_authorisation_date="2025-03-20").content.decode("utf-8")
    assert schema.to_dict(dated)["AssessmentAuthorisationDate"] == "2025-03-20"
    only_21 = export(make_note(factors=["21"]), "cin-xml", settings).content.decode("utf-8")
    assert schema.to_dict(only_21)["FactorsIdentifiedAtAssessment"]["AssessmentFactors"] == ["21"]
    # The validator itself rejects a code the census does not have (the check can fail).
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(only_21.replace(">21<", ">18A<"))


@pytest.mark.parametrize("codes, reason", [
    (["21", "1B"], "8869"),
    (["1B", "1B"], "8898"),
    (["18A"], "retired"),
    (["99Z"], "not a CiN census factor"),
    ([], "no confirmed CiN factors"),
])
def test_cin_xml_refuses_factor_sets_the_census_rejects(codes, reason, settings):
    with pytest.raises(NotExportable, match=reason):
        export(make_note(factors=codes), "cin-xml", settings)


def test_cin_xml_refuses_authorisation_before_start(note, settings):
    with pytest.raises(NotExportable, match="before its start date"):
        export(note, "cin-xml", settings, assessment_start_date="2025-03-20",
               assessment_authorisation_date="2025-03-01")


def test_unknown_format_names_the_choices(note, settings):
    with pytest.raises(UnknownFormat, match="choose one of: text, docx, pdf, json, csv, cin-xml"):
        export(note, "rtf", settings)
    assert list(FORMATS) == ["text", "docx", "pdf", "json", "csv", "cin-xml"]

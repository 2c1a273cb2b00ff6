"""Presets are data: an authority adds or replaces one with a YAML file."""

from __future__ import annotations

import csv
import io
import json

import pytest

from api.exports.context import ExportOptions
from api.exports.presets import load_preset, preset_names
from api.exports.registry import export_note
from models.errors import PresetInvalid, UnknownPreset

pytestmark = pytest.mark.unit


def test_built_in_presets(settings):
    assert preset_names(settings) == ["casenote", "eclipse", "lcs", "mosaic"]
    assert load_preset("eclipse", settings).fixed_values == {"form_design": "casenote_visit_record"}


def test_an_authority_adds_its_own_preset(note, settings, tmp_path):
    own = tmp_path / "presets"
    own.mkdir()
    (own / "carefirst.yaml").write_text(
        "title: CareFirst (Anytown)\n"
        "date_format: '%d.%m.%Y'\n"
        "true_value: 'TRUE'\nfalse_value: 'FALSE'\n"
        "fields: {case_reference: ClientNo, visit_date: ContactDate, child_seen_alone: SeenAlone}\n"
        "csv_columns: [case_reference, visit_date, child_seen_alone]\n"
        "labels: {case_reference: Client number}\n"
        "section_titles: {child_voice: Voice of the child}\n"
        "visit_types: {Statutory Visit: SV01}\n"
    )
    settings = settings.model_copy(update={"export_presets_dir": own})
    assert "carefirst" in preset_names(settings)
    options = ExportOptions(preset="carefirst")
    rows = list(csv.reader(io.StringIO(export_note(note, "csv", options, settings).content.decode())))
    assert rows == [["ClientNo", "ContactDate", "SeenAlone"], ["CN-204871", "12.03.2025", "FALSE"]]
    document = json.loads(export_note(note, "json", options, settings).content)
    assert document["ClientNo"] == "CN-204871" and document["visit_type"] == "SV01"
    text = export_note(note, "text", options, settings).content.decode()
    assert "Client number:" in text and "Voice of the child\n" in text


def test_an_authority_file_replaces_a_built_in_one(note, settings, tmp_path):
    (tmp_path / "lcs.yaml").write_text("title: LCS (our build)\ncsv_columns: [case_reference]\n"
                                      "fields: {case_reference: PersonRef}\n")
    settings = settings.model_copy(update={"export_presets_dir": tmp_path})
    content = export_note(note, "csv", ExportOptions(preset="lcs"), settings).content.decode()
    assert content.splitlines() == ["PersonRef", "CN-204871"]


@pytest.mark.parametrize("yaml_text, message", [
    ("title: X\ncsv_columns: [case_reference, shoe_size]\n", "unknown casenote field.*shoe_size"),
    ("title: X\ncsv_columns: []\nfields: {worker: A, confirmed_by: A}\n", "field name.*used twice: A"),
    ("csv_columns: []\n", "title"),
    ("title: X\ncsv_columns: [note_id]\ncolour: blue\n", "colour"),
    ("title: [unclosed\n", "cannot read it"),
])
def test_a_bad_preset_file_gets_a_clear_error(yaml_text, message, settings, tmp_path):
    (tmp_path / "ours.yaml").write_text(yaml_text)
    settings = settings.model_copy(update={"export_presets_dir": tmp_path})
    with pytest.raises(PresetInvalid, match=message) as error:
        load_preset("ours", settings)
    assert "ours.yaml" in str(error.value)


def test_unknown_preset_lists_the_known_ones(settings):
    with pytest.raises(UnknownPreset, match="known: casenote, eclipse, lcs, mosaic"):
        load_preset("carefirst", settings)

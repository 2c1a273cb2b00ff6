"""The confirm page shows everything that will be signed and sent: for each note of a
family visit, every field of every export, with the value the signed note's exports
then carry. The list of fields comes from the export models (the JSON document's
fields, the fields every format prints, the presets' fixed values), not from a list
written for this test."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from api.exports.context import ExportOptions
from api.exports.presets import FIELD_LABELS, load_preset, preset_names
from api.exports.record import NoteDocument, flat_values
from api.exports.registry import export_note
from models.record import ConfirmedNote
from review_ui.confirm_view import AFTER_SIGNING
from tests.api.conftest import make_settings
from tests.api.helpers import Client, add_user, live_server, seed_recording
from tests.api.test_family_visits import family_note
from tests.conftest import AUDIO

# Identifiers the page shows by their meaning, not their spelling: a section's key by its
# title, a factor's source by "(added by the worker)".
SHOWN_BY_MEANING = {"key", "source"}


@pytest.fixture
def service(tmp_path):
    settings = make_settings(tmp_path / "data")
    with live_server(settings, background=False) as (url, app):
        yield url, app, settings


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def string_leaves(value, path=""):
    """(path, text) of every string inside the JSON document's lists and objects."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item, f"{path}[]")
    elif isinstance(value, str):
        yield path, value


def test_every_field_of_every_export_is_on_the_confirm_page(service):
    url, app, settings = service
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=family_note(), case_reference="FAM-7",
                              child_references={"Mia": "CN-1", "Tyler": "CN-2"})["draft_id"]
    client = Client(url, "ada")
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": '"1"'}, json={
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "7A", "child": "c1", "decision": "accepted"},
                    {"code": "18C", "child": "c2", "decision": "rejected"},
                    {"code": "2B", "child": "c2", "decision": "accepted"}],
        "children": [{"key": "c2", "bedroom_seen": False}],
        "visit_day": "2025-03-11", "visit_time": "16:00",
        "visit": {"people_present": [{"name": "Leanne Price", "role": "mother"}, {"name": None, "role": "nan"}]}})
    assert saved.status_code == 200 and saved.json()["confirm_problems"] == [], saved.text

    page = client.get(f"/drafts/{draft_id}/confirm")
    assert page.status_code == 200, page.text
    html = lxml.html.fromstring(page.text)
    blocks = {b.get("data-note-child"): b for b in html.xpath("//*[@data-note-child]")}
    assert list(blocks) == ["c1", "c2"]
    table = text_of(html.get_element_by_id("confirm-children"))
    assert "Mia" in table and "Tyler" in table and "CN-1" in table and "CN-2" in table

    notes = [ConfirmedNote.model_validate(n) for n in client.post(f"/api/drafts/{draft_id}/confirm").json()["notes"]]
    zone = ZoneInfo(settings.export_timezone)
    default = load_preset(None, settings)
    fields = list(dict.fromkeys([*NoteDocument.model_fields, *FIELD_LABELS]))
    for key, note in zip(["c1", "c2"], notes):
        block = blocks[key]
        rows = {row.get("data-export-field"): row for row in block.xpath(".//*[@data-export-field]")}
        values = flat_values(note, default, zone)
        for field in fields:
            assert field in rows, f"{field} of the exports is not on the confirm page"
            shown = text_of(rows[field].xpath(".//dd")[0])
            if "data-after-signing" in rows[field].attrib:
                assert field in AFTER_SIGNING and shown == AFTER_SIGNING[field]
            else:
                assert shown == (" ".join(values[field].split()) or "(empty)"), (field, shown, values[field])
        # Inside the lists: every person, section, factor and its evidence, every child of the visit.
        document = json.loads(export_note(note, "json", ExportOptions(), settings).content)
        assert set(document) == set(NoteDocument.model_fields)
        whole = text_of(block)
        for path, text in string_leaves({k: v for k, v in document.items() if isinstance(v, (list, dict))}):
            if path.rsplit(".", 1)[-1] not in SHOWN_BY_MEANING:
                assert " ".join(text.split()) in whole, f"{path}: {text!r} is not on the confirm page"
        # The census fragment: exactly the codes it will carry.
        xml = export_note(note, "cin-xml", ExportOptions(), settings).content.decode()
        codes = re.findall(r"<AssessmentFactors>(\w+)</AssessmentFactors>", xml)
        assert f"Factors {', '.join(codes)};" in text_of(rows["cin-xml"])
    assert [f.code for f in notes[0].factors] == ["1B", "7A"] and [f.code for f in notes[1].factors] == ["1B", "2B"]
    # What a case system's preset adds to every note.
    shown_fixed = {el.get("data-fixed-value"): text_of(el) for el in html.xpath("//*[@data-fixed-value]")}
    for name in preset_names(settings):
        for field, value in load_preset(name, settings).fixed_values.items():
            assert shown_fixed.get(field) == f"{field} = {value}"

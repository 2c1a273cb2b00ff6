"""``casenote draft`` and ``casenote evaluate``: output, and bad input as one line with exit code 2."""

from __future__ import annotations

import json
import subprocess

import pytest
from typer.testing import CliRunner

from casenote.cli import app
from tests.conftest import REPO

CASENOTE = REPO / ".venv" / "bin" / "casenote"
NOTE = ("Unannounced home visit to Kayden, 7. Kayden was seen alone in his bedroom. "
        "Dad said he has been drinking heavily since mum left. I will visit again next week.")

runner = CliRunner()


@pytest.fixture
def note_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_draft_text_prints_the_readable_note(note_file):
    result = runner.invoke(app, ["draft", "--text", str(note_file)])
    assert result.exit_code == 0, result.output
    assert "Purpose of visit\n  Unannounced home visit to Kayden, 7." in result.output
    assert "Visit: home visit (unannounced); child seen: yes; seen alone: yes; bedroom seen: yes" in result.output
    assert "1B   Alcohol misuse by parent/carer" in result.output
    assert '"Dad said he has been drinking heavily since mum left."' in result.output


def test_draft_text_shows_each_child_with_their_fields_and_factors(tmp_path):
    path = tmp_path / "family.txt"
    path.write_text("Child in need visit on Tuesday 3 March at 4 pm to Mia, 9, and her brother Tyler, aged four. "
                    "Mia was seen alone in her bedroom. Tyler was not seen alone because he was asleep. "
                    "Mia told me she looks after Tyler when mum stays in bed. "
                    "Mum's partner Craig smacked Tyler on the legs last week.", encoding="utf-8")
    result = runner.invoke(app, ["draft", "--text", str(path)])
    assert result.exit_code == 0, result.output
    assert "seen alone: differs by child" in result.output
    assert 'When: Tuesday 3 March 16:00 - said: "Tuesday 3 March at 4 pm"' in result.output
    assert "  Mia, 9: seen yes; seen alone yes; bedroom seen yes; factors: 7A" in result.output
    assert "  Tyler, 4: seen yes; seen alone no; bedroom seen not said; factors: 18C" in result.output
    assert "        for: Tyler" in result.output


def test_draft_text_json_is_the_draft_note_model(note_file):
    from models.draft import DraftNote

    result = runner.invoke(app, ["draft", "--text", str(note_file), "--json"])
    assert result.exit_code == 0, result.output
    note = DraftNote.model_validate(json.loads(result.output))
    assert [s.code for s in note.factor_suggestions] == ["1B"]
    assert note.transcript is None and all(s.start_s is None for sec in note.sections for s in sec.sentences)


def test_draft_with_a_custom_template(note_file, tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("name: short\nsections:\n- {key: note, title: Note, default: true}\n"
                        "- {key: next, title: Next, patterns: [{regex: '\\bI will\\b', weight: 3}]}\n")
    result = runner.invoke(app, ["draft", "--text", str(note_file), "--template", str(template), "--json"])
    assert result.exit_code == 0, result.output
    sections = {s["key"]: s["text"] for s in json.loads(result.output)["sections"]}
    assert sections["next"] == "I will visit again next week."


@pytest.mark.parametrize("setup,message", [
    (lambda d: d / "missing.txt", "file not found"),
    (lambda d: (d / "empty.txt").write_text("  \n") and d / "empty.txt", "the file is empty"),
    (lambda d: (d / "bin.txt").write_bytes(b"\x00\x01ELF\x00") and d / "bin.txt", "binary file"),
    (lambda d: (d / "latin.txt").write_bytes("caf\xe9 visit".encode("latin-1")) and d / "latin.txt", "not UTF-8"),
    (lambda d: d, "not a file"),
])
def test_bad_text_file_is_one_line_exit_2(tmp_path, setup, message):
    path = setup(tmp_path)
    result = runner.invoke(app, ["draft", "--text", str(path)])
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_bad_template_is_one_line_exit_2(note_file, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: [\n")
    result = runner.invoke(app, ["draft", "--text", str(note_file), "--template", str(bad)])
    assert result.exit_code == 2 and "template is not valid YAML" in result.output


def test_neither_audio_nor_text():
    result = runner.invoke(app, ["draft"])
    assert result.exit_code == 2 and "AUDIO file or --text FILE" in result.output


def test_evaluate_prints_figures_and_misses():
    result = runner.invoke(app, ["evaluate", str(REPO / "tests" / "devset" / "heldout")])
    assert result.exit_code == 0, result.output
    for label in ("factor codes     precision", "factor families  F1", "sections         accuracy",
                  "visit fields     accuracy"):
        assert label in result.output


def test_evaluate_bad_folder(tmp_path):
    result = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 2 and "no annotated notes" in result.output


def test_real_console_script_one_line_error(tmp_path):
    """The installed command, as a worker runs it: stderr is one line, no traceback."""
    done = subprocess.run([str(CASENOTE), "draft", "--text", str(tmp_path / "nope.txt")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "file not found" in done.stderr

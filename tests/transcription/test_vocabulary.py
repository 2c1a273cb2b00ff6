"""The hot-words sentence given to the recogniser: glossary, extra glossary, names."""

from __future__ import annotations

from pipeline.transcription.vocabulary import build_hotwords, parse_names, read_terms
from tests.conftest import AUDIO
from tests.transcription.conftest import run_cli


def test_names_are_split_on_commas():
    assert parse_names(" Kayden Price,Leanne , ,") == ["Kayden Price", "Leanne"]
    assert parse_names(None) == [] and parse_names("") == []


def test_hotwords_sentence_is_punctuated(tmp_path):
    extra = tmp_path / "local-terms.txt"
    extra.write_text("# our own\nEarly Help\n\nTAF meeting\nLADO\n", encoding="utf-8")
    hotwords = build_hotwords(["Leanne", "Kayden Price", "Leanne"], use_glossary=True, extra_glossary=extra)
    assert hotwords.startswith("Social care visit note. People: Leanne, Kayden Price. Terms: section 47, ")
    assert hotwords.endswith(", designated safeguarding lead, Early Help, TAF meeting.")
    assert hotwords.count("LADO") == 1  # listed once though both files have it
    assert read_terms(extra) == ["Early Help", "TAF meeting", "LADO"]


def test_no_glossary_and_no_names_gives_no_hotwords():
    assert build_hotwords([], use_glossary=False, extra_glossary=None) is None
    assert build_hotwords(["Leanne"], use_glossary=False, extra_glossary=None) == \
        "Social care visit note. People: Leanne."


def test_missing_glossary_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "terms.txt"
    result = run_cli("transcribe", str(AUDIO / "jfk.flac"), cwd=tmp_path, CASENOTE_GLOSSARY_FILE=str(missing))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"casenote: error: glossary file '{missing}' (CASENOTE_GLOSSARY_FILE) "
                             "cannot be read: No such file or directory\n")

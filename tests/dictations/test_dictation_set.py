"""The dictation set itself: every file valid and the set as its README says, and a
recording built the way the scorer relies on (sentence spans where the speech is,
pauses between, cached by content). Uses espeak-ng only, so it is quick."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile
import yaml

from tests.dictations import DictationSpec, build_dictation, load_spec, load_specs
from tests.dictations.build import cache_key

SHORT = DictationSpec(
    id="short", split="dev", voice="espeak:en-gb+m3", about="a few sentences to build quickly", format="flac",
    sentences=["Observations.", "Kayden was quiet comma but he smiled full stop", "New paragraph",
               "He told me that he hides under his duvet when they argue.", "I will visit again on Friday."],
    reference="Observations. Kayden was quiet, but he smiled.\n\nHe told me that he hides under his duvet when "
              "they argue. I will visit again on Friday.",
)


def test_the_set_is_as_its_readme_says():
    specs = load_specs()
    assert len(specs) >= 30 and len({spec.id for spec in specs}) == len(specs)
    splits = Counter(spec.split for spec in specs)
    assert splits["heldout"] >= len(specs) // 4 and splits["dev"] >= len(specs) // 2
    for split in ("dev", "heldout"):
        families = Counter(spec.voice.split(":")[0] for spec in specs if spec.split == split)
        assert set(families) == {"piper", "flite", "festival", "espeak"}, split
        assert min(families.values()) >= 2, split
    assert all(170 <= spec.word_count() <= 340 for spec in specs)
    assert {spec.format for spec in specs} == {"wav", "flac", "ogg"}


def test_commands_become_punctuation_in_the_reference():
    assert SHORT.reference_sentences() == [
        "Observations.", "Kayden was quiet, but he smiled.", "",
        "He told me that he hides under his duvet when they argue.", "I will visit again on Friday."]


def test_a_file_whose_reference_disagrees_is_refused(tmp_path):
    data = SHORT.model_dump() | {"reference": "Observations. Kayden was quiet."}
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match="(?s)short.yaml.*does not say what the sentences say"):
        load_spec(path)


def test_a_built_dictation_has_its_sentences_where_the_speech_is(tmp_path):
    built = build_dictation(SHORT, cache=tmp_path)
    samples, rate = soundfile.read(str(built.path), dtype="float32")
    assert rate == 16_000 and samples.ndim == 1
    assert built.duration_s == pytest.approx(len(samples) / rate, abs=0.01)
    spans = built.sentence_spans
    assert [span.reference for span in spans] == SHORT.reference_sentences()
    for before, after in zip(spans, spans[1:]):
        assert 0.3 - 0.01 <= after.start - before.end <= 3.0 + 0.01  # a pause between sentences
    assert spans[0].start > 0.5 and spans[-1].end < built.duration_s - 1.0

    def rms(start: float, end: float) -> float:
        return float(np.sqrt(np.mean(np.square(samples[int(start * rate):int(end * rate)]))))

    for before, after in zip(spans, spans[1:]):
        assert rms(before.start, before.end) > 30 * max(rms(before.end + 0.05, after.start - 0.05), 1e-5)


def test_a_dictation_is_built_once_and_rebuilt_when_it_changes(tmp_path):
    first = build_dictation(SHORT, cache=tmp_path)
    made = first.path.stat().st_mtime_ns
    again = build_dictation(SHORT, cache=tmp_path)
    assert again.path == first.path and again.path.stat().st_mtime_ns == made
    assert again.sentence_spans == first.sentence_spans
    slower = SHORT.model_copy(update={"length_scale": 1.2})
    assert cache_key(slower) != cache_key(SHORT)
    assert build_dictation(slower, cache=tmp_path).duration_s > first.duration_s
    assert sorted(Path(p).suffix for p in tmp_path.iterdir()) == [".flac", ".flac", ".json", ".json"]

"""``casenote transcribe`` as a worker runs it: text or JSON on stdout, a progress bar
on stderr for recordings over ~30 s."""

from __future__ import annotations

import re

import pytest

from models.transcript import Transcript
from tests.conftest import AUDIO
from tests.transcription.conftest import join_clips, read_audio, references, run_cli, wer, write_wav


@pytest.fixture(scope="module")
def forty_seconds(tmp_path_factory):
    """The five LibriVox clips and JFK joined: about 41 s of speech."""
    names = sorted(n for n in references() if n.startswith("librivox/")) + ["jfk.flac"]
    samples, _ = join_clips([read_audio(AUDIO / name) for name in names])
    return write_wav(samples, tmp_path_factory.mktemp("long") / "visit-41s.wav"), names


def test_progress_bar_for_a_long_recording(forty_seconds, tmp_path):
    path, names = forty_seconds
    result = run_cli("transcribe", str(path), cwd=tmp_path, CASENOTE_PROGRESS="1")
    assert result.returncode == 0, result.stderr
    assert wer(" ".join(references()[n] for n in names), result.stdout) <= 0.05
    # One line redrawn in place: "\rtranscribing visit-41s.wav [####......]  40%" ... 100%.
    assert result.stderr.endswith("] 100%\n")
    draws = result.stderr.rstrip("\n").split("\r")[1:]
    assert len(draws) >= 2
    percents = []
    for draw in draws:
        match = re.fullmatch(r"transcribing visit-41s\.wav \[([#.]{30})\] +(\d+)%", draw)
        assert match, repr(draw)
        percents.append(int(match.group(2)))
    assert percents == sorted(percents) and percents[-1] == 100 and percents[0] < 100


def test_no_progress_bar_for_a_short_recording(tmp_path):
    result = run_cli("transcribe", str(AUDIO / "jfk.flac"), cwd=tmp_path, CASENOTE_PROGRESS="1")
    assert result.returncode == 0
    assert result.stderr == ""
    # Every word right on every CPU; the two commas depend on it (AVX2 leaves them out).
    assert result.stdout.endswith("what you can do for your country.\n")
    assert wer(references()["jfk.flac"], result.stdout) == 0.0


def test_no_progress_bar_when_stderr_is_not_a_terminal(forty_seconds, tmp_path):
    result = run_cli("transcribe", str(forty_seconds[0]), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""


def test_json_output_is_the_transcript_model(tmp_path):
    result = run_cli("transcribe", str(AUDIO / "jfk.flac"), "--json", "--names", "Kayden Price, Leanne",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    transcript = Transcript.model_validate_json(result.stdout)
    assert wer(references()["jfk.flac"], transcript.text) == 0.0
    assert transcript.options.corrected_terms[:3] == ["Kayden Price", "Leanne", "section 47"]
    assert transcript.segments and all(s.words for s in transcript.segments)


def test_settings_file_in_the_working_folder_is_read(tmp_path):
    # pydantic-settings reads .env from the working folder: here, a limit of 5 s.
    (tmp_path / ".env").write_text("CASENOTE_MAX_AUDIO_SECONDS=5\n")
    result = run_cli("transcribe", str(AUDIO / "jfk.flac"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("the limit is 0m 05s (CASENOTE_MAX_AUDIO_SECONDS)\n")

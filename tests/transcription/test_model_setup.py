"""Which device and compute type the model runs with, and the CUDA path.

This machine has no usable GPU, so loading on CUDA really fails here: that is what the
fallback tests use. Only "is a GPU visible" is simulated, to exercise the choice that a
GPU machine makes."""

from __future__ import annotations

import ctranslate2
import pytest

from pipeline.transcription import asr_model
from models.errors import ModelNotFound, ModelSetupError
from pipeline.transcription.asr_model import ModelSpec, load_model, loaded_spec, resolve_model
from pipeline.transcription.bundled_models import tiny_en_path
from tests.conftest import AUDIO
from tests.transcription.conftest import references, wer

no_gpu = pytest.mark.skipif(ctranslate2.get_cuda_device_count() > 0, reason="this machine has a CUDA GPU")


@no_gpu
def test_auto_is_int8_on_the_cpu_here():
    spec = resolve_model("", device="auto", compute_type="auto", cpu_threads=2)
    assert (spec.device, spec.compute_type, spec.cpu_threads) == ("cpu", "int8", 2)
    assert spec.name == "base (bundled)" and (spec.path / "model.bin").is_file()
    assert not spec.device_chosen_automatically


def gpu_visible(monkeypatch):
    """Pretend ctranslate2 sees one GPU that supports float16 (nothing else is faked)."""
    real_types = ctranslate2.get_supported_compute_types
    monkeypatch.setattr(asr_model.ctranslate2, "get_cuda_device_count", lambda: 1)
    monkeypatch.setattr(asr_model.ctranslate2, "get_supported_compute_types",
                        lambda device: {"float16", "int8_float16", "float32"} if device == "cuda" else real_types(device))


def test_auto_picks_cuda_and_float16_when_a_gpu_is_visible(monkeypatch):
    gpu_visible(monkeypatch)
    spec = resolve_model("", device="auto", compute_type="auto", cpu_threads=2)
    assert (spec.device, spec.compute_type, spec.device_chosen_automatically) == ("cuda", "float16", True)
    assert resolve_model("", device="cpu", compute_type="auto", cpu_threads=2).compute_type == "int8"


@no_gpu
def test_cuda_that_cannot_run_falls_back_to_the_cpu(monkeypatch, transcribe):
    """A visible GPU without usable CUDA libraries: the real load fails here, and the
    transcript is made on the CPU and says so."""
    gpu_visible(monkeypatch)
    transcript = transcribe(AUDIO / "jfk.flac")
    assert (transcript.options.device, transcript.options.compute_type) == ("cpu", "int8")
    assert wer(references()["jfk.flac"], transcript.text) == 0.0


@no_gpu
def test_fallback_is_remembered_for_the_spec():
    spec = ModelSpec(path=tiny_en_path(), name="tiny.en (bundled)", device="cuda", compute_type="float16",
                     cpu_threads=2, device_chosen_automatically=True)
    model, _ = load_model(spec)
    assert model.model.device == "cpu"
    assert loaded_spec(spec).device == "cpu"
    assert load_model(spec) == (model, 0.0)  # loaded once, then reused


@no_gpu
def test_cuda_asked_for_explicitly_is_not_silently_replaced():
    spec = ModelSpec(path=tiny_en_path(), name="tiny.en (bundled)", device="cuda", compute_type="float16",
                     cpu_threads=2, device_chosen_automatically=False)
    with pytest.raises(ModelSetupError, match="the model could not be loaded on cuda: "):
        load_model(spec)


def test_model_is_loaded_once_per_process():
    spec = resolve_model("", device="cpu", compute_type="auto", cpu_threads=2)
    first, _ = load_model(spec)
    again, seconds = load_model(resolve_model("", device="cpu", compute_type="auto", cpu_threads=2))
    assert again is first and seconds == 0.0


def test_local_model_folder_is_accepted_by_path(tmp_path):
    spec = resolve_model(str(tiny_en_path()), device="cpu", compute_type="auto", cpu_threads=2)
    assert spec.path == tiny_en_path() and spec.name == tiny_en_path().name
    with pytest.raises(ModelNotFound, match="is neither a bundled model"):
        resolve_model("small.en", device="cpu", compute_type="auto", cpu_threads=2)
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelNotFound, match="has no model.bin"):
        resolve_model(str(tmp_path), device="cpu", compute_type="auto", cpu_threads=2)

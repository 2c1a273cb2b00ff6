"""Find and load the Whisper model: once per process, never from the network."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel

from models.errors import ModelNotFound, ModelSetupError
from pipeline.transcription.bundled_models import BASE, BUNDLED_NAMES, bundled_model, default_cache_dir

logger = logging.getLogger(__name__)

DEFAULT_MODEL = BASE
DEVICES = ("auto", "cpu", "cuda")
# Fastest first; the first one the device supports is used for compute_type "auto".
_PREFERRED_COMPUTE = {"cuda": ("float16", "int8_float16", "float32"), "cpu": ("int8", "int8_float32", "float32")}
# Without it faster-whisper fetches a tokenizer from a hub; casenote never downloads.
_REQUIRED_FILES = ("model.bin", "tokenizer.json")


@dataclass(frozen=True)
class ModelSpec:
    path: Path
    name: str
    device: str
    compute_type: str
    cpu_threads: int
    device_chosen_automatically: bool = False  # "auto" picked CUDA: CPU is the fallback
    parallel: int = 1  # recordings the loaded model transcribes at once (CTranslate2 workers)


def resolve_model(model: str, *, device: str, compute_type: str, cpu_threads: int,
                  cache_dir: Path | None = None, parallel: int = 1) -> ModelSpec:
    """Turn the configured model (a bundled model's name, empty for the default, or a
    local directory) into a loadable spec.

    Any other name such as ``small.en`` would make faster-whisper download from a hub;
    casenote refuses that at once, because recordings never leave this machine and
    the machine may have no network."""
    if model in ("", *BUNDLED_NAMES):
        path, name = bundled_model(model or DEFAULT_MODEL, cache_dir or default_cache_dir())
    else:
        path = Path(model).expanduser()
        if not path.exists():
            raise ModelNotFound(
                f"model '{model}' is neither a bundled model ({', '.join(BUNDLED_NAMES)}) nor a local folder: "
                "casenote never downloads models; pass the path of a CTranslate2 Whisper model folder "
                "with --model or CASENOTE_ASR_MODEL"
            )
        missing = [file for file in _REQUIRED_FILES if not (path / file).is_file()]
        if missing:
            raise ModelNotFound(f"model folder '{model}' has no {' or '.join(missing)}: "
                                "it is not a complete CTranslate2 Whisper model")
        name = path.name
    device, automatic = _choose_device(device)
    compute_type = _choose_compute_type(device, compute_type)
    return ModelSpec(path=path, name=name, device=device, compute_type=compute_type,
                     cpu_threads=cpu_threads, device_chosen_automatically=automatic, parallel=parallel)


def _choose_device(device: str) -> tuple[str, bool]:
    if device not in DEVICES:
        raise ModelSetupError(f"unknown device '{device}' (CASENOTE_ASR_DEVICE): use auto, cpu or cuda")
    gpus = ctranslate2.get_cuda_device_count()  # 0 when there is no GPU or no usable driver
    if device == "cuda" and gpus == 0:
        raise ModelSetupError("CASENOTE_ASR_DEVICE is cuda but no usable CUDA GPU was found; use auto or cpu")
    if device == "auto":
        return ("cuda" if gpus > 0 else "cpu"), gpus > 0
    return device, False


def _choose_compute_type(device: str, compute_type: str) -> str:
    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except RuntimeError as exc:  # a CUDA driver too old for the runtime, and the like
        raise ModelSetupError(f"the {device} device cannot be used: {exc}") from None
    if compute_type == "auto":
        return next((kind for kind in _PREFERRED_COMPUTE[device] if kind in supported), "float32")
    if compute_type not in supported:
        raise ModelSetupError(f"compute type '{compute_type}' (CASENOTE_ASR_COMPUTE_TYPE) is not supported "
                              f"on {device} here; supported: {', '.join(sorted(supported))}")
    return compute_type


_cache: dict[ModelSpec, tuple[WhisperModel, ModelSpec]] = {}
_lock = threading.Lock()


def load_model(spec: ModelSpec) -> tuple[WhisperModel, float]:
    """The loaded model for ``spec`` and the seconds spent loading it (0 when cached).

    The model may run on another device than ``spec`` asks for: see ``loaded_spec``."""
    with _lock:
        if spec in _cache:
            return _cache[spec][0], 0.0
        started = time.perf_counter()
        try:
            model, used = _load(spec), spec
        except RuntimeError as exc:
            if not spec.device_chosen_automatically:
                raise ModelSetupError(f"the model could not be loaded on {spec.device}: "
                                      f"{str(exc).splitlines()[0]}") from None
            # CUDA was only chosen because a GPU is visible; its libraries may still be
            # missing (cuBLAS, cuDNN). The CPU always works.
            logger.warning("CUDA is present but unusable (%s); falling back to CPU", str(exc).splitlines()[0])
            used = dataclasses.replace(spec, device="cpu", compute_type=_choose_compute_type("cpu", "auto"),
                                       device_chosen_automatically=False)
            model = _load(used)
        elapsed = time.perf_counter() - started
        logger.info("loaded %s on %s/%s in %.2f s", spec.name, used.device, used.compute_type, elapsed)
        _cache[spec] = (model, used)
        return model, elapsed


def loaded_spec(spec: ModelSpec) -> ModelSpec:
    """The spec the model for ``spec`` actually runs with (after any CPU fallback)."""
    with _lock:
        return _cache[spec][1] if spec in _cache else spec


def _load(spec: ModelSpec) -> WhisperModel:
    try:
        model = WhisperModel(
            str(spec.path),
            device=spec.device,
            compute_type=spec.compute_type,
            cpu_threads=spec.cpu_threads,
            num_workers=spec.parallel,  # else concurrent calls queue for the model's one worker
            local_files_only=True,
        )
    except ValueError as exc:  # ctranslate2's word for a bad device or compute type
        raise ModelSetupError(f"the model could not be loaded: {exc}") from None
    if spec.device == "cuda":
        # CUDA libraries load lazily: run one second of silence now, so a missing
        # library fails here (and can fall back) rather than in the first recording.
        segments, _ = model.transcribe(np.zeros(16000, dtype=np.float32), language="en", beam_size=1,
                                       vad_filter=False, without_timestamps=True)
        list(segments)
    return model

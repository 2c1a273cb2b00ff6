"""The data folder kept private: the folder and the audio folder 0700, the database,
key files and audio 0600 (SQLite's -wal and -shm too), and no half-written upload
left behind by a killed process. Run at every start (``casenote.service``), each
fix logged as a warning: a folder that was readable by others may have been read."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
AUDIO_FOLDER = "audio"


def private_paths(data_dir: Path) -> list[Path]:
    """The data folder, its audio folder, and every file casenote keeps in them."""
    paths = [data_dir]
    if (data_dir / AUDIO_FOLDER).is_dir():
        paths.append(data_dir / AUDIO_FOLDER)
        paths += sorted(p for p in (data_dir / AUDIO_FOLDER).iterdir() if p.is_file())
    paths += sorted(p for p in data_dir.iterdir() if p.is_file())
    return paths


def make_private(data_dir: Path) -> list[str]:
    """Take every permission of group and others away; returns what was changed."""
    fixed = []
    for path in private_paths(data_dir):
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            wanted = PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE
            path.chmod(wanted)
            fixed.append(f"{path} {mode:04o} -> {wanted:04o}")
    for change in fixed:
        logger.warning("data at rest was readable by others; made owner-only: %s", change)
    return fixed


def remove_orphan_uploads(data_dir: Path) -> int:
    """Delete the ``.NAME.part`` files of uploads whose process died while receiving
    them (one service process owns a data folder, so at start none is in progress)."""
    folder = data_dir / AUDIO_FOLDER
    if not folder.is_dir():
        return 0
    orphans = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".part")]
    for orphan in orphans:
        orphan.unlink(missing_ok=True)
    if orphans:
        logger.warning("removed %d half-received upload(s) left by a process that was stopped mid-upload",
                       len(orphans))
    return len(orphans)

"""Files that must survive a crash or a power cut: written whole or not at all, and
their names made durable by syncing the folder that holds them.

One helper for every place casenote writes such a file (encrypted audio, drop-folder
deliveries and their manifest, dictated recordings' state, local transcripts and drafts)."""

from __future__ import annotations

import os
from pathlib import Path


def write_durably(path: Path, content: bytes, *, mode: int = 0o666) -> None:
    """``path`` holds ``content`` whole, or keeps what it held: written under a hidden
    temporary name in the same folder, fsync'd, renamed over ``path``, the folder fsync'd.
    A reader never sees half a file. ``mode`` as for ``os.open`` (the umask applies):
    0o600 for what only the owner may read."""
    temp = path.with_name(f".{path.name}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """After ``os.replace``/create, the new name is durable only once its folder is synced."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

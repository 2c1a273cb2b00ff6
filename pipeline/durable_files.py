"""Make a rename or a new file survive a power cut: fsync the folder that holds it.

One helper for every place casenote writes a file that must not be lost (encrypted
audio, drop-folder deliveries, dictated recordings)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """After ``os.replace``/create, the new name is durable only once its folder is synced."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

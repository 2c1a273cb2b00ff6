"""Drop-folder delivery: files the case system's importer picks up.

Guarantees, for any number of casenote processes writing to the same folder:
- a file under its final name is always complete: it is written under a hidden
  temporary name in the same folder, fsync'd, renamed, and the folder fsync'd;
- a note is written once: ``casenote-manifest.jsonl`` lists every delivered note
  (one JSON line each, with its files' names, sizes and SHA-256); it is checked and
  replaced (the same atomic way) under an exclusive lock, and a note already in it
  is not written again. A file left by an attempt that died before the manifest was
  updated is complete (renamed) and is kept, not rewritten.
Importers should read the manifest (or ignore names starting with a dot)."""

from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from api.delivery.config import DropFolderConnector
from api.delivery.outcome import AttemptOutcome
from api.exports.context import ExportOptions
from api.exports.registry import ExportResult, export_note
from models.durable_files import write_durably
from models.errors import ExportError
from models.record import ConfirmedNote
from models.settings import Settings


MANIFEST = "casenote-manifest.jsonl"
LOCK = ".casenote-manifest.lock"


@contextmanager
def folder_lock(folder: Path):
    """An exclusive lock shared by every process and thread writing to this folder."""
    with open(folder / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class ManifestUnreadable(Exception):
    """The folder's manifest is not valid JSON lines (someone edited or damaged it)."""


class RenderFailed(Exception):
    """A format's renderer failed on this note (a bug: every stored text is exportable)."""


def read_manifest(folder: Path) -> list[dict]:
    path = folder / MANIFEST
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except ValueError:
            raise ManifestUnreadable(f"drop folder {folder}: {MANIFEST} is not valid JSON lines (line {number}); "
                                     "fix or move it") from None
    return entries


def _render(note: ConfirmedNote, connector: DropFolderConnector, settings: Settings) -> list[ExportResult]:
    """Every format of the connector. An error names the format and its cause (an
    ExportError says what is wrong with the note; anything else is casenote's fault,
    named by its type: a message could quote the note)."""
    results = []
    for fmt in connector.formats:
        try:
            results.append(export_note(note, fmt, ExportOptions(preset=connector.preset), settings))
        except ExportError:
            raise
        except Exception as exc:
            raise RenderFailed(f"the {fmt} file could not be made ({type(exc).__name__} in casenote's "
                               f"{fmt} export); retrying will not help until casenote is fixed") from exc
    return results



def _entry_for(note_id: int, manifest: list[dict]) -> dict | None:
    return next((e for e in manifest if e.get("note_id") == note_id), None)


def _file_entry(path: Path, fmt: str) -> dict:
    data = path.read_bytes()
    return {"name": path.name, "format": fmt, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def deliver(note: ConfirmedNote, connector: DropFolderConnector, settings: Settings) -> AttemptOutcome:
    folder = connector.path
    if not folder.is_dir():
        # A network share that is not mounted right now: try again later.
        return AttemptOutcome(delivered=False, detail=f"drop folder {folder} not found")
    try:
        # Rendering (a PDF takes a while) happens outside the lock; the check is repeated inside it
        # (the manifest only grows, so a note found here is found there too).
        exports = []
        if _entry_for(note.id, read_manifest(folder)) is None:
            exports = _render(note, connector, settings)
        with folder_lock(folder):
            manifest = read_manifest(folder)
            already = _entry_for(note.id, manifest)
            if already:
                return AttemptOutcome(delivered=True, detail="already delivered", receipt=already)
            entries = []
            for result in exports:
                target = folder / result.filename
                if not target.exists():
                    write_durably(target, result.content)
                entries.append(_file_entry(target, result.format))
            entry = {
                "note_id": note.id,
                "case_reference": note.case_reference,
                "content_sha256": note.content_sha256,
                "delivered_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "files": entries,
            }
            lines = [json.dumps(e, ensure_ascii=False) for e in [*manifest, entry]]
            write_durably(folder / MANIFEST, ("\n".join(lines) + "\n").encode("utf-8"))
    except (ExportError, ManifestUnreadable, RenderFailed) as exc:
        return AttemptOutcome(delivered=False, retryable=False, detail=str(exc))
    except OSError as exc:
        return AttemptOutcome(delivered=False, detail=f"drop folder {folder}: {exc.strerror or exc}")
    return AttemptOutcome(delivered=True, detail=f"{len(entries)} file(s) written", receipt=entry)

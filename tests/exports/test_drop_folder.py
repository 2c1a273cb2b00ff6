"""Drop folder: only complete files ever appear, each note once, and the manifest
lists exactly the files in the folder."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pypdf
import pytest

from api.delivery.config import DropFolderConnector
from api.delivery.drop_folder import MANIFEST, deliver, read_manifest
from models.settings import Settings
from tests.exports.conftest import make_note
from tests.exports.service import Service, confirm, seed
from tests.servers import wait_until

pytestmark = pytest.mark.timeout(180)


def check_complete(path: Path) -> None:
    """Open the file the way an importer would; a half-written file fails here."""
    data = path.read_bytes()
    if path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".pdf":
        assert data.rstrip().endswith(b"%%EOF")
        assert pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    elif path.suffix == ".txt":
        assert data.decode("utf-8").endswith("\n")
    elif path.suffix == ".docx":
        docx.Document(io.BytesIO(data))
    elif path.name != MANIFEST:
        raise AssertionError(f"unexpected file {path.name}")


class FolderWatcher(threading.Thread):
    """Looks at the folder over and over while notes are written, as an importer would."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.stop, self.checked, self.problems = folder, threading.Event(), set(), []

    def run(self) -> None:
        while not self.stop.is_set():
            for path in sorted(self.folder.iterdir()):
                if path.name.startswith(".") or path.name in self.checked:
                    continue
                try:
                    check_complete(path)
                    if path.name != MANIFEST:
                        self.checked.add(path.name)
                    else:
                        for entry in read_manifest(self.folder):  # every file it lists is already there
                            for file in entry["files"]:
                                assert (self.folder / file["name"]).exists(), file["name"]
                except Exception as exc:  # noqa: BLE001 - collected and reported by the test
                    self.problems.append(f"{path.name}: {type(exc).__name__}: {exc}")


def assert_manifest_matches_folder(folder: Path, note_ids: list[int], formats: list[str]) -> None:
    manifest = read_manifest(folder)
    assert sorted(e["note_id"] for e in manifest) == sorted(note_ids)  # each note once
    listed = {}
    for entry in manifest:
        assert [f["format"] for f in entry["files"]] == formats
        for file in entry["files"]:
            data = (folder / file["name"]).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (file["bytes"], file["sha256"])
            listed[file["name"]] = entry["note_id"]
    visible = {p.name for p in folder.iterdir() if not p.name.startswith(".")} - {MANIFEST}
    assert visible == set(listed)  # no file the manifest does not know, none missing
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]
    for name in visible:
        check_complete(folder / name)


def test_concurrent_writers_write_each_note_once(tmp_path, settings):
    """Six threads deliver 8 notes, each note twice at the same time."""
    folder = tmp_path / "drop"
    folder.mkdir()
    connector = DropFolderConnector(kind="drop_folder", name="share", path=folder, formats=["json", "pdf", "docx"])
    notes = [make_note(i) for i in range(1, 9)]
    watcher = FolderWatcher(folder)
    watcher.start()
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(lambda n: deliver(n, connector, settings), notes + notes))
    watcher.stop.set()
    watcher.join()
    assert all(o.delivered for o in outcomes)
    assert sorted(o.detail for o in outcomes).count("already delivered") == 8
    assert watcher.problems == [] and len(watcher.checked) == 24
    assert_manifest_matches_folder(folder, list(range(1, 9)), ["json", "pdf", "docx"])


def test_a_file_left_by_an_interrupted_attempt_is_kept_not_rewritten(tmp_path, settings):
    folder = tmp_path / "drop"
    folder.mkdir()
    connector = DropFolderConnector(kind="drop_folder", name="share", path=folder, formats=["json", "text"])
    note = make_note(5)
    # An earlier attempt renamed the JSON file into place and died writing the text file.
    first = deliver(note, connector, settings)
    json_file, text_file = (folder / f["name"] for f in first.receipt["files"])
    (folder / MANIFEST).unlink()
    text_file.unlink()
    (folder / f".{text_file.name}.part").write_bytes(b"half a fi")
    before = json_file.stat().st_mtime_ns
    again = deliver(note, connector, settings)
    assert again.delivered and json_file.stat().st_mtime_ns == before
    assert_manifest_matches_folder(folder, [5], ["json", "text"])


def test_missing_folder_is_retried_and_bad_manifest_is_reported(tmp_path, settings):
    connector = DropFolderConnector(kind="drop_folder", name="share", path=tmp_path / "absent")
    outcome = deliver(make_note(), connector, settings)
    assert (outcome.delivered, outcome.retryable) == (False, True)
    assert outcome.detail == f"drop folder {tmp_path / 'absent'} not found"
    (tmp_path / "absent").mkdir()
    (tmp_path / "absent" / MANIFEST).write_text("not json\n")
    outcome = deliver(make_note(), connector, settings)
    assert (outcome.delivered, outcome.retryable) == (False, False) and "not valid JSON lines" in outcome.detail


def test_concurrent_confirmations_through_the_service(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    token, drafts = seed(Settings(data_dir=tmp_path / "data", _env_file=None), 10)
    connectors = [{"kind": "drop_folder", "name": "share", "path": str(folder), "formats": ["json", "pdf"],
                   "preset": "mosaic"}]
    service = Service(tmp_path / "data", connectors, token, tmp_path / "serve.log").start()
    watcher = FolderWatcher(folder)
    watcher.start()
    try:
        with service.client() as client, ThreadPoolExecutor(5) as pool:
            notes = list(pool.map(lambda d: confirm(client, d), drafts))

            def delivered():
                rows = [client.get(f"/api/notes/{n['id']}/deliveries").json()[0] for n in notes]
                return all(r["status"] == "delivered" for r in rows)

            wait_until(delivered, 60, what="drop-folder deliveries")
    finally:
        service.stop()
        watcher.stop.set()
        watcher.join()
    assert watcher.problems == []
    ids = sorted(n["id"] for n in notes)
    assert ids == list(range(1, 11))
    assert_manifest_matches_folder(folder, ids, ["json", "pdf"])
    for entry in read_manifest(folder):
        document = json.loads((folder / entry["files"][0]["name"]).read_text())
        assert document["ExternalReference"] == entry["note_id"] and document["Status"] == "Finished"
        assert document["ContentHash"] == entry["content_sha256"]

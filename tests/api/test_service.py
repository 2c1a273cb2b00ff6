"""The service as ``casenote.service`` puts it together: every background thread is
started by ``start_background`` (and stopped by ``stop_background``), and an app made
with ``background=False`` starts none."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient

from casenote.service import create_app
from models.settings import Settings


def casenote_threads(before: set[threading.Thread]) -> set[str]:
    """The service's threads started since ``before`` (threads of earlier tests do not count)."""
    return {t.name for t in set(threading.enumerate()) - before if t.name.startswith("casenote-")}


def test_every_background_thread_starts_and_stops_in_one_place(tmp_path):
    connectors = [{"kind": "drop_folder", "name": name, "path": str(tmp_path)} for name in ("lcs", "mosaic")]
    settings = Settings(data_dir=tmp_path / "data", _env_file=None, delivery_connectors=json.dumps(connectors))
    before = set(threading.enumerate())
    with TestClient(create_app(settings, background=False)) as client:
        client.get("/healthz")
        assert client.app.state.ctx.background == [] and casenote_threads(before) == set()
    app = create_app(settings)
    with TestClient(app):
        started = app.state.ctx.background
        assert sorted(t.name for t in started) == [
            "casenote-delivery-lcs", "casenote-delivery-mosaic", "casenote-jobs", "casenote-retention"]
        assert casenote_threads(before) == {t.name for t in started} and all(t.is_alive() for t in started)
    assert app.state.ctx.background == [] and not any(t.is_alive() for t in started)
    no_delivery = create_app(settings.model_copy(update={"delivery_worker": False}))
    with TestClient(no_delivery):
        assert sorted(t.name for t in no_delivery.state.ctx.background) == ["casenote-jobs", "casenote-retention"]

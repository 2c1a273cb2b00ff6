"""The outbox on both databases: rows commit (or roll back) with the confirmation,
the worker claims and delivers them; connector configuration errors are clear."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db.models import AuditEvent, Delivery
from api.delivery.config import load_connectors
from api.delivery.outbox import enqueue_deliveries
from api.delivery.worker import DeliveryWorker
from casenote.service import create_app
from models.errors import ConnectorConfigError
from models.settings import Settings
from tests.api.pg import GIVEN_KEYS
from tests.exports.service import confirm, seed
from tests.servers import wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def postgres():
    from tests.api.pg import PostgresCluster

    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    if request.param == "sqlite":
        return ""
    return request.getfixturevalue("postgres").create_database(f"x_{uuid.uuid4().hex[:12]}")


def test_outbox_rows_commit_with_the_confirmation_and_are_worked_off(tmp_path, database_url):
    folder = tmp_path / "drop"
    folder.mkdir()
    connectors = [{"kind": "drop_folder", "name": "share", "path": str(folder), "formats": ["json"]},
                  {"kind": "http", "name": "lcs", "url": "http://127.0.0.1:9/unused"}]
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, _env_file=None,
                        delivery_connectors=json.dumps(connectors), delivery_worker=False,
                        **(GIVEN_KEYS if database_url else {}))
    token, drafts = seed(settings, 2)
    with TestClient(create_app(settings, background=False)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        note = confirm(client, drafts[0])
        rows = client.get(f"/api/notes/{note['id']}/deliveries").json()
        assert [(r["connector"], r["kind"], r["status"], r["attempts"]) for r in rows] == [
            ("share", "drop_folder", "pending", 0), ("lcs", "http", "pending", 0)]

        ctx = client.app.state.ctx
        with ctx.session_factory() as db:  # rows added in a transaction that rolls back are gone with it
            enqueue_deliveries(db, note["id"], settings)
            db.rollback()
            assert db.scalar(select(func.count(Delivery.id))) == 2

        worker = DeliveryWorker(ctx.session_factory, settings, load_connectors(settings)[0])
        worker.start()
        try:
            wait_until(lambda: client.get(f"/api/notes/{note['id']}/deliveries").json()[0]["status"] == "delivered",
                     30, what="drop-folder delivery")
        finally:
            worker.stop()
        assert (folder / "casenote-manifest.jsonl").read_text().count('"note_id": 1,') == 1
        with ctx.session_factory() as db:
            events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "delivery_delivered")))
        assert [(e.actor, e.object_id, e.detail["connector"]) for e in events] == [("system", 1, "share")]


def test_connector_configuration_errors_are_clear(tmp_path, monkeypatch):
    def load(value):
        return load_connectors(Settings(_env_file=None, delivery_connectors=value))

    assert load("") == []
    yaml_file = tmp_path / "connectors.yaml"
    yaml_file.write_text("connectors:\n  - kind: drop_folder\n    name: share\n    path: /srv/imports\n")
    assert [(c.name, c.formats) for c in load(str(yaml_file))] == [("share", ["json", "pdf"])]
    for value, message in [
        ("[{", "cannot read them"),
        (str(tmp_path / "absent.yaml"), "cannot read them"),
        ('[{"kind": "ftp", "name": "x"}]', "0: Input tag 'ftp'"),
        ('[{"kind": "drop_folder", "name": "a", "path": "/x", "formats": ["rtf"]}]', "unknown format(s) rtf"),
        ('[{"kind": "http", "name": "Bad Name!", "url": "http://h/"}]', "0.http.name"),
        ('[{"kind": "http", "name": "h", "url": "ftp://h/"}]', "0.http.url"),
        ('[{"kind": "http", "name": "h", "url": "http://h/", "auth_value_env": "CASENOTE_T_UNSET"}]',
         "CASENOTE_T_UNSET (auth_value_env) is not set"),
        ('[{"kind": "drop_folder", "name": "a", "path": "/x"}, {"kind": "drop_folder", "name": "a", "path": "/y"}]',
         "name used twice: a"),
    ]:
        with pytest.raises(ConnectorConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load(value)


def test_backoff_doubles_up_to_the_maximum_and_honours_retry_after():
    connector = load_connectors(Settings(_env_file=None, delivery_connectors=json.dumps(
        [{"kind": "http", "name": "h", "url": "http://h/", "backoff_initial_s": 2, "backoff_max_s": 30}])))[0]
    assert [connector.delay_after(n) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]
    assert connector.delay_after(1, retry_after_s=20) == 20 and connector.delay_after(1, retry_after_s=999) == 30


def test_serve_refuses_a_bad_connector_configuration_in_one_line(tmp_path):
    import os
    import subprocess

    from tests.conftest import REPO
    from tests.servers import CASENOTE

    env = {**os.environ, "CASENOTE_DATA_DIR": str(tmp_path / "data"),
           "CASENOTE_DELIVERY_CONNECTORS": '[{"kind": "drop_folder", "name": "share", "path": "/x", "preset": "nope"}]'}
    done = subprocess.run([*CASENOTE, "serve", "--port", "1"], cwd=REPO, env=env, capture_output=True,
                          timeout=60, text=True)
    assert done.returncode == 2
    assert done.stderr == ("casenote: error: delivery connector share: unknown export preset 'nope'; "
                           "known: casenote, eclipse, lcs, mosaic\n")

"""Storage faults, on SQLite and PostgreSQL: when the database takes no writes, every
request (reads too: each read is audited) answers a clear 503 ``storage-unavailable``
problem with Retry-After, never a bare 500; ``/healthz`` stays a liveness check while
``/readyz`` reports the database and a disk under its free-space threshold."""

from __future__ import annotations

from sqlalchemy import event, text

from tests.api.helpers import Client, add_user, seed_recording
from tests.conftest import AUDIO


def make_read_only(app) -> None:
    """Every new connection of the service refuses writes (as a full disk or a read-only
    file system does), and the pooled ones are closed."""
    engine = app.state.ctx.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = 1"))
    else:
        with engine.connect() as connection:
            name = connection.execute(text("SELECT current_database()")).scalar_one()
            connection.commit()
            connection.connection.dbapi_connection.autocommit = True
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    engine.dispose()


def test_an_unwritable_database_answers_503_and_readyz_says_so(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    draft_id = seed_recording(app, ada, AUDIO / "jfk.flac")["draft_id"]
    client = Client(url, "ada")
    assert client.get(f"/api/drafts/{draft_id}").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"

    make_read_only(app)
    for method, path, body in (("GET", f"/api/drafts/{draft_id}", None), ("GET", "/api/recordings", None),
                               ("PATCH", f"/api/drafts/{draft_id}", {"sections": {"purpose": "x"}})):
        response = client.request(method, path, json=body, headers={"If-Match": '"1"'})
        assert response.status_code == 503, (method, path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/storage-unavailable"
        assert int(response.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200  # liveness: the process answers
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and not_ready.json()["type"] == "/problems/not-ready"
    assert {c["name"]: c["ok"] for c in not_ready.json()["checks"]} == {"database": False, "disk": True}


def test_readyz_reports_a_disk_under_the_threshold(server):
    url, app = server
    settings = app.state.ctx.settings
    settings.min_free_disk_mb = 10**12  # more than any disk has
    response = Client(url).get("/readyz")
    assert response.status_code == 503
    assert {c["name"]: c["ok"] for c in response.json()["checks"]} == {"database": True, "disk": False}
    assert "CASENOTE_MIN_FREE_DISK_MB" in response.json()["detail"]

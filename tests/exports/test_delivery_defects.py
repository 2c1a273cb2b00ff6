"""The defects an outside test found in deliveries, each held by a test against a real
HTTP server and a real database: an attempt bounded by one overall deadline (not per
read), a claim only its holder can finish, a delivered note never set back by a late
reply, an attempt counted when it starts (so a SIGKILLed send counts), a schedule that
rides out a maintenance window of hours, and a bulk retry for a connector (API and CLI)."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.db.models import Delivery
from api.db.types import utcnow
from api.delivery import http_post
from api.delivery.attempts import Claim, NotNow, claim, record
from api.delivery.config import HttpConnector, load_connectors
from api.delivery.outcome import AttemptOutcome
from casenote.service import create_app
from models.settings import Settings
from tests.conftest import REPO
from tests.exports.case_system import CaseSystem
from tests.exports.conftest import make_note
from tests.exports.service import Service, confirm, seed
from tests.servers import CASENOTE, wait_until

pytestmark = pytest.mark.timeout(180)

SECRET = "case-system-secret"
DELIVERED = AttemptOutcome(delivered=True, detail="HTTP 201", receipt={"status": 201})
REFUSED = AttemptOutcome(delivered=False, retryable=False, detail="HTTP 401 Unauthorized", receipt={"status": 401})


def http_connector(url: str, **policy) -> HttpConnector:
    return HttpConnector(kind="http", name="lcs", url=url, **policy)


def test_an_attempt_ends_at_its_deadline_however_slowly_the_reply_trickles(settings):
    # One byte a second: every read gets its byte well within 2 s, the whole reply would
    # take about 30 s. The attempt must end at its 2 s deadline.
    with CaseSystem(SECRET, trickle_s=1.0) as receiver:
        receiver.default_plan = ["trickle"]
        connector = http_connector(receiver.url, timeout_s=2.0, headers={"Authorization": f"Bearer {SECRET}"})
        started = time.monotonic()
        outcome = http_post.deliver(make_note(), connector, settings)
        took = time.monotonic() - started
        assert (outcome.delivered, outcome.retryable) == (False, True)
        assert outcome.detail == "no complete reply within 2 s"
        assert took < 3.0, f"the attempt took {took:.1f} s"
        wait_until(lambda: receiver.trickles_cut, 10, what="the receiver to see the connection closed")
        assert receiver.trickles_cut[0] < 4.0  # closed by us at the deadline, not after the reply
        assert connector.claim_s > connector.timeout_s  # no claim runs out while its attempt can still run


@pytest.fixture
def outbox(tmp_path):
    """Two confirmed notes with one HTTP delivery each, on a real database, no workers."""
    connectors = [{"kind": "http", "name": "lcs", "url": "http://127.0.0.1:9/unused", "timeout_s": 5}]
    settings = Settings(data_dir=tmp_path / "data", _env_file=None, delivery_connectors=json.dumps(connectors))
    token, drafts = seed(settings, 2)
    with TestClient(create_app(settings, background=False)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        notes = [confirm(client, d) for d in drafts]
        ctx = client.app.state.ctx
        yield ctx, load_connectors(settings)[0], [client.get(f"/api/notes/{n['id']}/deliveries").json()[0]
                                                  for n in notes], client


def claim_ran_out(ctx, delivery_id: int) -> None:
    """As when the holder's process froze (SIGSTOP, a paused VM) past its claim."""
    with ctx.session_factory() as db:
        db.execute(update(Delivery).where(Delivery.id == delivery_id)
                   .values(locked_until=utcnow() - timedelta(seconds=1)))
        db.commit()


def test_a_late_failure_never_sets_back_a_delivered_note(outbox):
    ctx, connector, (first, _), client = outbox
    held = claim(ctx.session_factory, first["id"], connector)
    assert isinstance(held, Claim) and held.attempt == 1
    # While it is held nobody else may attempt it; it may be again when the claim runs out.
    busy = claim(ctx.session_factory, first["id"], connector)
    assert isinstance(busy, NotNow) and busy.retry_at > utcnow() + timedelta(seconds=connector.timeout_s)

    claim_ran_out(ctx, first["id"])
    second = claim(ctx.session_factory, first["id"], connector)
    assert isinstance(second, Claim) and second.attempt == 2
    assert record(ctx.session_factory, second, DELIVERED, connector) == "delivered"
    # The first attempt's 401 arrives late: it no longer holds the row; nothing changes.
    assert record(ctx.session_factory, held, REFUSED, connector) is None
    shown = client.get(f"/api/notes/{first['note_id']}/deliveries").json()[0]
    assert (shown["status"], shown["attempts"], shown["last_error"], shown["can_retry"]) == \
        ("delivered", 2, None, False)
    assert shown["delivered_at"] is not None
    # Nor does a retry asked for a delivered note.
    assert client.post(f"/api/notes/{first['note_id']}/deliveries/{first['id']}/retry").status_code == 409


def test_a_late_success_is_recorded_and_only_the_holder_records_a_failure(outbox):
    ctx, connector, (_, other), client = outbox
    held = claim(ctx.session_factory, other["id"], connector)
    claim_ran_out(ctx, other["id"])
    second = claim(ctx.session_factory, other["id"], connector)
    # The first, no longer the holder, fails: dropped. The holder fails for good: failed.
    assert record(ctx.session_factory, held, REFUSED, connector) is None
    assert client.get(f"/api/notes/{other['note_id']}/deliveries").json()[0]["status"] == "pending"
    assert record(ctx.session_factory, second, REFUSED, connector) == "failed"
    # Then the first attempt's reply turns out to have been a success after all: the
    # note was delivered, and says so.
    assert record(ctx.session_factory, held, DELIVERED, connector) == "delivered"
    shown = client.get(f"/api/notes/{other['note_id']}/deliveries").json()[0]
    assert (shown["status"], shown["can_retry"]) == ("delivered", False)


def test_an_attempt_cut_off_by_a_kill_is_counted(outbox):
    """A send cut off by SIGKILL never records an outcome: it was counted when it was
    claimed, shown as in progress while its claim holds and as made once it ran out."""
    ctx, connector, (first, _), client = outbox

    def shown() -> tuple:
        row = client.get(f"/api/notes/{first['note_id']}/deliveries").json()[0]
        return row["status"], row["attempts"], row["attempt_in_progress"]

    claim(ctx.session_factory, first["id"], connector)
    assert shown() == ("pending", 0, True)
    claim_ran_out(ctx, first["id"])  # its process was killed: no outcome ever comes
    assert shown() == ("pending", 1, False)
    again = claim(ctx.session_factory, first["id"], connector)
    assert again.attempt == 2 and shown() == ("pending", 1, True)


@pytest.mark.unit
def test_the_default_schedule_rides_out_a_maintenance_window_of_hours():
    policy = http_connector("http://h/")
    outage_s = 6 * 3600.0
    clock, attempts, waits = 0.0, 0, []
    while clock < outage_s:  # every attempt fails with 503 while the case system is down
        attempts += 1
        wait = policy.delay_after(attempts)
        assert not policy.gives_up(attempts, clock, wait), f"gave up after {clock / 3600:.1f} h"
        waits.append(wait)
        clock += wait
    # Back within 15 minutes of the end of the window, after a few dozen attempts.
    assert clock - outage_s <= 900 and max(waits) == 900
    assert 25 <= attempts <= 40
    # A person is asked to act only after three days of failures.
    assert not policy.gives_up(300, 71 * 3600.0, 900) and policy.gives_up(300, 72 * 3600.0 - 100, 900)
    capped = http_connector("http://h/", max_attempts=5)
    assert not capped.gives_up(4, 10.0, 2.0) and capped.gives_up(5, 10.0, 2.0)


def test_bulk_retry_of_a_connector_by_api_and_by_command(tmp_path):
    with CaseSystem(SECRET) as receiver:
        data = tmp_path / "data"
        token, drafts = seed(Settings(data_dir=data, _env_file=None), 3)
        other, others = seed(Settings(data_dir=data, _env_file=None), 1, username="bo")
        connectors = [{"kind": "http", "name": "lcs", "url": receiver.url, "auth_value_env": "CASENOTE_TEST_TOKEN",
                       "backoff_initial_s": 0.2, "backoff_max_s": 1.0}]
        env = {"CASENOTE_TEST_TOKEN": f"Bearer {SECRET}"}
        receiver.default_plan = ["401"]  # a credential the case system refused, until someone fixed it
        service = Service(data, connectors, token, tmp_path / "serve.log", env).start()
        try:
            with service.client() as mine, httpx.Client(base_url=service.url, timeout=30,
                                                         headers={"Authorization": f"Bearer {other}"}) as bo:
                notes = [confirm(mine, d)["id"] for d in drafts] + [confirm(bo, d)["id"] for d in others]

                def statuses():
                    return [mine.get(f"/api/notes/{n}/deliveries").json()[0]["status"] for n in notes[:3]] + \
                        [bo.get(f"/api/notes/{notes[3]}/deliveries").json()[0]["status"]]

                wait_until(lambda: statuses() == ["failed"] * 4, 30, what="every delivery refused")
                receiver.default_plan = []  # fixed
                retried = mine.post("/api/deliveries/retry", json={"connector": "lcs"})
                assert retried.status_code == 200, retried.text
                assert retried.json()["retried"] == 3  # my notes, not bo's
                wait_until(lambda: statuses() == ["delivered"] * 3 + ["failed"], 30, what="my notes delivered")
                unknown = mine.post("/api/deliveries/retry", json={"connector": "nope"})
                assert unknown.status_code == 409 and unknown.headers["content-type"] == "application/problem+json"

                done = subprocess.run([*CASENOTE, "deliveries", "retry", "--connector", "lcs"], env=service.env,
                                      cwd=REPO, capture_output=True, text=True, timeout=120)
                assert done.returncode == 0, done.stderr
                assert done.stderr == "1 delivery to lcs will be tried again now\n"
                wait_until(lambda: statuses() == ["delivered"] * 4, 30, what="bo's note delivered")
                admin = subprocess.run([*CASENOTE, "users", "add", "root", "--role", "admin", "--token"],
                                       input="another long enough password\n", env=service.env, cwd=REPO,
                                       capture_output=True, text=True, timeout=120)
                looks_only = httpx.post(f"{service.url}/api/deliveries/retry", json={"connector": "lcs"},
                                        headers={"Authorization": f"Bearer {admin.stdout.strip()}"})
                assert looks_only.status_code == 403, looks_only.text
                bad = subprocess.run([*CASENOTE, "deliveries", "retry", "--connector", "nope"], env=service.env,
                                     cwd=REPO, capture_output=True, text=True, timeout=120)
                assert bad.returncode == 2 and bad.stderr.startswith("casenote: error: connector 'nope' is not")
                assert len(bad.stderr.splitlines()) == 1
        finally:
            service.stop()
    assert sorted(receiver.note_ids()) == sorted(notes) and set(receiver.store_count.values()) == {1}

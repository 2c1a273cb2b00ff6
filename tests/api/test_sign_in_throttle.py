"""The sign-in throttle on SQLite and PostgreSQL: after N failures for a user name in
the window, 429 problem+json with Retry-After until the window passes; a success
resets the count; parallel guesses cannot get past N; the lock survives a restart;
failures are audited without the password; the sign-in page says what happened."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.helpers import PASSWORD, Client, add_user, live_server

LIMIT, WINDOW_S = 3, 5
WRONG = "wrong-password-123"


def sign_in(url: str, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{url}/api/auth/login", json={"username": username, "password": password}, timeout=60)


def assert_throttled(response: httpx.Response, window_s: int) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/sign-in-throttled" and "too many failed sign-ins" in body["detail"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window_s and body["retry_after_s"] == retry_after
    return retry_after


@pytest.fixture
def throttled(db_settings):
    settings = db_settings.model_copy(update={"sign_in_max_failures": LIMIT, "sign_in_window_s": WINDOW_S})
    with live_server(settings, background=False) as (url, app):
        add_user(app, "ada")
        add_user(app, "bob")
        add_user(app, "root", "admin")
        yield url, app


def test_failures_lock_the_name_until_the_window_passes_and_success_resets(throttled):
    url, _app = throttled
    # A success clears earlier failures.
    assert [sign_in(url, "ada", WRONG).status_code for _ in range(LIMIT - 1)] == [401] * (LIMIT - 1)
    assert sign_in(url, "ada", PASSWORD).status_code == 200
    assert [sign_in(url, "ada", WRONG).status_code for _ in range(LIMIT)] == [401] * LIMIT
    # Locked: even the right password is refused, without being checked.
    retry_after = assert_throttled(sign_in(url, "ada", PASSWORD), WINDOW_S)
    assert_throttled(sign_in(url, "ada", WRONG), WINDOW_S)
    assert sign_in(url, "bob", PASSWORD).status_code == 200, "only that user name is locked"
    # A name with no account behaves the same (the answer tells nothing about accounts).
    assert [sign_in(url, "nobody", WRONG).status_code for _ in range(LIMIT)] == [401] * LIMIT
    assert_throttled(sign_in(url, "nobody", WRONG), WINDOW_S)

    time.sleep(retry_after + 0.2)
    assert sign_in(url, "ada", PASSWORD).status_code == 200, "the window has passed"
    assert sign_in(url, "ada", WRONG).status_code == 401, "and the success reset the count"

    audit = Client(url, "root").get("/api/audit", params={"limit": 1000}).json()
    failed = [e for e in audit if e["action"] == "login_failed"]
    assert len(failed) == 2 * LIMIT - 1 + LIMIT + 1
    assert {e["detail"]["username"] for e in failed} == {"ada", "nobody"}
    assert [e["detail"]["username"] for e in audit if e["action"] == "login_locked"].count("ada") == 1
    assert WRONG not in str(audit) and PASSWORD not in str(audit)


def test_parallel_guesses_cannot_pass_the_limit(throttled):
    url, _app = throttled
    with ThreadPoolExecutor(10) as pool:
        codes = sorted(pool.map(lambda _: sign_in(url, "ada", WRONG).status_code, range(10)))
    assert codes == [401] * LIMIT + [429] * (10 - LIMIT)


def test_the_lock_survives_a_restart(db_settings):
    settings = db_settings.model_copy(update={"sign_in_max_failures": 2, "sign_in_window_s": 600})
    with live_server(settings, background=False) as (url, app):
        add_user(app, "ada")
        assert [sign_in(url, "ada", WRONG).status_code for _ in range(2)] == [401, 401]
    with live_server(settings, background=False) as (url, _app):
        retry_after = assert_throttled(sign_in(url, "ada", PASSWORD), 600)
        assert retry_after > 590


def test_a_new_password_from_the_command_line_lifts_the_lock(tmp_path):
    from tests.api.conftest import make_settings
    from tests.api.test_restart import casenote

    settings = make_settings(tmp_path / "data", sign_in_max_failures=2)
    with live_server(settings, background=False) as (url, app):
        add_user(app, "ada")
        assert [sign_in(url, "ada", WRONG).status_code for _ in range(2)] == [401, 401]
        assert_throttled(sign_in(url, "ada", PASSWORD), 900)
        env = {"CASENOTE_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin",
               **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}  # this checkout's code, not main's
        changed = casenote(env, "users", "passwd", "ada", stdin="a-brand-new-password\n")
        assert changed.returncode == 0, changed.stderr
        assert sign_in(url, "ada", "a-brand-new-password").status_code == 200


def test_the_sign_in_page_says_the_name_is_locked(throttled):
    url, _app = throttled
    with httpx.Client(base_url=url, timeout=60) as browser:
        def post(password: str) -> httpx.Response:
            form = browser.get("/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
            return browser.post("/sign-in", data={"username": "ada", "password": password, "csrf_token": token,
                                                  "next": "/drafts"})

        assert [post(WRONG).status_code for _ in range(LIMIT)] == [401] * LIMIT
        locked = post(PASSWORD)
        assert locked.status_code == 429 and 1 <= int(locked.headers["retry-after"]) <= WINDOW_S
        assert "too many failed sign-ins for this user name" in locked.text
        assert re.search(r"Wait \d+ seconds?, then try again", locked.text), locked.text
        assert "casenote_session" not in locked.cookies

"""Access that can be cut off: a disabled account's sessions and tokens stop at once and
it cannot sign in; a password change ends every other session and token; tokens
expire and can be listed and revoked one by one; admins look only (they cannot
upload, retry jobs or deliveries); the password policy refuses common passwords;
refused access is in the audit log. On SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from api.db.models import ApiToken, Delivery, User
from api.db.types import utcnow
from models.errors import Conflict
from tests.api.helpers import PASSWORD, Client, add_user, seed_recording
from tests.api.pg import given_keys_env
from tests.conftest import AUDIO
from tests.servers import CASENOTE, service_env


def _token(client: Client, name: str = "recorder") -> str:
    response = client.post("/api/auth/tokens", params={"name": name})
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _bearer(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _audit(url: str, **params) -> list[dict]:
    return Client(url, "root").get("/api/audit", params={"limit": 1000, **params}).json()


def test_a_disabled_account_stops_at_once_and_cannot_sign_in(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "root", "admin")
    ada_web = Client(url, "ada")
    token = _token(ada_web)
    assert ada_web.get("/api/recordings").status_code == 200
    assert _bearer(url, token).get("/api/recordings").status_code == 200

    admin = Client(url, "root")
    disabled = admin.post(f"/api/users/{ada.id}/disable")
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert ada_web.get("/api/recordings").status_code == 401  # the open session: at once
    assert _bearer(url, token).get("/api/recordings").status_code == 401
    login = httpx.post(f"{url}/api/auth/login", json={"username": "ada", "password": PASSWORD})
    assert login.status_code == 401
    assert [u["active"] for u in admin.get("/api/users").json() if u["username"] == "ada"] == [False]

    assert admin.post(f"/api/users/{ada.id}/enable").json()["active"] is True
    assert Client(url, "ada").get("/api/recordings").status_code == 200  # signs in again
    assert _bearer(url, token).get("/api/recordings").status_code == 401  # the leaver's token stays dead
    actions = [e["action"] for e in _audit(url, object_type="user", object_id=ada.id)]
    assert "disable_user" in actions and "enable_user" in actions


def test_the_last_admin_and_oneself_cannot_be_disabled(server):
    url, app = server
    root = add_user(app, "root", "admin")
    other = add_user(app, "other", "admin")
    admin = Client(url, "root")
    assert admin.post(f"/api/users/{root.id}/disable").status_code == 409
    assert admin.post(f"/api/users/{other.id}/disable").status_code == 200
    # 'root' is now the only active admin: nobody may disable them (the CLI neither).
    from api.services.accounts import set_active

    with app.state.ctx.session_factory() as db, pytest.raises(Conflict, match="last active admin"):
        set_active(db, None, db.get(User, root.id), False)
    assert admin.get("/api/users").status_code == 200


def test_a_password_change_ends_every_other_session_and_token(server):
    url, app = server
    add_user(app, "ada", "worker", "north")
    here, elsewhere = Client(url, "ada"), Client(url, "ada")
    token = _token(here)
    changed = here.post("/api/auth/password", json={"current_password": PASSWORD,
                                                    "new_password": "a brand new passphrase"})
    assert changed.status_code == 204, changed.text
    assert here.get("/api/auth/me").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/api/auth/me").status_code == 401
    assert _bearer(url, token).get("/api/auth/me").status_code == 401
    assert Client(url, "ada", password="a brand new passphrase").get("/api/auth/me").status_code == 200


def test_a_password_change_through_a_token_keeps_that_token_only(server):
    url, app = server
    add_user(app, "ada", "worker", "north")
    web = Client(url, "ada")
    keep, other = _token(web, "keep"), _token(web, "other")
    changed = _bearer(url, keep).post("/api/auth/password", json={"current_password": PASSWORD,
                                                                  "new_password": "another long passphrase"})
    assert changed.status_code == 204, changed.text
    assert _bearer(url, keep).get("/api/auth/me").status_code == 200
    assert _bearer(url, other).get("/api/auth/me").status_code == 401
    assert web.get("/api/auth/me").status_code == 401


def test_tokens_expire_and_are_listed_and_revoked_one_by_one(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "bob", "worker", "north")
    add_user(app, "root", "admin")
    web = Client(url, "ada")
    old, kept, revoked = _token(web, "old"), _token(web, "kept"), _token(web, "revoked")
    with app.state.ctx.session_factory() as db:  # made 91 days ago: past CASENOTE_TOKEN_MAX_AGE_DAYS (90)
        db.execute(update(ApiToken).where(ApiToken.name == "old")
                   .values(created_at=utcnow() - timedelta(days=91)))
        db.commit()
    assert _bearer(url, old).get("/api/auth/me").status_code == 401
    listed = {t["name"]: t for t in web.get("/api/auth/tokens").json()}
    assert {n: t["status"] for n, t in listed.items()} == {"old": "expired", "kept": "active", "revoked": "active"}
    assert "token" not in listed["kept"] and all(not str(v).startswith("cn_") for v in listed["kept"].values())
    assert web.delete(f"/api/auth/tokens/{listed['revoked']['id']}").status_code == 204
    assert _bearer(url, revoked).get("/api/auth/me").status_code == 401
    assert _bearer(url, kept).get("/api/auth/me").status_code == 200
    # Another worker cannot revoke (or see) ada's token; an admin can.
    assert Client(url, "bob").delete(f"/api/auth/tokens/{listed['kept']['id']}").status_code == 404
    admin = Client(url, "root")
    assert {t["name"] for t in admin.get(f"/api/users/{ada.id}/tokens").json()} == {"old", "kept", "revoked"}
    assert admin.delete(f"/api/users/{ada.id}/tokens/{listed['kept']['id']}").status_code == 204
    assert _bearer(url, kept).get("/api/auth/me").status_code == 401
    assert "revoke_token" in [e["action"] for e in _audit(url, object_type="user", object_id=ada.id)]


def test_admins_look_only(server):
    """The role table of the README: an admin reads everything but makes and changes
    nothing: no upload, no retry of someone's job or delivery."""
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "mo", "manager", "north")
    add_user(app, "root", "admin")
    failed = seed_recording(app, ada, AUDIO / "jfk.flac", with_draft=False)
    ids = seed_recording(app, ada, AUDIO / "jfk.flac")
    worker = Client(url, "ada")
    assert worker.patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"1"'}, json={
        "sections": {"analysis": "Some analysis."},
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"}]}).status_code == 200
    note_id = worker.post(f"/api/drafts/{ids['draft_id']}/confirm").json()["id"]
    with app.state.ctx.session_factory() as db:  # a failed delivery to a connector no longer configured
        row = Delivery(note_id=note_id, connector="gone", status="failed", attempts=8, receipt={},
                       created_at=utcnow(), updated_at=utcnow())
        db.add(row)
        db.commit()
        delivery_id = row.id

    admin = Client(url, "root")
    assert admin.get(f"/api/jobs/{failed['job_id']}").status_code == 200  # looks
    assert admin.get(f"/api/notes/{note_id}").status_code == 200
    assert admin.post(f"/api/jobs/{failed['job_id']}/retry").status_code == 403
    assert admin.post(f"/api/notes/{note_id}/deliveries/{delivery_id}/retry").status_code == 403
    upload = admin.post("/api/recordings", data={"case_reference": "CASE-9"},
                        files={"audio": ("jfk.flac", (AUDIO / "jfk.flac").read_bytes(), "audio/flac")})
    assert upload.status_code == 403, upload.text
    # The worker (and their manager) may: the delivery answers about its connector, not about access.
    assert worker.post(f"/api/notes/{note_id}/deliveries/{delivery_id}/retry").status_code == 409
    assert Client(url, "mo").post(f"/api/jobs/{failed['job_id']}/retry").status_code == 202
    refusals = [e for e in _audit(url, action="refused") if e["actor"] == "root"]
    assert {(e["detail"]["status"], e["detail"]["method"]) for e in refusals} == {(403, "POST")}
    assert len(refusals) == 3


def test_refused_access_is_audited(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "sam", "manager", "south")
    add_user(app, "root", "admin")
    ids = seed_recording(app, ada, AUDIO / "jfk.flac")
    intruder = Client(url, "sam")
    assert intruder.get(f"/api/drafts/{ids['draft_id']}").status_code == 404
    csrf = intruder.headers.pop("X-CSRF-Token")
    assert intruder.post("/api/auth/tokens").status_code == 403  # no CSRF token
    assert intruder.get("/api/audit").status_code == 403
    intruder.headers["X-CSRF-Token"] = csrf
    events = [e for e in _audit(url, action="refused") if e["actor"] == "sam"]
    seen = {(e["detail"]["method"], e["detail"]["path"], e["detail"]["status"], e["detail"]["reason"])
            for e in events}
    assert seen == {("GET", f"/api/drafts/{ids['draft_id']}", 404, "not-found"),
                    ("POST", "/api/auth/tokens", 403, "csrf"),
                    ("GET", "/api/audit", 403, "forbidden")}


def test_common_passwords_are_refused(server):
    url, app = server
    add_user(app, "ada", "worker", "north")
    add_user(app, "root", "admin")
    admin = Client(url, "root")
    for weak in ("password12", "Password12!", "qwertyuiop", "short", "ada is my name ok"):
        refused = admin.post("/api/users", json={"username": "ada2" if "ada" not in weak else "ada",
                                                 "password": weak, "role": "worker"})
        assert refused.status_code == 422, (weak, refused.text)
    refused = admin.post("/api/users", json={"username": "newbie", "password": "password12", "role": "worker"})
    assert refused.json()["type"] == "/problems/password-rejected" and "common" in refused.json()["detail"]
    assert admin.post("/api/users", json={"username": "newbie", "password": "violet kettle harbour",
                                          "role": "worker"}).status_code == 201
    change = Client(url, "ada").post("/api/auth/password", json={"current_password": PASSWORD,
                                                                 "new_password": "password12"})
    assert change.status_code == 422


def test_cli_disables_enables_lists_revokes_and_passwd_ends_access(tmp_path, server):
    url, app = server
    settings = app.state.ctx.settings
    if settings.database_url:  # the keys every process on PostgreSQL is given
        env = {**service_env(settings.data_dir), "CASENOTE_DATABASE_URL": settings.database_url, **given_keys_env()}
    else:
        env = service_env(settings.data_dir)
    add_user(app, "ada", "worker", "north")
    web = Client(url, "ada")
    token = _token(web, "recorder")

    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([*CASENOTE, "users", *args], input=stdin, env=env, capture_output=True, text=True,
                              timeout=120)

    listed = cli("tokens", "ada")
    assert listed.returncode == 0, listed.stderr
    token_id, name, _made, _expires, status = listed.stdout.strip().split("\t")
    assert (name, status) == ("recorder", "active")
    assert cli("revoke-token", "ada", token_id).returncode == 0
    assert _bearer(url, token).get("/api/auth/me").status_code == 401
    assert cli("tokens", "ada").stdout.strip().endswith("revoked")

    disabled = cli("disable", "ada")
    assert disabled.returncode == 0 and "1 session(s) signed out" in disabled.stderr, disabled.stderr
    assert web.get("/api/auth/me").status_code == 401
    assert "disabled" in cli("list").stdout
    assert cli("enable", "ada").returncode == 0
    web = Client(url, "ada")
    weak = cli("passwd", "ada", stdin="password12\n")
    assert weak.returncode == 2 and weak.stderr.startswith("casenote: error:") and "Traceback" not in weak.stderr
    changed = cli("passwd", "ada", stdin="a fresh long passphrase\n")
    assert changed.returncode == 0, changed.stderr
    assert web.get("/api/auth/me").status_code == 401  # every session ended
    assert cli("disable", "nobody").returncode == 2

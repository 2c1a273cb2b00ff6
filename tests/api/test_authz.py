"""Every API route: unauthenticated -> 401; another worker's ids -> 404 (never a
403 that would say the id exists); a cookie session without the CSRF token cannot
change anything; a manager sees their team only; an admin sees all."""

from __future__ import annotations

import re

import pytest

from tests.api.helpers import Client, add_user, seed_recording
from tests.conftest import AUDIO

PUBLIC = {("POST", "/api/auth/login")}
# Bodies that pass validation, so the answer is about access, not about the body.
BODIES = {("PATCH", "/api/drafts/{draft_id}"): {"sections": {}}}


# Values for required query parameters, so the request is valid apart from whose ids it names.
QUERY_VALUES = {"format": "json"}


def api_routes(app) -> list[tuple[str, str, dict]]:
    """Every documented API operation (the OpenAPI schema lists all included routers),
    with values for its required query parameters."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            query = {}
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter.get("required"):
                    assert parameter["name"] in QUERY_VALUES, f"add a value for ?{parameter['name']} of {path}"
                    query[parameter["name"]] = QUERY_VALUES[parameter["name"]]
            found.append((method.upper(), path, query))
    return found


def fill(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name in ("version", "delivery_id"):
            return "1"
        if name in ("format", "fmt", "export_format"):
            return "json"
        assert name in ids, f"authz test does not know the path parameter {{{name}}} in {path}: add it"
        return str(ids[name])
    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@pytest.fixture(params=["sqlite"])
def db_settings(request, tmp_path):
    from tests.api.conftest import make_settings

    return make_settings(tmp_path / "data")


@pytest.fixture
def world(server):
    url, app = server
    ada = add_user(app, "ada", "worker", "north")
    add_user(app, "bob", "worker", "north")
    add_user(app, "mo", "manager", "north")
    add_user(app, "sam", "manager", "south")
    add_user(app, "root", "admin")
    ids = seed_recording(app, ada, AUDIO / "jfk.flac")
    failed = seed_recording(app, ada, AUDIO / "jfk.flac", with_draft=False)
    client = Client(url, "ada")
    draft_id = ids["draft_id"]
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": '"1"'}, json={
        "sections": {"analysis": "Some analysis."},
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"}]})
    assert saved.status_code == 200, saved.text
    note = client.post(f"/api/drafts/{draft_id}/confirm")
    assert note.status_code == 201, note.text
    second = seed_recording(app, ada, AUDIO / "jfk.flac")
    client.post("/api/auth/tokens")
    token_id = client.get("/api/auth/tokens").json()[0]["id"]
    return url, app, {"recording_id": second["recording_id"], "draft_id": second["draft_id"],
                      "job_id": failed["job_id"], "note_id": note.json()["id"], "user_id": ada.id,
                      "token_id": token_id}


def test_every_route_needs_authentication(world):
    url, app, ids = world
    anonymous = Client(url)
    checked = 0
    for method, path, query in api_routes(app):
        if (method, path) in PUBLIC:
            continue
        response = anonymous.request(method, fill(path, ids), params=query, json=BODIES.get((method, path)))
        assert response.status_code == 401, (method, path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        checked += 1
    assert checked >= 15
    bad_token = Client(url, headers={"Authorization": "Bearer cn_not-a-real-token"})
    assert bad_token.get("/api/recordings").status_code == 401


@pytest.mark.parametrize("intruder", ["bob", "sam"])
def test_another_workers_ids_are_404_on_every_route(world, intruder):
    url, app, ids = world
    client = Client(url, intruder)
    checked = []
    for method, path, query in api_routes(app):
        if "{" not in path:
            continue
        response = client.request(method, fill(path, ids), params=query, json=BODIES.get((method, path)),
                                  headers={"If-Match": '"1"'})
        # Accounts (/api/users/{user_id}...) are the admins' alone: 403 for anyone else.
        expected = 403 if path.startswith("/api/users/") else 404
        assert response.status_code == expected, (method, path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        checked.append(path)
    assert len(checked) >= 9
    # Their lists hold nothing of ada's.
    assert client.get("/api/recordings").json() == []
    assert client.get("/api/notes").json() == []


def test_owner_team_manager_and_admin_can_read(world):
    url, app, ids = world
    for who in ("ada", "mo", "root"):
        client = Client(url, who)
        for path in ("/api/recordings/{recording_id}", "/api/drafts/{draft_id}", "/api/jobs/{job_id}",
                     "/api/notes/{note_id}", "/api/recordings/{recording_id}/audio"):
            response = client.get(fill(path, ids))
            assert response.status_code == 200, (who, path, response.text)
    # A worker of the same team is not the team's manager: 404 for bob above; a
    # manager may edit their team's draft, an admin may only look.
    assert Client(url, "mo").patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"1"'},
                                   json={"sections": {"purpose": "Manager's edit."}}).status_code == 200
    admin_edit = Client(url, "root").patch(f"/api/drafts/{ids['draft_id']}", headers={"If-Match": '"2"'},
                                           json={"sections": {"purpose": "x"}})
    assert admin_edit.status_code == 403
    assert Client(url, "ada").get("/api/audit").status_code == 403


def test_cookie_sessions_need_the_csrf_token_and_tokens_do_not(world):
    url, app, ids = world
    client = Client(url, "ada")
    csrf = client.headers.pop("X-CSRF-Token")
    path = f"/api/drafts/{ids['draft_id']}"
    refused = client.patch(path, headers={"If-Match": '"1"'}, json={"sections": {"purpose": "x"}})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    wrong = client.patch(path, headers={"If-Match": '"1"', "X-CSRF-Token": "nope"},
                         json={"sections": {"purpose": "x"}})
    assert wrong.status_code == 403
    assert client.get(path).json()["version"] == 1  # nothing changed
    ok = client.patch(path, headers={"If-Match": '"1"', "X-CSRF-Token": csrf}, json={"sections": {"purpose": "x"}})
    assert ok.status_code == 200
    token = Client(url, "ada").post("/api/auth/tokens").json()["token"]
    integration = Client(url, headers={"Authorization": f"Bearer {token}"})
    assert integration.patch(path, headers={"If-Match": '"2"'}, json={"sections": {"purpose": "y"}}).status_code == 200
    # Signing out ends the session on the server, not just in the browser.
    cookie = client.cookies.get("casenote_session")
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = Client(url)
    replay.cookies.set("casenote_session", cookie)
    assert replay.get(path).status_code == 401

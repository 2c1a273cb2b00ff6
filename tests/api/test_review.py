"""Autosave with optimistic concurrency, factor decisions, sign-off rules and the
immutable confirmed note, through HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from models.draft import FactorSuggestion, Subject
from models.record import ConfirmedNote
from tests.api.helpers import Client, add_user, sample_note, seed_recording
from tests.conftest import AUDIO


def _draft(client: Client, draft_id: int) -> tuple[dict, str]:
    response = client.get(f"/api/drafts/{draft_id}")
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def test_two_clients_saving_the_same_version_one_409_nothing_lost(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac")["draft_id"]
    tab_a, tab_b = Client(url, "ada"), Client(url, "ada")
    _, etag = _draft(tab_a, draft_id)
    edits = {"a": {"sections": {"purpose": "Edited in tab A."}},
             "b": {"sections": {"analysis": "Edited in tab B."}}}
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def save(name: str, client: Client) -> None:
        start.wait()
        results[name] = client.patch(f"/api/drafts/{draft_id}", json=edits[name], headers={"If-Match": etag})

    threads = [threading.Thread(target=save, args=(n, c)) for n, c in (("a", tab_a), ("b", tab_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 409], {n: (r.status_code, r.text) for n, r in results.items()}
    loser = next(n for n, r in results.items() if r.status_code == 409)
    conflict = results[loser]
    assert conflict.headers["content-type"] == "application/problem+json"
    body = conflict.json()
    assert body["status"] == 409 and body["current_version"] == 2
    winner_key = "purpose" if loser == "b" else "analysis"
    current_texts = {s["key"]: s["text"] for s in body["current"]["sections"]}
    assert current_texts[winner_key] == edits["b" if loser == "a" else "a"]["sections"][winner_key]
    # The losing tab re-applies its edit on the current version: both edits survive.
    again = (tab_a if loser == "a" else tab_b).patch(f"/api/drafts/{draft_id}", json=edits[loser],
                                                     headers={"If-Match": f'"{body["current_version"]}"'})
    assert again.status_code == 200, again.text
    view, etag = _draft(tab_a, draft_id)
    texts = {s["key"]: s["text"] for s in view["review"]["sections"]}
    assert texts["purpose"] == "Edited in tab A." and texts["analysis"] == "Edited in tab B."
    assert etag == '"3"'
    history = tab_a.get(f"/api/drafts/{draft_id}/versions").json()
    assert [v["version"] for v in history] == [1, 2, 3]
    first = tab_a.get(f"/api/drafts/{draft_id}/versions/1").json()
    assert {s["key"]: s["text"] for s in first["sections"]}["purpose"] == "Statutory visit."


def test_autosave_needs_if_match_and_rejects_unknown_sections_and_codes(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac")["draft_id"]
    client = Client(url, "ada")
    missing = client.patch(f"/api/drafts/{draft_id}", json={"sections": {"purpose": "x"}})
    assert missing.status_code == 428 and missing.headers["content-type"] == "application/problem+json"
    for edit, needle in (({"sections": {"nope": "x"}}, "nope"),
                         ({"factors": [{"code": "99Z", "decision": "accepted"}]}, "99Z"),
                         ({"colour": "blue"}, "colour")):
        response = client.patch(f"/api/drafts/{draft_id}", json=edit, headers={"If-Match": '"1"'})
        assert response.status_code == 422 and needle in response.text, response.text
    assert _draft(client, draft_id)[1] == '"1"'  # nothing was saved


def test_confirm_refuses_with_reasons_then_signs_an_immutable_note(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac")["draft_id"]
    client = Client(url, "ada")
    view, etag = _draft(client, draft_id)
    assert view["undecided"] == ["1B", "3C"] and "analysis" in view["required_sections"]
    # The default template lets a visit with no third-party information or parent be signed off.
    assert not {"other_information", "parent_views"} & set(view["required_sections"])

    refused = client.post(f"/api/drafts/{draft_id}/confirm")
    assert refused.status_code == 422, refused.text
    reasons = refused.json()["reasons"]
    assert any("1B, 3C" in r for r in reasons) and any("Analysis" in r for r in reasons)

    # Decide: accept 1B, reject 3C, add 21 by hand -> a census rule problem (8869).
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": etag}, json={
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "3C", "decision": "rejected"},
                    {"code": "21", "decision": "accepted"}],
        "sections": {"analysis": "Risk from parental alcohol use; Kayden feels safe at school."},
        "visit": {"bedroom_seen": None}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["undecided"] == [] and any("8869" in p for p in saved.json()["census_problems"])
    refused = client.post(f"/api/drafts/{draft_id}/confirm")
    assert refused.status_code == 422 and any("8869" in r for r in refused.json()["reasons"])

    # Take the hand-added 21 back and add 2B instead.
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": f'"{saved.json()["version"]}"'},
                         json={"factors": [{"code": "21", "decision": "rejected"},
                                           {"code": "2B", "decision": "accepted"}]})
    assert saved.status_code == 200 and saved.json()["confirm_problems"] == [], saved.text
    stale = client.post(f"/api/drafts/{draft_id}/confirm", headers={"If-Match": '"1"'})
    assert stale.status_code == 409

    confirmed = client.post(f"/api/drafts/{draft_id}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    note = ConfirmedNote.model_validate(confirmed.json())
    assert note.compute_sha256() == note.content_sha256
    assert [(f.code, f.source) for f in note.factors] == [("1B", "suggested"), ("2B", "added")]
    assert note.factors[0].evidence and note.visit.bedroom_seen is None
    assert note.worker == note.confirmed_by == "ada" and note.case_reference == "CASE-1"
    assert confirmed.headers["Location"] == f"/api/notes/{note.id}"
    # The answer is the (only) child's note, with every note of the visit in 'notes'.
    assert [n["id"] for n in confirmed.json()["notes"]] == [note.id]
    assert client.get(f"/api/notes/{note.id}").json() == {k: v for k, v in confirmed.json().items() if k != "notes"}

    # The draft is now read-only, and the note cannot be confirmed twice.
    view, etag = _draft(client, draft_id)
    assert view["status"] == "confirmed" and view["confirmed_note_id"] == note.id
    late = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": etag}, json={"sections": {"purpose": "x"}})
    assert late.status_code == 409 and late.json()["type"] == "/problems/draft-confirmed"
    assert client.post(f"/api/drafts/{draft_id}/confirm").status_code == 409

    add_user(app, "root", "admin")
    events = Client(url, "root").get("/api/audit", params={"object_type": "draft", "object_id": draft_id}).json()
    assert {"view", "edit", "decision", "confirm"} <= {e["action"] for e in events}
    assert all(e["actor"] == "ada" for e in events)
    assert "Kayden" not in str(events)  # names and decisions, never the note's text


def test_a_retired_code_cannot_be_confirmed_or_added(server):
    url, app = server
    worker = add_user(app, "ada")
    note = sample_note()
    note.sections = [s for s in note.sections if s.text]  # no empty required section in the way
    note.factor_suggestions = [FactorSuggestion(code="18A", label="Child sexual exploitation", confidence=0.5,
                                                subject=Subject.child)]
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=note)["draft_id"]
    client = Client(url, "ada")
    added = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": '"1"'},
                         json={"factors": [{"code": "19A", "decision": "accepted"}]})
    assert added.status_code == 422 and "19A is retired" in added.json()["detail"]
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": '"1"'},
                         json={"factors": [{"code": "18A", "decision": "accepted"}]})
    assert saved.status_code == 200 and any("18A is retired" in p for p in saved.json()["census_problems"])
    refused = client.post(f"/api/drafts/{draft_id}/confirm")
    assert refused.status_code == 422 and any("18B" in r and "18C" in r for r in refused.json()["reasons"])

"""Family visits through HTTP on SQLite and PostgreSQL: the review state per child
(fields, references, decisions by code and child), sign-off into one note per child in
one transaction, census rules per child, references given at upload, and drafts stored
before children were reviewed one by one."""

from __future__ import annotations

import json
import threading

from api.db.models import Draft, Recording
from models.draft import ChildVisit, Evidence, FactorSuggestion, Section, Subject, VisitFields, VisitWhen
from models.record import ConfirmedNote
from tests.api.helpers import Client, add_user, sample_note, seed_recording
from tests.api.test_uploads import wav_bytes
from tests.conftest import AUDIO
from tests.exports.conftest import SECTIONS


def family_note():
    mia_cares = Evidence(text="Mia said she looks after Tyler when mum stays in bed.", start_char=0, end_char=52)
    return sample_note().model_copy(update={
        "sections": [Section(key=k, title=t, text=x) for k, t, x in SECTIONS],
        "visit": VisitFields(contact_type="statutory visit", announced=False, children=[
            ChildVisit(name="Mia", age=9, child_seen=True, child_seen_alone=True, bedroom_seen=True),
            ChildVisit(name="Tyler", age=4, child_seen=True, child_seen_alone=False, bedroom_seen=None)],
            when=VisitWhen(said="on Tuesday at 4 pm", start_char=0, end_char=1, weekday="tuesday")),
        "factor_suggestions": [
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.9,
                             subject=Subject.parent_carer, children=["Mia", "Tyler"]),
            FactorSuggestion(code="7A", label="Young carer", confidence=0.6, subject=Subject.child,
                             children=["Mia"], evidence=[mia_cares]),
            FactorSuggestion(code="18C", label="Physical abuse by an adult", confidence=0.8, subject=Subject.child,
                             children=["Tyler"])]})


def view(client: Client, draft_id: int) -> tuple[dict, str]:
    response = client.get(f"/api/drafts/{draft_id}")
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def patch(client: Client, draft_id: int, etag: str, edits: dict) -> dict:
    response = client.patch(f"/api/drafts/{draft_id}", json=edits, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_family_visit_is_reviewed_per_child_and_signs_one_note_each(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=family_note(), case_reference="FAM-7",
                              child_references={"Mia": "CN-1"})["draft_id"]
    client = Client(url, "ada")
    draft, etag = view(client, draft_id)
    review = draft["review"]
    assert [(c["key"], c["name"], c["case_reference"]) for c in review["children"]] == [
        ("c1", "Mia", "CN-1"), ("c2", "Tyler", None)]
    assert [(f["code"], f["child"]) for f in review["factors"]] == [
        ("1B", "c1"), ("1B", "c2"), ("7A", "c1"), ("18C", "c2")]
    assert review["visit_day"] and review["visit_time"] is None  # Tuesday said, no time
    assert draft["confirm_problems"] == [
        "suggestions 1B for Mia, 1B for Tyler, 7A for Mia, 18C for Tyler not yet accepted or rejected",
        "no case reference for Tyler: with 2 children, each child's note goes on their own record, so each needs "
        "their own case reference"]
    refused = client.post(f"/api/drafts/{draft_id}/confirm")
    assert refused.status_code == 422 and "no case reference for Tyler" in str(refused.json()["reasons"])

    # Decide per child, give Tyler his reference and answer what was not said, rename Mia.
    saved = patch(client, draft_id, etag, {
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "7A", "child": "c1", "decision": "accepted"},
                    {"code": "18C", "child": "c2", "decision": "accepted"},
                    {"code": "21", "child": "c1", "decision": "accepted"}],
        "children": [{"key": "c2", "case_reference": "CN-2", "bedroom_seen": True}, {"key": "c1", "name": "Maya"}],
        "visit_day": "2025-03-11", "visit_time": "16:00",
        "visit": {"people_present": [{"name": "Leanne", "role": "mother"}, {"name": "Maya", "role": "child"}]}})
    assert saved["confirm_problems"] == [
        "Maya: 21 (no factors identified) cannot be used with any other factor (rule 8869)"]
    saved = patch(client, draft_id, f'"{saved["version"]}"', {"factors": [{"code": "21", "child": "c1",
                                                                            "decision": "rejected"}]})
    assert saved["confirm_problems"] == []
    # A stale save gets the current state in today's shape, children and all.
    stale = client.patch(f"/api/drafts/{draft_id}", json={"sections": {"purpose": "x"}}, headers={"If-Match": etag})
    assert stale.status_code == 409 and [c["name"] for c in stale.json()["current"]["children"]] == ["Maya", "Tyler"]

    # Two tabs confirm at once: one signs both notes, the other is refused; nothing doubles.
    tabs, answers = [Client(url, "ada"), Client(url, "ada")], []
    start = threading.Barrier(2)

    def confirm(tab: Client) -> None:
        start.wait()
        answers.append(tab.post(f"/api/drafts/{draft_id}/confirm"))

    threads = [threading.Thread(target=confirm, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    confirmed = next(a for a in answers if a.status_code == 201)
    maya, tyler = (ConfirmedNote.model_validate(n) for n in confirmed.json()["notes"])
    assert confirmed.json()["id"] == maya.id and confirmed.headers["Location"] == f"/api/notes/{maya.id}"
    assert (maya.case_reference, maya.child.name, maya.child.age) == ("CN-1", "Maya", 9)
    assert (tyler.case_reference, tyler.child.name, tyler.child.age) == ("CN-2", "Tyler", 4)
    assert [f.code for f in maya.factors] == ["1B", "7A"] and [f.code for f in tyler.factors] == ["1B", "18C"]
    assert maya.factors[1].evidence[0].text.startswith("Mia said she looks after Tyler")
    assert (maya.visit.child_seen_alone, tyler.visit.child_seen_alone) == (True, False)
    assert (maya.visit.bedroom_seen, tyler.visit.bedroom_seen) == (True, True)
    assert maya.group == tyler.group and maya.group.family_reference == "FAM-7"
    assert [(c.name, c.case_reference) for c in maya.group.children] == [("Maya", "CN-1"), ("Tyler", "CN-2")]
    assert maya.visit_date.isoformat() == "2025-03-11T16:00:00+00:00" and maya.visit_time_known
    assert maya.sections == tyler.sections and maya.schema_version == tyler.schema_version == "1.2"
    for note in (maya, tyler):
        assert note.compute_sha256() == note.content_sha256
        stored = client.get(f"/api/notes/{note.id}").json()
        assert ConfirmedNote.model_validate(stored) == note
    draft, _ = view(client, draft_id)
    assert draft["status"] == "confirmed" and draft["confirmed_note_ids"] == [maya.id, tyler.id]
    listed = client.get("/api/recordings").json()[0]
    assert listed["note_ids"] == [maya.id, tyler.id] and listed["children"] == ["Maya", "Tyler"]
    assert (listed["visit_day"], listed["visit_time"]) == ("2025-03-11", "16:00:00")
    assert len(client.get("/api/notes").json()) == 2

    add_user(app, "root", "admin")
    events = Client(url, "root").get("/api/audit", params={"object_type": "draft", "object_id": draft_id}).json()
    signed = [e["detail"] for e in events if e["action"] == "confirm"]
    assert sorted((d["note_id"], d["child"]) for d in signed) == [(maya.id, "c1"), (tyler.id, "c2")]
    assert "Maya" not in str(events) and "CN-2" not in str(events)  # keys and codes, never names or references


def test_a_child_the_draft_missed_is_added_and_one_it_got_wrong_removed(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=family_note(), case_reference="FAM-7",
                              child_references={"Mia": "CN-1", "Tyler": "CN-2"})["draft_id"]
    client = Client(url, "ada")
    _, etag = view(client, draft_id)
    saved = patch(client, draft_id, etag, {
        "children": [{"key": "c2", "removed": True},
                     {"key": "w1k2", "name": "Oscar", "age": 2, "case_reference": "CN-3", "child_seen": False,
                      "child_seen_alone": False, "bedroom_seen": False}],
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "7A", "child": "c1", "decision": "rejected"},
                    {"code": "2B", "child": "w1k2", "decision": "accepted"}]})
    assert saved["confirm_problems"] == [], saved  # Tyler's undecided 18C went with him
    notes = client.post(f"/api/drafts/{draft_id}/confirm").json()["notes"]
    assert [(n["child"]["name"], n["case_reference"], [f["code"] for f in n["factors"]]) for n in notes] == [
        ("Mia", "CN-1", ["1B"]), ("Oscar", "CN-3", ["1B", "2B"])]
    assert notes[1]["visit"]["child_seen"] is False and notes[1]["child"]["age"] == 2


def test_drafts_stored_before_children_were_reviewed_still_open_edit_and_sign(server):
    url, app = server
    worker = add_user(app, "ada")
    ids = seed_recording(app, worker, AUDIO / "jfk.flac")
    with app.state.ctx.session_factory() as db:  # the review state as it was stored before this change
        draft = db.get(Draft, ids["draft_id"])
        draft.state_json = json.dumps({
            "sections": [{"key": s.key, "title": s.title, "text": s.text or "Done."} for s in sample_note().sections],
            "visit": {"child_seen": True, "child_seen_alone": True, "bedroom_seen": True, "people_present": [],
                      "contact_type": "home visit", "announced": None},
            "visit_date": "2025-03-12T14:00:00Z",
            "factors": [{"code": "1B", "decision": "accepted", "source": "suggested"},
                        {"code": "3C", "decision": "undecided", "source": "suggested"}]})
        db.commit()
    client = Client(url, "ada")
    draft, etag = view(client, ids["draft_id"])
    assert [(c["key"], c["name"], c["named"]) for c in draft["review"]["children"]] == [("c1", "the child", False)]
    assert [(f["code"], f["child"], f["decision"]) for f in draft["review"]["factors"]] == [
        ("1B", "c1", "accepted"), ("3C", "c1", "undecided")]
    assert (draft["review"]["visit_day"], draft["review"]["visit_time"]) == ("2025-03-12", "14:00:00")
    assert draft["confirm_problems"] == ["suggestion 3C not yet accepted or rejected"]
    assert client.get(f"/api/drafts/{ids['draft_id']}/versions/1").json()["children"][0]["key"] == "c1"
    patch(client, ids["draft_id"], etag, {"factors": [{"code": "3C", "decision": "rejected"}]})
    confirmed = client.post(f"/api/drafts/{ids['draft_id']}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    [note] = confirmed.json()["notes"]
    assert note["case_reference"] == "CASE-1" and note["group"] is None
    assert note["child"]["named"] is False and note["visit"]["child_seen_alone"] is True
    assert [f["code"] for f in note["factors"]] == ["1B"] and note["visit_date"].startswith("2025-03-12T14:00")


def test_each_childs_case_reference_is_given_at_upload(server):
    url, app = server
    add_user(app, "ada")
    client = Client(url, "ada")
    audio = wav_bytes(3)
    bad = client.post("/api/recordings", data={"case_reference": "FAM-7", "child_references": "Jayden CN-1"},
                      files={"audio": ("visit.wav", audio, "audio/wav")})
    assert bad.status_code == 422 and "entry 1 cannot be read" in bad.json()["detail"], bad.text
    assert "Jayden" not in bad.text  # the problem does not repeat what was sent
    good = client.post("/api/recordings", files={"audio": ("visit.wav", audio, "audio/wav")},
                       data={"case_reference": "FAM-7", "names": "Leanne", "child_references": "Mia: CN-1; Tyler: CN-2"})
    assert good.status_code == 202, good.text
    recording = client.get(f"/api/recordings/{good.json()['recording_id']}").json()
    assert recording["child_references"] == {"Mia": "CN-1", "Tyler": "CN-2"}
    with app.state.ctx.session_factory() as db:
        assert db.get(Recording, recording["id"]).names == ["Leanne", "Mia", "Tyler"]  # they help the recogniser

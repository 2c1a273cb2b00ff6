"""Issue 15 through the service (SQLite and PostgreSQL, the real drafting rules): a worker
corrects a misheard disclosure, and the next read of the draft has the suggestion the
corrected sentence supports, new from the edit, on the right child's record; a field the
text now answers follows it unless the worker set it; sign-off keeps the edit record."""

from __future__ import annotations

from api.db.models import AuditEvent
from models.draft import ChildVisit, DraftNote, FactorSuggestion, Section, Subject, VisitFields
from tests.api.helpers import Client, add_user, seed_recording
from tests.conftest import AUDIO

HEARD = "Emily said re-spunched Tyler."
CORRECTED = "Emily said Rhys punched Tyler."
SECTIONS = {
    "purpose": "Statutory visit to Emily and her brother Tyler on Tuesday at 4 pm.",
    "present": "Their mother Leanne was present. Emily, who is nine, was seen alone in her bedroom. Tyler, aged "
               "four, was seen, but he was not seen alone because he was asleep.",
    "observations": "The home was tidy.",
    "child_voice": f"Emily said she looks after Tyler when their mother stays in bed. {HEARD}",
    "parent_views": "Their mother said she drinks every night and she has depression.",
    "other_information": "",
    "analysis": "I am worried about both children.",
    "actions": "I will refer their mother to the alcohol service.",
}


def misheard_note() -> DraftNote:
    return DraftNote(
        sections=[Section(key=k, title=k.replace("_", " ").capitalize(), text=t) for k, t in SECTIONS.items()],
        visit=VisitFields(contact_type="statutory visit", children=[
            ChildVisit(name="Emily", age=9, child_seen=True, child_seen_alone=True, bedroom_seen=True),
            ChildVisit(name="Tyler", age=4, child_seen=True, child_seen_alone=False)]),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.94,
                             subject=Subject.parent_carer, children=["Emily", "Tyler"]),
            FactorSuggestion(code="4B", label="Mental health of parent/carer", confidence=0.75,
                             subject=Subject.parent_carer, children=["Emily", "Tyler"])])


def view(client: Client, draft_id: int) -> dict:
    response = client.get(f"/api/drafts/{draft_id}")
    assert response.status_code == 200, response.text
    return response.json()


def save(client: Client, draft_id: int, version: int, edits: dict) -> dict:
    response = client.patch(f"/api/drafts/{draft_id}", json=edits, headers={"If-Match": f'"{version}"'})
    assert response.status_code == 200, response.text
    return response.json()


def decisions(draft: dict) -> dict:
    return {(f["code"], f["child"]): f for f in draft["review"]["factors"]}


def test_a_corrected_disclosure_brings_its_suggestion_for_the_right_child(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=misheard_note(), case_reference="FAM-15",
                              child_references={"Emily": "CN-E", "Tyler": "CN-T"})["draft_id"]
    client = Client(url, "ada")
    first = view(client, draft_id)
    assert ("18C", "c2") not in decisions(first)  # what was heard supports no abuse factor
    assert first["review"]["suggestions"] is None  # the text is as drafted: nothing ran again

    saved = save(client, draft_id, first["version"], {
        "sections": {"child_voice": SECTIONS["child_voice"].replace(HEARD, CORRECTED)}})
    assert saved["text_changed"] is True
    draft = view(client, draft_id)
    assert draft["version"] == saved["version"]  # the machine's reading is not an edit: same version
    new = decisions(draft)[("18C", "c2")]
    assert (new["decision"], new["from_edit"], new["source"]) == ("undecided", True, "suggested")
    assert ("18C", "c1") not in decisions(draft)  # Tyler's record, not Emily's
    assert not any(f["from_edit"] for f in draft["review"]["factors"] if f["code"] != "18C")
    suggestion = next(s for s in draft["review"]["suggestions"] if s["code"] == "18C")
    assert suggestion["children"] == ["c2"]
    assert [(e["text"], e["section"]) for e in suggestion["evidence"]] == [(CORRECTED, "child_voice")]
    text = SECTIONS["child_voice"].replace(HEARD, CORRECTED)
    start = suggestion["evidence"][0]["start"]
    assert text[start:suggestion["evidence"][0]["end"]] == CORRECTED
    assert "18C for Tyler" in " ".join(draft["confirm_problems"])  # decided before it can be signed

    # The next save keeps it; the rules do not run again on an unchanged text.
    saved = save(client, draft_id, draft["version"], {"factors": [
        {"code": "18C", "child": "c2", "decision": "accepted"}, {"code": "1B", "decision": "accepted"},
        {"code": "4B", "decision": "accepted"}, {"code": "7A", "child": "c1", "decision": "accepted"}]})
    assert saved["text_changed"] is False and saved["confirm_problems"] == []
    with app.state.ctx.session_factory() as db:
        events = [e.detail for e in db.query(AuditEvent).filter(AuditEvent.action == "redraft")]
    assert events == [{"version": 2, "new": ["18C:c2"], "evidence_removed": [], "evidence_back": [], "dropped": [],
                       "fields": []}]

    confirmed = client.post(f"/api/drafts/{draft_id}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    emily, tyler = confirmed.json()["notes"]
    assert [f["code"] for f in tyler["factors"]] == ["1B", "4B", "18C"]
    eighteen = next(f for f in tyler["factors"] if f["code"] == "18C")
    assert [e["text"] for e in eighteen["evidence"]] == [CORRECTED]
    record = tyler["edit_record"]
    assert {(s["code"], s["outcome"], s["origin"]) for s in record["suggestions"]} == {
        ("1B", "accepted", "draft"), ("4B", "accepted", "draft"), ("18C", "accepted", "edit")}
    voice = next(s for s in record["sections"] if s["key"] == "child_voice")
    assert (voice["outcome"], voice["drafted"]) == ("changed", SECTIONS["child_voice"])
    assert [s["code"] for s in emily["edit_record"]["suggestions"]] == ["1B", "4B", "7A"]
    assert tyler["schema_version"] == "1.3"

    # The signed note's page shows what changed from the draft, and its JSON export carries it.
    page = client.get(f"/notes/{tyler['id']}")
    assert "Changed from the draft" in page.text and "re-spunched" in page.text and "Rhys punched" in page.text
    exported = client.get(f"/api/notes/{tyler['id']}/export", params={"format": "json"})
    assert exported.json()["edit_record"] == record


def test_a_field_follows_the_text_unless_the_worker_set_it(server):
    url, app = server
    worker = add_user(app, "ada")
    draft_id = seed_recording(app, worker, AUDIO / "jfk.flac", note=misheard_note(), case_reference="FAM-16",
                              child_references={"Emily": "CN-E", "Tyler": "CN-T"})["draft_id"]
    client = Client(url, "ada")
    draft = view(client, draft_id)
    saved = save(client, draft_id, draft["version"], {"children": [{"key": "c1", "bedroom_seen": False}]})
    present = SECTIONS["present"].replace("but he was not seen alone because he was asleep",
                                          "and he was seen alone in his bedroom")
    saved = save(client, draft_id, saved["version"], {"sections": {"present": present}})
    emily, tyler = view(client, draft_id)["review"]["children"]
    assert emily["bedroom_seen"] is False  # the worker's answer, whatever the text now says
    assert (tyler["child_seen_alone"], tyler["bedroom_seen"]) == (True, True)  # follow what the text now says
    assert sorted(view(client, draft_id)["review"]["touched"]) == ["c1.bedroom_seen"]

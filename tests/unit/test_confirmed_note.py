"""The signed record without a server: what sign-off puts in it, and the hash that signs
it, pinned to a known value so that a library upgrade that changes the canonical JSON
turns this red instead of silently changing every signature."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from api.db.models import Draft, Recording, User
from api.services.notes import build_confirmed_notes
from models.draft import (ChildVisit, DraftNote, Evidence, FactorSuggestion, Person, Section, Subject, VisitFields,
                          VisitWhen)
from models.record import (ConfirmedFactor, ConfirmedNote, ConfirmedSection, Decision, FactorDecision, GroupChild,
                           ReviewChild, ReviewState, VisitGroup, canonical_json)

pytestmark = pytest.mark.unit

RECORDED = datetime(2025, 3, 12, 15, 5, tzinfo=timezone.utc)
LONDON = ZoneInfo("Europe/London")
EVIDENCE = Evidence(text="Leanne said she has been drinking again.", start_char=40, end_char=81, start_s=6.0,
                    end_s=8.5)


def fixed_note() -> ConfirmedNote:
    return ConfirmedNote(
        id=17, draft_id=117, case_reference="CN-204871", recorded_at=RECORDED,
        visit_date=datetime(2025, 3, 12, 14, 0, tzinfo=timezone.utc), worker="Amara Okafor",
        confirmed_by="Amara Okafor", confirmed_at=datetime(2025, 3, 12, 17, 42, 5, 123456, tzinfo=timezone.utc),
        sections=[ConfirmedSection(key="purpose", title="Purpose of visit", text="Statutory visit, unannounced."),
                  ConfirmedSection(key="child_voice", title="Child's voice",
                                   text="Kayden said “I feel safe” – Zoë Ó Súilleabháin was there.")],
        visit=VisitFields(child_seen=True, child_seen_alone=False, bedroom_seen=None,
                          people_present=[Person(name="Kayden Price", role="child"), Person(role="mother")],
                          contact_type="statutory visit", announced=False),
        factors=[ConfirmedFactor(code="1B", label="Alcohol misuse by parent/carer", source="suggested",
                                 evidence=[EVIDENCE]),
                 ConfirmedFactor(code="16A", label="Neglect", source="added")],
        content_sha256="")


def test_the_hash_of_a_fixed_note_is_pinned():
    note = fixed_note()
    assert note.compute_sha256() == "83505fe31f9d0ba9b96941a4c169f20067b6b58d4aa96d380bff844881668f01"
    # What is signed: everything but the storage id and the hash itself.
    assert note.model_copy(update={"id": 99, "content_sha256": "x"}).compute_sha256() == note.compute_sha256()
    assert note.model_copy(update={"worker": "Amara"}).compute_sha256() != note.compute_sha256()


def test_a_note_signed_before_a_field_was_added_keeps_its_hash():
    """Schema 1.1 added the visit's children and time: a 1.0 note read back (its JSON has
    neither) hashes as it was signed, and a note that holds them signs them."""
    stored = fixed_note().model_dump(mode="json")
    del stored["visit"]["children"], stored["visit"]["when"]
    assert ConfirmedNote.model_validate(stored).compute_sha256() == fixed_note().compute_sha256()
    with_child = fixed_note()
    with_child.visit.children = [ChildVisit(name="Kayden", age=7, child_seen=True, child_seen_alone=False)]
    assert with_child.content()["visit"]["children"][0]["name"] == "Kayden"
    assert with_child.compute_sha256() != fixed_note().compute_sha256()


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": [1, None], "a": "Zoë “x”"}) == '{"a":"Zoë “x”","b":[1,null]}'.encode("utf-8")


def one_one_note() -> ConfirmedNote:
    """A note as schema 1.1 signed it: the visit's children and time in ``visit``."""
    note = fixed_note()
    note.schema_version = "1.1"
    note.visit.children = [ChildVisit(name="Kayden", age=7, child_seen=True, child_seen_alone=False,
                                      evidence={"child_seen_alone": EVIDENCE})]
    note.visit.when = VisitWhen(said="Wednesday at 2 pm", start_char=20, end_char=37, weekday="wednesday",
                                time=time(14, 0), date=date(2025, 3, 12))
    return note


def family_note() -> ConfirmedNote:
    """A note as schema 1.2 signs it: one child of a family visit."""
    note = fixed_note()
    note.schema_version = "1.2"
    note.case_reference = "CN-204872"
    note.visit_time_known = False
    note.child = ChildVisit(name="Tyler", age=4, child_seen=True, child_seen_alone=False, bedroom_seen=None)
    note.group = VisitGroup(id="5f0c2a9e", family_reference="FAM-88", children=[
        GroupChild(name="Mia", case_reference="CN-204871"), GroupChild(name="Tyler", case_reference="CN-204872")])
    return note


def test_notes_of_every_schema_version_keep_their_pinned_hash():
    # The same value as the code of schema 1.1 gave this note (checked when 1.2 was added).
    assert one_one_note().compute_sha256() == "25e9971faf84071d3bcc6b8b5765800f6f3509c9dfbdd9ad73b642fdeaa6642d"
    assert family_note().compute_sha256() == "90b3926c1aa88df4661ca629d68f868e74f1561b30589c532c2f6030d24e62dc"
    # Read back from what was stored (no 1.2 fields in a 1.1 note's JSON), each hashes as it was signed.
    for note in (one_one_note(), family_note()):
        stored = canonical_json(note.content())
        assert ConfirmedNote.model_validate({**json.loads(stored), "id": 3, "content_sha256": ""}).compute_sha256() \
            == note.compute_sha256()
    assert "child" not in one_one_note().content() and "visit_time_known" not in one_one_note().content()
    assert family_note().content()["visit_time_known"] is False


def recording_draft(drafted: DraftNote) -> Draft:
    return Draft(id=117, note_json=drafted.model_dump_json(),
                 recording=Recording(case_reference="FAM-88", recorded_at=RECORDED), owner=User(username="amara"))


def test_sign_off_keeps_accepted_factors_with_their_evidence_and_drops_empty_sections():
    drafted = DraftNote(
        sections=[Section(key="purpose", title="Purpose of visit", text="")], visit=VisitFields(),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.8,
                             subject=Subject.parent_carer, evidence=[EVIDENCE]),
            FactorSuggestion(code="3C", label="Domestic abuse: parent/carer", confidence=0.4,
                             subject=Subject.parent_carer, evidence=[EVIDENCE])])
    state = ReviewState(
        sections=[ConfirmedSection(key="purpose", title="Purpose of visit", text="  Statutory visit.\n"),
                  ConfirmedSection(key="analysis", title="Analysis", text=" \n ")],
        visit=VisitFields(child_seen=True), visit_day=date(2025, 3, 12), visit_time=time(14, 0),
        children=[ReviewChild(key="c1", name="the child", named=False, child_seen=True)],
        factors=[FactorDecision(code="1B", decision=Decision.accepted, source="suggested", child="c1"),
                 FactorDecision(code="3C", decision=Decision.rejected, source="suggested", child="c1"),
                 FactorDecision(code="16A", decision=Decision.accepted, source="added", child="c1")])
    [note] = build_confirmed_notes(recording_draft(drafted), state, User(username="mo"), zone=LONDON)
    assert (note.draft_id, note.case_reference, note.recorded_at, note.worker, note.confirmed_by) == (
        117, "FAM-88", RECORDED, "amara", "mo")  # one child: the recording's case reference is theirs
    assert [(s.key, s.text) for s in note.sections] == [("purpose", "Statutory visit.")]  # optional empty one gone
    assert [(f.code, f.label, f.source, f.evidence) for f in note.factors] == [
        ("1B", "Alcohol misuse by parent/carer", "suggested", [EVIDENCE]),
        ("16A", "Neglect", "added", [])]  # the label from the census list; no evidence for a code added by hand
    assert note.visit.child_seen is True and note.visit.children == [] and note.group is None
    assert note.child == ChildVisit(name="the child", named=False, child_seen=True)
    assert note.visit_date == datetime(2025, 3, 12, 14, 0, tzinfo=timezone.utc) and note.visit_time_known
    assert note.schema_version == "1.2"
    assert note.content_sha256 == note.compute_sha256() and len(note.content_sha256) == 64


def test_a_family_visit_signs_one_note_per_child_with_their_fields_factors_and_reference():
    drafted = DraftNote(sections=[Section(key="purpose", title="Purpose of visit", text="Visit.")],
                        visit=VisitFields(), factor_suggestions=[
                            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.9,
                                             subject=Subject.parent_carer, evidence=[EVIDENCE],
                                             children=["Mia", "Tyler"])])
    state = ReviewState(
        sections=[ConfirmedSection(key="purpose", title="Purpose of visit", text="Visit.")],
        visit=VisitFields(contact_type="statutory visit", people_present=[Person(name="Leanne", role="mother")]),
        visit_day=date(2025, 7, 1), visit_time=None,  # a day in British Summer Time, no time said
        children=[ReviewChild(key="c1", name="Mia", age=9, case_reference="CN-1", child_seen=True,
                              child_seen_alone=True, bedroom_seen=True, drafted_name="Mia"),
                  ReviewChild(key="c2", name="Tyler", age=4, case_reference="CN-2", child_seen=True,
                              child_seen_alone=False, bedroom_seen=False, drafted_name="Tyler"),
                  ReviewChild(key="w9", name="Oscar", case_reference="CN-3", removed=True)],
        factors=[FactorDecision(code="1B", decision=Decision.accepted, child="c1"),
                 FactorDecision(code="1B", decision=Decision.accepted, child="c2"),
                 FactorDecision(code="7A", decision=Decision.accepted, source="added", child="c1"),
                 FactorDecision(code="18C", decision=Decision.accepted, source="added", child="c2"),
                 FactorDecision(code="21", decision=Decision.accepted, source="added", child="w9")])
    mia, tyler = build_confirmed_notes(recording_draft(drafted), state, User(username="mo"), zone=LONDON)
    assert (mia.case_reference, mia.child.name, mia.child.age) == ("CN-1", "Mia", 9)
    assert (tyler.case_reference, tyler.child.name, tyler.child.age) == ("CN-2", "Tyler", 4)
    assert [f.code for f in mia.factors] == ["1B", "7A"] and [f.code for f in tyler.factors] == ["1B", "18C"]
    assert (mia.visit.child_seen_alone, tyler.visit.child_seen_alone) == (True, False)
    assert (mia.visit.bedroom_seen, tyler.child.bedroom_seen) == (True, False)
    assert mia.group == tyler.group and mia.group.family_reference == "FAM-88"
    assert [(c.name, c.case_reference) for c in mia.group.children] == [("Mia", "CN-1"), ("Tyler", "CN-2")]
    assert mia.sections == tyler.sections and mia.visit.people_present == tyler.visit.people_present
    assert mia.visit_date == datetime(2025, 6, 30, 23, 0, tzinfo=timezone.utc) and mia.visit_time_known is False
    assert mia.content_sha256 != tyler.content_sha256
    assert all(n.compute_sha256() == n.content_sha256 for n in (mia, tyler))

"""The signed record without a server: what sign-off puts in it, and the hash that signs
it, pinned to a known value so that a library upgrade that changes the canonical JSON
turns this red instead of silently changing every signature."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.db.models import Draft, Recording, User
from api.services.notes import build_confirmed_note
from models.draft import ChildVisit, DraftNote, Evidence, FactorSuggestion, Person, Section, Subject, VisitFields
from models.record import (ConfirmedFactor, ConfirmedNote, ConfirmedSection, Decision, FactorDecision, ReviewState,
                           canonical_json)

pytestmark = pytest.mark.unit

RECORDED = datetime(2025, 3, 12, 15, 5, tzinfo=timezone.utc)
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


def test_sign_off_keeps_accepted_factors_with_their_evidence_and_drops_empty_sections():
    drafted = DraftNote(
        sections=[Section(key="purpose", title="Purpose of visit", text="")], visit=VisitFields(),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.8,
                             subject=Subject.parent_carer, evidence=[EVIDENCE]),
            FactorSuggestion(code="3C", label="Domestic abuse: parent/carer", confidence=0.4,
                             subject=Subject.parent_carer, evidence=[EVIDENCE])])
    draft = Draft(id=117, note_json=drafted.model_dump_json(),
                  recording=Recording(case_reference="CN-204871", recorded_at=RECORDED),
                  owner=User(username="amara"))
    state = ReviewState(
        sections=[ConfirmedSection(key="purpose", title="Purpose of visit", text="  Statutory visit.\n"),
                  ConfirmedSection(key="analysis", title="Analysis", text=" \n ")],
        visit=VisitFields(child_seen=True), visit_date=datetime(2025, 3, 12, 14, 0, tzinfo=timezone.utc),
        factors=[FactorDecision(code="1B", decision=Decision.accepted, source="suggested"),
                 FactorDecision(code="3C", decision=Decision.rejected, source="suggested"),
                 FactorDecision(code="16A", decision=Decision.accepted, source="added")])
    note = build_confirmed_note(draft, state, User(username="mo"))
    assert (note.draft_id, note.case_reference, note.recorded_at, note.worker, note.confirmed_by) == (
        117, "CN-204871", RECORDED, "amara", "mo")
    assert [(s.key, s.text) for s in note.sections] == [("purpose", "Statutory visit.")]  # optional empty one gone
    assert [(f.code, f.label, f.source, f.evidence) for f in note.factors] == [
        ("1B", "Alcohol misuse by parent/carer", "suggested", [EVIDENCE]),
        ("16A", "Neglect", "added", [])]  # the label from the census list; no evidence for a code added by hand
    assert note.visit == VisitFields(child_seen=True) and note.visit_date == state.visit_date
    assert note.content_sha256 == note.compute_sha256() and len(note.content_sha256) == 64

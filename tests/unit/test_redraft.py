"""Suggestions that follow the text, without the drafting rules: how the difference between
two readings of the text (before and after an edit) is brought into the review state."""

from __future__ import annotations

import pytest

from api.services.redraft import Reading, bring_in, child_keys, needs_refresh, text_fingerprint
from api.services.review import apply_edits, initial_state
from models.draft import ChildVisit, DraftNote, FactorSuggestion, Section, Subject, VisitFields
from models.record import Decision, DraftEdits, ReviewChild, ReviewSuggestion

pytestmark = pytest.mark.unit


def suggestion(code: str, *children: str) -> ReviewSuggestion:
    return ReviewSuggestion(code=code, label=code, confidence=0.8, subject=Subject.child, children=list(children))


def drafted() -> DraftNote:
    return DraftNote(
        sections=[Section(key="child_voice", title="Child's voice", text="Emily said re-spunched Tyler.")],
        visit=VisitFields(children=[ChildVisit(name="Emily", child_seen=True), ChildVisit(name="Tyler")]),
        factor_suggestions=[FactorSuggestion(code="1B", label="1B", confidence=0.9, subject=Subject.parent_carer,
                                             children=["Emily", "Tyler"]),
                            FactorSuggestion(code="7A", label="7A", confidence=0.6, subject=Subject.child,
                                             children=["Emily"])])


def fields(**values) -> dict:
    base = {"visit.contact_type": None, "visit.announced": None, "visit.people_present": [], "visit_day": None,
            "visit_time": None, "c1.child_seen": True, "c1.child_seen_alone": None, "c1.bedroom_seen": None,
            "c2.child_seen": None, "c2.child_seen_alone": None, "c2.bedroom_seen": None}
    return {**base, **values}


BEFORE = Reading(suggestions=[suggestion("1B", "c1", "c2"), suggestion("7A", "c1")], fields=fields())


def test_a_factor_an_edit_brings_is_new_and_undecided_on_the_child_it_is_about():
    state = initial_state(drafted())
    after = Reading(suggestions=[*BEFORE.suggestions, suggestion("18C", "c2")], fields=fields())
    new, changed = bring_in(state, BEFORE, after, "fp")
    assert changed.new == [("18C", "c2")]
    assert [(d.code, d.child, d.decision, d.from_edit) for d in new.factors if d.code == "18C"] == [
        ("18C", "c2", Decision.undecided, True)]
    assert new.suggestions == after.suggestions and new.suggestions_from == "fp"
    assert not any(d.from_edit for d in new.factors if d.code != "18C")


def test_a_factor_whose_evidence_went_stays_decidable_and_comes_back_with_it():
    state = initial_state(drafted())
    state, _ = apply_edits(state, DraftEdits.model_validate({"factors": [{"code": "7A", "decision": "accepted"}]}))
    without = Reading(suggestions=[suggestion("1B", "c1", "c2")], fields=fields())
    gone, changed = bring_in(state, BEFORE, without, "fp2")
    assert changed.evidence_removed == [("7A", "c1")]
    seven = next(d for d in gone.factors if d.code == "7A")
    assert seven.evidence_removed and seven.decision == Decision.accepted  # the worker's decision is kept
    back, changed = bring_in(gone, without, BEFORE, "fp3")
    assert changed.evidence_back == [("7A", "c1")] and not next(d for d in back.factors if d.code == "7A").evidence_removed


def test_a_suggestion_only_an_edit_brought_goes_again_if_nobody_decided_it():
    state = initial_state(drafted())
    after = Reading(suggestions=[*BEFORE.suggestions, suggestion("18C", "c2")], fields=fields())
    brought, _ = bring_in(state, BEFORE, after, "a")
    gone, changed = bring_in(brought, after, BEFORE, "b")
    assert changed.dropped == [("18C", "c2")] and all(d.code != "18C" for d in gone.factors)
    decided, _ = apply_edits(brought, DraftEdits.model_validate(
        {"factors": [{"code": "18C", "child": "c2", "decision": "accepted"}]}))
    kept, changed = bring_in(decided, after, BEFORE, "c")
    assert changed.evidence_removed == [("18C", "c2")]
    assert [(d.decision, d.from_edit, d.evidence_removed) for d in kept.factors if d.code == "18C"] == [
        (Decision.accepted, True, True)]


def test_fields_follow_the_text_unless_the_worker_set_them():
    state = initial_state(drafted())
    state, _ = apply_edits(state, DraftEdits.model_validate({"children": [{"key": "c1", "bedroom_seen": False}]}))
    assert state.touched == ["c1.bedroom_seen"]
    after = Reading(suggestions=BEFORE.suggestions, fields=fields(**{
        "c1.bedroom_seen": True, "c2.child_seen": True, "c2.child_seen_alone": False,
        "visit.contact_type": "statutory visit", "visit.people_present": [{"name": "Leanne", "role": "mother"}],
        "visit_day": "2025-03-11", "visit_time": "16:00"}))
    new, changed = bring_in(state, BEFORE, after, "fp")
    assert sorted(changed.fields) == ["c2.child_seen", "c2.child_seen_alone", "visit.contact_type",
                                      "visit.people_present", "visit_day", "visit_time"]
    emily, tyler = new.children
    assert emily.bedroom_seen is False  # the worker's answer stays
    assert (tyler.child_seen, tyler.child_seen_alone) == (True, False)
    assert new.visit.contact_type == "statutory visit" and new.visit.people_present[0].name == "Leanne"
    assert str(new.visit_day) == "2025-03-11" and str(new.visit_time) == "16:00:00"
    assert new.visit.child_seen is True and new.visit.child_seen_alone is None  # derived from the children


def test_a_state_stored_before_touched_was_kept_keeps_its_fields():
    state = initial_state(drafted())
    state.touched = None
    new, changed = bring_in(state, BEFORE, Reading(suggestions=BEFORE.suggestions, fields=fields(
        **{"c2.child_seen": False})), "fp")
    assert changed.fields == [] and new.children[1].child_seen is None


def test_children_are_found_by_their_name_now_or_as_drafted_and_a_factor_naming_none_is_everyones():
    children = [ReviewChild(key="c1", name="Emily Price", drafted_name="Emily"),
                ReviewChild(key="c2", name="Tyler", drafted_name="Tyla"),
                ReviewChild(key="w1", name="Oscar", removed=True)]
    assert child_keys(["Emily"], children) == ["c1"] and child_keys(["Tyla"], children) == ["c2"]
    assert child_keys(["Oscar"], children) == ["c1", "c2"]  # taken off the visit: not a record to go on
    assert child_keys([], children) == ["c1", "c2"]


def test_the_rules_run_again_only_when_the_text_changed():
    note = drafted()
    state = initial_state(note)
    assert not needs_refresh(state, note)
    edited, _ = apply_edits(state, DraftEdits(sections={"child_voice": "Emily said Rhys punched Tyler."}))
    assert needs_refresh(edited, note)
    edited.suggestions_from = text_fingerprint([("child_voice", "Emily said Rhys punched Tyler.")])
    assert not needs_refresh(edited, note)

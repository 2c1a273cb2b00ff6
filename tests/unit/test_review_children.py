"""The children of a visit under review, without a server: where they start from (the
draft, the references given at upload, the visit's day and time), the worker's changes
(per child, by key, so a rename keeps the decisions), the census rules per child, what
blocks signing, and drafts stored before children were reviewed one by one."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from api.services.children import (initial_visit_moment, parse_child_references, suggestion_children,
                                   upgrade_state)
from api.services.review import apply_edits, census_problems, chosen_codes, confirm_problems, initial_state
from models.draft import ChildVisit, DraftNote, FactorSuggestion, Section, Subject, VisitFields, VisitWhen
from models.errors import InvalidEdit, InvalidText
from models.record import ConfirmedSection, Decision, DraftEdits, FactorDecision, ReviewState

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
RECORDED = datetime(2025, 3, 12, 17, 5, tzinfo=timezone.utc)  # a Wednesday, 17:05 in London


def suggestion(code: str, *children: str, subject: Subject = Subject.parent_carer) -> FactorSuggestion:
    return FactorSuggestion(code=code, label=code, confidence=0.8, subject=subject, children=list(children))


def family_note(when: VisitWhen | None = None) -> DraftNote:
    return DraftNote(
        sections=[Section(key="purpose", title="Purpose of visit", text="Statutory visit.")],
        visit=VisitFields(children=[
            ChildVisit(name="Mia", age=9, child_seen=True, child_seen_alone=True, bedroom_seen=True),
            ChildVisit(name="Tyler", age=4, child_seen=True, child_seen_alone=False)], when=when),
        factor_suggestions=[suggestion("1B", "Mia", "Tyler"), suggestion("7A", "Mia", subject=Subject.child),
                            suggestion("18C", "Tyler", subject=Subject.child), suggestion("20")])


@pytest.fixture
def family() -> ReviewState:
    return initial_state(family_note(), references={"Mia Price": "CN-1", "tyler": "CN-2"}, recorded_at=RECORDED,
                         zone=LONDON)


def decide(state: ReviewState, *decisions: tuple[str, str | None, str]) -> ReviewState:
    edits = DraftEdits(factors=[FactorDecision(code=code, child=child, decision=Decision(value))
                                for code, child, value in decisions])
    return apply_edits(state, edits)[0]


@pytest.mark.parametrize("text,expected", [
    ("Mia: CIN-1001; Tyler: CIN-1002", {"Mia": "CIN-1001", "Tyler": "CIN-1002"}),
    ("Mia Price = CIN 1001\nthe baby: CIN-9", {"Mia Price": "CIN 1001", "the baby": "CIN-9"}),
    ("  ", {}),
    (None, {}),
])
def test_child_references_as_typed_at_upload(text, expected):
    assert parse_child_references(text) == expected


@pytest.mark.parametrize("text,message", [
    ("Mia: CN\x0b1", "the case reference of entry 1 holds U+000B (vertical tab)"),
    ("Mia: 1; Mia CIN-1001", "entry 2 cannot be read: write each child as 'name: case reference'"),
    ("Mia: 1; mia price: 2", "entry 2 names a child named before"),
    ("Mia: " + "x" * 65, "the case reference of entry 1 is longer than 64 characters"),
])
def test_child_references_that_cannot_be_read_say_why(text, message):
    with pytest.raises((ValueError, InvalidText)) as refused:
        parse_child_references(text)
    assert message in str(refused.value)


def test_a_family_draft_starts_with_each_child_their_fields_reference_and_suggestions(family):
    assert [(c.key, c.name, c.age, c.case_reference, c.child_seen, c.child_seen_alone, c.bedroom_seen)
            for c in family.children] == [("c1", "Mia", 9, "CN-1", True, True, True),
                                          ("c2", "Tyler", 4, "CN-2", True, False, None)]
    # Each suggestion on the children it belongs to; one that names nobody on every child.
    assert [(f.code, f.child) for f in family.factors] == [
        ("1B", "c1"), ("1B", "c2"), ("7A", "c1"), ("18C", "c2"), ("20", "c1"), ("20", "c2")]
    assert all(f.decision == Decision.undecided and f.source == "suggested" for f in family.factors)
    # The visit-level fields are what every child shares, nothing else.
    assert (family.visit.child_seen, family.visit.child_seen_alone, family.visit.bedroom_seen) == (True, None, None)
    assert family.visit.children == []  # the children live in the review state's own list


def test_a_child_named_at_upload_that_the_draft_missed_is_on_the_visit_with_nothing_answered():
    state = initial_state(family_note(), references={"Mia": "CN-1", "Tyler": "CN-2", "Oscar": "CN-3"})
    oscar = state.children[2]
    assert (oscar.key, oscar.name, oscar.case_reference, oscar.drafted_name) == ("c3", "Oscar", "CN-3", None)
    assert (oscar.child_seen, oscar.child_seen_alone, oscar.bedroom_seen) == (None, None, None)
    assert not [f for f in state.factors if f.child == "c3"]
    assert suggestion_children([], state.children) == ["c1", "c2"]  # 'every child' is every drafted child


@pytest.mark.parametrize("when,day,moment", [
    (None, date(2025, 3, 12), time(17, 5)),  # nothing said: the recording's day and time
    (VisitWhen(said="Tuesday at 4 pm", start_char=0, end_char=1, weekday="tuesday", time=time(16, 0)),
     date(2025, 3, 11), time(16, 0)),
    (VisitWhen(said="at half four", start_char=0, end_char=1, time=time(16, 30)), date(2025, 3, 12), time(16, 30)),
    (VisitWhen(said="yesterday", start_char=0, end_char=1, days_before=1), date(2025, 3, 11), None),
    (VisitWhen(said="Friday 12 March", start_char=0, end_char=1, weekday="friday", day=12, month=3), None, None),
])
def test_the_visit_day_and_time_come_from_the_dictation_else_from_the_recording(when, day, moment):
    found = initial_visit_moment(family_note(when), RECORDED, LONDON)
    assert (found.day, found.time) == (day, moment)


def test_renaming_a_child_keeps_their_decisions_and_adding_one_needs_a_name(family):
    state = decide(family, ("7A", "c1", "accepted"))
    renamed, changes = apply_edits(state, DraftEdits.model_validate(
        {"children": [{"key": "c1", "name": "Maya"}, {"key": "w5", "name": "Oscar", "case_reference": " CN-3 ",
                                                       "child_seen": False}]}))
    assert changes.children == ["c1.name", "w5.added", "w5.case_reference", "w5.child_seen"]
    assert [(c.key, c.name, c.case_reference) for c in renamed.children] == [
        ("c1", "Maya", "CN-1"), ("c2", "Tyler", "CN-2"), ("w5", "Oscar", "CN-3")]
    assert chosen_codes(renamed, "c1") == ["7A"]
    assert renamed.visit.child_seen is None  # Oscar was not seen: the children no longer share a value
    with pytest.raises(InvalidEdit, match="the draft has no child w6; to add one, send its name"):
        apply_edits(family, DraftEdits.model_validate({"children": [{"key": "w6", "age": 3}]}))
    with pytest.raises(InvalidEdit, match="name cannot be empty"):
        apply_edits(family, DraftEdits.model_validate({"children": [{"key": "c1", "name": " "}]}))


def test_a_decision_names_its_child_and_one_without_a_child_is_every_childs(family):
    state = decide(family, ("1B", None, "accepted"), ("7A", "c1", "rejected"), ("2B", None, "accepted"))
    assert chosen_codes(state, "c1") == ["1B", "2B"] and chosen_codes(state, "c2") == ["1B", "2B"]
    assert [(f.code, f.child, f.source) for f in state.factors if f.code == "2B"] == [
        ("2B", "c1", "added"), ("2B", "c2", "added")]
    with pytest.raises(InvalidEdit, match="this draft has no child c9"):
        decide(family, ("1B", "c9", "accepted"))


def test_a_visit_level_answer_is_every_childs_and_removing_a_child_takes_it_off_the_visit(family):
    state, _ = apply_edits(family, DraftEdits.model_validate({"visit": {"bedroom_seen": True}}))
    assert [c.bedroom_seen for c in state.children] == [True, True] and state.visit.bedroom_seen is True
    state, changes = apply_edits(state, DraftEdits.model_validate({"children": [{"key": "c2", "removed": True}]}))
    assert changes.children == ["c2.removed"] and [c.name for c in state.active_children()] == ["Mia"]
    assert state.visit.child_seen_alone is True  # now only Mia's
    with pytest.raises(InvalidEdit, match="children are edited one by one"):
        apply_edits(family, DraftEdits.model_validate({"visit": {"children": []}}))


def test_census_rules_hold_per_child_and_21_may_stand_for_one_child_beside_a_siblings_codes(family):
    state = decide(family, ("1B", "c1", "rejected"), ("1B", "c2", "accepted"), ("7A", "c1", "rejected"),
                   ("18C", "c2", "accepted"), ("20", None, "rejected"), ("21", "c1", "accepted"))
    assert census_problems(state) == []
    clash = decide(state, ("21", "c2", "accepted"))
    assert census_problems(clash) == ["Tyler: 21 (no factors identified) cannot be used with any other factor "
                                      "(rule 8869)"]


def test_what_stands_in_the_way_of_signing_a_family_visit(family):
    assert confirm_problems(family, [], "FAM-1") == [
        "suggestions 1B for Mia, 1B for Tyler, 7A for Mia, 18C for Tyler, 20 for Mia, 20 for Tyler not yet "
        "accepted or rejected"]
    decided = decide(family, ("1B", None, "accepted"), ("7A", "c1", "accepted"), ("18C", "c2", "accepted"),
                     ("20", None, "rejected"))
    assert confirm_problems(decided, [], "FAM-1") == []
    no_reference, _ = apply_edits(decided, DraftEdits.model_validate(
        {"children": [{"key": "c2", "case_reference": ""}, {"key": "w1", "name": "Oscar"}]}))
    assert confirm_problems(no_reference, [], "FAM-1") == [
        "no case reference for Tyler, Oscar: with 3 children, each child's note goes on their own record, so "
        "each needs their own case reference"]
    same, _ = apply_edits(decided, DraftEdits.model_validate({"children": [{"key": "c2", "case_reference": "cn-1"}]}))
    assert confirm_problems(same, [], "FAM-1") == [
        "Mia and Tyler have the same case reference: each child's note goes on their own record"]
    # One child left: the recording's case reference is theirs unless they have their own.
    alone, _ = apply_edits(decided, DraftEdits.model_validate({"children": [
        {"key": "c2", "removed": True}, {"key": "c1", "case_reference": ""}]}))
    assert confirm_problems(alone, [], "FAM-1") == []
    nobody, _ = apply_edits(alone, DraftEdits.model_validate({"children": [{"key": "c1", "removed": True}]}))
    assert confirm_problems(nobody, [], "FAM-1") == [
        "the note is about no child: put a child back or add one (each child's note goes on their record)"]


def test_a_single_child_draft_stored_before_children_were_reviewed_is_upgraded_on_reading():
    drafted = DraftNote(sections=[Section(key="purpose", title="Purpose", text="x")],
                        visit=VisitFields(child_seen=True, child_seen_alone=True),
                        factor_suggestions=[suggestion("1B"), suggestion("3C")])
    stored = ReviewState.model_validate({  # the shape stored before: no children, decisions by code only
        "sections": [{"key": "purpose", "title": "Purpose", "text": "x"}],
        "visit": {"child_seen": True, "child_seen_alone": False, "bedroom_seen": None},
        "visit_date": "2025-07-01T15:30:00+00:00",
        "factors": [{"code": "1B", "decision": "accepted", "source": "suggested"},
                    {"code": "3C", "decision": "undecided", "source": "suggested"},
                    {"code": "16A", "decision": "accepted", "source": "added"}]})
    state = upgrade_state(stored, drafted, LONDON)
    assert [(c.key, c.name, c.named, c.child_seen, c.child_seen_alone) for c in state.children] == [
        ("c1", "the child", False, True, False)]  # the worker's answer (alone: no), not the draft's
    assert [(f.code, f.child, f.decision.value) for f in state.factors] == [
        ("1B", "c1", "accepted"), ("3C", "c1", "undecided"), ("16A", "c1", "accepted")]
    assert (state.visit_day, state.visit_time, state.visit_date) == (date(2025, 7, 1), time(16, 30), None)
    assert confirm_problems(state, [], "CASE-1") == ["suggestion 3C not yet accepted or rejected"]


def test_a_family_draft_stored_before_children_were_reviewed_keeps_each_suggestion_on_its_children():
    drafted = family_note()
    stored = ReviewState(sections=[ConfirmedSection(key="purpose", title="Purpose", text="x")],
                         visit=drafted.visit.model_copy(update={"bedroom_seen": False}),
                         factors=[FactorDecision(code="7A", decision=Decision.accepted),
                                  FactorDecision(code="1B", decision=Decision.undecided),
                                  FactorDecision(code="2B", decision=Decision.accepted, source="added")])
    state = upgrade_state(stored, drafted, LONDON)
    assert [(c.name, c.bedroom_seen) for c in state.children] == [("Mia", False), ("Tyler", False)]
    assert [(f.code, f.child) for f in state.factors] == [
        ("7A", "c1"), ("1B", "c1"), ("1B", "c2"), ("2B", "c1"), ("2B", "c2")]

"""The review state's rules without a server: what an autosave changes (and refuses),
what stands in the way of signing, and the state a fresh draft starts from."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from api.services.review import apply_edits, chosen_codes, confirm_problems, initial_state, undecided_codes
from models.draft import DraftNote, FactorSuggestion, Section, Subject, VisitFields
from models.errors import InvalidEdit
from models.record import ConfirmedSection, Decision, DraftEdits, FactorDecision, ReviewChild, ReviewState

pytestmark = pytest.mark.unit

VISIT_DATE = datetime(2025, 3, 12, 14, 0, tzinfo=timezone.utc)


def suggestion(code: str) -> FactorSuggestion:
    return FactorSuggestion(code=code, label=code, confidence=0.8, subject=Subject.parent_carer)


@pytest.fixture
def state() -> ReviewState:
    note = DraftNote(
        sections=[Section(key="purpose", title="Purpose of visit", text="Statutory visit."),
                  Section(key="analysis", title="Analysis: risks and strengths", text="")],
        visit=VisitFields(child_seen=True, bedroom_seen=False),
        factor_suggestions=[suggestion("1B"), suggestion("3C"), suggestion("1B")])
    return initial_state(note)


def test_a_fresh_draft_starts_with_every_suggestion_undecided_once(state):
    # A draft that names no child is about one unnamed child, who has the visit's fields.
    assert [(c.key, c.name, c.named, c.child_seen, c.bedroom_seen) for c in state.children] == [
        ("c1", "the child", False, True, False)]
    assert [(f.code, f.decision, f.source, f.child) for f in state.factors] == [
        ("1B", Decision.undecided, "suggested", "c1"), ("3C", Decision.undecided, "suggested", "c1")]
    assert [(s.key, s.text) for s in state.sections] == [("purpose", "Statutory visit."), ("analysis", "")]
    assert state.visit.child_seen is True and state.visit_day is None and state.visit_date is None


def test_an_edit_changes_only_what_it_names_and_says_what_changed(state):
    edits = DraftEdits.model_validate({"sections": {"analysis": "Risk is low.", "purpose": "Statutory visit."},
                                       "visit": {"bedroom_seen": None}, "visit_date": VISIT_DATE.isoformat()})
    new, changes = apply_edits(state, edits)
    assert changes.sections == ["analysis"]  # the unchanged purpose text is not a change
    assert changes.visit == ["bedroom_seen"] and changes.visit_date is True
    assert new.visit.bedroom_seen is None and new.visit.child_seen is True  # an explicit null: not recorded
    assert new.children[0].bedroom_seen is None  # a visit-level answer is the (only) child's
    assert (new.visit_day, new.visit_time) == (date(2025, 3, 12), time(14, 0))  # London in March is UTC
    assert [s.text for s in new.sections] == ["Statutory visit.", "Risk is low."]
    assert state.sections[1].text == "" and state.visit.bedroom_seen is False  # the old state is untouched


def test_an_edit_that_changes_nothing_is_no_change(state):
    new, changes = apply_edits(state, DraftEdits(sections={"purpose": "Statutory visit."}))
    assert not changes and new == state


def test_decisions_on_suggestions_and_codes_added_by_hand(state):
    edits = DraftEdits(factors=[FactorDecision(code="1B", decision=Decision.accepted),
                                FactorDecision(code="3C", decision=Decision.rejected),
                                FactorDecision(code="7A", decision=Decision.accepted)])
    new, changes = apply_edits(state, edits)
    assert changes.decisions == [("1B", "accepted", "suggested", "c1"), ("3C", "rejected", "suggested", "c1"),
                                 ("7A", "accepted", "added", "c1")]
    assert chosen_codes(new) == ["1B", "7A"] and undecided_codes(new) == []
    taken_back, changes = apply_edits(new, DraftEdits(factors=[FactorDecision(code="7A", decision=Decision.rejected)]))
    assert changes.decisions == [("7A", "removed", "added", "c1")]
    assert [f.code for f in taken_back.factors] == ["1B", "3C"]  # a code added by hand and taken back is gone
    rejected_first, changes = apply_edits(state, DraftEdits(
        factors=[FactorDecision(code="16A", decision=Decision.rejected)]))
    assert not changes and rejected_first == state  # rejecting a code nobody suggested or added: nothing to do


@pytest.mark.parametrize("edits,message", [
    (DraftEdits(sections={"voice": "x"}), "this draft has no section voice"),
    (DraftEdits(factors=[FactorDecision(code="19A", decision=Decision.accepted)]),
     "19A is retired (rule 8945Q/8950Q): use 19B (by another child) or 19C (by an adult)"),
    (DraftEdits(factors=[FactorDecision(code="99Z", decision=Decision.accepted)]),
     "99Z is not a CiN census factor code"),
])
def test_an_edit_naming_what_the_draft_cannot_have_is_refused(state, edits, message):
    with pytest.raises(InvalidEdit) as refused:
        apply_edits(state, edits)
    assert str(refused.value) == message


def test_what_stands_in_the_way_of_signing(state):
    assert confirm_problems(state, ["purpose", "analysis"]) == [
        "suggestions 1B, 3C not yet accepted or rejected",
        "required section empty: Analysis: risks and strengths"]
    decided, _ = apply_edits(state, DraftEdits(
        sections={"purpose": "  "},
        factors=[FactorDecision(code="1B", decision=Decision.accepted),
                 FactorDecision(code="3C", decision=Decision.undecided),
                 FactorDecision(code="21", decision=Decision.accepted)]))
    assert confirm_problems(decided, ["purpose", "analysis"]) == [
        "suggestion 3C not yet accepted or rejected",
        "required sections empty: Purpose of visit, Analysis: risks and strengths",
        "21 (no factors identified) cannot be used with any other factor (rule 8869)"]
    ready, _ = apply_edits(decided, DraftEdits(
        factors=[FactorDecision(code="3C", decision=Decision.rejected),
                 FactorDecision(code="21", decision=Decision.rejected)]))
    assert confirm_problems(ready, ["analysis"]) == ["required section empty: Analysis: risks and strengths"]
    assert confirm_problems(ready, []) == []  # optional sections may stay empty


def test_a_required_section_the_state_lacks_counts_as_empty():
    state = ReviewState(sections=[ConfirmedSection(key="purpose", title="Purpose", text="x")], visit=VisitFields(),
                        children=[ReviewChild(key="c1", name="Kayden")])
    assert confirm_problems(state, ["purpose", "actions"]) == ["required section empty: actions"]

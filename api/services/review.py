"""The review state of a draft: made from the machine's draft, changed by autosaves
(each a new version), and checked against the sign-off rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from models.cin_codes import census_rule_problems, cin_factors
from models.draft import DraftNote
from models.errors import InvalidEdit, TextTooLong
from models.record import Decision, DraftEdits, FactorDecision, ReviewState
from models.record import ConfirmedSection
from models.settings import Settings
from models.text import clean_prose

logger = logging.getLogger(__name__)


def initial_state(note: DraftNote) -> ReviewState:
    factors: list[FactorDecision] = []
    for suggestion in note.factor_suggestions:
        if all(f.code != suggestion.code for f in factors):
            factors.append(FactorDecision(code=suggestion.code, decision=Decision.undecided, source="suggested"))
    return ReviewState(
        sections=[ConfirmedSection(key=s.key, title=s.title, text=s.text) for s in note.sections],
        visit=note.visit.model_copy(deep=True), visit_date=None, factors=factors)


@dataclass
class Changes:
    """What an autosave changed, by name only (for the audit log: never the text)."""

    sections: list[str] = field(default_factory=list)
    visit: list[str] = field(default_factory=list)
    visit_date: bool = False
    decisions: list[tuple[str, str, str]] = field(default_factory=list)  # code, decision, source

    def __bool__(self) -> bool:
        return bool(self.sections or self.visit or self.visit_date or self.decisions)


DEFAULT_MAX_SECTION_CHARS = Settings.model_fields["max_section_chars"].default


def apply_edits(state: ReviewState, edits: DraftEdits, *,
                max_section_chars: int = DEFAULT_MAX_SECTION_CHARS) -> tuple[ReviewState, Changes]:
    """The state after ``edits``. Texts are cleaned as they are saved (``models.text``:
    line breaks as newlines, no control characters, NFC), so that every export can
    carry them; a section longer than ``max_section_chars`` is refused."""
    new = ReviewState.model_validate(state.model_dump())  # a deep copy, much faster than deepcopy
    changes = Changes()
    by_key = {s.key: s for s in new.sections}
    unknown = sorted(set(edits.sections) - set(by_key))
    if unknown:
        raise InvalidEdit(f"this draft has no section {', '.join(unknown)}")
    for key, sent in edits.sections.items():
        if len(sent) > max_section_chars:
            raise TextTooLong(f"the section '{by_key[key].title}' is {len(sent):,} characters long; the limit is "
                              f"{max_section_chars:,} (CASENOTE_MAX_SECTION_CHARS). Nothing was saved",
                              section=key, limit=max_section_chars)
        text = clean_prose(sent)
        if by_key[key].text != text:
            by_key[key].text = text
            changes.sections.append(key)
    if edits.visit is not None:
        for name in sorted(edits.visit.model_fields_set):
            value = _cleaned(getattr(edits.visit, name))
            if getattr(new.visit, name) != value:
                setattr(new.visit, name, value)
                changes.visit.append(name)
    if "visit_date" in edits.model_fields_set and new.visit_date != edits.visit_date:
        new.visit_date = edits.visit_date
        changes.visit_date = True
    _apply_decisions(new, edits.factors, changes)
    return new, changes


def _cleaned(value):
    """A visit field with every text in it (people's names and roles...) cleaned."""
    if isinstance(value, str):
        return clean_prose(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if hasattr(value, "model_copy"):
        return value.model_copy(update={name: _cleaned(getattr(value, name)) for name in type(value).model_fields})
    return value


def _apply_decisions(state: ReviewState, decisions: list[FactorDecision], changes: Changes) -> None:
    known = cin_factors()
    for decision in decisions:
        existing = next((f for f in state.factors if f.code == decision.code), None)
        if existing is None:
            if decision.code not in known:  # e.g. a retired code: say what to use instead
                raise InvalidEdit("; ".join(census_rule_problems([decision.code])))
            if decision.decision == Decision.accepted:
                state.factors.append(FactorDecision(code=decision.code, decision=Decision.accepted, source="added"))
                changes.decisions.append((decision.code, "accepted", "added"))
            continue
        if existing.source == "added" and decision.decision != Decision.accepted:
            # Taking back a code added by hand removes it; there is no suggestion to decide on.
            state.factors.remove(existing)
            changes.decisions.append((decision.code, "removed", "added"))
        elif existing.decision != decision.decision:
            existing.decision = decision.decision
            changes.decisions.append((decision.code, decision.decision.value, existing.source))


def chosen_codes(state: ReviewState) -> list[str]:
    return [f.code for f in state.factors if f.decision == Decision.accepted]


def undecided_codes(state: ReviewState) -> list[str]:
    return [f.code for f in state.factors if f.decision == Decision.undecided]


def required_section_keys(note: DraftNote, settings: Settings) -> list[str]:
    """Sections that must not be empty at sign-off. The note template decides: a
    section is required unless its template entry says ``required: false``."""
    from pipeline.drafting.template import load_template

    template = load_template(settings.template_file)
    optional = {s.key for s in template.sections if getattr(s, "required", True) is False}
    return [s.key for s in note.sections if s.key not in optional]


def confirm_problems(state: ReviewState, required: list[str]) -> list[str]:
    """Why this state cannot be signed yet (empty = it can)."""
    problems: list[str] = []
    undecided = undecided_codes(state)
    if undecided:
        problems.append(f"suggestion{'s' if len(undecided) > 1 else ''} {', '.join(undecided)} "
                        "not yet accepted or rejected")
    titles = {s.key: s.title for s in state.sections}
    empty = [titles.get(key, key) for key in required
             if not next((s.text for s in state.sections if s.key == key), "").strip()]
    if empty:
        problems.append(f"required section{'s' if len(empty) > 1 else ''} empty: {', '.join(empty)}")
    problems.extend(census_rule_problems(chosen_codes(state)))
    return problems

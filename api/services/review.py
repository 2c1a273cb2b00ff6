"""The review state of a draft: made from the machine's draft, changed by autosaves
(each a new version), and checked against the sign-off rules. Decisions are per code
and child: each child's note carries that child's factors, and the census rules hold
for each child's set."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from api.services.children import (CHILD_FIELDS, apply_child_edits, child_label, derive_visit_fields,
                                   initial_children, initial_decisions, initial_visit_moment, set_every_child,
                                   undecided_pairs)
from models.cin_codes import census_rule_problems, cin_factors
from models.draft import DraftNote
from models.errors import InvalidEdit, TextTooLong
from models.record import ConfirmedSection, Decision, DraftEdits, FactorDecision, ReviewState
from models.settings import Settings
from models.text import clean_prose

logger = logging.getLogger(__name__)

DEFAULT_ZONE = ZoneInfo(Settings.model_fields["export_timezone"].default)
# Fields of the visit that are the children's (edited per child) or read from the dictation.
NOT_VISIT_EDITS = {"children", "when"}


def initial_state(note: DraftNote, *, references: dict[str, str] | None = None,
                  recorded_at: dt.datetime | None = None, zone: dt.tzinfo = DEFAULT_ZONE) -> ReviewState:
    children = initial_children(note, references or {})
    moment = initial_visit_moment(note, recorded_at, zone)
    state = ReviewState(
        sections=[ConfirmedSection(key=s.key, title=s.title, text=s.text) for s in note.sections],
        visit=note.visit.model_copy(deep=True, update={"children": []}), visit_date=None,
        factors=initial_decisions(note, children), children=children, visit_day=moment.day,
        visit_time=moment.time)
    derive_visit_fields(state)
    return state


@dataclass
class Changes:
    """What an autosave changed, by name only (for the audit log: never the text)."""

    sections: list[str] = field(default_factory=list)
    visit: list[str] = field(default_factory=list)
    visit_date: bool = False
    children: list[str] = field(default_factory=list)  # 'c1.child_seen', 'w7.added'...
    decisions: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # code, decision, source, child

    def __bool__(self) -> bool:
        return bool(self.sections or self.visit or self.visit_date or self.children or self.decisions)


DEFAULT_MAX_SECTION_CHARS = Settings.model_fields["max_section_chars"].default


def apply_edits(state: ReviewState, edits: DraftEdits, *, max_section_chars: int = DEFAULT_MAX_SECTION_CHARS,
                zone: dt.tzinfo = DEFAULT_ZONE) -> tuple[ReviewState, Changes]:
    """The state after ``edits``. Texts are cleaned as they are saved (``models.text``:
    line breaks as newlines, no control characters, NFC), so that every export can
    carry them; a section longer than ``max_section_chars`` is refused. A visit time
    sent without an offset is where the visit took place (``zone``)."""
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
    changes.children = apply_child_edits(new, edits.children)
    if edits.visit is not None:
        refused = sorted(edits.visit.model_fields_set & NOT_VISIT_EDITS)
        if refused:
            raise InvalidEdit(f"the visit's {', '.join(refused)} cannot be edited this way (children are edited "
                              "one by one in 'children')")
        for name in sorted(edits.visit.model_fields_set):
            value = _cleaned(getattr(edits.visit, name))
            if name in CHILD_FIELDS:  # a visit-level answer is every child's
                if set_every_child(new, name, value):
                    changes.visit.append(name)
            elif getattr(new.visit, name) != value:
                setattr(new.visit, name, value)
                changes.visit.append(name)
    _apply_moment(new, edits, zone, changes)
    _apply_decisions(new, edits.factors, changes)
    derive_visit_fields(new)
    return new, changes


def _apply_moment(state: ReviewState, edits: DraftEdits, zone: dt.tzinfo, changes: Changes) -> None:
    sent = edits.model_fields_set
    day, time = state.visit_day, state.visit_time
    if "visit_date" in sent:  # one datetime: the day and time where the visit took place
        moment = edits.visit_date
        if moment is None:
            day = time = None
        else:
            local = moment.astimezone(zone) if moment.tzinfo else moment
            day, time = local.date(), local.time().replace(second=0, microsecond=0)
    if "visit_day" in sent:
        day = edits.visit_day
    if "visit_time" in sent:
        time = edits.visit_time.replace(second=0, microsecond=0) if edits.visit_time else None
    if (day, time) != (state.visit_day, state.visit_time):
        state.visit_day, state.visit_time = day, time
        changes.visit_date = True


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
    keys = {c.key for c in state.children}
    for decision in decisions:
        if decision.child is not None and decision.child not in keys:
            raise InvalidEdit(f"this draft has no child {decision.child}")
        targets = [decision.child] if decision.child else [c.key for c in state.active_children()]
        for child in targets:
            _decide(state, decision, child, known, changes)


def _decide(state: ReviewState, decision: FactorDecision, child: str, known, changes: Changes) -> None:
    existing = next((f for f in state.factors if f.code == decision.code and f.child == child), None)
    if existing is None:
        if decision.code not in known:  # e.g. a retired code: say what to use instead
            raise InvalidEdit("; ".join(census_rule_problems([decision.code])))
        if decision.decision == Decision.accepted:
            state.factors.append(FactorDecision(code=decision.code, decision=Decision.accepted, source="added",
                                                child=child))
            changes.decisions.append((decision.code, "accepted", "added", child))
        return
    if existing.source == "added" and decision.decision != Decision.accepted:
        # Taking back a code added by hand removes it; there is no suggestion to decide on.
        state.factors.remove(existing)
        changes.decisions.append((decision.code, "removed", "added", child))
    elif existing.decision != decision.decision:
        existing.decision = decision.decision
        changes.decisions.append((decision.code, decision.decision.value, existing.source, child))


def chosen_codes(state: ReviewState, child: str | None = None) -> list[str]:
    """Accepted codes of one child (by key), or of the whole visit (each once)."""
    codes = [f.code for f in state.factors if f.decision == Decision.accepted
             and (f.child == child if child is not None else _on_visit(state, f.child))]
    return list(dict.fromkeys(codes))


def _on_visit(state: ReviewState, child: str | None) -> bool:
    return child is None or any(c.key == child for c in state.active_children())


def undecided_codes(state: ReviewState) -> list[str]:
    return list(dict.fromkeys(code for code, _ in undecided_pairs(state)))


def census_problems(state: ReviewState) -> list[str]:
    """The census rules, checked on each child's factors (21 may stand for one child
    beside other codes for a sibling); named by child when the visit has several."""
    children = state.active_children()
    problems: list[str] = []
    for child in children:
        for problem in census_rule_problems(chosen_codes(state, child.key)):
            problems.append(f"{child.name}: {problem}" if len(children) > 1 else problem)
    return list(dict.fromkeys(problems))


def required_section_keys(note: DraftNote, settings: Settings) -> list[str]:
    """Sections that must not be empty at sign-off. The note template decides: a
    section is required unless its template entry says ``required: false``."""
    from pipeline.drafting.template import load_template

    template = load_template(settings.template_file)
    optional = {s.key for s in template.sections if getattr(s, "required", True) is False}
    return [s.key for s in note.sections if s.key not in optional]


def confirm_problems(state: ReviewState, required: list[str], case_reference: str | None = None) -> list[str]:
    """Why this state cannot be signed yet (empty = it can). ``case_reference`` is the
    recording's: the record of a visit's only child when it has no reference of its own."""
    problems: list[str] = []
    children = state.active_children()
    undecided = undecided_pairs(state)
    if undecided:
        several = len(children) > 1
        named = [f"{code} for {child_label(state, child)}" if several else code for code, child in undecided]
        problems.append(f"suggestion{'s' if len(named) > 1 else ''} {', '.join(dict.fromkeys(named))} "
                        "not yet accepted or rejected")
    titles = {s.key: s.title for s in state.sections}
    empty = [titles.get(key, key) for key in required
             if not next((s.text for s in state.sections if s.key == key), "").strip()]
    if empty:
        problems.append(f"required section{'s' if len(empty) > 1 else ''} empty: {', '.join(empty)}")
    problems.extend(_children_problems(state, case_reference))
    problems.extend(census_problems(state))
    return problems


def _children_problems(state: ReviewState, case_reference: str | None) -> list[str]:
    children = state.active_children()
    if not children:
        return ["the note is about no child: put a child back or add one (each child's note goes on their record)"]
    problems = []
    if len(children) > 1:
        missing = [c.name for c in children if not c.case_reference]
        if missing:
            problems.append(f"no case reference for {', '.join(missing)}: with {len(children)} children, each "
                            "child's note goes on their own record, so each needs their own case reference")
    references: dict[str, list[str]] = {}
    for child in children:
        reference = child.case_reference or (case_reference if len(children) == 1 else None)
        if reference:
            references.setdefault(reference.casefold(), []).append(child.name)
    for names in references.values():
        if len(names) > 1:
            problems.append(f"{' and '.join(names)} have the same case reference: each child's note goes on "
                            "their own record")
    return problems

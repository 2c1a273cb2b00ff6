"""The children of a visit under review: where they start from (the draft and the
references given at upload), the worker's changes to them, and drafts stored before
children were reviewed one by one.

Every review state holds at least one child once made or upgraded, and every factor
decision names the child whose record it is for, so a family visit signs one note per
child and a single-child visit is the same thing with one child."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from models.draft import DraftNote, shared_value
from models.errors import InvalidEdit
from models.record import ChildEdit, Decision, FactorDecision, ReviewChild, ReviewState
from models.text import check_identifier, clean_prose

UNNAMED_CHILD = "the child"  # a draft that names no child is about one child all the same
CHILD_FIELDS = ("child_seen", "child_seen_alone", "bedroom_seen")
_REFERENCE_ENTRY = re.compile(r"^\s*(?P<name>[^:=]+?)\s*[:=]\s*(?P<reference>\S.*?)\s*$")


def parse_child_references(text: str | None) -> dict[str, str]:
    """'Mia: CIN-1001; Tyler: CIN-1002' (entries split by ';', ',' or lines; 'name = ref'
    too) -> {name: reference}. Raises ValueError saying which entry (by number: a
    problem answer never repeats what was sent) is wrong and how."""
    references: dict[str, str] = {}
    entries = [e for e in re.split(r"[;,\n]", text or "") if e.strip()]
    for number, entry in enumerate(entries, 1):
        match = _REFERENCE_ENTRY.match(entry)
        if match is None:
            raise ValueError(f"entry {number} cannot be read: write each child as 'name: case reference', "
                             "like Mia: CIN-1001; Tyler: CIN-1002")
        name = clean_prose(match["name"]).strip()
        reference = check_identifier(match["reference"], f"case reference of entry {number}")
        if len(reference) > 64:
            raise ValueError(f"the case reference of entry {number} is longer than 64 characters")
        if any(same_child(name, known) for known in references):
            raise ValueError(f"entry {number} names a child named before")
        references[name] = reference
    return references


def same_child(a: str, b: str) -> bool:
    """Names that stand for the same child: equal ignoring case, or the same first name
    ('Mia' and 'Mia Price')."""
    a, b = a.strip().casefold(), b.strip().casefold()
    return a == b or (bool(a) and bool(b) and a.split()[0] == b.split()[0])


def reference_for(name: str, references: dict[str, str]) -> str | None:
    return next((ref for known, ref in references.items() if same_child(name, known)), None)


# --- a fresh draft --------------------------------------------------------------


def initial_children(note: DraftNote, references: dict[str, str]) -> list[ReviewChild]:
    """The drafted children, each with the reference given for them at upload; then any
    child named at upload that the draft did not find (nothing answered for them); a
    draft with no child at all is about one unnamed child with the visit's fields."""
    children = [
        ReviewChild(key=f"c{i}", name=c.name, named=c.named, age=c.age,
                    case_reference=reference_for(c.name, references), child_seen=c.child_seen,
                    child_seen_alone=c.child_seen_alone, bedroom_seen=c.bedroom_seen, drafted_name=c.name)
        for i, c in enumerate(note.visit.children, 1)]
    for name, reference in references.items():
        if not any(same_child(name, c.name) for c in children):
            children.append(ReviewChild(key=f"c{len(children) + 1}", name=name, case_reference=reference))
    if not children:
        children.append(ReviewChild(key="c1", name=UNNAMED_CHILD, named=False, child_seen=note.visit.child_seen,
                                    child_seen_alone=note.visit.child_seen_alone,
                                    bedroom_seen=note.visit.bedroom_seen))
    return children


def suggestion_children(names: list[str], children: list[ReviewChild]) -> list[str]:
    """Keys of the children a suggestion belongs to (``FactorSuggestion.children`` are
    drafted names); a suggestion that names none of them is for every drafted child."""
    drafted = [c for c in children if c.drafted_name is not None] or children
    keys = [c.key for c in drafted if c.drafted_name in names]
    return keys or [c.key for c in drafted]


def initial_decisions(note: DraftNote, children: list[ReviewChild]) -> list[FactorDecision]:
    decisions: list[FactorDecision] = []
    for suggestion in note.factor_suggestions:
        for key in suggestion_children(suggestion.children, children):
            if not any(d.code == suggestion.code and d.child == key for d in decisions):
                decisions.append(FactorDecision(code=suggestion.code, child=key, source="suggested"))
    return decisions


@dataclass(frozen=True)
class VisitMoment:
    day: dt.date | None
    time: dt.time | None


def initial_visit_moment(note: DraftNote, recorded_at: dt.datetime | None, zone: dt.tzinfo) -> VisitMoment:
    """When the visit was: the day and time the dictation says (a day said without a year,
    'yesterday', a weekday: counted from the recording's day), else the recording's. A
    time is never taken from the recording when another day was said, and a day that was
    said but does not resolve (a weekday that does not fit the date) is left for the worker."""
    if recorded_at is None:
        return VisitMoment(None, None)
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=dt.timezone.utc)
    recorded = recorded_at.astimezone(zone)
    said = note.visit.when
    if said is None:
        return VisitMoment(recorded.date(), recorded.time().replace(second=0, microsecond=0))
    day_said = any(v is not None for v in (said.weekday, said.day, said.month, said.year, said.days_before))
    day = (said.date or said.resolve(recorded.date())) if day_said else recorded.date()
    return VisitMoment(day, said.time)


# --- the worker's changes ---------------------------------------------------------


def derive_visit_fields(state: ReviewState) -> None:
    """The visit-level seen fields: the value every child of the visit shares."""
    active = state.active_children()
    for name in CHILD_FIELDS:
        setattr(state.visit, name, shared_value([getattr(c, name) for c in active]))


def apply_child_edits(state: ReviewState, edits: list[ChildEdit]) -> list[str]:
    """Apply the edits in place; returns what changed as 'key.field' names (for the audit)."""
    changed: list[str] = []
    by_key = {c.key: c for c in state.children}
    for edit in edits:
        sent = edit.model_fields_set - {"key"}
        child = by_key.get(edit.key)
        if child is None:
            name = clean_prose(edit.name or "").strip()
            if not name:
                raise InvalidEdit(f"the draft has no child {edit.key}; to add one, send its name")
            child = by_key[edit.key] = ReviewChild(key=edit.key, name=name)
            state.children.append(child)
            changed.append(f"{edit.key}.added")
        for field in sorted(sent):
            value = getattr(edit, field)
            if field == "name":
                value = clean_prose(value or "").strip()
                if not value:
                    raise InvalidEdit("a child's name cannot be empty: remove the child instead")
            elif field == "case_reference":
                value = check_identifier(value or "", "case reference") or None
            elif field == "removed":
                value = bool(value)
            if getattr(child, field) != value:
                setattr(child, field, value)
                if field == "name":
                    child.named = True  # the worker wrote a name: it is no longer the note's words
                changed.append(f"{child.key}.{field}")
    return changed


def set_every_child(state: ReviewState, field: str, value: bool | None) -> bool:
    """A visit-level seen field sent as an edit (clients written for one child): every child's."""
    changed = False
    for child in state.active_children():
        if getattr(child, field) != value:
            setattr(child, field, value)
            changed = True
    return changed


def child_label(state: ReviewState, key: str | None) -> str:
    child = next((c for c in state.children if c.key == key), None)
    return child.name if child else (key or "the visit")


# --- drafts stored before this ---------------------------------------------------


def needs_upgrade(state: ReviewState) -> bool:
    return not state.children


def upgrade_state(state: ReviewState, note: DraftNote, zone: dt.tzinfo) -> ReviewState:
    """A review state stored before children were reviewed one by one, in today's shape:
    its children (the drafted ones; one unnamed child when the draft had none), the
    worker's visit-level answers kept (for every child where they changed the drafted
    value), each decision on the children its suggestion belongs to (a code added by hand
    on every child), and its visit date as the day and time where it took place."""
    new = ReviewState.model_validate(state.model_dump())
    drafted = note.visit
    children = [ReviewChild(key=f"c{i}", name=c.name, named=c.named, age=c.age, child_seen=c.child_seen,
                            child_seen_alone=c.child_seen_alone, bedroom_seen=c.bedroom_seen, drafted_name=c.name)
                for i, c in enumerate(new.visit.children or drafted.children, 1)]
    if len(children) <= 1:
        only = children[0] if children else ReviewChild(key="c1", name=UNNAMED_CHILD, named=False)
        for field in CHILD_FIELDS:
            setattr(only, field, getattr(new.visit, field))
        children = [only]
    else:
        for field in CHILD_FIELDS:
            if getattr(new.visit, field) != getattr(drafted, field):
                for child in children:
                    setattr(child, field, getattr(new.visit, field))
    new.children = children
    new.visit.children = []
    belongs = {s.code: suggestion_children(s.children, children) for s in note.factor_suggestions}
    decisions: list[FactorDecision] = []
    for decision in new.factors:
        keys = [decision.child] if decision.child else (
            belongs.get(decision.code, []) if decision.source == "suggested" else [c.key for c in children])
        for key in keys or [c.key for c in children]:
            decisions.append(decision.model_copy(update={"child": key}))
    new.factors = decisions
    if new.visit_date is not None and new.visit_day is None:
        moment = new.visit_date if new.visit_date.tzinfo else new.visit_date.replace(tzinfo=dt.timezone.utc)
        local = moment.astimezone(zone)
        new.visit_day, new.visit_time = local.date(), local.time().replace(second=0, microsecond=0)
    new.visit_date = None
    derive_visit_fields(new)
    return new


def undecided_pairs(state: ReviewState) -> list[tuple[str, str | None]]:
    """(code, child key) of suggestions not yet decided, for the children still on the visit."""
    active = {c.key for c in state.active_children()}
    return [(f.code, f.child) for f in state.factors
            if f.decision == Decision.undecided and (f.child is None or f.child in active)]

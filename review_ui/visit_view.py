"""What the review page shows about the visit and its children, worked out from the
draft and the review state: the visit's date, time, type, announcement and people
present; each child with their record's fields and factors, side by side.

Pure functions of (draft, review state) -> pydantic view objects."""

from __future__ import annotations

from pydantic import BaseModel

from models.draft import DraftNote, Person
from models.record import Decision, ReviewChild, ReviewState

FIELD_QUESTIONS = [
    ("child_seen", "Seen?", "Was {name} seen?"),
    ("child_seen_alone", "Seen alone?", "Was {name} seen alone?"),
    ("bedroom_seen", "Bedroom seen?", "Was {name}'s bedroom seen?"),
]
VALUE_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not recorded"}
VISIT_TYPES = ["statutory visit", "child protection visit", "child in need visit", "looked-after child visit",
               "home visit", "unannounced visit"]


def answer(value: bool | None) -> str:
    return "yes" if value is True else "no" if value is False else "unknown"


class ChildFieldView(BaseModel):
    key: str
    short: str  # 'Seen alone?'
    question: str  # 'Was Mia seen alone?'
    value: str  # yes, no, unknown
    words: str
    hint: str


class ChildFactorView(BaseModel):
    code: str
    label: str
    decision: Decision
    source: str


class ChildView(BaseModel):
    key: str
    name: str
    named: bool
    age: str  # as typed in the box
    case_reference: str
    reference_hint: str
    fields: list[ChildFieldView]
    factors: list[ChildFactorView]  # accepted and undecided, on this child's record
    drafted: bool


class VisitDetailsView(BaseModel):
    day: str
    month: str
    year: str
    time: str
    date_hint: str
    contact_type: str
    announced: str
    people_text: str
    people_rows: int


def person_line(person: Person) -> str:
    """'Leanne Price (mother)'; an unnamed person is '(mother)'."""
    if person.name and person.role:
        return f"{person.name} ({person.role})"
    return person.name or f"({person.role})"


def people_text(people: list[Person]) -> str:
    return "\n".join(person_line(p) for p in people)


def visit_details(state: ReviewState, note: DraftNote, recorded_label: str) -> VisitDetailsView:
    day = state.visit_day
    said = note.visit.when.said if note.visit.when else None
    if said:
        hint = f"The recording says “{said}”. Check the date and time; leave the time empty if it is not known."
    else:
        hint = (f"Not said in the recording: the date and time of the recording ({recorded_label}) are filled "
                "in. Check them.")
    return VisitDetailsView(
        day=str(day.day) if day else "", month=str(day.month) if day else "", year=str(day.year) if day else "",
        time=state.visit_time.strftime("%H:%M") if state.visit_time else "", date_hint=hint,
        contact_type=state.visit.contact_type or "", announced=answer(state.visit.announced),
        people_text=people_text(state.visit.people_present),
        people_rows=max(3, min(len(state.visit.people_present) + 1, 10)))


def _field_views(child: ReviewChild, drafted: dict[str, bool | None] | None) -> list[ChildFieldView]:
    views = []
    for key, short, question in FIELD_QUESTIONS:
        value = answer(getattr(child, key))
        said = drafted.get(key) if drafted else None
        hint = "From the recording: check it" if said is not None else "Not said in the recording"
        views.append(ChildFieldView(key=key, short=short, question=question.format(name=child.name), value=value,
                                    words=VALUE_WORDS[value], hint=hint))
    return views


def child_views(state: ReviewState, note: DraftNote, case_reference: str, labels: dict[str, str]) -> list[ChildView]:
    """The children still on the visit, in order, each with what their note will hold."""
    drafted = {c.name: {k: getattr(c, k) for k, _, _ in FIELD_QUESTIONS} for c in note.visit.children}
    active = state.active_children()
    views = []
    for child in active:
        if len(active) == 1:
            reference_hint = (f"Leave empty to use {case_reference}, the case reference of the recording"
                              if not child.case_reference else "This child's own case reference")
        else:
            reference_hint = "Needed: each child's note goes on their own record"
        factors = [ChildFactorView(code=f.code, label=labels.get(f.code, f.code), decision=f.decision, source=f.source)
                   for f in state.factors if f.child == child.key and f.decision != Decision.rejected]
        views.append(ChildView(
            key=child.key, name=child.name, named=child.named, age="" if child.age is None else str(child.age),
            case_reference=child.case_reference or "", reference_hint=reference_hint,
            fields=_field_views(child, drafted.get(child.drafted_name) if child.drafted_name else None),
            factors=factors, drafted=child.drafted_name is not None))
    return views


def removed_children(state: ReviewState) -> list[ReviewChild]:
    return [c for c in state.children if c.removed]

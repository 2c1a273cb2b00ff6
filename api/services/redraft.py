"""Suggestions that follow the text: after the worker edits the sections, the drafting
rules run again on the text as it now is, and what the edit changed is brought into the
review state.

What counts is the difference the edit made, not the difference from the first draft: the
rules' reading of the text before the edit is compared with their reading after it (the
first time, the drafted sections are read too, so that the worker's sections read as one
text are compared with themselves, not with the transcript's reading). So:

- a factor the rules find only after the edit is added, undecided and marked *new from
  your edit*, on the record of each child it is about;
- a factor whose evidence the edit took out is marked *evidence removed* and stays to be
  decided (a suggestion that only an edit brought and nobody decided is dropped again);
- the visit's fields and each child's seen / seen alone / bedroom seen follow the text
  where the edit changed what it says, unless the worker set them (``ReviewState.touched``).

Decisions are kept by code and child. Children are never added or renamed from the text:
a child is a note to sign, and only the worker decides that."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from api.services.children import derive_visit_fields, initial_visit_moment, same_child
from models.draft import DraftNote, Person
from models.record import (Decision, FactorDecision, ReviewChild, ReviewState, ReviewSuggestion, TextEvidence,
                           touched_key)
from models.settings import Settings

logger = logging.getLogger(__name__)

SEEN_FIELDS = ("child_seen", "child_seen_alone", "bedroom_seen")
VISIT_TEXT_FIELDS = ("contact_type", "announced", "people_present")


def text_fingerprint(sections: list[tuple[str, str]]) -> str:
    """Of (key, text) pairs: the same texts in the same sections give the same fingerprint."""
    digest = hashlib.sha256()
    for key, text in sections:
        digest.update(key.encode() + b"\x1f" + text.encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()


def current_fingerprint(state: ReviewState) -> str:
    return text_fingerprint([(s.key, s.text) for s in state.sections])


def drafted_fingerprint(note: DraftNote) -> str:
    return text_fingerprint([(s.key, s.text) for s in note.sections])


def needs_refresh(state: ReviewState, note: DraftNote) -> bool:
    """Whether the text changed since the suggestions were last drafted from it."""
    return current_fingerprint(state) != (state.suggestions_from or drafted_fingerprint(note))


@dataclass
class Reading:
    """What the rules read from one version of the text, in the review state's terms."""

    suggestions: list[ReviewSuggestion]
    fields: dict[str, Any]  # touched_key -> value (people as dicts, day and time as ISO text)


@dataclass
class Refreshed:
    """What bringing a new reading in changed (codes and field names only: for the audit)."""

    new: list[tuple[str, str]] = field(default_factory=list)  # (code, child key)
    evidence_removed: list[tuple[str, str]] = field(default_factory=list)
    evidence_back: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.evidence_removed or self.evidence_back or self.dropped or self.fields)


@dataclass(frozen=True)
class TextContext:
    """What the rules need besides the text: the names given at upload, the recording's time."""

    names: list[str]
    recorded_at: dt.datetime | None
    zone: dt.tzinfo


def named_keys(names: list[str], children: list[ReviewChild]) -> list[str]:
    """Keys of the children on the visit that ``names`` (as the rules found them in the
    text) stand for: by their name now or the name they were drafted with."""
    return [c.key for c in children if not c.removed and any(
        same_child(n, c.name) or (c.drafted_name is not None and same_child(n, c.drafted_name)) for n in names)]


def child_keys(names: list[str], children: list[ReviewChild]) -> list[str]:
    """The children a suggestion is for; one that names none of them: every child on the visit."""
    return named_keys(names, children) or [c.key for c in children if not c.removed]


def read_text(sections: list[tuple[str, str, str]], children: list[ReviewChild], drafted: DraftNote,
              settings: Settings, context: TextContext) -> Reading:
    """The rules' reading of the sections (key, title, text) as they are."""
    from pipeline.draft import draft_sections, section_starts  # spaCy loads only when needed

    recorded_on = context.recorded_at.astimezone(context.zone).date() if context.recorded_at else None
    note = draft_sections(sections, settings, names=context.names, recorded_on=recorded_on)
    starts = section_starts([text for _, _, text in sections])
    said = {" ".join(s.text.split()): (s.start_s, s.end_s) for sec in drafted.sections for s in sec.sentences}
    suggestions = []
    for s in note.factor_suggestions:
        evidence = []
        for e in s.evidence:
            index = max(i for i, at in enumerate(starts) if at <= e.start_char)
            start_s, end_s = said.get(" ".join(e.text.split()), (None, None))
            evidence.append(TextEvidence(text=e.text, section=sections[index][0], start=e.start_char - starts[index],
                                         end=e.end_char - starts[index], start_s=start_s, end_s=end_s))
        suggestions.append(ReviewSuggestion(code=s.code, label=s.label, confidence=s.confidence, subject=s.subject,
                                            by=s.by, children=child_keys(s.children, children), evidence=evidence))
    fields: dict[str, Any] = {touched_key(name): getattr(note.visit, name) for name in VISIT_TEXT_FIELDS}
    fields[touched_key("people_present")] = [p.model_dump() for p in note.visit.people_present]
    moment = initial_visit_moment(note, context.recorded_at, context.zone)
    fields["visit_day"] = moment.day.isoformat() if moment.day else None
    fields["visit_time"] = moment.time.strftime("%H:%M") if moment.time else None
    for found in note.visit.children:
        keys = named_keys([found.name], children) if found.named else []
        if len(keys) == 1:
            fields.update({touched_key(name, keys[0]): getattr(found, name) for name in SEEN_FIELDS})
    active = [c for c in children if not c.removed]
    if not note.visit.children and len(active) == 1:  # a note about one child it never names
        fields.update({touched_key(name, active[0].key): getattr(note.visit, name) for name in SEEN_FIELDS})
    return Reading(suggestions=suggestions, fields=fields)


def _pairs(suggestions: list[ReviewSuggestion]) -> set[tuple[str, str]]:
    return {(s.code, key) for s in suggestions for key in s.children}


def _set_field(state: ReviewState, key: str, value: Any) -> None:
    if key == "visit_day":
        state.visit_day = dt.date.fromisoformat(value) if value else None
    elif key == "visit_time":
        state.visit_time = dt.time.fromisoformat(value) if value else None
    elif key.startswith("visit."):
        name = key.removeprefix("visit.")
        setattr(state.visit, name, [Person(**p) for p in value] if name == "people_present" else value)
    else:
        child_key, _, name = key.partition(".")
        child = next((c for c in state.children if c.key == child_key), None)
        if child is not None:
            setattr(child, name, value)


def bring_in(state: ReviewState, before: Reading, after: Reading, fingerprint: str) -> tuple[ReviewState, Refreshed]:
    """The state with the difference between two readings of its text brought in (pure)."""
    new = ReviewState.model_validate(state.model_dump())
    changed = Refreshed()
    was, now = _pairs(before.suggestions), _pairs(after.suggestions)
    decisions = {(d.code, d.child): d for d in new.factors}
    for pair in sorted(now - was):
        existing = decisions.get(pair)
        if existing is None:
            new.factors.append(FactorDecision(code=pair[0], child=pair[1], source="suggested", from_edit=True))
            changed.new.append(pair)
        elif existing.evidence_removed:
            existing.evidence_removed = False
            changed.evidence_back.append(pair)
    for pair in sorted(was - now):
        existing = decisions.get(pair)
        if existing is None or existing.source != "suggested" or existing.evidence_removed:
            continue
        if existing.from_edit and existing.decision == Decision.undecided:
            new.factors.remove(existing)  # only an edit brought it, and nobody decided it
            changed.dropped.append(pair)
        else:
            existing.evidence_removed = True
            changed.evidence_removed.append(pair)
    if new.touched is not None:  # a state stored before touched was kept: its fields are left alone
        for key, value in after.fields.items():
            if before.fields.get(key) != value and key not in new.touched:
                _set_field(new, key, value)
                changed.fields.append(key)
    derive_visit_fields(new)
    new.suggestions, new.text_fields, new.suggestions_from = after.suggestions, after.fields, fingerprint
    return new, changed


def refresh(state: ReviewState, drafted: DraftNote, settings: Settings,
            context: TextContext) -> tuple[ReviewState, Refreshed] | None:
    """The state with the rules run again on its text, or None when the text has not changed
    since they last ran on it (or the rules could not run: logged, the state is left as it is)."""
    if not needs_refresh(state, drafted):
        return None
    sections = [(s.key, s.title, s.text) for s in state.sections]
    try:
        if state.suggestions_from is None or state.text_fields is None:
            by_key = {s.key: s.text for s in drafted.sections}
            before = read_text([(k, t, by_key.get(k, "")) for k, t, _ in sections], state.children, drafted,
                               settings, context)
        else:
            before = Reading(suggestions=state.suggestions or [], fields=state.text_fields)
        after = read_text(sections, state.children, drafted, settings, context)
    except Exception:  # the rules failing must never stop a worker reading or signing their note
        logger.exception("the drafting rules could not run again on an edited draft; suggestions left as they were")
        return None
    return bring_in(state, before, after, current_fingerprint(state))

"""The edit record of one child's note (``models.edit_record``), worked out from the draft
as the machine made it, the review state it started as, and the state being signed. A pure
function: the confirm page shows what signing would store, and sign-off stores exactly that."""

from __future__ import annotations

from models.cin_codes import cin_factors
from models.draft import DraftNote
from models.edit_record import (CheckItems, CheckKind, EditRecord, FieldEdit, FieldOutcome, FieldValue, SectionEdit,
                                SetBy, SuggestionEdit, SuggestionOrigin, SuggestionOutcome, section_outcome,
                                word_counts)
from models.record import Decision, ReviewChild, ReviewState, touched_key
from models.transcript import FlagKind

VISIT_FIELDS = ("contact_type", "announced", "people_present", "visit_day", "visit_time")
CHILD_RECORD_FIELDS = ("name", "age", "child_seen", "child_seen_alone", "bedroom_seen")
CHECK_KINDS = {
    FlagKind.unsure_words: CheckKind.unsure_words,
    FlagKind.low_logprob: CheckKind.unsure_words,  # a passage the recogniser was unsure of
    FlagKind.likely_no_speech: CheckKind.possibly_invented,
    FlagKind.high_compression: CheckKind.possibly_invented,
    FlagKind.repeated_ngram: CheckKind.possibly_invented,
    FlagKind.prompt_echo: CheckKind.possibly_invented,
    FlagKind.untranscribed_speech: CheckKind.untranscribed_speech,
}


def edit_record(drafted: DraftNote, initial: ReviewState, final: ReviewState, child_key: str) -> EditRecord:
    """The record of the note ``final`` signs for the child ``child_key``: ``initial`` is the
    review state the draft started as (``review.initial_state`` of ``drafted``)."""
    return EditRecord(
        sections=_sections(initial, final),
        fields=[*_visit_fields(initial, final), *_child_fields(initial, final, child_key)],
        suggestions=_suggestions(drafted, initial, final, child_key),
        checks=_checks(drafted, final),
    )


def _sections(initial: ReviewState, final: ReviewState) -> list[SectionEdit]:
    drafted = {s.key: s.text for s in initial.sections}
    edits = []
    for section in final.sections:
        before = drafted.get(section.key, "")
        words, kept, signed = word_counts(before, section.text)
        edits.append(SectionEdit(key=section.key, title=section.title, drafted=before,
                                 outcome=section_outcome(before, section.text), drafted_words=words,
                                 kept_words=kept, signed_words=signed))
    return edits


def _people(state: ReviewState) -> str | None:
    lines = [f"{p.name or ''} ({p.role})".strip() if p.role else (p.name or "") for p in state.visit.people_present]
    return "; ".join(lines) or None


def _visit_value(state: ReviewState, name: str) -> FieldValue:
    if name == "people_present":
        return _people(state)
    if name == "visit_day":
        return state.visit_day.isoformat() if state.visit_day else None
    if name == "visit_time":
        return state.visit_time.strftime("%H:%M") if state.visit_time else None
    return getattr(state.visit, name)


def _field(name: str, child: str | None, drafted: FieldValue, signed: FieldValue, worker_set: bool) -> FieldEdit:
    if drafted == signed:
        outcome = FieldOutcome.kept
    else:
        outcome = FieldOutcome.added if drafted is None else FieldOutcome.changed
    return FieldEdit(field=name, child=child, drafted=drafted, signed=signed, outcome=outcome,
                     set_by=SetBy.worker if worker_set else SetBy.text)


def _worker_set(final: ReviewState, key: str, changed: bool) -> bool:
    """Whether the worker set a field. A state stored before ``touched`` was kept: the
    rules never changed its fields afterwards, so a field that differs is the worker's."""
    return key in final.touched if final.touched is not None else changed


def _visit_fields(initial: ReviewState, final: ReviewState) -> list[FieldEdit]:
    edits = []
    for name in VISIT_FIELDS:
        drafted, signed = _visit_value(initial, name), _visit_value(final, name)
        edits.append(_field(name, None, drafted, signed, _worker_set(final, touched_key(name), drafted != signed)))
    return edits


def _child_fields(initial: ReviewState, final: ReviewState, child_key: str) -> list[FieldEdit]:
    child = next(c for c in final.children if c.key == child_key)
    start: ReviewChild | None = next((c for c in initial.children if c.key == child_key), None)
    edits = []
    for name in CHILD_RECORD_FIELDS:
        drafted = getattr(start, name) if start is not None else None
        if name == "name" and start is not None and not start.named:
            drafted = None  # the note's words for an unnamed child ('the baby') are not a name
        signed = getattr(child, name)
        if name == "name" and not child.named:
            signed = None
        worker = start is None or _worker_set(final, touched_key(name, child_key), drafted != signed)
        edits.append(_field(name, child.name, drafted, signed, worker))
    return edits


def _suggestions(drafted: DraftNote, initial: ReviewState, final: ReviewState, child_key: str) -> list[SuggestionEdit]:
    labels = cin_factors()
    confidence = {s.code: s.confidence for s in drafted.factor_suggestions}
    confidence.update({s.code: s.confidence for s in final.suggestions or []})
    first = {(d.code, d.child) for d in initial.factors if d.source == "suggested"}
    edits = []
    for decision in final.factors:
        if decision.child != child_key or decision.decision == Decision.undecided:
            continue
        if decision.source == "added":
            if decision.decision != Decision.accepted:
                continue
            outcome, origin = SuggestionOutcome.added, SuggestionOrigin.hand
        else:
            outcome = SuggestionOutcome(decision.decision.value)
            origin = SuggestionOrigin.edit if decision.from_edit or (decision.code, child_key) not in first \
                else SuggestionOrigin.draft
        label = labels[decision.code].label if decision.code in labels else decision.code
        edits.append(SuggestionEdit(code=decision.code, label=label, outcome=outcome, origin=origin,
                                    evidence_removed=decision.evidence_removed,
                                    confidence=confidence.get(decision.code) if origin != SuggestionOrigin.hand
                                    else None))
    return edits


def _checks(drafted: DraftNote, final: ReviewState) -> list[CheckItems]:
    signed = " ".join(" ".join(s.text for s in final.sections).split())
    flagged = {kind: 0 for kind in CheckKind}
    changed = {kind: 0 for kind in CheckKind}
    for section in drafted.sections:
        for sentence in section.sentences:
            kinds = {CHECK_KINDS[f.kind] for f in sentence.flags if f.kind in CHECK_KINDS}
            still_there = " ".join(sentence.text.split()) in signed
            for kind in kinds:
                flagged[kind] += 1
                changed[kind] += 0 if still_there else 1
    return [CheckItems(kind=kind, flagged=flagged[kind], changed=changed[kind]) for kind in CheckKind]

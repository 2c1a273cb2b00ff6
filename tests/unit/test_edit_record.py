"""The edit record: what was drafted beside what was signed, worked out without a server
from a draft, the state it started as and the state signed; its measure and its diff; and
the hash of a note that carries one (schema 1.3)."""

from __future__ import annotations

import json
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from api.db.models import Draft, Recording, User
from api.exports.record import edit_summary
from api.services.edit_record import edit_record
from api.services.notes import build_confirmed_notes
from api.services.review import apply_edits, initial_state
from models.draft import ChildVisit, DraftNote, Evidence, FactorSuggestion, Section, Sentence, Subject, VisitFields
from models.edit_record import (CheckKind, DiffPart, EditRecord, FieldOutcome, SectionOutcome, SetBy,
                                SuggestionOrigin, SuggestionOutcome, section_outcome, word_counts, word_diff)
from models.record import ConfirmedNote, DraftEdits, canonical_json
from models.transcript import Flag, FlagKind
from tests.unit.test_confirmed_note import fixed_note

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
RECORDED = datetime(2025, 3, 12, 17, 5, tzinfo=timezone.utc)
HEARD = "Emily said re-spunched Tyler."
VOICE = f"Emily said she looks after Tyler. {HEARD}"


def flagged(text: str, start: int, *kinds: FlagKind) -> Sentence:
    return Sentence(text=text, start_char=start, end_char=start + len(text),
                    flags=[Flag(kind=k, reason=k.value) for k in kinds])


def two_children() -> DraftNote:
    return DraftNote(
        sections=[Section(key="purpose", title="Purpose of visit", text="Statutory visit to Emily and Tyler."),
                  Section(key="child_voice", title="Child's voice", text=VOICE, sentences=[
                      flagged("Emily said she looks after Tyler.", 40),
                      flagged(HEARD, 74, FlagKind.unsure_words, FlagKind.repeated_ngram)]),
                  Section(key="analysis", title="Analysis", text="")],
        visit=VisitFields(contact_type="statutory visit", children=[
            ChildVisit(name="Emily", age=9, child_seen=True, child_seen_alone=True),
            ChildVisit(name="Tyler", age=4, child_seen=True, child_seen_alone=False)]),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.94,
                             subject=Subject.parent_carer, children=["Emily", "Tyler"]),
            FactorSuggestion(code="4B", label="Mental health of parent/carer", confidence=0.75,
                             subject=Subject.parent_carer, children=["Emily", "Tyler"])])


def edited(note: DraftNote):
    start = initial_state(note, references={"Emily": "CN-1", "Tyler": "CN-2"}, recorded_at=RECORDED, zone=LONDON)
    final, _ = apply_edits(start, DraftEdits.model_validate({
        "sections": {"child_voice": "Emily said she looks after Tyler. Emily said Rhys punched Tyler.",
                     "analysis": "I am worried about Tyler."},
        "visit": {"announced": False},
        "children": [{"key": "c2", "bedroom_seen": False}],
        "factors": [{"code": "1B", "decision": "accepted"}, {"code": "4B", "child": "c1", "decision": "rejected"},
                    {"code": "4B", "child": "c2", "decision": "accepted"},
                    {"code": "7A", "child": "c1", "decision": "accepted"}]}), zone=LONDON)
    return start, final


def test_a_section_counts_the_drafted_words_kept_in_order_ignoring_case_and_punctuation():
    assert word_counts(HEARD, "Emily said Rhys punched Tyler.") == (4, 3, 5)
    assert word_counts("Mum was in.", "mum  was IN") == (3, 3, 3)
    assert word_counts("", "Written by hand.") == (0, 0, 3)
    assert section_outcome("A  b.", "A b.") == SectionOutcome.kept
    assert section_outcome("", "New.") == SectionOutcome.added
    assert section_outcome("Old.", " ") == SectionOutcome.cleared
    assert section_outcome("Old.", "New.") == SectionOutcome.changed


def test_the_diff_reads_as_kept_removed_and_added_runs():
    assert word_diff(HEARD, "Emily said Rhys punched Tyler.") == [
        DiffPart(kind="same", text="Emily said "), DiffPart(kind="removed", text="re-spunched "),
        DiffPart(kind="added", text="Rhys punched "), DiffPart(kind="same", text="Tyler.")]
    assert word_diff("Mum was in.", "Mum was in.") == [DiffPart(kind="same", text="Mum was in.")]


def test_the_record_of_each_child_says_what_was_kept_changed_and_added():
    note = two_children()
    start, final = edited(note)
    emily, tyler = (edit_record(note, start, final, key) for key in ("c1", "c2"))
    sections = {s.key: s for s in emily.sections}
    assert sections["purpose"].outcome == SectionOutcome.kept and sections["purpose"].kept_words == 6
    voice = sections["child_voice"]
    assert (voice.outcome, voice.drafted, voice.drafted_words, voice.kept_words, voice.signed_words) == (
        SectionOutcome.changed, VOICE, 10, 9, 11)
    assert sections["analysis"].outcome == SectionOutcome.added and sections["analysis"].drafted == ""
    assert tyler.sections == emily.sections  # the sections are the visit's: the same in both notes

    fields = {(f.field, f.child): f for f in tyler.fields}
    assert fields[("contact_type", None)].model_dump(exclude={"field", "child"}) == {
        "drafted": "statutory visit", "signed": "statutory visit", "outcome": FieldOutcome.kept, "set_by": SetBy.text}
    assert (fields[("announced", None)].outcome, fields[("announced", None)].set_by) == (FieldOutcome.added,
                                                                                           SetBy.worker)
    assert fields[("visit_day", None)].drafted == "2025-03-12" and fields[("visit_time", None)].signed == "17:05"
    assert (fields[("bedroom_seen", "Tyler")].drafted, fields[("bedroom_seen", "Tyler")].signed,
            fields[("bedroom_seen", "Tyler")].outcome) == (None, False, FieldOutcome.added)
    assert fields[("child_seen_alone", "Tyler")].outcome == FieldOutcome.kept
    assert ("bedroom_seen", "Emily") not in fields and ("child_seen", "Emily") in {(f.field, f.child)
                                                                                   for f in emily.fields}

    assert [(s.code, s.outcome, s.origin, s.confidence) for s in emily.suggestions] == [
        ("1B", SuggestionOutcome.accepted, SuggestionOrigin.draft, 0.94),
        ("4B", SuggestionOutcome.rejected, SuggestionOrigin.draft, 0.75),
        ("7A", SuggestionOutcome.added, SuggestionOrigin.hand, None)]
    assert [(s.code, s.outcome) for s in tyler.suggestions] == [("1B", SuggestionOutcome.accepted),
                                                               ("4B", SuggestionOutcome.accepted)]
    # The misheard sentence carried two check marks and was corrected; the other had none.
    checks = {c.kind: (c.flagged, c.changed) for c in emily.checks}
    assert checks == {CheckKind.unsure_words: (1, 1), CheckKind.possibly_invented: (1, 1),
                      CheckKind.untranscribed_speech: (0, 0)}
    assert edit_summary(emily) == ("sections: 2 of 3 changed, 15 of 16 drafted words kept; fields: 0 changed, "
                                   "1 added; factors: 1 accepted, 1 rejected, 1 added by hand")


def test_a_suggestion_from_an_edit_and_one_whose_evidence_went_say_so():
    note = two_children()
    start, final = edited(note)
    for decision in final.factors:
        if decision.code == "4B" and decision.child == "c2":
            decision.evidence_removed = True
    final.factors.append(final.factors[0].model_copy(update={"code": "18C", "child": "c2", "from_edit": True}))
    tyler = edit_record(note, start, final, "c2")
    assert [(s.code, s.origin, s.evidence_removed) for s in tyler.suggestions] == [
        ("1B", SuggestionOrigin.draft, False), ("4B", SuggestionOrigin.draft, True),
        ("18C", SuggestionOrigin.edit, False)]


def test_a_note_signs_its_edit_record_and_the_hash_of_one_is_pinned():
    note = two_children()
    start, final = edited(note)
    draft = Draft(id=5, note_json=note.model_dump_json(), owner=User(username="amara"),
                  recording=Recording(case_reference="FAM-1", recorded_at=RECORDED,
                                      child_references={"Emily": "CN-1", "Tyler": "CN-2"}))
    emily, tyler = build_confirmed_notes(draft, final, User(username="amara"), zone=LONDON,
                                         confirmed_at=datetime(2025, 3, 12, 18, 0, tzinfo=timezone.utc),
                                         group_id="g1")
    assert emily.schema_version == "1.3" and emily.edit_record == edit_record(note, start, final, "c1")
    assert emily.content()["edit_record"]["sections"][1]["drafted"] == VOICE
    changed = emily.model_copy(deep=True)
    changed.edit_record.sections[1].drafted = "Something else."
    assert changed.compute_sha256() != emily.compute_sha256()  # signed: the evidence cannot be changed unseen

    pinned = fixed_note()
    pinned.schema_version = "1.3"
    pinned.edit_record = EditRecord.model_validate(emily.edit_record.model_dump())
    assert pinned.compute_sha256() == "9667e9051fc9ab51b500e909252b0ca97e7034b5a38c37249ab2937e3436f3e4"
    stored = canonical_json(pinned.content())
    assert ConfirmedNote.model_validate({**json.loads(stored), "id": 3, "content_sha256": ""}).compute_sha256() \
        == pinned.compute_sha256()


def test_a_record_from_a_state_stored_before_touched_was_kept_counts_a_changed_field_as_the_workers():
    note = two_children()
    start, final = edited(note)
    final.touched = None
    fields = {(f.field, f.child): f for f in edit_record(note, start, final, "c2").fields}
    assert fields[("bedroom_seen", "Tyler")].set_by == SetBy.worker
    assert fields[("contact_type", None)].set_by == SetBy.text
    assert time(17, 5).strftime("%H:%M") == fields[("visit_time", None)].drafted

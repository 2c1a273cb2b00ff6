"""What the review page shows, worked out from a draft (no browser, no server)."""

from __future__ import annotations

import pytest

from datetime import date, datetime, time, timezone

from api.services.review import initial_state
from models.draft import ChildVisit, DraftNote, Evidence, FactorSuggestion, Section, Sentence, Subject, VisitFields
from models.draft import VisitWhen
from models.record import Decision, DraftEdits, FactorDecision, ReviewChild
from models.transcript import Flag, FlagKind, Segment, Timings, Transcript, TranscriptionOptions, Word
from review_ui.view import code_options, confidence_words, factor_views, section_views, textarea_rows, visit_field_views
from review_ui.visit_view import child_views, people_text, removed_children, visit_details

pytestmark = pytest.mark.unit

TEXT = "Dad was drinking. Kayden went missing."


def transcript() -> Transcript:
    words = [("Dad", 0, 3, 0.9), (" was", 4, 7, 0.2), (" drinking.", 8, 17, 0.95),
             (" Kayden", 18, 24, 0.3), (" went", 25, 29, 0.9), (" missing.", 30, 38, 0.9)]
    return Transcript(
        text=TEXT, language="en", duration_s=4.0, model="tiny.en",
        options=TranscriptionOptions(model="tiny.en", device="cpu", compute_type="int8", cpu_threads=1,
                                     beam_size=5, vad_filter=True, condition_on_previous_text=False,
                                     word_timestamps=True, hallucination_silence_threshold=2.0, hotwords=None,
                                     dictation_commands=True),
        timings=Timings(model_load_s=0, decode_s=0, transcribe_s=0, total_s=0),
        segments=[Segment(id=0, start=0, end=4, text=TEXT, start_char=0, end_char=38, avg_logprob=-0.2,
                          no_speech_prob=0.1, compression_ratio=1.1,
                          words=[Word(text=w, start=i * 0.6, end=i * 0.6 + 0.5, probability=p, start_char=a,
                                      end_char=b) for i, (w, a, b, p) in enumerate(words)])])


def draft() -> DraftNote:
    first = Sentence(text="Dad was drinking.", start_char=0, end_char=17, start_s=0.0, end_s=1.7,
                     flags=[Flag(kind=FlagKind.unsure_words, reason="unsure of 'was'")])
    second = Sentence(text="Kayden went missing.", start_char=18, end_char=38, start_s=1.8, end_s=3.5,
                      flags=[Flag(kind=FlagKind.likely_no_speech, reason="possibly invented")])
    return DraftNote(
        sections=[Section(key="parent_views", title="Parents' views", text=first.text, sentences=[first]),
                  Section(key="child_voice", title="Child's voice", text=second.text, sentences=[second])],
        visit=VisitFields(child_seen=True),
        factor_suggestions=[
            FactorSuggestion(code="1B", label="Alcohol misuse by parent/carer", confidence=0.86,
                             subject=Subject.parent_carer,
                             evidence=[Evidence(text=first.text, start_char=0, end_char=17, start_s=0.0)]),
            FactorSuggestion(code="10A", label="Going/being missing", confidence=0.45, subject=Subject.child,
                             evidence=[Evidence(text=second.text, start_char=18, end_char=38)]),
        ],
        transcript=transcript())


def test_unsure_words_are_cut_out_of_the_sentence_text():
    sections = section_views(draft(), {}, unsure_threshold=0.4)
    parts = sections[0].sentences[0].parts
    assert [(p.text, p.unsure) for p in parts] == [("Dad ", False), ("was", True), (" drinking.", False)]
    assert "".join(p.text for p in parts) == "Dad was drinking."
    second = sections[1].sentences[0]
    assert [p.text for p in second.parts if p.unsure] == ["Kayden"]
    assert second.checks == ["possibly invented"]
    assert sections[0].sentences[0].unsure_reason == "unsure of 'was'"


def test_worker_text_replaces_the_drafted_text_but_sentences_stay():
    sections = section_views(draft(), {"parent_views": "Edited."}, unsure_threshold=0.4)
    assert sections[0].text == "Edited." and sections[0].sentences[0].start_s == 0.0


def state_with(note: DraftNote, *decisions: FactorDecision):
    from api.services.review import apply_edits

    return apply_edits(initial_state(note), DraftEdits(factors=list(decisions)))[0]


def test_evidence_points_at_its_sentence_and_audio_time():
    state = state_with(draft(), FactorDecision(code="1B", decision=Decision.accepted),
                       FactorDecision(code="7A", decision=Decision.accepted))
    suggested, added = factor_views(draft(), state)
    assert suggested[0].evidence[0].sentence_id == "s0-0" and suggested[0].evidence[0].start_s == 0.0
    # No audio time on the evidence itself: the sentence's is used.
    assert suggested[1].evidence[0].sentence_id == "s1-0" and suggested[1].evidence[0].start_s == 1.8
    assert suggested[0].decision == "accepted" and suggested[1].decision == "undecided"
    assert [(f.code, f.label, f.child) for f in added] == [("7A", "Young carer", "c1")]


def family_draft() -> DraftNote:
    note = draft()
    note.visit = VisitFields(children=[ChildVisit(name="Mia", age=9, child_seen=True),
                                       ChildVisit(name="Tyler", age=4, child_seen_alone=False)],
                             when=VisitWhen(said="Tuesday at 4 pm", start_char=0, end_char=1, weekday="tuesday",
                                            time=time(16, 0)),
                             contact_type="statutory visit", announced=False)
    note.factor_suggestions[0].children = ["Mia", "Tyler"]
    note.factor_suggestions[1].children = ["Tyler"]
    return note


def test_a_suggestion_shows_each_childs_decision_and_the_children_their_records():
    note = family_draft()
    state = initial_state(note, references={"Mia": "CN-1"}, recorded_at=datetime(2025, 3, 12, 17, 0, tzinfo=timezone.utc))
    state.factors[0].decision = Decision.accepted  # 1B for Mia
    state.children.append(ReviewChild(key="w1", name="Oscar", removed=True))
    suggested, added = factor_views(note, state)
    assert [(f.code, f.decision, [(d.child_name, d.decision.value) for d in f.decisions]) for f in suggested] == [
        ("1B", "undecided", [("Mia", "accepted"), ("Tyler", "undecided")]),
        ("10A", "undecided", [("Tyler", "undecided")])]
    children = child_views(state, note, "FAM-1", {"1B": "Alcohol misuse by parent/carer"})
    mia, tyler = children
    assert (mia.name, mia.age, mia.case_reference, tyler.case_reference) == ("Mia", "9", "CN-1", "")
    assert [(f.key, f.value) for f in mia.fields] == [("child_seen", "yes"), ("child_seen_alone", "unknown"),
                                                      ("bedroom_seen", "unknown")]
    assert mia.fields[0].hint == "From the recording: check it" and mia.fields[1].hint == "Not said in the recording"
    assert tyler.fields[1].question == "Was Tyler seen alone?"
    assert tyler.reference_hint == "Needed: each child's note goes on their own record"
    assert [(f.code, f.decision.value) for f in mia.factors] == [("1B", "accepted")]
    assert [c.name for c in removed_children(state)] == ["Oscar"]
    details = visit_details(state, note, "Wed 12 Mar 2025 at 5:00pm")
    assert (details.day, details.month, details.year, details.time) == ("11", "3", "2025", "16:00")
    assert "The recording says “Tuesday at 4 pm”" in details.date_hint
    assert (details.contact_type, details.announced) == ("statutory visit", "no")


def test_people_present_as_lines_and_a_child_alone_uses_the_recordings_reference():
    from models.draft import Person

    assert people_text([Person(name="Leanne Price", role="mother"), Person(role="nan"), Person(name="Jo")]) == \
        "Leanne Price (mother)\n(nan)\nJo"
    state = initial_state(draft())
    [child] = child_views(state, draft(), "CASE-9", {})
    assert child.name == "the child" and not child.named
    assert child.reference_hint == "Leave empty to use CASE-9, the case reference of the recording"
    assert visit_details(state, draft(), "x").day == ""  # no recording time given: nothing made up


def test_code_list_offers_every_current_code_and_no_retired_one():
    codes = [c.code for c in code_options()]
    assert "18A" not in codes and "19A" not in codes
    assert {"1A", "1B", "18B", "19C", "20", "21", "24A"} <= set(codes)


def test_visit_fields_and_small_helpers():
    fields = visit_field_views(VisitFields(child_seen=True, child_seen_alone=False), VisitFields(child_seen=True))
    assert [(f.key, f.value, f.words) for f in fields] == [
        ("child_seen", "yes", "Yes"), ("child_seen_alone", "no", "No"), ("bedroom_seen", "unknown", "Not recorded")]
    assert "check it" in fields[0].hint and "Not said" in fields[1].hint
    assert confidence_words(0.86) == "86% (high)" and confidence_words(0.45) == "45% (low)"
    assert textarea_rows("") == 4 and textarea_rows("x" * 2000) == 25


def test_draft_rows_say_where_each_recording_has_got_to():
    from datetime import datetime, timezone

    from api.schemas import JobOut, RecordingOut
    from review_ui.status import draft_rows

    now = datetime(2026, 11, 3, 14, 5, tzinfo=timezone.utc)

    def recording(rid, job_status, stage=None, progress=0.0, draft_id=None, undecided=None, note_id=None,
                  error=None):
        job = JobOut(id=rid, recording_id=rid, status=job_status, stage=stage, progress=progress, attempts=1,
                     error=error, created_at=now, draft_id=draft_id)
        return RecordingOut(id=rid, case_reference=f"C-{rid}", worker="kim", recorded_at=now, created_at=now,
                            original_filename="a.wav", media_type="audio/wav", size_bytes=1, duration_s=1.0,
                            audio_available=True, audio_url=None, job=job, draft_id=draft_id,
                            undecided=undecided, note_id=note_id)

    rows = draft_rows([
        recording(1, "running", "transcribing", 0.42),
        recording(2, "failed", error="the audio is empty"),
        recording(3, "done", draft_id=3, undecided=2),
        recording(4, "done", draft_id=4, undecided=0, note_id=9),
        recording(5, "done", draft_id=5, undecided=0, note_id=10),
    ], lambda moment: "3 Nov", {9: {"lcs": "delivered", "mosaic": "failed"}})
    assert [(r.status, r.status_text) for r in rows] == [
        ("transcribing", "Transcribing"), ("failed", "Transcription failed"), ("review", "Ready for review"),
        ("confirmed", "Confirmed"), ("confirmed", "Confirmed")]
    assert rows[0].progress == 0.42 and rows[0].href is None and rows[0].job_id == 1
    assert rows[1].error == "the audio is empty"
    assert rows[2].href == "/drafts/3" and rows[2].undecided == 2
    assert rows[3].href == "/notes/9" and rows[3].delivery == "lcs: sent; mosaic: failed"
    assert rows[4].delivery == "Not sent (no case system connected)" and rows[0].delivery is None


def test_the_drafts_list_shows_the_visit_date_and_each_childs_note():
    from api.schemas import RecordingOut
    from review_ui.status import draft_rows

    now = datetime(2026, 11, 3, 14, 5, tzinfo=timezone.utc)
    family = RecordingOut(id=6, case_reference="FAM-1", worker="kim", recorded_at=now, created_at=now,
                          original_filename="a.wav", media_type="audio/wav", size_bytes=1, duration_s=1.0,
                          audio_available=True, audio_url=None, job=None, draft_id=6, undecided=0, note_id=11,
                          note_ids=[11, 12], children=["Mia", "Tyler"], visit_day=date(2026, 11, 2),
                          visit_time=time(16, 30))
    waiting = family.model_copy(update={"id": 7, "draft_id": None, "note_id": None, "note_ids": [], "children": [],
                                        "visit_day": None, "visit_time": None})
    rows = draft_rows([family, waiting], lambda moment: "Tue 3 Nov 2026 at 2:05pm",
                      {11: {"lcs": "delivered"}, 12: {"lcs": "failed"}})
    assert rows[0].visit_label == "Mon 2 Nov 2026 at 4:30pm" and rows[0].children == "Mia, Tyler"
    assert rows[0].delivery == "Mia – lcs: sent. Tyler – lcs: failed"
    assert rows[1].visit_label == "Not known yet (recorded Tue 3 Nov 2026 at 2:05pm)"

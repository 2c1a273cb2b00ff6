"""What the review page shows, worked out from a draft (no browser, no server)."""

from __future__ import annotations

import pytest

from models.draft import DraftNote, Evidence, FactorSuggestion, Section, Sentence, Subject, VisitFields
from models.record import Decision, FactorDecision
from models.transcript import Flag, FlagKind, Segment, Timings, Transcript, TranscriptionOptions, Word
from review_ui.view import (census_problems, code_options, confidence_words, factor_views, section_views,
                            textarea_rows, visit_field_views)

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


def test_evidence_points_at_its_sentence_and_audio_time():
    suggested, added = factor_views(draft(), [FactorDecision(code="1B", decision=Decision.accepted),
                                              FactorDecision(code="7A", decision=Decision.accepted,
                                                             source="added")])
    assert suggested[0].evidence[0].sentence_id == "s0-0" and suggested[0].evidence[0].start_s == 0.0
    # No audio time on the evidence itself: the sentence's is used.
    assert suggested[1].evidence[0].sentence_id == "s1-0" and suggested[1].evidence[0].start_s == 1.8
    assert suggested[0].decision == Decision.accepted and suggested[1].decision == Decision.undecided
    assert [(f.code, f.label) for f in added] == [("7A", "Young carer")]


def test_census_problems_follow_the_chosen_codes():
    suggested, added = factor_views(draft(), [FactorDecision(code="1B", decision=Decision.accepted),
                                              FactorDecision(code="21", decision=Decision.accepted,
                                                             source="added")])
    assert any("8869" in p for p in census_problems(suggested, added))
    suggested, added = factor_views(draft(), [FactorDecision(code="1B", decision=Decision.rejected)])
    assert census_problems(suggested, added) == []


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

"""A dictated note, synthesised with espeak-ng and transcribed by the real Whisper model,
drafted: sentences carry their audio times, recogniser confidence and quality flags."""

from __future__ import annotations

import soundfile


def test_draft_from_a_real_recording(dictated_wav, dictated_transcript, settings):
    from pipeline.draft import draft_note

    duration = soundfile.info(str(dictated_wav)).duration
    note = draft_note(dictated_transcript, settings, names=["Kayden"])
    assert note.transcript == dictated_transcript
    sentences = sorted((s for sec in note.sections for s in sec.sentences), key=lambda s: s.start_char)
    assert len(sentences) >= 4
    previous_end = 0.0
    for sentence in sentences:
        assert dictated_transcript.text[sentence.start_char:sentence.end_char] == sentence.text
        assert sentence.start_s is not None and sentence.end_s is not None
        assert 0.0 <= sentence.start_s < sentence.end_s <= duration + 0.5
        assert sentence.start_s >= previous_end - 0.5  # in spoken order
        previous_end = sentence.end_s
        assert sentence.confidence is not None and 0.0 < sentence.confidence <= 1.0
        flagged = [seg for seg in dictated_transcript.segments
                   if seg.flags and seg.start_char < sentence.end_char and seg.end_char > sentence.start_char]
        assert {f.kind for seg in flagged for f in seg.flags} == {f.kind for f in sentence.flags}
    assert note.visit.child_seen_alone is True
    codes = {s.code: s for s in note.factor_suggestions}
    assert "does not use drugs" in dictated_transcript.text  # the recogniser heard the denial...
    assert "1B" in codes and "2B" not in codes  # ...and it is not evidence
    for evidence in codes["1B"].evidence:
        assert evidence.start_s is not None and evidence.end_s <= duration + 0.5

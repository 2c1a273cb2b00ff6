"""The transcript scorer (pipeline/transcription/evaluation.py) on hand-built transcripts:
a hole, a flagged hole, an invented segment, gap markers left out of the WER."""

from __future__ import annotations

import pytest

from models.transcript import Flag, FlagKind, Segment, Timings, Transcript, TranscriptionOptions
from pipeline.transcription.evaluation import (
    ReferenceSentence,
    ScoringOptions,
    normalise,
    score_text,
    score_transcript,
    summarise,
    word_error_rate,
)

REFERENCE = [
    ReferenceSentence(text="This was a home visit to Kayden who is seven.", start=0.5, end=3.5),  # 10 words
    ReferenceSentence(text="Kayden told me that Darren shouts at mummy when he has been drinking.",  # 13 words
                      start=4.0, end=10.0),
    ReferenceSentence(text="He hides under his duvet when they argue.", start=10.5, end=13.5),  # 8 words
    ReferenceSentence(text="I will visit again next week.", start=14.0, end=16.0),  # 6 words
]
SAID = [sentence.text for sentence in REFERENCE]


def segment(index: int, start: float, end: float, text: str, *flags: Flag) -> Segment:
    return Segment(id=index, start=start, end=end, text=text, start_char=0, end_char=len(text), avg_logprob=-0.2,
                   no_speech_prob=0.01, compression_ratio=1.3, flags=list(flags))


def transcript(*segments: Segment) -> Transcript:
    options = TranscriptionOptions(model="test", device="cpu", compute_type="int8", cpu_threads=1, beam_size=5,
                                   vad_filter=True, condition_on_previous_text=False, word_timestamps=True,
                                   hallucination_silence_threshold=2.0, hotwords=None, dictation_commands=True)
    return Transcript(text=" ".join(s.text for s in segments), language="en", duration_s=17.0, model="test",
                      options=options, timings=Timings(model_load_s=0, decode_s=0, transcribe_s=0, total_s=0),
                      segments=list(segments))


def gap(start: float, end: float) -> Flag:
    return Flag(kind=FlagKind.untranscribed_speech, reason="speech not transcribed", start=start, end=end)


INVENTED = Flag(kind=FlagKind.likely_no_speech, reason="possibly invented")


def test_a_faithful_transcript_scores_zero():
    score = score_transcript(REFERENCE, transcript(segment(0, 0.5, 10.0, " ".join(SAID[:2])),
                                                   segment(1, 10.5, 16.0, " ".join(SAID[2:]))))
    assert score.wer == 0
    assert score.missing_runs == [] and score.longest_missing_run == 0
    assert score.reference_words == score.hits == 37


def test_a_silent_hole_is_an_unflagged_missing_run_with_its_place():
    # The transcript jumps from "Kayden told me that Darren" to the next sentence.
    score = score_transcript(REFERENCE, transcript(
        segment(0, 0.5, 6.0, SAID[0] + " Kayden told me that Darren"),
        segment(1, 10.5, 16.0, SAID[2] + " " + SAID[3]),
    ))
    [run] = score.missing_runs
    assert run.words == "shouts at mummy when he has been drinking".split()
    assert run.length == 8 and score.longest_missing_run == 8
    assert run.start == pytest.approx(4.0 + 5 * 6 / 13, abs=0.01) and run.end == pytest.approx(10.0)
    assert not run.flagged
    assert score.long_runs == [run] and score.unflagged_long_runs == [run]
    assert score.deletions == 8 and score.wer == pytest.approx(8 / 37)


def test_a_hole_with_a_gap_flag_there_is_flagged_and_its_marker_is_not_a_word():
    marker = "[speech not transcribed 0:06–0:10]"
    flagged = transcript(
        segment(0, 0.5, 6.0, SAID[0] + " Kayden told me that Darren"),
        segment(1, 6.2, 10.0, marker, gap(6.2, 10.0)),
        segment(2, 10.5, 16.0, SAID[2] + " " + SAID[3]),
    )
    score = score_transcript(REFERENCE, flagged)
    [run] = score.missing_runs
    assert run.flagged and score.unflagged_long_runs == []
    assert score.untranscribed_flags == 1
    # The marker counts neither as words nor as insertions: same WER as the bare hole.
    assert score.insertions == 0 and score.wer == pytest.approx(8 / 37)
    assert score.hypothesis_words == 37 - 8


def test_a_gap_flag_elsewhere_does_not_cover_a_hole():
    score = score_transcript(REFERENCE, transcript(
        segment(0, 0.5, 6.0, SAID[0] + " Kayden told me that Darren", gap(0.0, 0.4)),
        segment(1, 10.5, 16.0, SAID[2] + " " + SAID[3]),
    ))
    assert not score.missing_runs[0].flagged
    # Within the tolerance (1 s by default) a flag that ends just before the run counts.
    near = score_transcript(REFERENCE, transcript(
        segment(0, 0.5, 6.0, SAID[0] + " Kayden told me that Darren"),
        segment(1, 10.5, 16.0, SAID[2] + " " + SAID[3], gap(5.0, 6.0)),
    ), ScoringOptions(flag_tolerance_s=1.0))
    assert near.missing_runs[0].flagged


def test_short_slips_are_runs_but_not_lost_passages():
    score = score_transcript(REFERENCE, transcript(segment(
        0, 0.5, 16.0, "This was a home visit to Caden who is seven. Kayden told me that Darren shouts at mummy "
                      "when he has been drinking. He hides under his duvet. I will visit again next week.")))
    assert [run.words for run in score.missing_runs] == [["kayden"], ["when", "they", "argue"]]
    assert score.longest_missing_run == 3 and score.long_runs == []


def test_a_flag_on_invented_text_is_true_and_one_on_said_words_a_false_alarm():
    score = score_transcript(REFERENCE, transcript(
        segment(0, 0.5, 3.5, "This was a home visit to Kaden who is seven.", INVENTED),  # said; a near spelling
        segment(1, 4.0, 13.5, SAID[1] + " " + SAID[2]),
        segment(2, 13.6, 13.9, "Thank you for watching.", INVENTED),  # never said
        segment(3, 14.0, 16.0, SAID[3]),
    ))
    checks = {check.segment_id: check for check in score.invented_flags}
    assert checks[0].words_in_reference and checks[0].said_words == checks[0].words == 10
    assert not checks[2].words_in_reference and checks[2].said_words == 0
    assert score.invented_false_alarms == 1
    summary = summarise([score])
    assert summary.invented_flags == 2 and summary.invented_flag_precision == 0.5


def test_plain_text_is_scored_with_no_flags():
    score = score_text(REFERENCE, " ".join([SAID[0], SAID[3]]))
    [run] = score.missing_runs
    assert run.length == 13 + 8 and not run.flagged
    assert run.start == pytest.approx(4.0) and run.end == pytest.approx(13.5)
    assert score.invented_flags == [] and score.untranscribed_flags == 0


def test_an_empty_transcript_misses_everything():
    score = score_text(REFERENCE, "")
    assert score.wer == 1 and score.longest_missing_run == 37 and score.deletions == 37


def test_summary_over_recordings_is_a_corpus_wer():
    perfect = score_text(REFERENCE, " ".join(SAID))
    holed = score_text(REFERENCE, " ".join([SAID[0], SAID[2], SAID[3]]))
    summary = summarise([perfect, holed])
    assert summary.wer == pytest.approx(13 / 74)
    assert summary.recordings == 2 and summary.long_runs == 1 and summary.long_runs_flagged == 0
    assert summary.recordings_with_long_runs == 1 and summary.invented_flag_precision is None


def test_normalise_drops_gap_markers_and_keeps_words_in_parentheses():
    assert normalise("He said (quietly) [speech not transcribed 0:46–0:55] that he was seven.") == \
        "he said quietly that he was 7"
    assert word_error_rate("He is seven.", "He is 7 [speech not transcribed 1:02-1:09]") == 0


def test_an_empty_reference_is_refused():
    with pytest.raises(ValueError):
        score_text([], "words")
    with pytest.raises(ValueError):
        word_error_rate("", "words")

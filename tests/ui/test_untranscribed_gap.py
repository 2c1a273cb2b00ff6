"""Speech that could not be transcribed reaches the worker: the gap marker's sentence is
a *Check* item with its own plain-English reason and a play button over the gap, and
the draft counts it in its warnings (real transcript assembly and real drafting; no
browser needed)."""

from __future__ import annotations

from models.settings import Settings
from models.transcript import FlagKind, Timings, Transcript, TranscriptionOptions
from pipeline.draft import draft_note
from pipeline.transcription.assemble import assemble
from pipeline.transcription.quality_flags import FlagThresholds
from pipeline.transcription.recognition import Piece, TimedWord
from review_ui.view import section_views

THRESHOLDS = FlagThresholds(no_speech_prob=0.6, avg_logprob=-1.0, compression_ratio=2.4,
                            word_probability=0.4, repeated_ngram=3)


def piece(words: str, start: float) -> Piece:
    timed = [TimedWord(text=" " + w, start=start + i * 0.4, end=start + i * 0.4 + 0.3, probability=0.95)
             for i, w in enumerate(words.split())]
    return Piece(start=timed[0].start, end=timed[-1].end, words=timed, avg_logprob=-0.2, no_speech_prob=0.05,
                 compression_ratio=1.2, speech_share=1.0)


def transcript_with_a_gap() -> Transcript:
    pieces = [piece("I saw Kayden alone in his bedroom full stop", 0.0),
              piece("Kayden told me that", 4.0),
              Piece(start=46.2, end=54.3, gap=True),
              piece("full stop Mum said she will call the school full stop", 55.0)]
    text, segments = assemble(pieces, commands=True, thresholds=THRESHOLDS, duration_s=60.0)
    options = TranscriptionOptions(model="base (bundled)", device="cpu", compute_type="int8", cpu_threads=2,
                                   beam_size=5, vad_filter=True, condition_on_previous_text=False,
                                   word_timestamps=True, hallucination_silence_threshold=2.0, hotwords=None,
                                   dictation_commands=True, coverage_guard=True)
    return Transcript(text=text, language="en", duration_s=60.0, model=options.model, options=options,
                      timings=Timings(model_load_s=0, decode_s=0, transcribe_s=0, total_s=0), segments=segments)


def test_the_gap_is_in_the_text_with_its_flag():
    transcript = transcript_with_a_gap()
    assert transcript.text == ("I saw Kayden alone in his bedroom. Kayden told me that "
                               "[speech not transcribed 0:46–0:55]. Mum said she will call the school.")
    (gap,) = [s for s in transcript.segments if s.flags]
    assert gap.text == "[speech not transcribed 0:46–0:55]."
    assert [(f.kind, f.start, f.end) for f in gap.flags] == [(FlagKind.untranscribed_speech, 46.2, 54.3)]


def test_review_screen_shows_a_check_with_a_play_button_over_the_gap():
    draft = draft_note(transcript_with_a_gap(), Settings(_env_file=None))
    views = [v for section in section_views(draft, {}, unsure_threshold=0.4) for v in section.sentences]
    (gap,) = [v for v in views if "speech not transcribed" in "".join(p.text for p in v.parts)]
    assert gap.checks == ["speech at 0:46–0:55 could not be transcribed: "
                          "listen to the recording and type what was said"]
    # Its play button covers the gap (from the sentence's first word, if it has any).
    assert gap.start_s is not None and gap.start_s <= 46.2 and gap.end_s == 54.3
    others = [v for v in views if v is not gap]
    assert others and all(not v.checks for v in others)


def test_the_draft_counts_the_gap_in_its_warnings():
    draft = draft_note(transcript_with_a_gap(), Settings(_env_file=None))
    assert draft.warnings == ["1 stretch of speech could not be transcribed (0:46–0:55): "
                              "listen to the recording there and type what was said"]

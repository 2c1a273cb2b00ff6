"""Confidence without the spaCy model: the drafting stage on its blank fallback pipeline
(sentences from punctuation, no parse), so the arithmetic is tested in a second.

- A factor's confidence combines its evidence as 1 - prod(1 - w), one weight per term
  and sentence (the same term twice in a sentence is one piece of evidence), at most 0.99.
- A sentence's confidence is the mean probability of the recogniser's words in it; its
  audio times span those words; it carries the flags of the segments it overlaps."""

from __future__ import annotations

import pytest

from models.draft import DraftNote
from models.settings import Settings
from models.transcript import Flag, FlagKind, Segment, Timings, Transcript, TranscriptionOptions, Word
from pipeline.draft import draft_from_text, draft_note
from pipeline.drafting.factor_rules import load_factor_rules
from pipeline.drafting.fastregex import SearchText

pytestmark = pytest.mark.unit

# No such model is installed: drafting falls back to the blank pipeline (and says so).
BLANK = Settings(spacy_model="no_such_spacy_model_for_unit_tests", _env_file=None)


def alcohol_weights(sentence: str) -> list[float]:
    """The weights of the alcohol rules' terms (family 1) found in ``sentence``."""
    [family] = [f for f in load_factor_rules() if f.rules.family == "1"]
    return [term.weight for term in family.terms if list(term.pattern.finditer(SearchText(sentence)))]


def combined(weights: list[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    return round(1 - remaining, 2)


DRUNK = alcohol_weights("Dad is drunk.")


def confidences(text: str) -> dict[str, float]:
    note = draft_from_text(text, BLANK)
    assert note.warnings and "blank English pipeline" in note.warnings[0]
    return {s.code: s.confidence for s in note.factor_suggestions}


def test_one_piece_of_evidence_is_its_weight():
    assert len(DRUNK) == 1
    assert confidences("Dad is drunk.") == {"1B": DRUNK[0]}


def test_evidence_in_two_sentences_combines():
    assert confidences("Dad is drunk. Dad was drunk again on Friday.") == {"1B": combined(DRUNK * 2)}


def test_the_same_term_twice_in_a_sentence_counts_once():
    assert confidences("Dad is drunk and drunk.") == {"1B": DRUNK[0]}


def test_two_terms_in_a_sentence_combine():
    weights = alcohol_weights("Dad drinks heavily.")  # "drinks" and "drinks heavily"
    assert len(weights) == 2
    assert confidences("Dad drinks heavily.") == {"1B": combined(weights)}


def test_confidence_stops_short_of_certainty():
    many = " ".join(f"Dad was drunk on day {n}." for n in range(1, 12))
    assert confidences(many) == {"1B": 0.99}


def word(text: str, start: float, probability: float, at: int) -> Word:
    return Word(text=text, start=start, end=start + 0.4, probability=probability, start_char=at,
                end_char=at + len(text.strip(" .")))


def test_a_sentence_carries_its_words_confidence_times_and_flags():
    text = "Dad is drunk. Kayden is fine."
    doubt = Flag(kind=FlagKind.low_logprob, reason="the recogniser was unsure of this passage")
    first = [word("Dad", 0.0, 0.9, 0), word(" is", 0.5, 0.8, 4), word(" drunk.", 1.0, 0.4, 7)]
    second = [word("Kayden", 2.0, 1.0, 14), word(" is", 2.5, 0.9, 21), word(" fine.", 3.0, 0.8, 24)]
    transcript = Transcript(
        text=text, language="en", duration_s=4.0, model="test", timings=Timings(
            model_load_s=0, decode_s=0, transcribe_s=0, total_s=0),
        options=TranscriptionOptions(model="test", device="cpu", compute_type="int8", cpu_threads=1, beam_size=5,
                                     vad_filter=True, condition_on_previous_text=False, word_timestamps=True,
                                     hallucination_silence_threshold=None, hotwords=None, dictation_commands=True),
        segments=[Segment(id=0, start=0.0, end=1.4, text="Dad is drunk.", start_char=0, end_char=13,
                          avg_logprob=-1.2, no_speech_prob=0.1, compression_ratio=1.0, words=first, flags=[doubt]),
                  Segment(id=1, start=2.0, end=3.4, text=" Kayden is fine.", start_char=13, end_char=29,
                          avg_logprob=-0.2, no_speech_prob=0.1, compression_ratio=1.0, words=second)])
    note: DraftNote = draft_note(transcript, BLANK)
    sentences = {s.text: s for section in note.sections for s in section.sentences}
    drunk, fine = sentences["Dad is drunk."], sentences["Kayden is fine."]
    assert (drunk.confidence, drunk.start_s, drunk.end_s, drunk.flags) == (0.7, 0.0, 1.4, [doubt])
    assert (fine.confidence, fine.start_s, fine.end_s, fine.flags) == (0.9, 2.0, 3.4, [])
    assert note.factor_suggestions[0].evidence[0].start_s == 0.0  # evidence keeps its audio time

"""Flags mark text the worker must check; flagged text is always kept."""

from __future__ import annotations

import numpy as np
import pytest

from models.transcript import FlagKind, Word
from models.errors import NoSpeech
from pipeline.transcription.quality_flags import FlagThresholds, repeated_ngram, segment_flags
from tests.conftest import AUDIO
from tests.transcription.conftest import fresh_settings, references, wer, write_wav

THRESHOLDS = FlagThresholds(no_speech_prob=0.6, avg_logprob=-1.0, compression_ratio=2.4,
                            word_probability=0.4, repeated_ngram=3)


def words(*pairs: tuple[str, float]) -> list[Word]:
    out, at = [], 0
    for index, (text, probability) in enumerate(pairs):
        out.append(Word(text=text, start=index * 0.5, end=index * 0.5 + 0.4, probability=probability,
                        start_char=at, end_char=at + len(text)))
        at += len(text) + 1
    return out


def flags_for(text: str, **values) -> dict[FlagKind, str]:
    fields = dict(avg_logprob=-0.2, no_speech_prob=0.01, compression_ratio=1.3,
                  words=words(*[(w, 0.9) for w in text.split()]))
    fields.update(values)
    return {flag.kind: flag.reason for flag in segment_flags(text=text, thresholds=THRESHOLDS, **fields)}


def test_clean_segment_has_no_flags():
    assert flags_for("Mum said the children were at school.") == {}


def test_repeated_ngram_is_flagged():
    text = "The child said that the child said that the child said that he was fine."
    flags = flags_for(text)
    assert FlagKind.repeated_ngram in flags
    assert "'the child said that' repeats 3 or more times" in flags[FlagKind.repeated_ngram]


def test_repeated_ngram_finds_the_shortest_loop():
    assert repeated_ngram("no no no no", repeats=3) == "no"
    assert repeated_ngram("I went to see her and I went to see him", repeats=3) is None
    assert repeated_ngram("thank you thank you thank you", repeats=3) == "thank you"
    assert repeated_ngram("Thank you. THANK YOU, thank you!", repeats=3) == "thank you"


def test_low_word_probability_names_the_words():
    text = "Kayden saw the LADO today"
    flags = flags_for(text, words=words(("Kayden", 0.2), ("saw", 0.9), ("the", 0.95), ("LADO", 0.3), ("today", 0.9)))
    assert flags == {FlagKind.unsure_words: "unsure of 'Kayden', 'LADO'"}


def test_many_unsure_words_are_shortened():
    text = "a b c d e f g"
    flags = flags_for(text, words=words(*[(w, 0.1) for w in text.split()]))
    assert flags[FlagKind.unsure_words] == "unsure of 'a', 'b', 'c', 'd', 'e' ..."


def test_spoken_commands_are_not_named_as_unsure_words():
    command = Word(text="comma", start=0.0, end=0.3, probability=0.05, start_char=None, end_char=None)
    assert flags_for("Yes, he agreed.", words=[command]) == {}


def test_whisper_scores_past_their_thresholds():
    flags = flags_for("Thank you.", avg_logprob=-1.3, no_speech_prob=0.8, compression_ratio=2.9)
    assert set(flags) == {FlagKind.likely_no_speech, FlagKind.low_logprob, FlagKind.high_compression}
    assert flags[FlagKind.likely_no_speech] == ("possibly invented: the audio here may hold no speech "
                                                "(80% chance) and the recogniser was unsure")
    # At the thresholds exactly: not flagged (Whisper's own rules use the same strict comparisons).
    assert flags_for("Thank you.", avg_logprob=-1.0, no_speech_prob=0.6, compression_ratio=2.4) == {}


def test_no_speech_guess_alone_is_not_called_invented():
    """Measured on long dictations: Whisper's no-speech probability is over 0.6 on many
    segments whose words were all said, when it is sure of the words and the detector
    heard a voice. Invented text needs a second sign."""
    assert flags_for("Leanne said she is thinking about it.", no_speech_prob=0.78, avg_logprob=-0.25,
                     speech_share=0.82) == {}


def test_text_where_the_detector_heard_no_voice_is_called_invented():
    flags = flags_for("Thank you for watching.", no_speech_prob=0.2, avg_logprob=-0.4, speech_share=0.31)
    assert flags == {FlagKind.likely_no_speech: "possibly invented: the recording holds little or no speech "
                                                "here (voice heard in 31% of it)"}
    assert flags_for("Thank you for watching.", speech_share=0.5) == {}  # at the threshold: not flagged


def test_noisy_recording_is_flagged_and_its_text_kept(transcribe, jfk_samples, tmp_path):
    """JFK under white noise at 0 dB SNR: the recogniser is unsure of some words; the
    segment says so, and the text stays in the transcript where it was."""
    noise = np.random.default_rng(0).normal(0.0, np.sqrt(np.mean(jfk_samples ** 2)), len(jfk_samples))
    noisy = write_wav(np.clip(jfk_samples + noise, -1, 1).astype(np.float32), tmp_path / "noisy.wav")
    # tiny.en with the prompt, as checked under the three instruction sets: base hears this
    # noisy JFK without a doubt under AVX2 (every word right, no flag to test).
    transcript = transcribe(noisy, asr_model="tiny.en", asr_vocabulary_prompt=True)
    flagged = [segment for segment in transcript.segments if segment.flags]
    assert flagged, [segment.text for segment in transcript.segments]
    for segment in flagged:
        assert segment.text.strip()
        assert transcript.text[segment.start_char:segment.end_char] == segment.text
    unsure = [flag for segment in flagged for flag in segment.flags if flag.kind == FlagKind.unsure_words]
    assert unsure
    # Kept, not dropped: most of the speech is still there.
    assert wer(references()["jfk.flac"], transcript.text) < 0.5


@pytest.mark.parametrize("spoken, model", [
    ("The boys were at home, full stop. New line. The girls were at school, full stop.", "tiny.en"),
    ("The boys were at home, full stop. New line. The girls were at school, full stop.", "base"),
    # base is unsure of espeak-ng's "I" and "designated" here (probability under 0.4)
    ("I spoke to the designated safeguarding lead, full stop.", "tiny.en"),
])
def test_clean_recording_has_no_flags(speak, transcribe, spoken, model):
    """Clear dictation gets no flag, under every CPU instruction set checked (unset, AVX2,
    SSE4.1 + GENERIC). JFK's 1961 broadcast is not clean enough for that: with AVX2 its
    second "ask" falls below the word-probability threshold."""
    transcript = transcribe(speak(spoken, f"clean-{len(spoken)}"), asr_model=model)
    assert transcript.text and [flag for segment in transcript.segments for flag in segment.flags] == []


def test_flag_thresholds_come_from_settings(transcribe):
    # A word-probability threshold above every word's probability flags them all.
    transcript = transcribe(AUDIO / "jfk.flac", flag_word_probability=1.01)
    assert all(any(f.kind == FlagKind.unsure_words for f in s.flags) for s in transcript.segments)
    assert fresh_settings().flag_word_probability == 0.4


def _non_speech(kind: str, seconds: float = 12.0) -> np.ndarray:
    """Silence, noise, tones and music-like synthesis (no voice in any of them)."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * 16000)) / 16000
    if kind == "room tone":
        return rng.normal(0, 0.003, len(t))
    if kind == "white noise":
        return rng.normal(0, 0.2, len(t))
    if kind == "pink noise":
        white = np.fft.rfft(rng.normal(0, 1, len(t)))
        pink = np.fft.irfft(white / np.sqrt(np.maximum(np.arange(len(white)), 1)), len(t))
        return 0.3 * pink / np.abs(pink).max()
    if kind == "tone":
        return 0.4 * np.sin(2 * np.pi * 440 * t)
    if kind == "beeps":
        return 0.4 * np.sin(2 * np.pi * 1000 * t) * ((t % 1.0) < 0.2)
    # "music": plucked chords, four a second, with decay and harmonics
    notes = [261.6, 329.6, 392.0, 293.7, 349.2, 440.0, 329.6, 392.0, 493.9]
    out = np.zeros(len(t))
    for k in range(int(seconds * 4)):
        start, f = int(k * 4000), notes[k % len(notes)]
        span = np.arange(min(8000, len(t) - start)) / 16000
        tone = sum(np.sin(2 * np.pi * f * h * span) / h for h in (1, 2, 3)) * np.exp(-4 * span)
        out[start:start + len(span)] += 0.25 * tone
    return out


@pytest.mark.parametrize("kind", ["room tone", "white noise", "pink noise", "tone", "beeps", "music"])
@pytest.mark.parametrize("vad_filter", [True, False])
def test_no_invented_text_goes_unflagged_on_recordings_without_speech(transcribe, tmp_path, kind, vad_filter):
    """A recording with no voice in it either gives no transcript (no speech) or every
    piece of text in it carries a flag, with or without the VAD filter in front of Whisper."""
    path = write_wav(np.clip(_non_speech(kind), -1, 1).astype(np.float32), tmp_path / f"{kind}.wav")
    try:
        transcript = transcribe(path, asr_vad_filter=vad_filter)
    except NoSpeech:
        return
    unflagged = [s.text for s in transcript.segments if s.text.strip() and not s.flags]
    assert not unflagged, f"{kind}: text with no flag: {unflagged}"
    invented = [s for s in transcript.segments if s.words]
    assert all(any(f.kind == FlagKind.likely_no_speech for f in s.flags) for s in invented), \
        [(s.text, [f.kind for f in s.flags]) for s in invented]

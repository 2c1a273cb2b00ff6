"""Accuracy, timestamps and character spans on real recorded speech (../shared/audio),
with the default settings (bundled base, int8, beam 5, VAD, coverage guard, no hot words,
near-miss correction to the glossary).

Thresholds are set from the worst word error rate measured under three CPU instruction
sets (oneDNN unrestricted = AVX-512 VNNI on the Zen 5 development machine, capped at AVX2
as on a Zen 3, and SSE4.1 with CTranslate2's GENERIC kernels: see
``scripts/speech-tests-other-isa.sh``), plus a little headroom: they catch a real
regression, not the few words that differ between CPUs. Figures in the README."""

from __future__ import annotations

import ctranslate2
import pytest

from models.transcript import Transcript
from pipeline.transcription.asr_model import load_model
from pipeline.transcription.transcribe import RANDOM_SEED, model_spec, transcription_options, whisper_kwargs
from tests.conftest import AUDIO
from tests.transcription.conftest import fresh_settings, join_clips, read_audio, references, wer, write_wav

pytestmark = pytest.mark.slow

# Measured (VNNI / AVX2 / SSE4.1+GENERIC):
JFK_MAX_WER = 0.0  # 0.0 / 0.0 / 0.0: every word right
# 0.042 / 0.028 / 0.056 (3 / 2 / 4 errors in 71 words: "ill-disposed" becomes "old supposed"
# and an "And" is added, on some CPUs only). Was 0.04, set from one CPU's 0.014.
LIBRIVOX_MAX_WER = 0.06
LJSPEECH_MAX_WER = 0.05  # 0.039 / 0.035 / 0.035 over the 32 clips joined into one recording
# (clip by clip, each its own recording, it is 0.056: short clips give Whisper little context)
BLOCKED_MAX_WER = 0.04  # first 12 clips in 45-second blocks: 0.015 / 0.010 / 0.010


@pytest.fixture(scope="module")
def ljspeech(tmp_path_factory, transcribe) -> tuple[Transcript, list[str], list[tuple[float, float]]]:
    """The 32 LJ Speech clips joined with 0.8 s pauses into one 4-minute recording (as a
    dictation would be) and transcribed once; with the clips' names and time spans."""
    names = sorted(name for name in references() if name.startswith("ljspeech/"))
    samples, spans = join_clips([read_audio(AUDIO / name) for name in names])
    path = write_wav(samples, tmp_path_factory.mktemp("ljspeech") / "ljspeech-joined.wav")
    return transcribe(path), names, spans


def test_jfk(transcribe):
    transcript = transcribe(AUDIO / "jfk.flac")
    assert wer(references()["jfk.flac"], transcript.text) <= JFK_MAX_WER
    assert transcript.language == "en"
    assert transcript.model == "base (bundled)"


@pytest.fixture(scope="module")
def librivox(transcribe) -> dict[str, Transcript]:
    """The five LibriVox clips, each transcribed on its own."""
    return {name: transcribe(AUDIO / name) for name in sorted(references()) if name.startswith("librivox/")}


def test_librivox(librivox):
    assert len(librivox) == 5
    refs = [references()[name] for name in librivox]
    assert wer(refs, [transcript.text for transcript in librivox.values()]) <= LIBRIVOX_MAX_WER


def test_ljspeech(ljspeech):
    transcript, names, _ = ljspeech
    assert len(names) == 32
    reference = " ".join(references()[name] for name in names)
    assert wer(reference, transcript.text) <= LJSPEECH_MAX_WER


# How much worse clip-by-clip scoring may be than the whole: words timed more than 0.4 s
# into a neighbouring clip. tiny.en: none. base times a clip's first short word ("in",
# "has") early, into the pause before it: measured +0.012 here (VNNI / AVX2 / SSE4.1: see
# README) but +0.021 on the CI machine of stop 23 (about 5 more of ~570 words across a
# boundary), which failed the 0.02 this had. 0.03 keeps every CPU seen so far with headroom
# and still fails a real timing regression (one word in every clip misplaced is +0.1).
DRIFT_ALLOWED = {"tiny.en": 0.005, "base": 0.03}


@pytest.fixture(scope="module")
def ljspeech_tiny(tmp_path_factory, transcribe, ljspeech):
    _, names, spans = ljspeech
    samples, _ = join_clips([read_audio(AUDIO / name) for name in names])
    path = write_wav(samples, tmp_path_factory.mktemp("ljspeech-tiny") / "ljspeech-joined.wav")
    # With the prompt, as this test's allowance was measured for tiny.en (issue 11).
    return transcribe(path, asr_model="tiny.en", asr_vocabulary_prompt=True), names, spans


@pytest.mark.parametrize("model", ["base", "tiny.en"])
def test_words_are_timed_into_the_clip_they_were_said_in(request, model):
    """Split the transcript's words by their timestamps into the 32 clips: scored clip by
    clip, the error rate is no worse than for the whole, so no word drifted into a
    neighbouring clip."""
    transcript, names, spans = request.getfixturevalue("ljspeech" if model == "base" else "ljspeech_tiny")
    words = [w for s in transcript.segments for w in s.words if w.start_char is not None]
    per_clip = [" ".join(w.text for w in words if start - 0.4 <= (w.start + w.end) / 2 < end + 0.4)
                for start, end in spans]
    refs = [references()[name] for name in names]
    assert all(per_clip), "a clip got no words"
    assert wer(refs, per_clip) <= wer(" ".join(refs), transcript.text) + DRIFT_ALLOWED[model]


def check_timestamps(transcript: Transcript) -> None:
    segments = transcript.segments
    assert segments
    for previous, segment in zip(segments, segments[1:]):
        assert previous.start <= segment.start and previous.end <= segment.end
    for segment in segments:
        assert 0.0 <= segment.start <= segment.end <= transcript.duration_s
        for word in segment.words:
            assert 0.0 <= word.start <= word.end <= transcript.duration_s
            assert segment.start - 0.05 <= word.start and word.end <= segment.end + 0.05
    words = [w for s in segments for w in s.words]
    for previous, word in zip(words, words[1:]):
        assert previous.start <= word.start and previous.end <= word.end


def check_spans(transcript: Transcript) -> None:
    text = transcript.text
    covered = [False] * len(text)
    last_end = 0
    for segment in transcript.segments:
        assert text[segment.start_char:segment.end_char] == segment.text
        assert segment.start_char >= last_end, "segments overlap"
        last_end = segment.end_char
        for i in range(segment.start_char, segment.end_char):
            covered[i] = True
        for word in segment.words:
            if word.start_char is None:  # a spoken command, laid out as punctuation
                continue
            assert text[word.start_char:word.end_char] == word.text
            assert segment.start_char <= word.start_char < word.end_char <= segment.end_char
    # No text outside the segments but the spaces and breaks between them.
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))


def test_ljspeech_timestamps_and_spans(ljspeech):
    transcript = ljspeech[0]
    check_timestamps(transcript)
    check_spans(transcript)
    assert len(transcript.segments) > 1  # several 30-second windows


def test_librivox_timestamps_and_spans(librivox):
    for transcript in librivox.values():
        check_timestamps(transcript)
        check_spans(transcript)


def test_words_are_whisper_words(transcribe):
    """The transcript's words, and with commands off its text, are faster-whisper's own
    output for the same model and arguments: casenote adds layout, never words."""
    settings = fresh_settings(dictation_commands=False)
    model, _ = load_model(model_spec(settings))
    ctranslate2.set_random_seed(RANDOM_SEED)  # as transcribe_file seeds the temperature fallback
    raw_segments, _ = model.transcribe(str(AUDIO / "jfk.flac"),
                                       **whisper_kwargs(transcription_options(settings)))
    raw_words = [w.word for s in raw_segments for w in s.words]
    transcript = transcribe(AUDIO / "jfk.flac", dictation_commands=False)
    assert [w.text for s in transcript.segments for w in s.words] == [w.strip() for w in raw_words]
    assert transcript.text == "".join(raw_words).strip()
    check_spans(transcript)


def test_transcript_records_how_it_was_made(transcribe):
    transcript = transcribe(AUDIO / "jfk.flac", names=["Kayden Price"])
    options = transcript.options
    assert (options.device, options.compute_type, options.beam_size) == ("cpu", "int8", 5)
    assert options.vad_filter and options.word_timestamps and not options.condition_on_previous_text
    assert options.hallucination_silence_threshold == 2.0
    assert options.hotwords is None and options.coverage_guard  # no prompt: it made Whisper skip speech
    assert options.corrected_terms[0] == "Kayden Price" and "section 47" in options.corrected_terms
    assert 0 < transcript.timings.coverage_s < transcript.timings.transcribe_s
    assert transcript.timings.transcribe_s > 0 and transcript.timings.total_s >= transcript.timings.transcribe_s
    assert transcript.duration_s == pytest.approx(11.0, abs=0.01)


def test_long_recording_in_blocks_matches_one_piece(ljspeech, tmp_path, transcribe):
    """Recognised in blocks (as recordings over CASENOTE_ASR_BLOCK_SECONDS are, to bound
    memory), the joined LJ Speech recording keeps its accuracy and its timeline."""
    whole, names, spans = ljspeech
    samples, _ = join_clips([read_audio(AUDIO / name) for name in names[:12]])
    path = write_wav(samples, tmp_path / "twelve-clips.wav")
    blocked = transcribe(path, asr_block_seconds=45.0)
    check_timestamps(blocked)
    check_spans(blocked)
    reference = " ".join(references()[name] for name in names[:12])
    assert wer(reference, blocked.text) <= BLOCKED_MAX_WER
    # The 12th clip's words are timed within the 12th clip.
    start, end = spans[11]
    last_words = [w for s in blocked.segments for w in s.words if start - 0.4 <= w.start < end + 0.4]
    assert wer(references()[names[11]], " ".join(w.text for w in last_words)) <= 0.2

"""Synthetic dictation, spoken by espeak-ng at test time (British English voice, 135
words a minute): spoken commands, the social-care glossary and per-recording names.

Exact texts are asserted only where tiny.en gives the same text under every CPU
instruction set we can run (CTranslate2's int8 products go through oneDNN, which picks
kernels per CPU, so beam search can pick another word): each one was checked with
``ONEDNN_MAX_CPU_ISA`` unset (AVX-512 VNNI here), ``=AVX2`` and ``=SSE41`` with
``CT2_FORCE_CPU_ISA=GENERIC`` (``scripts/speech-tests-other-isa.sh``). Measured and left out
on purpose: tiny.en often hears espeak-ng's "comma" as "comer" (probability about 0.06
where it does hear "comma"), so "comma" is tested in one short sentence only; "CAMHS"/"EHCP"
are missed about half the time even with the glossary; and "Is the flat safe, question
mark. New paragraph. We will visit again on Friday, full stop." reads "This is the flat
safe? ... Friday, First stop." with VNNI and without AVX, "Is the flat safe? ... Friday."
with AVX2."""

from __future__ import annotations

import pytest

from models.transcript import FlagKind, Word
from pipeline.transcription.quality_flags import FlagThresholds, segment_flags
from pipeline.transcription.vocabulary import build_hotwords, prompt_scaffolding
from tests.transcription.conftest import normalise, run_cli, wer

# Exact texts are tiny.en's with the hot-words prompt, as checked under the three
# instruction sets: since issue 12 the default model is base and the prompt is off, and
# the exact words on espeak-ng differ (base: "Yes, here I read."; tiny.en without the
# prompt: "Yes, comer, he agreed."). The default is checked by WER and invariants
# (test_accuracy.py, test_coverage.py, test_dictations.py).
TINY = {"asr_model": "tiny.en", "asr_vocabulary_prompt": True}
TINY_ENV = {"CASENOTE_ASR_MODEL": "tiny.en", "CASENOTE_ASR_VOCABULARY_PROMPT": "true"}

DICTATION = ("I visited the family at home, full stop. The house was clean, full stop. New paragraph. "
             "Did the mother agree to the plan, question mark. New line. She said yes, full stop.")


@pytest.fixture(scope="module")
def dictation(speak):
    return speak(DICTATION, "dictation")


def test_commands_become_punctuation_and_breaks(dictation, transcribe):
    transcript = transcribe(dictation, **TINY)
    assert transcript.text == ("I visited the family at home. The house was clean.\n\n"
                               "Did the mother agree to the plan?\nShe said yes.")


def test_command_words_are_kept_with_timings_but_not_in_the_text(dictation, transcribe):
    transcript = transcribe(dictation, **TINY)
    commands = [w for s in transcript.segments for w in s.words if w.start_char is None]
    spoken = " ".join(w.text for w in commands).lower()
    for command in ("full stop", "new paragraph", "question mark", "new line"):
        assert command in normalise(spoken)
    assert all(0 <= w.start <= w.end <= transcript.duration_s for w in commands)


def test_no_commands_keeps_the_words(dictation, tmp_path):
    result = run_cli("transcribe", str(dictation), "--no-commands", cwd=tmp_path, **TINY_ENV)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "\n" not in text.strip() and "?" not in text
    said = normalise(text)
    for command in ("full stop", "new paragraph", "question mark", "new line"):
        assert command in said, said
    assert said.count("full stop") == 3


@pytest.mark.parametrize("spoken, laid_out", [
    ("Yes, comma, he agreed, full stop.", "Yes, he agreed."),
    ("The boys were at home, full stop. New line. The girls were at school, full stop.",
     "The boys were at home.\nThe girls were at school."),
    ("Did he go to school today, question mark. New paragraph. I will phone the school tomorrow, full stop.",
     "Did he go to school today?\n\nI will phone the school tomorrow."),
])
def test_short_dictations(speak, transcribe, spoken, laid_out):
    assert transcribe(speak(spoken, f"short-{len(spoken)}"), **TINY).text == laid_out


def test_comma_kept_as_a_word_with_commands_off(speak, transcribe):
    assert transcribe(speak("Yes, comma, he agreed, full stop.", "comma"), **TINY,
                      dictation_commands=False).text == "Yes, comma, he agreed, full stop."


@pytest.mark.parametrize("spoken, expected_terms, missed_without_glossary", [
    # Without the glossary, tiny.en writes "rado" for LADO and "mash"/"much" for MASH
    # (which of the two depends on the CPU): never the term itself.
    ("The strategy discussion agreed a section 47 enquiry, full stop. The LADO was informed on Monday, full stop.",
     ["strategy discussion", "section 47", "LADO"], ["LADO"]),
    ("The case is now in the PLO process, full stop. The MASH passed the referral to our team, full stop.",
     ["PLO", "MASH"], ["MASH"]),
    ("Kayden is a child in need under section 17, full stop. The core group met at the school, full stop.",
     ["child in need", "section 17", "core group"], []),
    ("I spoke to the designated safeguarding lead, full stop.", ["designated safeguarding lead"], []),
])
def test_glossary_terms(speak, transcribe, spoken, expected_terms, missed_without_glossary):
    path = speak(spoken, f"glossary-{expected_terms[0].replace(' ', '-')}")
    text = transcribe(path, **TINY).text
    for term in expected_terms:
        assert term in text, text
    if missed_without_glossary:  # the same audio with the glossary off: it is the glossary at work
        plain = transcribe(path, **TINY, asr_use_glossary=False).text
        for term in missed_without_glossary:
            assert term not in plain, plain


def test_names_passed_for_the_recording(speak, transcribe, tmp_path):
    path = speak("Kayden Price lives with his mother Leanne, full stop. "
                 "Kayden is on a child protection plan, full stop.", "names")
    without = transcribe(path, **TINY).text
    assert "Kayden" not in without  # tiny.en alone writes "Caden"
    result = run_cli("transcribe", str(path), "--names", "Kayden Price, Leanne", cwd=tmp_path, **TINY_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Kayden Price lives with ")
    assert "Leanne." in result.stdout
    assert result.stdout.rstrip().endswith("Kayden is on a child protection plan.")


ECHO_REASON = ("'social care visit note' repeats the vocabulary given to the recogniser: "
               "possibly invented, check against the audio")


def test_echo_of_the_vocabulary_prompt_is_flagged_and_kept():
    """The echo as tiny.en wrote it after a US-voiced sentence on a Zen 3 CPU ("... sleeping
    well. Social care visit note."). Whether Whisper echoes its prompt at all depends on the
    CPU's instruction set (none of the recordings below echoes it here with AVX-512, AVX2 or
    SSE4.1), so the flag itself is checked on that text, with the real prompt."""
    prompt = build_hotwords(["Kayden Price"], use_glossary=True, extra_glossary=None)
    text = "The mother said the boy was sleeping well. Social care visit note."
    words = [Word(text=w, start=i * 0.3, end=i * 0.3 + 0.25, probability=0.9) for i, w in enumerate(text.split())]
    flags = segment_flags(text=text, avg_logprob=-0.3, no_speech_prob=0.05, compression_ratio=1.2, words=words,
                          thresholds=FlagThresholds(0.6, -1.0, 2.4, 0.4, 3), prompt=prompt,
                          prompt_scaffolding=prompt_scaffolding())
    assert [(f.kind, f.reason) for f in flags] == [(FlagKind.prompt_echo, ECHO_REASON)]
    # A worker who says glossary terms one after another is not an echo.
    said = "The child protection plan and the core group were discussed."
    assert not segment_flags(text=said, avg_logprob=-0.3, no_speech_prob=0.05, compression_ratio=1.2, words=[],
                             thresholds=FlagThresholds(0.6, -1.0, 2.4, 0.4, 3), prompt=prompt,
                             prompt_scaffolding=prompt_scaffolding())


@pytest.mark.parametrize("sentence", ["The mother said the boy was sleeping well.",
                                      "The father said the girl was eating well.",
                                      "The house was warm and tidy."])
def test_prompt_heard_back_is_never_silent(speak, transcribe, sentence):
    """End to end: wherever the recogniser writes the prompt's own words that were not said,
    they stay in the text and their segment carries the prompt_echo flag."""
    transcript = transcribe(speak(sentence, f"echo-{len(sentence)}", voice="en-us"), **TINY)
    assert normalise(sentence) in normalise(transcript.text) or wer(sentence, transcript.text) <= 0.25
    for segment in transcript.segments:
        if "social care visit note" in normalise(segment.text):
            assert any(f.kind == FlagKind.prompt_echo and f.reason == ECHO_REASON for f in segment.flags)

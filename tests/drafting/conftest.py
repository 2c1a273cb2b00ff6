"""Fixtures of the drafting-stage tests: the real spaCy model, the annotated notes, and a
dictated note synthesised with espeak-ng and transcribed by the real Whisper model."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from models.draft import DraftNote
from models.settings import Settings
from tests.conftest import REPO

DEVSET = REPO / "tests" / "devset"

# Whisper punctuates espeak's en-us voice itself; a father's drinking and a mother's denial.
DICTATION = (
    "Home visit to Kayden who is seven. Kayden was seen alone in his bedroom. "
    "His mother told me that his father has been drinking heavily every night. "
    "She said she does not use drugs. "
    "I will refer his father to the alcohol service and I will visit again next week."
)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def draft_text(settings):
    """Draft a typed transcript with the real model."""
    from pipeline.draft import draft_from_text

    def run(text: str, **kwargs) -> DraftNote:
        return draft_from_text(text, settings, **kwargs)

    return run


@pytest.fixture(scope="session")
def codes_of(draft_text):
    def run(text: str) -> set[str]:
        return {s.code for s in draft_text(text).factor_suggestions}

    return run


@pytest.fixture(scope="session")
def dictated_wav(tmp_path_factory) -> Path:
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed: run `make system-deps`")
    path = tmp_path_factory.mktemp("drafting-audio") / "dictated-note.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), DICTATION], check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def dictated_transcript(dictated_wav, settings):
    from pipeline.transcription.transcribe import transcribe_file

    return transcribe_file(dictated_wav, settings, names=["Kayden"])


@pytest.fixture(scope="session")
def nlp_doc(settings):
    """Parse a text as the drafting stage does (the real model)."""
    from pipeline.drafting.nlp_model import load_pipeline

    return load_pipeline(settings.spacy_model).parse_note

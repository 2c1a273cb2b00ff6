from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
AUDIO = SHARED / "audio"


@pytest.fixture(scope="session")
def shared_audio() -> Path:
    if not AUDIO.is_dir():
        pytest.fail(f"shared test audio not found at {AUDIO}")
    return AUDIO

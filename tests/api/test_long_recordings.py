"""A long recording's job stays cheap when it holds (almost) nothing: a near-silent
recording with a short tone ends as "no speech" after a streamed pass, without the
recogniser (an outside test's 3-hour case peaked at 2.1 GB; figures from
``python -m benchmarks.job_memory``), while a long recording with speech in it is
transcribed as before. "Long" is longer than one recognition block (set small here)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile

from api.db.migrate import upgrade
from api.db.models import Job, Recording
from api.db.types import utcnow
from api.services.context import build_context
from api.services.jobs import claim_next_job, run_job
from api.services.users import create_user
from tests.api.conftest import make_settings
from tests.conftest import AUDIO

RATE = 16000


@pytest.fixture
def ctx(tmp_path):
    ctx = build_context(make_settings(tmp_path / "data", asr_block_seconds=20.0))
    upgrade(ctx.engine)
    yield ctx
    ctx.engine.dispose()


def run(ctx, path, duration_s: float) -> Job:
    writer = ctx.audio.writer()
    writer.write(path.read_bytes())
    name = writer.commit()
    with ctx.session_factory() as db:
        user = create_user(db, "ada", "a long test password", "worker", "north")
        recording = Recording(owner_id=user.id, team="north", case_reference="CASE-1", names=[],
                              original_filename=path.name, content_type="audio/flac", audio_format="flac",
                              size_bytes=writer.size, audio_sha256=writer.sha256.hexdigest(), audio_file=name,
                              duration_s=duration_s, recorded_at=utcnow())
        db.add(recording)
        db.flush()
        db.add(Job(recording_id=recording.id, status="queued", progress=0.0))
        db.commit()
    with ctx.session_factory() as db:  # claimed as the in-process worker claims it: a run holds its token
        job_id = claim_next_job(db)
        token = db.get(Job, job_id).claim_token
    run_job(ctx, job_id, token, threading.Event())
    with ctx.session_factory() as db:
        return db.get(Job, job_id)


def test_a_long_near_silent_recording_ends_as_no_speech_without_the_recogniser(ctx, tmp_path):
    rng = np.random.default_rng(1)
    samples = rng.integers(-1, 2, size=40 * RATE).astype(np.int16)  # ±1 LSB dither
    tone = (0.5 * 32767 * np.sin(2 * np.pi * 440 * np.arange(int(0.3 * RATE)) / RATE)).astype(np.int16)
    samples[20 * RATE:20 * RATE + len(tone)] = tone
    path = tmp_path / "near-silence.flac"
    soundfile.write(path, samples, RATE, format="FLAC", subtype="PCM_16")
    job = run(ctx, path, 40.0)
    assert (job.status, job.error_code) == ("failed", "no_speech")
    assert "of the 40 s reach -45 dBFS, too little for a sentence" in job.error and "the audio is kept" in job.error


def test_a_long_recording_with_speech_is_transcribed(ctx, tmp_path):
    speech, rate = soundfile.read(AUDIO / "jfk.flac", dtype="int16", always_2d=True)
    speech = speech[:, 0]
    padded = np.concatenate([speech, np.zeros(30 * rate, dtype=np.int16)])  # 41 s: two blocks
    path = tmp_path / "jfk-and-silence.flac"
    soundfile.write(path, padded, rate, format="FLAC", subtype="PCM_16")
    job = run(ctx, path, len(padded) / rate)
    assert (job.status, job.error) == ("done", None)

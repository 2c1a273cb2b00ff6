"""Peak memory of one transcription job of the service, for the longest recording it
accepts: by default a 3-hour FLAC of near-silence (±1 LSB dither) with a 0.3 s tone
(the recording an outside test found to peak at 2.1 GB).

    python -m benchmarks.job_memory [AUDIO] [--keep FILE]

Runs in this process exactly what the service's job worker runs (``api.services.jobs.
run_job``: the encrypted audio read back, transcription, drafting) against a fresh
SQLite database, and prints the process's peak RSS before and after the job, and the
job's outcome. Run it on a quiet machine; nothing else runs in the process."""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile

SAMPLE_RATE = 16000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def near_silence_with_a_tone(path: Path, hours: float = 3.0, tone_at_s: float = 5400.0) -> Path:
    """A FLAC of ±1 LSB dither with a 0.3 s 440 Hz tone at -6 dBFS, written in blocks."""
    rng = np.random.default_rng(0)
    block = 60 * SAMPLE_RATE
    total = int(hours * 3600 * SAMPLE_RATE)
    tone_start = int(tone_at_s * SAMPLE_RATE)
    tone = (0.5 * 32767 * np.sin(2 * np.pi * 440 * np.arange(int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE)).astype(np.int16)
    with soundfile.SoundFile(path, "w", samplerate=SAMPLE_RATE, channels=1, subtype="PCM_16", format="FLAC") as out:
        for start in range(0, total, block):
            samples = rng.integers(-1, 2, size=min(block, total - start), dtype=np.int16)
            if start <= tone_start < start + len(samples):
                offset = tone_start - start
                samples[offset:offset + len(tone)] = tone[:len(samples) - offset]
            out.write(samples)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="?", type=Path, help="a recording (default: the 3-hour near-silence)")
    parser.add_argument("--keep", type=Path, help="write the generated recording here and keep it")
    args = parser.parse_args()

    from api.db.migrate import upgrade
    from api.db.models import Job, Recording, User
    from api.db.types import utcnow
    from api.services.context import build_context
    from api.services.jobs import run_job
    from models.settings import Settings

    with tempfile.TemporaryDirectory(prefix="casenote-jobmem-") as folder:
        audio = args.audio or near_silence_with_a_tone(args.keep or Path(folder) / "near-silence.flac")
        print(f"recording: {audio} ({audio.stat().st_size / 1e6:.2f} MB)")
        ctx = build_context(Settings(data_dir=Path(folder) / "data", _env_file=None))
        upgrade(ctx.engine)
        writer = ctx.audio.writer()
        with open(audio, "rb") as handle:
            while chunk := handle.read(1 << 20):
                writer.write(chunk)
        name = writer.commit()
        with ctx.session_factory() as db:
            user = User(username="bench", password_hash="-", role="worker", active=True, created_at=utcnow())
            db.add(user)
            db.flush()
            recording = Recording(owner_id=user.id, case_reference="BENCH", names=[], original_filename=audio.name,
                                  content_type="audio/flac", audio_format="flac", size_bytes=writer.size,
                                  audio_sha256=writer.sha256.hexdigest(), audio_file=name, recorded_at=utcnow())
            db.add(recording)
            db.flush()
            job = Job(recording_id=recording.id, status="running", progress=0.0, attempts=1)
            db.add(job)
            db.commit()
            job_id = job.id
        before = peak_rss_mb()
        print(f"before the job: RSS {current_rss_mb():.0f} MB, peak {before:.0f} MB")
        started, cpu = time.perf_counter(), time.process_time()
        run_job(ctx, job_id, threading.Event())
        with ctx.session_factory() as db:
            job = db.get(Job, job_id)
            outcome = f"{job.status} ({job.error_code or 'draft made'})"
        print(f"job: {outcome} in {time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
        print(f"peak RSS of the process with the job: {peak_rss_mb():.0f} MB")
        ctx.engine.dispose()


if __name__ == "__main__":
    main()

"""Fixtures of the transcription tests: one loaded model for the session, the shared
recordings and their reference transcripts, audio made at test time (encoded with
PyAV, spoken by espeak-ng), and the real ``casenote`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import av
import jiwer
import numpy as np
import pytest
import soundfile
from whisper_normalizer.english import EnglishTextNormalizer

from models.settings import Settings
from models.transcript import Transcript
from pipeline.transcription.audio import SAMPLE_RATE, load_audio
from pipeline.transcription.transcribe import transcribe_file
from tests.conftest import AUDIO, REPO

CASENOTE = REPO / ".venv" / "bin" / "casenote"
_normalise = EnglishTextNormalizer()


def references() -> dict[str, str]:
    """Reference transcript of every shared recording, by path relative to AUDIO."""
    lines = (AUDIO / "transcripts.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


def normalise(text: str) -> str:
    """Whisper's English normaliser (case, punctuation, numbers), keeping words in
    parentheses: the normaliser deletes them (it takes them for "[noise]"-like
    annotations), and LJ001-0024's reference has a spoken parenthesis."""
    return _normalise(text.replace("(", " ").replace(")", " "))


def wer(reference: str | list[str], hypothesis: str | list[str]) -> float:
    """Word error rate of normalised texts; lists are scored as one corpus."""
    refs = [reference] if isinstance(reference, str) else reference
    hyps = [hypothesis] if isinstance(hypothesis, str) else hypothesis
    return jiwer.wer([normalise(r) for r in refs], [normalise(h) for h in hyps])


def fresh_settings(**update) -> Settings:
    """Settings as a fresh install has them: no .env file, no CASENOTE_ variables."""
    return Settings(_env_file=None).model_copy(update=update)




@pytest.fixture(scope="session")
def transcribe() -> Callable[..., Transcript]:
    """``transcribe(path, names=None, **settings_update)``; the model is loaded once per
    session (pipeline.transcription.asr_model caches it for identical model settings)."""

    def run(path: Path, names: list[str] | None = None, **update) -> Transcript:
        return transcribe_file(path, fresh_settings(**update), names=names)

    return run


def read_audio(path: Path) -> np.ndarray:
    return load_audio(path, max_seconds=3600).samples


def encode(samples: np.ndarray, path: Path, *, container: str, codec: str, rate: int = SAMPLE_RATE,
           layout: str = "mono", options: dict | None = None) -> Path:
    """Encode 16 kHz mono float samples into ``path`` with PyAV (FFmpeg's encoders)."""
    frame = av.AudioFrame.from_ndarray((np.clip(samples, -1, 1) * 32767).astype(np.int16)[None, :],
                                       format="s16", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    with av.open(str(path), "w", format=container, options=options or {}) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        formats = stream.codec_context.codec.audio_formats
        resampler = av.AudioResampler(format=formats[0].name if formats else "s16", layout=layout, rate=rate,
                                      frame_size=stream.codec_context.frame_size or None)
        for converted in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(converted):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def join_clips(clips: list[np.ndarray], pause_s: float = 0.8) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One recording of the clips with pauses between; also each clip's (start, end) in s."""
    pause = np.zeros(int(pause_s * SAMPLE_RATE), dtype=np.float32)
    pieces, spans, at = [], [], 0
    for clip in clips:
        spans.append((at / SAMPLE_RATE, (at + len(clip)) / SAMPLE_RATE))
        pieces += [clip, pause]
        at += len(clip) + len(pause)
    return np.concatenate(pieces), spans


def write_wav(samples: np.ndarray, path: Path, rate: int = SAMPLE_RATE) -> Path:
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def speak(tmp_path_factory) -> Callable[..., Path]:
    """``speak(text, name, voice="en-gb", words_per_minute=135)``: a WAV of espeak-ng
    saying ``text`` (synthetic dictation, made at test time)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: run scripts/install-system-deps.sh")
    folder = tmp_path_factory.mktemp("spoken")

    def run(text: str, name: str, voice: str = "en-gb", words_per_minute: int = 135) -> Path:
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(path), text],
                       check=True, capture_output=True, timeout=60)
        return path

    return run


@pytest.fixture(scope="session")
def jfk_samples() -> np.ndarray:
    return read_audio(AUDIO / "jfk.flac")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh install: none of the caller's CASENOTE_ settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASENOTE_")}
    env.update(extra)
    return env


def run_cli(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """The real ``casenote`` console script, as a worker would run it."""
    command = [str(CASENOTE)] if CASENOTE.exists() else [sys.executable, "-c", "from casenote.cli import main; main()"]
    result = subprocess.run(command + list(args), capture_output=True, timeout=300, cwd=cwd, env=cli_env(**env))
    # Decoded by hand: text mode would turn the progress bar's "\r" into newlines.
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result

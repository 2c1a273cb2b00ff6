"""Build a dictation's recording from its file: each sentence spoken on its own, joined
with the pauses a worker leaves while dictating, so the span of every sentence in the
recording is known.

Recordings are made when first needed and kept in a cache folder,
``$XDG_CACHE_HOME/casenote/dictations`` (default ``~/.cache/casenote/dictations``;
``CASENOTE_DICTATIONS_CACHE`` overrides it), under a key that hashes the dictation
file's content, the synthesiser's versions and this package's source: a clean machine
builds the set once, later runs reuse it, and any change rebuilds what it touches."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from pipeline.transcription.evaluation import ReferenceSentence
from tests.dictations.spec import DictationSpec
from tests.dictations.voices import SAMPLE_RATE, check_voice, synthesizer, tool_versions

logger = logging.getLogger(__name__)

_SOURCES = ("voices.py", "build.py", "pronunciations.yaml")  # what makes the sound
_LEAD_S, _TAIL_S = 0.6, 1.2  # silence before the first and after the last sentence
_PAUSE_S = (0.3, 0.9)  # between sentences
_LONG_PAUSE_S = (1.5, 3.0)  # a worker stopping to think, now and then
_LONG_PAUSE_CHANCE = 0.12
_LEVEL_CHANGE_DB = (-6.0, 2.0)
_TRIM_BELOW_PEAK_DB = 40.0  # a sentence's own leading/trailing silence is cut at this level below its peak
_TRIM_MARGIN_S = 0.03
_PEAK = 0.7  # speech normalised to this peak before level changes (about -3 dBFS)


@dataclass(frozen=True)
class SentenceSpan:
    """Where a sentence lies in the recording: ``text`` as spoken, ``reference`` as the
    transcript should write it (empty for a sentence that is only a command)."""

    text: str
    reference: str
    start: float
    end: float


@dataclass(frozen=True)
class SynthesizedDictation:
    spec: DictationSpec
    path: Path
    duration_s: float
    sentence_spans: tuple[SentenceSpan, ...]

    def reference(self) -> list[ReferenceSentence]:
        """The reference sentences with their spans, as the scorer takes them."""
        return [ReferenceSentence(text=span.reference, start=span.start, end=span.end) for span in self.sentence_spans]


def cache_dir() -> Path:
    override = os.environ.get("CASENOTE_DICTATIONS_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "casenote" / "dictations"


def cache_key(spec: DictationSpec) -> str:
    family, _ = check_voice(spec.voice)
    digest = hashlib.sha256()
    digest.update(spec.model_dump_json().encode())
    digest.update(tool_versions(family).encode())
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def build_dictation(spec: DictationSpec, *, cache: Path | None = None) -> SynthesizedDictation:
    """The recording of ``spec`` from the cache, made first if it is not there."""
    folder = cache or cache_dir()
    key = cache_key(spec)
    audio_path = folder / f"{spec.id}-{key}.{spec.format}"
    index_path = folder / f"{spec.id}-{key}.json"
    if audio_path.is_file() and index_path.is_file():
        return _from_index(spec, audio_path, json.loads(index_path.read_text(encoding="utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    samples, spans = synthesize(spec)
    _write_atomically(audio_path, lambda tmp: soundfile.write(str(tmp), samples, SAMPLE_RATE, **_encoding(spec.format)),
                      suffix=f".{spec.format}")
    index = {"duration_s": len(samples) / SAMPLE_RATE, "spans": [[span.start, span.end] for span in spans]}
    _write_atomically(index_path, lambda tmp: tmp.write_text(json.dumps(index), encoding="utf-8"), suffix=".json")
    logger.info("built dictation %s (%s, %.1f s)", spec.id, spec.voice, index["duration_s"])
    return _from_index(spec, audio_path, index)


def synthesize(spec: DictationSpec) -> tuple[np.ndarray, list[SentenceSpan]]:
    """16 kHz mono samples of the whole dictation and each sentence's span in them.
    Pauses, level changes and noise come from a generator seeded by the dictation's id,
    so the same file always gives the same recording."""
    speak = synthesizer(spec.voice, length_scale=spec.length_scale)
    rng = random.Random(spec.id)
    references = spec.reference_sentences()
    pieces: list[np.ndarray] = [_silence(_LEAD_S)]
    spans: list[SentenceSpan] = []
    at = len(pieces[0])
    for index, (sentence, reference) in enumerate(zip(spec.sentences, references)):
        speech = _trim(speak(sentence))
        speech *= _PEAK / max(float(np.abs(speech).max()), 1e-6)
        if spec.level_changes:
            speech *= 10 ** (rng.uniform(*_LEVEL_CHANGE_DB) / 20)
        spans.append(SentenceSpan(text=sentence, reference=reference, start=round(at / SAMPLE_RATE, 3),
                                  end=round((at + len(speech)) / SAMPLE_RATE, 3)))
        last = index == len(spec.sentences) - 1
        pause = _silence(_TAIL_S if last else rng.uniform(*(_LONG_PAUSE_S if rng.random() < _LONG_PAUSE_CHANCE
                                                            else _PAUSE_S)))
        pieces += [speech, pause]
        at += len(speech) + len(pause)
    samples = np.concatenate(pieces).astype(np.float32)
    if spec.room_noise_db is not None:
        samples += _room_noise(len(samples), spec.room_noise_db, np.random.default_rng(rng.getrandbits(32)))
    return np.clip(samples, -1.0, 1.0), spans


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.float32)


def _trim(speech: np.ndarray) -> np.ndarray:
    """Cut the synthesiser's own silence at both ends, so a span is where speech is."""
    frame = SAMPLE_RATE // 100
    frames = len(speech) // frame
    if frames == 0:
        return speech.astype(np.float32)
    rms = np.sqrt(np.square(speech[:frames * frame].reshape(frames, frame)).mean(axis=1))
    loud = np.flatnonzero(rms >= rms.max() * 10 ** (-_TRIM_BELOW_PEAK_DB / 20))
    margin = int(_TRIM_MARGIN_S * SAMPLE_RATE)
    start = max(0, loud[0] * frame - margin)
    end = min(len(speech), (loud[-1] + 1) * frame + margin)
    return speech[start:end].astype(np.float32)


def _room_noise(length: int, level_db: float, rng: np.random.Generator) -> np.ndarray:
    """Quiet pink room noise (white noise shaped to 1/f power in the frequency domain)
    at ``level_db`` dBFS RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(length))
    frequencies = np.fft.rfftfreq(length, d=1 / SAMPLE_RATE)
    spectrum[1:] /= np.sqrt(frequencies[1:])
    spectrum[0] = 0.0
    noise = np.fft.irfft(spectrum, n=length)
    noise *= 10 ** (level_db / 20) / max(float(np.sqrt(np.mean(np.square(noise)))), 1e-12)
    return noise.astype(np.float32)


def _encoding(fmt: str) -> dict:
    return {"wav": {"format": "WAV", "subtype": "PCM_16"}, "flac": {"format": "FLAC", "subtype": "PCM_16"},
            "ogg": {"format": "OGG", "subtype": "VORBIS"}}[fmt]


def _write_atomically(path: Path, write, *, suffix: str) -> None:
    """Write beside ``path`` and rename, so a run stopped half-way never leaves a torn file in the cache."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _from_index(spec: DictationSpec, path: Path, index: dict) -> SynthesizedDictation:
    references = spec.reference_sentences()
    spans = tuple(SentenceSpan(text=sentence, reference=reference, start=start, end=end)
                  for sentence, reference, (start, end) in zip(spec.sentences, references, index["spans"]))
    return SynthesizedDictation(spec=spec, path=path, duration_s=index["duration_s"], sentence_spans=spans)

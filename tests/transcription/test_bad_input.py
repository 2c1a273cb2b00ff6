"""Every bad input of the transcription stage, through the real ``casenote`` command:
one exact line on stderr, exit code 2, nothing on stdout, no traceback."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import ctranslate2
import numpy as np
import pytest

from pipeline.transcription.audio import load_audio
from models.errors import AudioCorrupt
from tests.conftest import AUDIO
from tests.transcription.conftest import encode, run_cli, write_wav

SUPPORTED = "casenote reads wav, flac, mp3, m4a/aac, ogg/opus or webm"


def assert_fails(result, message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr == f"casenote: error: {message}\n"


def transcribe_cli(path: Path | str, *args: str, cwd: Path, **env: str):
    return run_cli("transcribe", str(path), *args, cwd=cwd, **env)


def test_missing_file(tmp_path):
    path = tmp_path / "visit.m4a"
    assert_fails(transcribe_cli(path, cwd=tmp_path), f"{path}: no such file")


def test_zero_bytes(tmp_path):
    path = tmp_path / "visit.wav"
    path.write_bytes(b"")
    assert_fails(transcribe_cli(path, cwd=tmp_path), f"{path}: the file is empty (0 bytes)")


def test_folder(tmp_path):
    assert_fails(transcribe_cli(tmp_path, cwd=tmp_path), f"{tmp_path}: is a folder, not an audio file")


@pytest.mark.parametrize("name, content", [
    ("notes.txt", b"Visit to the family on Monday.\nMum was at home.\n"),
    # FFmpeg takes this one for lyrics (lrc) and finds no audio stream in it.
    ("lyrics.txt", b"[00:01.00] Visit to the family\n[00:05.00] Mum was at home\n"),
    ("visit.wav", b'{"note": "a JSON file with an audio name"}\n'),
])
def test_text_file_is_not_audio(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert_fails(transcribe_cli(path, cwd=tmp_path), f"{path}: not an audio file (it holds text); {SUPPORTED}")


def _png(width: int = 8, height: int = 8) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_picture_is_not_audio(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(_png())
    assert_fails(transcribe_cli(path, cwd=tmp_path),
                 f"{path}: not an audio file (it holds pictures or video but no sound); {SUPPORTED}")


def test_random_bytes_are_not_audio(tmp_path):
    path = tmp_path / "visit.mp3"
    path.write_bytes(random.Random(7).randbytes(20000).replace(b"\xff", b"\x00"))
    assert_fails(transcribe_cli(path, cwd=tmp_path),
                 f"{path}: not an audio file (its format is not one casenote recognises); {SUPPORTED}")


# name, container, codec, encoder options, the message's reason for a file cut at 60 %
TRUNCATED = [
    ("wav", "wav", "pcm_s16le", {}, "the WAV file is truncated: its header promises 11.0 s of audio "
                                    "but the file holds only 6.6 s"),
    ("flac", "flac", "flac", {}, "the FLAC file is truncated: its last block of audio is cut off"),
    ("mp3", "mp3", "libmp3lame", {}, "the MP3 file is truncated: its last audio frame is cut off"),
    # MP4 as phones write it: the index (moov) at the end, so a cut file has none.
    ("m4a", "ipod", "aac", {}, "the MP4/M4A file is damaged or truncated and cannot be opened"),
    # MP4 as web uploads are often written: the index first, so the file says its length.
    ("fast.m4a", "ipod", "aac", {"movflags": "faststart"},
     "the MP4/M4A file is truncated: its last block of audio is cut off"),
    ("aac", "adts", "aac", {}, "the AAC file is truncated: its last audio frame is cut off"),
    ("ogg", "ogg", "libopus", {}, "the Ogg file is truncated: its last page is cut off"),
    ("opus", "opus", "libopus", {}, "the Ogg file is truncated: its last page is cut off"),
    ("webm", "webm", "libopus", {},
     "the WebM/Matroska file is damaged or truncated: it should hold 0m 11s of audio but only 0m 07s could be decoded"),
]


@pytest.mark.parametrize("name, container, codec, options, reason", TRUNCATED, ids=[t[0] for t in TRUNCATED])
def test_truncated_file(tmp_path, jfk_samples, name, container, codec, options, reason):
    whole = encode(jfk_samples, tmp_path / f"whole.{name}", container=container, codec=codec,
                   rate=48000 if codec == "libopus" else 16000, options=options)
    assert load_audio(whole, max_seconds=60).duration_s == pytest.approx(11.0, abs=0.1)  # intact, it reads
    cut = tmp_path / f"cut.{name}"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    assert_fails(transcribe_cli(cut, cwd=tmp_path), f"{cut}: {reason}")


@pytest.mark.parametrize("name, container, codec, options, _", TRUNCATED, ids=[t[0] for t in TRUNCATED])
@pytest.mark.parametrize("share", [0.995, 0.5, 0.02])
def test_truncated_anywhere_is_refused(tmp_path, jfk_samples, name, container, codec, options, _, share):
    """Cut near the end, in the middle, or just after the header: refused, or (when only
    an index after the audio was cut, as WebM's cues, or a last block of 20 ms) all
    of the audio but under 0.1 s is still there. Never a silently shorter recording."""
    whole = encode(jfk_samples, tmp_path / f"whole.{name}", container=container, codec=codec,
                   rate=48000 if codec == "libopus" else 16000, options=options)
    full = load_audio(whole, max_seconds=60).samples
    cut = tmp_path / f"cut.{name}"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * share)])
    try:
        samples = load_audio(cut, max_seconds=60).samples
    except AudioCorrupt:
        return
    assert len(full) - len(samples) < 0.1 * 16000
    settled = len(samples) - 160  # the resampler's last 10 ms depend on where the input ends
    assert np.array_equal(samples[:settled], full[:settled])


@pytest.mark.parametrize("name, container, codec, options, reason", [
    ("mp3", "mp3", "libmp3lame", {}, "the audio is damaged: 3 of 186 blocks could not be decoded"),
    ("m4a", "ipod", "aac", {"movflags": "faststart"}, "the audio is damaged: 70 of 173 blocks could not be decoded"),
    ("flac", "flac", "flac", {}, "the FLAC file is damaged or truncated: it should hold 0m 11s of audio "
                                 "but only 0m 06s could be decoded"),
])
def test_damaged_middle(tmp_path, jfk_samples, name, container, codec, options, reason):
    """Headers intact, the middle 40 % overwritten with random bytes."""
    path = encode(jfk_samples, tmp_path / f"damaged.{name}", container=container, codec=codec, options=options)
    data = bytearray(path.read_bytes())
    noise = random.Random(3)
    for i in range(int(len(data) * 0.3), int(len(data) * 0.7)):
        data[i] = noise.randrange(256)
    path.write_bytes(bytes(data))
    assert_fails(transcribe_cli(path, cwd=tmp_path), f"{path}: {reason}")


def test_longer_than_the_limit(tmp_path):
    path = AUDIO / "jfk.flac"
    assert_fails(transcribe_cli(path, cwd=tmp_path, CASENOTE_MAX_AUDIO_SECONDS="5"),
                 f"{path}: the recording is 0m 11s long; the limit is 0m 05s (CASENOTE_MAX_AUDIO_SECONDS)")


def test_longer_than_the_limit_when_the_file_does_not_say_its_length(tmp_path, jfk_samples):
    # A live WebM, as a browser's MediaRecorder writes it: no duration in the header.
    path = encode(jfk_samples, tmp_path / "browser.webm", container="webm", codec="libopus", rate=48000,
                  options={"live": "1"})
    assert_fails(transcribe_cli(path, cwd=tmp_path, CASENOTE_MAX_AUDIO_SECONDS="5"),
                 f"{path}: the recording is longer than the limit of 0m 05s (CASENOTE_MAX_AUDIO_SECONDS)")


def test_no_speech(tmp_path):
    quiet = np.random.default_rng(5).normal(0.0, 0.003, 16000 * 6).astype(np.float32)  # room tone
    path = write_wav(quiet, tmp_path / "pocket.wav")
    assert_fails(transcribe_cli(path, cwd=tmp_path),
                 f"{path}: no speech was detected in the recording (6.0 s of audio)")


def test_model_name_that_would_download(tmp_path):
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", "--model", "small.en", cwd=tmp_path),
                 "model 'small.en' is neither a bundled model (base, tiny.en) nor a local folder: casenote never "
                 "downloads models; pass the path of a CTranslate2 Whisper model folder with --model or "
                 "CASENOTE_ASR_MODEL")


def test_model_name_from_the_environment(tmp_path):
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", cwd=tmp_path, CASENOTE_ASR_MODEL="Systran/faster-whisper-base"),
                 "model 'Systran/faster-whisper-base' is neither a bundled model (base, tiny.en) nor a local "
                 "folder: casenote never downloads models; pass the path of a CTranslate2 Whisper model folder "
                 "with --model or CASENOTE_ASR_MODEL")


def test_model_folder_without_a_tokenizer(tmp_path):
    # faster-whisper would fetch the tokenizer from a hub for such a folder.
    folder = tmp_path / "half-copied-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 64)
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", "--model", str(folder), cwd=tmp_path),
                 f"model folder '{folder}' has no tokenizer.json: it is not a complete CTranslate2 Whisper model")


def test_unknown_device(tmp_path):
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", cwd=tmp_path, CASENOTE_ASR_DEVICE="gpu"),
                 "unknown device 'gpu' (CASENOTE_ASR_DEVICE): use auto, cpu or cuda")


@pytest.mark.skipif(ctranslate2.get_cuda_device_count() > 0, reason="this machine has a CUDA GPU")
def test_cuda_asked_for_without_a_gpu(tmp_path):
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", cwd=tmp_path, CASENOTE_ASR_DEVICE="cuda"),
                 "CASENOTE_ASR_DEVICE is cuda but no usable CUDA GPU was found; use auto or cpu")


def test_compute_type_the_cpu_lacks(tmp_path):
    result = transcribe_cli(AUDIO / "jfk.flac", cwd=tmp_path, CASENOTE_ASR_DEVICE="cpu",
                            CASENOTE_ASR_COMPUTE_TYPE="float16")
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("casenote: error: compute type 'float16' (CASENOTE_ASR_COMPUTE_TYPE) is not "
                                    "supported on cpu here; supported: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("variable, value, message", [
    ("CASENOTE_MAX_AUDIO_SECONDS", "three hours",
     "Input should be a valid number, unable to parse string as a number (got 'three hours')"),
    ("CASENOTE_ASR_BEAM_SIZE", "0", "Input should be greater than or equal to 1 (got '0')"),
])
def test_invalid_setting(tmp_path, variable, value, message):
    assert_fails(transcribe_cli(AUDIO / "jfk.flac", cwd=tmp_path, **{variable: value}),
                 f"setting {variable} is invalid: {message}")

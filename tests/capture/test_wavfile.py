"""The crash-safe WAV writer and its repair, read back with libsndfile."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from models.errors import CaptureError
from pipeline.capture.wavfile import HEADER_BYTES, WavStreamWriter, read_wav_format, repair_wav

RATE = 16000


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)


def test_file_is_valid_audio_while_it_is_written_and_after_close(tmp_path):
    path = tmp_path / "r.wav"
    writer = WavStreamWriter(path, RATE, sync_interval_s=0.0)  # patch after every block
    audio = tone(2.0)
    for block in np.array_split(audio, 20):
        writer.append(block.tobytes())
    # Still open: another program can already read every sample written so far.
    during, _ = sf.read(path, dtype="int16")
    np.testing.assert_array_equal(during, audio)
    writer.close()
    after, rate = sf.read(path, dtype="int16")
    assert rate == RATE
    np.testing.assert_array_equal(after, audio)


def test_header_lags_by_at_most_the_sync_interval_and_repair_restores_everything(tmp_path):
    path = tmp_path / "r.wav"
    writer = WavStreamWriter(path, RATE, sync_interval_s=3600)  # as if killed before the next patch
    audio = tone(1.5)
    writer.append(audio.tobytes())
    assert sf.info(path).frames == 0  # the header still says what it said at the start
    with open(path, "ab") as f:
        f.write(b"\x01")  # a torn half-sample, as a kill mid-write leaves
    seconds = repair_wav(path, RATE)
    assert seconds == pytest.approx(1.5)
    repaired, _ = sf.read(path, dtype="int16")
    np.testing.assert_array_equal(repaired, audio)
    assert path.stat().st_size == HEADER_BYTES + audio.nbytes


def test_repair_rebuilds_a_header_that_never_reached_the_disk(tmp_path):
    path = tmp_path / "r.wav"
    audio = tone(0.5)
    path.write_bytes(b"\x00" * HEADER_BYTES + audio.tobytes())
    assert read_wav_format(path) is None
    assert repair_wav(path, RATE) == pytest.approx(0.5)
    np.testing.assert_array_equal(sf.read(path, dtype="int16")[0], audio)


def test_an_existing_file_is_never_overwritten(tmp_path):
    path = tmp_path / "r.wav"
    path.write_bytes(b"earlier recording")
    with pytest.raises(CaptureError, match="already exists"):
        WavStreamWriter(path, RATE)
    assert path.read_bytes() == b"earlier recording"

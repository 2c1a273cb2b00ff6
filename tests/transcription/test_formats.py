"""Every input format of the issue, made at test time from shared audio with PyAV
(FFmpeg's own encoders), decodes to the samples faster-whisper itself would use and
transcribes to the reference text."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper.audio import decode_audio

from pipeline.transcription.audio import load_audio, probe_audio
from tests.transcription.conftest import encode, references, wer

# id, container, codec, sample rate, channels, muxer options
FORMATS = [
    ("wav-16k-mono", "wav", "pcm_s16le", 16000, "mono", {}),
    ("wav-44k-stereo-float", "wav", "pcm_f32le", 44100, "stereo", {}),
    ("wav-8k-telephone", "wav", "pcm_mulaw", 8000, "mono", {}),
    ("flac-48k-stereo", "flac", "flac", 48000, "stereo", {}),
    ("mp3-44k-stereo", "mp3", "libmp3lame", 44100, "stereo", {}),
    ("mp3-22k-mono", "mp3", "libmp3lame", 22050, "mono", {}),
    ("m4a-aac-44k", "ipod", "aac", 44100, "mono", {}),  # a phone's voice memo
    ("aac-adts-16k", "adts", "aac", 16000, "mono", {}),
    ("ogg-opus-48k", "ogg", "libopus", 48000, "mono", {}),
    ("opus-48k-stereo", "opus", "libopus", 48000, "stereo", {}),
    # As a browser's MediaRecorder writes it: live WebM, no duration, no cues.
    ("webm-opus-browser", "webm", "libopus", 48000, "mono", {"live": "1"}),
]
EXTENSIONS = {"ipod": "m4a", "adts": "aac"}


@pytest.fixture(scope="module")
def encoded(tmp_path_factory, jfk_samples):
    folder = tmp_path_factory.mktemp("formats")
    return {
        ident: encode(jfk_samples, folder / f"jfk-{ident}.{EXTENSIONS.get(container, container)}",
                      container=container, codec=codec, rate=rate, layout=layout, options=options)
        for ident, container, codec, rate, layout, options in FORMATS
    }


@pytest.mark.parametrize("ident", [f[0] for f in FORMATS])
def test_decodes_as_faster_whisper_does(encoded, ident):
    """Same samples as faster-whisper's decode_audio, so casenote's decoder (which also
    checks the file) changes nothing the recogniser sees."""
    path = encoded[ident]
    ours = load_audio(path, max_seconds=60)
    theirs = decode_audio(str(path), sampling_rate=16000)
    assert ours.samples.dtype == np.float32
    assert np.array_equal(ours.samples, theirs)
    assert ours.duration_s == pytest.approx(11.0, abs=0.1)
    assert ours.bad_packets == 0


@pytest.mark.parametrize("ident", [f[0] for f in FORMATS])
def test_transcribes_every_format(encoded, transcribe, ident):
    transcript = transcribe(encoded[ident])
    assert wer(references()["jfk.flac"], transcript.text) <= 0.05  # at most one word in 22
    assert transcript.duration_s == pytest.approx(11.0, abs=0.1)


def test_browser_webm_does_not_state_its_length(encoded):
    # Why casenote cannot rely on the declared length alone (the length limit is also
    # enforced while decoding).
    assert probe_audio(encoded["webm-opus-browser"]).declared_duration_s is None

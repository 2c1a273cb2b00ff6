"""A recorder killed with SIGKILL mid-sentence leaves valid audio up to about the last
second, and the next run finds the recording, repairs it and transcribes it."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import soundfile as sf

from pipeline.capture.wavfile import HEADER_BYTES
from tests.capture.conftest import (RECORDING_STARTED, Dictation, load_states, run_casenote, unreachable_server_env,
                                    word_error_rate)


def test_sigkill_loses_at_most_a_second_and_the_next_run_recovers(pulse, jfk_wav, reference_text, tmp_path):
    capture_dir = tmp_path / "rec"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir))
    dictation = Dictation(["--case", "CIN-9"], env, tmp_path / "dictate.log")
    started = dictation.wait_for(RECORDING_STARTED)
    player = pulse.play(jfk_wav)
    time.sleep(6.0)
    dictation.proc.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    assert dictation.proc.wait(10) == -signal.SIGKILL
    player.kill()

    [state] = load_states(capture_dir)
    assert state["status"] == "recording"  # it never got to say it stopped
    audio = Path(state["audio_path"])
    # As the disk holds it, untouched: a WAV a player opens, whose header is at most about
    # a second behind the samples written after it, with no gap before the kill.
    on_disk = (audio.stat().st_size - HEADER_BYTES) / 2 / 16000
    header_says = sf.info(audio).duration
    recorded_for = killed - started
    print(f"SIGKILL after {recorded_for:.2f} s: {on_disk:.2f} s of samples on disk, header says {header_says:.2f} s")
    assert on_disk - 1.2 <= header_says <= on_disk
    assert on_disk >= recorded_for - 1.0

    # The next run: found, repaired, and (with --recover) transcribed.
    result = run_casenote(["dictate", "--recover"], env)
    assert result.returncode == 0, result.stderr
    assert "recovered an interrupted recording: case CIN-9" in result.stderr
    [state] = load_states(capture_dir)
    assert state["recovered"] and state["status"] == "processed" and state["stop_reason"] == "interrupted"
    assert sf.info(audio).duration == on_disk
    transcript = json.loads(Path(state["transcript_path"]).read_text())["text"]
    # Six seconds of a sentence: the words heard before the kill are all there (the last
    # two may be cut mid-word, so they are left out of the comparison).
    heard = transcript.split()[:-2]
    spoken = " ".join(reference_text["jfk.flac"].split()[:len(heard)])
    wer = word_error_rate(spoken, " ".join(heard))
    print(f"recovered transcript: {len(transcript.split())} words, WER of all but the last two {wer:.3f}")
    assert len(heard) >= 5 and wer <= 0.2, transcript

    # Nothing is recovered twice.
    again = run_casenote(["dictate", "--recover"], env)
    assert again.returncode == 0 and "recovered" not in again.stderr


def test_a_live_recording_is_not_taken_for_an_interrupted_one(pulse, tmp_path):
    capture_dir = tmp_path / "rec"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir), **unreachable_server_env())
    dictation = Dictation(["--case", "LIVE-1"], env, tmp_path / "dictate.log")
    dictation.wait_for(RECORDING_STARTED)
    other = run_casenote(["dictate", "--recover"], env)
    assert other.returncode == 0 and "recovered" not in other.stderr
    [state] = load_states(capture_dir)
    assert state["status"] == "recording"
    dictation.proc.send_signal(signal.SIGINT)
    assert dictation.finish() == 1
    [state] = load_states(capture_dir)
    assert state["status"] == "finished" and not state["recovered"]

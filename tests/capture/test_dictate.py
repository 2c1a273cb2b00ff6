"""`casenote dictate` recording real audio through PortAudio, stopped by signal or key."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import soundfile as sf

from tests.capture.conftest import (RECORDING_STARTED, Dictation, load_states, unreachable_server_env,
                                    word_error_rate)

def test_dictation_of_played_speech_is_transcribed_and_drafted_locally(pulse, jfk_wav, reference_text, tmp_path):
    capture_dir = tmp_path / "rec"
    out = tmp_path / "visit.wav"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir))
    dictation = Dictation(["--case", "CIN-0042", "--names", "Kayden Price", "--out", str(out)], env,
                          tmp_path / "dictate.log")
    dictation.wait_for(RECORDING_STARTED)
    player = pulse.play(jfk_wav)
    assert player.wait(60) == 0
    time.sleep(0.3)
    dictation.proc.send_signal(signal.SIGINT)
    assert dictation.finish() == 0, dictation.stderr

    info = sf.info(out)
    assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
    assert 11.0 <= info.duration <= 16.0, info.duration  # 11 s of speech, stopped 0.3 s after it ended
    transcript_path = Path(_printed(dictation.stdout, "transcript"))
    transcript = json.loads(transcript_path.read_text())
    wer = word_error_rate(reference_text["jfk.flac"], transcript["text"])
    print(f"WER of the recorded JFK dictation: {wer:.3f}")
    assert wer <= 0.2, transcript["text"]
    draft = json.loads(Path(_printed(dictation.stdout, "draft")).read_text())
    drafted_text = " ".join(section.get("text", "") for section in draft["sections"])
    assert "fellow americans" in drafted_text.lower(), "the dictation is drafted into the note's sections"
    [state] = load_states(capture_dir)
    assert state["status"] == "processed" and state["case_reference"] == "CIN-0042"
    assert state["names"] == ["Kayden Price"] and state["stop_reason"] == "signal"
    assert transcript["text"] not in (capture_dir / f"{state['id']}.recording.json").read_text()


def test_keys_pause_resume_and_stop_and_silence_is_warned(pulse, tmp_path):
    """Keys come from a terminal (a pty): p pauses, space resumes, s stops. Nothing is
    played, so the input is silent: the muted-microphone warning must show."""
    capture_dir = tmp_path / "rec"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir), CASENOTE_CAPTURE_SILENCE_WARN_S="1.5")
    master, slave = os.openpty()
    try:
        dictation = Dictation(["--case", "C-7"], env, tmp_path / "dictate.log", stdin=slave)
        started = dictation.wait_for(RECORDING_STARTED)
        assert "p or space: pause/resume" in dictation.stderr
        dictation.wait_for("no sound from the microphone", timeout=15)
        os.write(master, b"p")
        paused = dictation.wait_for("paused at")
        time.sleep(2.5)
        os.write(master, b" ")
        resumed = dictation.wait_for("resumed at")
        time.sleep(0.5)
        os.write(master, b"s")
        stopped_at = time.monotonic()
        rc = dictation.finish()
    finally:
        os.close(master)
        os.close(slave)
    # Silence holds no speech: the local pipeline says so, and the recording is kept.
    assert rc == 2, dictation.stderr
    last = dictation.stderr.strip().splitlines()[-1]
    assert last.startswith("casenote: error: ") and "no speech" in last and "the recording is kept in" in last
    [state] = load_states(capture_dir)
    audio = Path(state["audio_path"])
    assert audio.exists() and state["status"] == "finished"
    recorded = sf.info(audio).duration
    wall = stopped_at - started
    paused_for = resumed - paused
    assert state["duration_s"] == recorded
    # The paused stretch (about 2.5 s) is not in the file; everything else is, give or take
    # the time the keys took to reach the recorder on a busy machine.
    assert paused_for >= 2.4
    assert wall - paused_for - 1.0 <= recorded <= wall - paused_for + 1.0, (recorded, wall, paused_for)


def test_sigterm_without_a_terminal_finalises_the_file(pulse, jfk_wav, tmp_path):
    capture_dir = tmp_path / "rec"
    env = pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir), **unreachable_server_env())
    dictation = Dictation(["--case", "C-8"], env, tmp_path / "dictate.log")
    dictation.wait_for(RECORDING_STARTED)
    assert "stop with Ctrl-C or SIGTERM" in dictation.stderr
    player = pulse.play(jfk_wav)
    time.sleep(3.0)
    dictation.proc.send_signal(signal.SIGTERM)
    assert dictation.finish() == 1, dictation.stderr  # 1: finalised, waiting in the outbox
    player.kill()
    [state] = load_states(capture_dir)
    assert state["stop_reason"] == "signal"
    info = sf.info(state["audio_path"])
    assert 2.0 <= info.duration <= 4.5
    assert info.frames * 2 + 44 == Path(state["audio_path"]).stat().st_size, "the header is final"


def _printed(stdout: str, label: str) -> str:
    for line in stdout.splitlines():
        if line.startswith(f"{label}: "):
            return line.split(": ", 1)[1]
    raise AssertionError(f"no '{label}:' line in:\n{stdout}")

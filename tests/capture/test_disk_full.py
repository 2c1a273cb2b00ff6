"""A disk that fills up mid-dictation: one clear line, exit 2, and every second that
fitted is kept as valid audio. The full disk is a real 96 KiB tmpfs (3 s of audio)
mounted in a private mount namespace."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time

import numpy as np
import pytest
import soundfile as sf

from tests.capture.conftest import CASENOTE, load_states


def _can_mount() -> bool:
    return shutil.which("unshare") is not None and \
        subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs mount namespaces (unshare -m) for a small tmpfs")
def test_disk_full_stops_cleanly_and_keeps_what_was_recorded(pulse, jfk_wav, tmp_path):
    capture_dir, small_disk, kept = tmp_path / "rec", tmp_path / "small", tmp_path / "kept.wav"
    small_disk.mkdir()
    dictate = shlex.join(CASENOTE + ["dictate", "--case", "FULL-1", "--out", str(small_disk / "visit.wav")])
    # The tmpfs exists only inside the namespace, so the file is copied out before it ends.
    script = (f"mount -t tmpfs -o size=96k tmpfs {small_disk} && {dictate}; rc=$?; "
              f"cp {small_disk}/visit.wav {kept}; exit $rc")
    player = pulse.play(jfk_wav)
    started = time.monotonic()
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], env=pulse.env(CASENOTE_CAPTURE_DIR=str(capture_dir)),
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    player.kill()
    assert time.monotonic() - started < 30, "the recorder stopped by itself"
    assert result.returncode == 2, result
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("casenote: error: the disk is full: recording stopped after ")
    assert last.endswith(f"what was recorded is kept in {small_disk / 'visit.wav'}")
    assert "Traceback" not in result.stderr

    audio, rate = sf.read(kept, dtype="int16")
    seconds = len(audio) / rate
    assert 2.5 <= seconds <= 3.1, seconds  # all of the 96 KiB the disk held, less the header
    assert np.abs(audio).max() > 1000, "the speech played in is in the file"
    [state] = load_states(capture_dir)
    assert state["status"] == "finished" and state["stop_reason"] == "disk_full"
    assert state["duration_s"] == pytest.approx(seconds)

"""`casenote devices` against PortAudio: the virtual microphone, none, and no PortAudio."""

from __future__ import annotations

import ctypes.util
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.capture.conftest import CASENOTE


def run(args, env, timeout=60):
    return subprocess.run(CASENOTE + args, env=env, capture_output=True, text=True, timeout=timeout)


def test_devices_lists_the_pulseaudio_input(pulse):
    result = run(["devices"], pulse.env())
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:-1]  # between the heading and the legend
    assert rows, result.stdout
    assert any(" pulse " in row or " default " in row for row in rows), result.stdout
    assert sum(row.startswith("*") for row in rows) == 1, "exactly one default input is marked"


@pytest.mark.skipif(Path("/dev/snd").exists(), reason="this machine has sound hardware of its own")
def test_no_input_device_is_one_line_exit_2(pulse, tmp_path):
    # A PulseAudio address where no server listens: ALSA's pulse device cannot open,
    # and this machine has no sound card, so PortAudio finds no input at all.
    env = pulse.env(PULSE_SERVER=f"unix:{tmp_path}/nothing-here", CASENOTE_CAPTURE_DIR=str(tmp_path / "rec"))
    for args in (["devices"], ["dictate", "--case", "C1"]):
        result = run(args, env)
        assert result.returncode == 2, result
        lines = result.stderr.strip().splitlines()
        assert lines[-1] == "casenote: error: no input device found: connect or unmute a microphone, then try again"
        assert "Traceback" not in result.stderr


def _can_bind_mount() -> bool:
    return shutil.which("unshare") is not None and \
        subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_bind_mount(), reason="needs mount namespaces (unshare -m) to hide PortAudio")
def test_missing_portaudio_names_the_debian_package(tmp_path):
    # Hide the installed library in a private mount namespace: the loader then finds a
    # file that is not a library, exactly as on a machine where it is absent or broken.
    library = ctypes.util.find_library("portaudio")
    assert library, "libportaudio2 is installed for the other tests"
    real = next(Path(d) / library for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
                if (Path(d) / library).exists())
    command = shlex.join(CASENOTE)
    script = f"mount --bind /dev/null {real.resolve()} && exec {command} devices"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASENOTE_")}
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2, result
    assert result.stderr.strip().splitlines()[-1] == (
        "casenote: error: PortAudio, which records from the microphone, is not installed: "
        "install the Debian package libportaudio2 (apt-get install libportaudio2)")


def test_unknown_device_number_lists_the_real_ones(pulse, tmp_path):
    result = run(["dictate", "--case", "C1", "--device", "99"], pulse.env(CASENOTE_CAPTURE_DIR=str(tmp_path)))
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("casenote: error: no input device number 99: the inputs here are ")
    assert "see `casenote devices`" in last


def test_portaudio_busy_errors_read_as_device_busy():
    """What PortAudio raises when another program holds the device: its own 'device
    unavailable' code, or ALSA's EBUSY passed through as a host error."""
    import sounddevice as sd

    from pipeline.capture.devices import portaudio_failure
    from models.errors import DeviceBusy, DeviceFailed

    unavailable = sd.PortAudioError("Device unavailable", -9985)
    alsa_busy = sd.PortAudioError("Unanticipated host error", -9999, (0, -16, "Device or resource busy"))
    other = sd.PortAudioError("Invalid number of channels", -9998)
    for exc in (unavailable, alsa_busy):
        error = portaudio_failure(exc, "input device 3 (USB mic)")
        assert isinstance(error, DeviceBusy)
        assert str(error).startswith("input device 3 (USB mic) is busy: another program is using it")
    assert type(portaudio_failure(other, "input device 3")) is DeviceFailed

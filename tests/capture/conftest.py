"""A real microphone for the capture tests: a PulseAudio daemon with a null sink whose
monitor is the default input. PortAudio reaches it through ALSA's "pulse"/"default"
device (Debian's libasound2-plugins), so ``casenote dictate`` records exactly as it
would from a microphone; ``paplay`` into the sink is the speaker talking into it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import AUDIO
from tests.servers import CASENOTE, free_port

SINK = "casenote_mic"


class Pulse:
    def __init__(self, runtime: Path) -> None:
        self.runtime = runtime
        self.socket = runtime / "native"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment of a client of this daemon (and of nothing else)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASENOTE_")}
        env.update(PULSE_SERVER=f"unix:{self.socket}", XDG_RUNTIME_DIR=str(self.runtime),
                   PULSE_COOKIE=str(self.runtime / "cookie"), PYTHONUNBUFFERED="1")
        env.update(extra)
        return env

    def play(self, wav: Path) -> subprocess.Popen:
        return subprocess.Popen(["paplay", f"--device={SINK}", str(wav)], env=self.env())


@pytest.fixture(scope="session")
def pulse(tmp_path_factory) -> Iterator[Pulse]:
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run scripts/install-system-deps.sh")
    runtime = tmp_path_factory.mktemp("pulse")
    server = Pulse(runtime)
    home = runtime / "home"
    home.mkdir()
    env = server.env(HOME=str(home))
    # As root PulseAudio warns ("not intended to be run as root") but runs; -n loads no
    # default script, so it touches no real sound hardware, D-Bus or systemd.
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
         "--log-target=stderr", "--log-level=error",
         f"--load=module-native-protocol-unix socket={server.socket} auth-anonymous=1",
         f"--load=module-null-sink sink_name={SINK} rate=16000 channels=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
        if daemon.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            pytest.fail(f"PulseAudio did not start: {daemon.stderr.read().decode(errors='replace')[-500:]}")
        time.sleep(0.1)
    subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], env=env, check=True)
    yield server
    daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(10)
    except subprocess.TimeoutExpired:
        daemon.kill()


@pytest.fixture(scope="session")
def jfk_wav(tmp_path_factory, shared_audio) -> Path:
    """The shared JFK recording as 16 kHz mono 16-bit WAV, the form paplay plays cleanly
    (its FLAC reader garbles this 24-bit stereo file)."""
    from faster_whisper.audio import decode_audio

    samples = decode_audio(str(AUDIO / "jfk.flac"), sampling_rate=16000)
    path = tmp_path_factory.mktemp("speech") / "jfk.wav"
    sf.write(path, (samples * 32767).astype(np.int16), 16000, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def reference_text(shared_audio) -> dict[str, str]:
    lines = (AUDIO / "transcripts.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    return jiwer.wer(normalise(reference), normalise(hypothesis))


class Dictation:
    """A ``casenote dictate`` subprocess whose stderr is watched line by line."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, stdin=subprocess.DEVNULL) -> None:
        self.log = log
        self.stdout_path = log.with_suffix(".out")
        with open(log, "wb") as err, open(self.stdout_path, "wb") as out:
            self.proc = subprocess.Popen(CASENOTE + ["dictate", *args], env=env, stdin=stdin, stdout=out, stderr=err)

    @property
    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Wait until ``text`` is on stderr; returns the time it was seen."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if self.proc.poll() is not None:
                raise AssertionError(f"dictate ended (rc {self.proc.returncode}) before {text!r}:\n{self.stderr}")
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"no {text!r} within {timeout} s:\n{self.stderr}")
            time.sleep(0.05)
        return time.monotonic()

    def finish(self, timeout: float = 120.0) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"dictate did not finish within {timeout} s:\n{self.stderr}") from None


RECORDING_STARTED = "recording case"


def load_states(capture_dir: Path) -> list[dict]:
    import json

    return [json.loads(p.read_text()) for p in sorted(capture_dir.glob("*.recording.json"))]


def run_casenote(args: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(CASENOTE + args, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def unreachable_server_env() -> dict[str, str]:
    """Settings that send recordings to a port nobody listens on: they stay in the outbox,
    which skips the local transcription where a test is only about the recording."""
    return {"CASENOTE_SERVER_URL": f"http://127.0.0.1:{free_port()}", "CASENOTE_SERVER_TOKEN": "cn_unused"}

"""A deployment as an authority runs one, on loopback: a throwaway PostgreSQL, web
processes (``casenote serve --no-worker``) and ``casenote worker`` processes, each with
its own data folder and the same given keys and settings. Used by the tests of
``tests/workers`` and by ``benchmarks/workers.py``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import numpy as np
import soundfile as sf

from tests.api.pg import given_keys_env
from tests.conftest import AUDIO, REPO
from tests.servers import CASENOTE, CasenoteServer, wait_until

PASSWORD = "a long enough password"


def deployment_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """One process's environment: its own data folder, the shared database and keys."""
    env = {**os.environ, "CASENOTE_DATA_DIR": str(data_dir), "CASENOTE_DATABASE_URL": database_url,
           **given_keys_env(), **extra}
    env.pop("CASENOTE_ASR_PARALLEL", None)
    return env


class Worker:
    """``casenote worker [--concurrency N]`` in a subprocess, with its own log."""

    def __init__(self, env: dict[str, str], log: Path, concurrency: int = 1, cpus: list[int] | None = None,
                 niceness: int = 0, own_session: bool = False, idle_priority: bool = False) -> None:
        self.env, self.log, self.concurrency, self.cpus, self.niceness = env, log, concurrency, cpus, niceness
        self.idle_priority = idle_priority  # SCHED_IDLE: only CPU nothing else wants (systemd CPUSchedulingPolicy=idle)
        # Its own session, as a systemd service has: with the kernel's autogroup scheduling
        # each session shares the CPU as one, so workers started from one shell would
        # share one share of a machine other people load.
        self.own_session = own_session
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self, timeout_s: float = 60.0) -> "Worker":
        """Start it and wait until it says it runs (its engine workers registered)."""
        command = [*CASENOTE, "worker", "--concurrency", str(self.concurrency)]
        if self.cpus is not None:
            command = ["taskset", "-c", ",".join(map(str, self.cpus)), *command]
        if self.niceness:
            command = ["nice", "-n", str(self.niceness), *command]
        if self.idle_priority:
            command = ["chrt", "--idle", "0", *command]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=self.own_session)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"casenote worker exited ({self.process.returncode}):\n{self.output()[-3000:]}")
            if self.output().count("Starting worker on") >= 2:
                return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"casenote worker did not start in {timeout_s:.0f} s:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout_s: float = 60.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web(env: dict[str, str], log: Path, port: int | None = None) -> CasenoteServer:
    return CasenoteServer(env, log, port=port, cwd=REPO, args=("--no-worker",), stop_timeout_s=20.0)


def add_worker_account(env: dict[str, str], name: str = "ada") -> str:
    """An account made with ``casenote users add``; its bearer token."""
    added = subprocess.run([*CASENOTE, "users", "add", name, "--role", "worker", "--team", "north", "--token"],
                           input=PASSWORD + "\n", env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    return added.stdout.strip()


def speech_recordings(folder: Path, count: int, seconds: float = 40.0) -> list[Path]:
    """``count`` different recordings of real speech (LJ Speech clips end to end, each
    starting at another clip), about ``seconds`` long each."""
    clips = [sf.read(clip) for clip in sorted((AUDIO / "ljspeech").glob("*.flac"))]
    rate = clips[0][1]
    made = []
    for n in range(count):
        parts, total, index = [], 0.0, (n * 5) % len(clips)
        while total < seconds:
            audio = clips[index % len(clips)][0]
            parts.append(audio)
            total += len(audio) / rate
            index += 1
        path = folder / f"visit-{n + 1}.flac"
        sf.write(path, np.concatenate(parts), rate)
        made.append(path)
    return made


def upload(client: httpx.Client, path: Path, case: str) -> dict:
    with open(path, "rb") as audio:
        response = client.post("/api/recordings", files={"audio": (path.name, audio, "audio/flac")},
                               data={"case_reference": case}, headers={"Idempotency-Key": f"upload-{case}"})
    assert response.status_code in (200, 202), response.text
    return response.json()


def connectors_env(connectors: list[dict]) -> dict[str, str]:
    return {"CASENOTE_DELIVERY_CONNECTORS": json.dumps(connectors)}


def sign_off(client: httpx.Client, draft_id: int) -> list[dict]:
    """What a worker does on the review screen: decide every suggestion (reject), fill
    any required section left empty, confirm. The confirmed note(s)."""
    draft = client.get(f"/api/drafts/{draft_id}").json()
    review = draft["review"]
    edits = {"factors": [{"code": f["code"], "decision": "rejected"} for f in review["factors"]
                         if f["decision"] == "undecided"],
             "sections": {s["key"]: "Nothing further was said." for s in review["sections"]
                          if s["key"] in draft["required_sections"] and not s["text"].strip()}}
    saved = client.patch(f"/api/drafts/{draft_id}", json=edits, headers={"If-Match": f'"{draft["version"]}"'})
    assert saved.status_code == 200, saved.text
    confirmed = client.post(f"/api/drafts/{draft_id}/confirm")
    assert confirmed.status_code == 201, confirmed.text
    body = confirmed.json()
    return body.get("notes") or [body]  # a family visit signs one note per child



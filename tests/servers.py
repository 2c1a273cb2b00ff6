"""The real ``casenote serve`` in a subprocess on a free loopback port, for every suite
that tests the service as it runs (restarts, deliveries, the review screen, offline
dictation). Each suite passes its own environment, log file and working folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

_SCRIPT = Path(sys.executable).parent / "casenote"
# The installed command (the project is installed editable into the interpreter's environment).
CASENOTE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "from casenote.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment with its own data folder and SQLite database (an empty
    database URL means the SQLite file in the data folder)."""
    return {**os.environ, "CASENOTE_DATA_DIR": str(data_dir), "CASENOTE_DATABASE_URL": "", **extra}


class CasenoteServer:
    """``casenote serve --host 127.0.0.1 --port N``; can be killed and started again on the
    same port and data folder (restart tests)."""

    def __init__(self, env: dict[str, str], log: Path, *, port: int | None = None, cwd: Path | None = None,
                 stop_timeout_s: float = 20.0, args: tuple[str, ...] = ()) -> None:
        self.env, self.log, self.cwd, self.stop_timeout_s, self.args = env, log, cwd, stop_timeout_s, args
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def start(self, timeout_s: float = 60.0) -> "CasenoteServer":
        """Start it and wait until ``/healthz`` answers 200."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([*CASENOTE, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                             *self.args],
                                            env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"casenote serve exited ({self.process.returncode}):\n{self.output()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"casenote serve did not start in {timeout_s:.0f} s:\n{self.output()[-3000:]}")

    def kill(self, timeout_s: float = 10.0) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what is committed is all there is."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout_s)

    def stop(self, timeout_s: float | None = None) -> int | None:
        """SIGTERM (a clean shutdown), SIGKILL if it has not ended in time; its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(self.stop_timeout_s if timeout_s is None else timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


def wait_until(predicate, timeout_s: float, what: str = "condition", interval_s: float = 0.2):
    """``predicate()``'s first true value, polled every ``interval_s``; fails the test
    after ``timeout_s`` naming ``what`` it waited for."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")

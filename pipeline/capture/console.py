"""The recorder's terminal: single keys read without waiting for Enter (cbreak mode, so
Ctrl-C still interrupts), a live status line, and SIGINT/SIGTERM/SIGHUP turned into a
clean stop when there is no terminal (a script, a service, a test)."""

from __future__ import annotations

import math
import os
import select
import signal
import sys
import termios
import tty
from typing import TextIO

from pipeline.capture.recorder import CaptureStatus, Command

_KEYS = {"p": Command.toggle_pause, " ": Command.toggle_pause,
         "s": Command.stop, "q": Command.stop, "\n": Command.stop, "\r": Command.stop}
KEY_HELP = "p or space: pause/resume · s, q or Enter: stop"
METER_WIDTH = 20
METER_FLOOR_DB = -60.0
# Without a terminal, a status line this often is enough for a log.
PLAIN_STATUS_EVERY_S = 10.0


class KeyReader:
    """Reads single key presses from stdin when it is a terminal; otherwise reads nothing."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.fd = -1
        self._saved = None

    def __enter__(self) -> "KeyReader":
        try:
            if self.stream.isatty():
                self.fd = self.stream.fileno()
                self._saved = termios.tcgetattr(self.fd)
                tty.setcbreak(self.fd)
        except (OSError, ValueError, termios.error):
            self.fd = -1
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    @property
    def interactive(self) -> bool:
        return self.fd >= 0

    def poll(self) -> list[Command]:
        commands: list[Command] = []
        while self.fd >= 0 and select.select([self.fd], [], [], 0)[0]:
            data = os.read(self.fd, 32)
            if not data:  # the terminal went away: stop rather than record forever
                return commands + [Command.stop]
            commands += [_KEYS[ch] for ch in data.decode(errors="ignore").lower() if ch in _KEYS]
        return commands


class StopSignals:
    """SIGINT, SIGTERM and SIGHUP ask the recorder to stop; the file is then finalised."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.received: int | None = None
        self._saved: dict = {}

    def __enter__(self) -> "StopSignals":
        for sig in self.SIGNALS:
            self._saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    def _handle(self, signum, frame) -> None:
        self.received = signum

    def __call__(self) -> bool:
        return self.received is not None


def format_elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def meter(level_dbfs: float) -> str:
    if math.isinf(level_dbfs):
        filled = 0
    else:
        fraction = (max(METER_FLOOR_DB, min(0.0, level_dbfs)) - METER_FLOOR_DB) / -METER_FLOOR_DB
        filled = round(fraction * METER_WIDTH)
    return "#" * filled + "." * (METER_WIDTH - filled)


class StatusLine:
    """Redraws one line on a terminal; without one, prints a line now and then."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.live = self.out.isatty()
        self._next_plain = 0.0
        self._warned = False
        self._paused = False

    def say(self, text: str) -> None:
        """A whole line of its own (clears a live status line first)."""
        self.out.write(("\r\033[K" if self.live else "") + text + "\n")
        self.out.flush()

    def __call__(self, status: CaptureStatus) -> None:
        if status.paused != self._paused:
            self._paused = status.paused
            self.say(f"{'paused' if status.paused else 'resumed'} at {format_elapsed(status.elapsed_s)}")
        if status.warn_silent and not self._warned:
            self.say(f"warning: no sound from the microphone for {status.silent_for_s:.0f} s: "
                     "is it muted or switched off?")
        self._warned = status.warn_silent
        level = "  -inf" if math.isinf(status.level_dbfs) else f"{status.level_dbfs:6.1f}"
        state = "PAUSED" if status.paused else "REC   "
        line = f"{state} {format_elapsed(status.elapsed_s)} [{meter(status.level_dbfs)}] {level} dBFS"
        if self.live:
            self.out.write("\r\033[K" + line + ("  (silent)" if status.warn_silent else ""))
            self.out.flush()
        elif status.elapsed_s >= self._next_plain:
            self._next_plain = status.elapsed_s + PLAIN_STATUS_EVERY_S
            self.say(line)

    def end(self) -> None:
        if self.live:
            self.out.write("\n")
            self.out.flush()

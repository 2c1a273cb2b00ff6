"""A stand-in for the authority's case system: a real HTTP server on loopback.

It stores each note once per ``Idempotency-Key`` (a repeat with a stored key gets
200 and is not stored again) and, per key, misbehaves as planned on the first
attempts: 500/503 replies, a reply slower than the client waits ("hang"), a note
stored whose reply comes too late ("slow-ok": the client thinks it failed), a
connection closed without any reply ("reset"), a refusal ("401", or "slow-401" after
``hang_s``), or a reply trickled one byte every ``trickle_s`` ("trickle": each read
gets a byte in time, the whole reply takes far longer than any client waits)."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CaseSystem:
    def __init__(self, token: str, hang_s: float = 3.0, trickle_s: float = 1.0) -> None:
        self.token = token
        self.hang_s = hang_s
        self.trickle_s = trickle_s
        self.trickles_cut: list[float] = []  # seconds each trickled reply ran before the client hung up
        self.plans: dict[int, list[str]] = {}  # note id -> behaviour of attempt 1, 2, ...
        self.default_plan: list[str] = []
        self.down = False  # every request answered 503 while True
        self.lock = threading.Lock()
        self.attempts: dict[str, int] = defaultdict(int)
        self.stored: dict[str, dict] = {}
        self.store_count: dict[str, int] = defaultdict(int)
        self.repeats_after_stored: dict[str, int] = defaultdict(int)
        self.unauthorised = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/casenotes"

    def __enter__(self) -> "CaseSystem":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def note_id(key: str) -> int:
        return int(key.split("-")[2])  # casenote-note-{id}-{connector}-{hash}

    def plan_for(self, key: str, attempt: int) -> str:
        plan = self.plans.get(self.note_id(key), self.default_plan)
        return plan[attempt - 1] if attempt <= len(plan) else "ok"

    def note_ids(self) -> list[int]:
        return sorted(self.note_id(k) for k in self.stored)

    def by_note(self, counts: dict[str, int]) -> dict[int, int]:
        return {self.note_id(k): v for k, v in counts.items()}

    def _handler(self):
        system = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                if self.headers.get("Authorization") != f"Bearer {system.token}":
                    with system.lock:
                        system.unauthorised += 1
                    return self._reply(401, {"error": "unauthorised"})
                with system.lock:
                    system.attempts[key] += 1
                    attempt = system.attempts[key]
                    if key in system.stored:
                        system.repeats_after_stored[key] += 1
                        return self._reply(200, {"status": "duplicate", "key": key})
                    behaviour = "down" if system.down else system.plan_for(key, attempt)
                if behaviour == "down":
                    return self._reply(503, {"error": "maintenance"}, {"Retry-After": "1"})
                if behaviour in ("500", "503"):
                    return self._reply(int(behaviour), {"error": "planned failure"})
                if behaviour == "hang":
                    time.sleep(system.hang_s)
                    return self._reply(500, {"error": "too late"})
                if behaviour in ("401", "slow-401"):
                    if behaviour == "slow-401":
                        time.sleep(system.hang_s)
                    return self._reply(401, {"error": "unauthorised"})
                if behaviour == "trickle":
                    return self._trickle()
                if behaviour == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                self._store(key, body)
                if behaviour == "slow-ok":
                    time.sleep(system.hang_s)  # stored, but the reply comes after the client gave up
                return self._reply(201, {"status": "stored", "key": key})

            def _trickle(self) -> None:
                started = time.monotonic()
                data = json.dumps({"status": "stored eventually"}).encode()
                try:
                    self.send_response(201)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.flush()
                    for byte in data:
                        time.sleep(system.trickle_s)
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except OSError:
                    with system.lock:
                        system.trickles_cut.append(time.monotonic() - started)

            def _store(self, key: str, body: bytes) -> None:
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("multipart/"):
                    message = BytesParser(policy=HTTP).parsebytes(
                        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
                    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
                    record = {"document": json.loads(parts["metadata"].get_content()),
                              "attachment": parts["document"].get_payload(decode=True),
                              "attachment_type": parts["document"].get_content_type(),
                              "attachment_name": parts["document"].get_filename()}
                else:
                    record = {"document": json.loads(body)}
                with system.lock:
                    system.stored[key] = record
                    system.store_count[key] += 1

            def _reply(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting: that is the point of some plans

        return Handler

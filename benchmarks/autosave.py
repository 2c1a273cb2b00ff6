"""Autosave benchmark: PATCH /api/drafts/{id} latency with many clients and many
drafts, against the real server (``casenote serve``) on loopback, SQLite storage.

    python -m benchmarks.autosave [--drafts 10000] [--clients 50] [--seconds 20]

Two phases, both printed:
- paced: each client saves every 0.5-1.5 s, as the review screen's debounced
  autosave does while someone types (the target: p95 <= 50 ms);
- closed loop: each client saves again as soon as the last save returned (the
  service's capacity; latency here is mostly queueing).
With ``--follow`` each save is followed, as on the review screen, by the read of the
suggestions (``GET /drafts/{id}/suggestions``: the drafting rules run again on the edited
text there, not in the autosave); that read's latency is printed on its own line.
Client and server share this machine's cores, so the figures include the client."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import insert

from api.db.migrate import upgrade
from api.db.models import Draft, DraftVersion, Recording, User
from api.db.types import utcnow
from api.services.context import build_context
from api.services.review import initial_state
from api.services.users import hash_password
from models.draft import DraftNote, Section, Sentence, VisitFields
from models.settings import Settings

PASSWORD = "benchmark password"
TARGET_P95_MS = 50.0


def bench_note(words: int = 900) -> DraftNote:
    """A draft the size of a ten-minute dictation (the stored JSON's size matters, not its content)."""
    vocabulary = "the child was seen at home with mother and the bedroom was clean and warm today".split()
    rng = random.Random(1)
    sections = []
    for key in ("purpose", "present", "observations", "child_voice", "parent_views", "other_information",
                "analysis", "actions"):
        text = " ".join(rng.choice(vocabulary) for _ in range(words // 8)) + "."
        sentences = [Sentence(text=text[:80], start_char=0, end_char=80, start_s=0.0, end_s=5.0, confidence=0.8)]
        sections.append(Section(key=key, title=key.replace("_", " ").title(), text=text, sentences=sentences))
    return DraftNote(sections=sections, visit=VisitFields(child_seen=True))


def seed(settings: Settings, drafts: int, clients: int) -> dict[str, list[int]]:
    """Users and drafts straight into the database (the set-up is not what is measured)."""
    ctx = build_context(settings)
    upgrade(ctx.engine)
    note = bench_note()
    note_json, state_json = note.model_dump_json(), initial_state(note).model_dump_json()
    password_hash = hash_password(PASSWORD)
    now = utcnow()
    owned: dict[str, list[int]] = {}
    with ctx.session_factory() as db:
        db.execute(insert(User), [{"username": f"worker{i}", "password_hash": password_hash, "role": "worker",
                                   "team": "bench", "active": True, "created_at": now} for i in range(clients)])
        user_ids = [u.id for u in db.query(User).order_by(User.id)]
        for start in range(0, drafts, 1000):
            batch = range(start, min(drafts, start + 1000))
            db.execute(insert(Recording), [{
                "id": n + 1, "owner_id": user_ids[n % clients], "team": "bench", "case_reference": f"B-{n}",
                "names": [], "original_filename": "bench.wav", "content_type": "audio/wav", "audio_format": "wav",
                "size_bytes": 0, "audio_sha256": "0" * 64, "audio_file": None, "duration_s": 600.0,
                "recorded_at": now, "created_at": now} for n in batch])
            db.execute(insert(Draft), [{
                "id": n + 1, "recording_id": n + 1, "owner_id": user_ids[n % clients], "team": "bench",
                "status": "draft", "version": 1, "note_json": note_json, "state_json": state_json,
                "required_sections": [], "created_at": now, "updated_at": now} for n in batch])
            db.execute(insert(DraftVersion), [{"draft_id": n + 1, "version": 1, "state_json": state_json,
                                               "created_at": now} for n in batch])
        db.commit()
        for n in range(drafts):
            owned.setdefault(f"worker{n % clients}", []).append(n + 1)
    ctx.engine.dispose()
    return owned


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    casenote = shutil.which("casenote", path=str(Path(sys.executable).parent)) or "casenote"
    env = {**os.environ, "CASENOTE_DATA_DIR": str(data_dir), "CASENOTE_DATABASE_URL": ""}
    process = subprocess.Popen([casenote, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


class Worker:
    """One signed-in client editing one draft at a time, as the review screen does."""

    def __init__(self, client: httpx.AsyncClient, drafts: list[int], rng: random.Random,
                 follow: list[float] | None = None) -> None:
        self.client, self.drafts, self.rng = client, drafts, rng
        self.versions: dict[int, int] = {}
        self.draft = rng.choice(drafts)
        self.follow = follow  # latencies of the suggestions read after each save, when measured

    async def save(self) -> tuple[float, int]:
        if self.rng.random() < 0.02:  # now and then the worker opens another draft
            self.draft = self.rng.choice(self.drafts)
        version = self.versions.get(self.draft, 1)
        text = f"Edited {self.rng.random():.6f}: the child was seen alone and said they feel safe."
        started = time.perf_counter()
        response = await self.client.patch(f"/api/drafts/{self.draft}", json={"sections": {"analysis": text}},
                                           headers={"If-Match": f'"{version}"'})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 200:
            self.versions[self.draft] = response.json()["version"]
            if self.follow is not None and response.json().get("text_changed"):
                started = time.perf_counter()
                read = await self.client.get(f"/drafts/{self.draft}/suggestions")
                read.raise_for_status()
                self.follow.append((time.perf_counter() - started) * 1000)
        return elapsed, response.status_code


async def sign_in(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1))
    response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


async def run_phase(workers: list[Worker], seconds: float, think: tuple[float, float] | None):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    async def loop(worker: Worker) -> None:
        if think:
            await asyncio.sleep(worker.rng.uniform(0, think[1]))  # do not all start at once
        while time.monotonic() < deadline:
            elapsed, status = await worker.save()
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1
            if think:
                await asyncio.sleep(worker.rng.uniform(*think))

    started = time.monotonic()
    await asyncio.gather(*(loop(w) for w in workers))
    return latencies, statuses, time.monotonic() - started


def report(name: str, latencies: list[float], statuses: dict[int, int], wall: float) -> float:
    ordered = sorted(latencies)
    pct = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    print(f"{name:12s} saves={len(ordered):6d}  rate={len(ordered) / wall:7.1f}/s  "
          f"p50={statistics.median(ordered):6.1f} ms  p95={pct(0.95):6.1f} ms  p99={pct(0.99):6.1f} ms  "
          f"max={ordered[-1]:6.1f} ms  statuses={statuses}")
    return pct(0.95)


async def bench(base: str, owned: dict[str, list[int]], seconds: float, closed_seconds: float,
                follow: bool = False) -> float:
    clients = await asyncio.gather(*(sign_in(base, name) for name in owned))
    reads: list[float] | None = [] if follow else None
    workers = [Worker(c, owned[name], random.Random(i), reads) for i, (c, name) in enumerate(zip(clients, owned))]
    await run_phase(workers, 2.0, (0.5, 1.5))  # warm-up, not reported
    if reads is not None:
        reads.clear()
    paced_p95 = report("paced", *await run_phase(workers, seconds, (0.5, 1.5)))
    if reads:
        report("  its reads", reads, {200: len(reads)}, seconds)
    if closed_seconds > 0:
        report("closed loop", *await run_phase(workers, closed_seconds, None))
    await asyncio.gather(*(c.aclose() for c in clients))
    return paced_p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the paced phase")
    parser.add_argument("--closed-seconds", type=float, default=10.0, help="length of the closed-loop phase")
    parser.add_argument("--follow", action="store_true", help="read the suggestions after each save, as the "
                                                              "review screen does (the rules run again there)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="casenote-bench-"))
    try:
        started = time.perf_counter()
        settings = Settings(data_dir=data_dir, database_url="")
        owned = seed(settings, args.drafts, args.clients)
        db_mb = (data_dir / "casenote.db").stat().st_size / 1e6
        print(f"seeded {args.drafts} drafts for {args.clients} workers in {time.perf_counter() - started:.1f} s "
              f"(SQLite {db_mb:.0f} MB, fsync_commits={settings.sqlite_fsync_commits}); {os.cpu_count()} cores "
              f"shared by client and server; load average before: {os.getloadavg()[0]:.1f}")
        port = free_port()
        server = start_server(data_dir, port)
        try:
            p95 = asyncio.run(bench(f"http://127.0.0.1:{port}", owned, args.seconds, args.closed_seconds,
                                    args.follow))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
        print(f"paced autosave p95 {p95:.1f} ms {verdict} the target of {TARGET_P95_MS:.0f} ms "
              f"(load average after: {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

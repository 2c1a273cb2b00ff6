"""Workers benchmark (issue 17): casenote on PostgreSQL with separate processes, on
loopback: a throwaway PostgreSQL cluster, ``casenote serve --no-worker`` and
``casenote worker`` processes (each with one CPU thread, ``CASENOTE_ASR_CPU_THREADS=1``,
pinned to its own core with taskset).

    python -m benchmarks.workers [--recordings 8] [--seconds 45] [--phases throughput,autosave,kill]

Three phases, each printed:
- throughput: the same recordings (LJ Speech read end to end, ``--seconds`` long each)
  queued, then run by 1 worker and by 2 workers; from the jobs' own start and finish
  times. Wall time on a shared machine moves with other people's load, so the CPU
  seconds each worker spent are printed too.
- autosave: the paced autosave of ``benchmarks.autosave`` (50 clients, 10,000 drafts)
  against the web process while 2 workers transcribe on the same 2 cores (at idle CPU
  priority, as the deployment's systemd units run workers beside a web process:
  ``--workers-priority normal`` to compare), and with the workers idle.
- kill: one recording, its worker killed with SIGKILL in the middle of the
  transcription, the other worker idle: seconds from the kill to the job done, attempts,
  and drafts made. With the shipped heartbeat settings.
Targets: throughput ratio >= 1.7, autosave p95 <= 50 ms, kill -> done <= 60 s."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from benchmarks.autosave import bench as autosave_bench
from benchmarks.autosave import seed as seed_drafts
from models.settings import Settings
from tests.api.pg import GIVEN_KEYS, PostgresCluster
from tests.workers.deployment import (Worker, add_worker_account, cpu_seconds, deployment_env, speech_recordings,
                                      upload, wait_until, web)

ONE_THREAD = {"CASENOTE_ASR_CPU_THREADS": "1"}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class Run:
    """A fresh database with a web process; workers started on demand."""

    def __init__(self, pg: PostgresCluster, root: Path, name: str) -> None:
        self.root = root / name
        self.root.mkdir(parents=True)
        self.url = pg.create_database(name)
        self.site = web(self.env("web"), self.root / "web.log").start()
        self.token = add_worker_account(self.env("cli"))
        self.client = httpx.Client(base_url=self.site.url, headers={"Authorization": f"Bearer {self.token}"},
                                   timeout=120)
        self.workers: list[Worker] = []
        self.database = create_engine(self.url)

    def env(self, name: str) -> dict[str, str]:
        return deployment_env(self.root / name, self.url, **ONE_THREAD)

    def start_workers(self, count: int, niceness: int = 0, own_session: bool = False,
                      idle_priority: bool = False, one_core: bool = False) -> list[Worker]:
        cores = sorted(os.sched_getaffinity(0))
        for n in range(count):
            cpus = [cores[-1]] if one_core else [cores[n % len(cores)]]
            worker = Worker(self.env(f"worker-{n + 1}"), self.root / f"worker-{n + 1}.log", cpus=cpus,
                            niceness=niceness, own_session=own_session, idle_priority=idle_priority)
            self.workers.append(worker.start())
        return self.workers

    def jobs(self, job_ids: list[int]) -> list[dict]:
        return [self.client.get(f"/api/jobs/{j}").json() for j in job_ids]

    def wait_done(self, job_ids: list[int], timeout_s: float = 1800) -> list[dict]:
        return wait_until(lambda: (lambda js: js if all(j["status"] in ("done", "failed") for j in js) else None)(
            self.jobs(job_ids)), timeout_s, "every job to finish", interval_s=0.5)

    def wait_done_quietly(self, job_ids: list[int], timeout_s: float = 1800) -> int:
        """How many of the jobs ended done, once all have ended: one SQL query a second,
        so that watching costs the two cores next to nothing (polling each job's API status
        every 0.5 s is 16 requests a second through the web process and PostgreSQL, CPU the
        two workers would otherwise have)."""
        query = text("SELECT count(*) FILTER (WHERE status IN ('done', 'failed')), "
                     "count(*) FILTER (WHERE status = 'done') FROM jobs WHERE id = ANY(:ids)")

        def ended() -> tuple[int] | None:  # a tuple: true even when none is done
            with self.database.connect() as db:
                over, done = db.execute(query, {"ids": job_ids}).one()
            return (done,) if over == len(job_ids) else None

        return wait_until(ended, timeout_s, "every job to finish", interval_s=1.0)[0]

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.site.stop()
        self.client.close()
        self.database.dispose()


def warm_up(run: Run, workers: list[Worker], recording: Path) -> None:
    """Every worker runs one job first, so the timed run does not include loading the
    models (once per process, about 3 s of CPU: long-lived workers pay it once)."""
    for n in range(10):
        if all("done in" in w.output() for w in workers):
            return
        job_id = upload(run.client, recording, f"W-{n}")["job_id"]
        run.wait_done([job_id])
    raise SystemExit("a worker never took a job")


def throughput(pg: PostgresCluster, root: Path, recordings: list[Path]) -> None:
    print(f"\n== throughput: {len(recordings)} recordings of {audio_seconds(recordings) / len(recordings):.0f} s, "
          "each worker one CPU thread on its own core, models loaded before the timed run")
    spans = {}
    for count in (1, 2):
        run = Run(pg, root, f"throughput_{count}")
        try:
            workers = run.start_workers(count, own_session=True)  # each its own service, as under systemd
            warm_up(run, workers, recordings[-1])
            before, cpu_before = load(), [w.cpu_seconds() for w in workers]
            web_before = cpu_seconds(run.site.process.pid)
            job_ids = [upload(run.client, path, f"T-{n}")["job_id"] for n, path in enumerate(recordings)]
            finished = run.wait_done_quietly(job_ids)
            cpu = [w.cpu_seconds() - c for w, c in zip(workers, cpu_before)]
            web_cpu = cpu_seconds(run.site.process.pid) - web_before
            with run.database.connect() as db:
                first, last = db.execute(text("SELECT min(started_at), max(finished_at) FROM jobs "
                                              "WHERE id = ANY(:ids)"), {"ids": job_ids}).one()
            span = (last - first).total_seconds()
            spans[count] = (span, cpu)
            print(f"{count} worker(s): {span:6.1f} s from the first job's start to the last one's end, "
                  f"{len(recordings) / span * 60:5.2f} recordings/min; worker CPU {' + '.join(f'{c:.1f}' for c in cpu)}"
                  f" s = {sum(cpu) / len(recordings):.2f} s per recording; "
                  f"{finished} done; web process CPU {web_cpu:.1f} s ({len(recordings)} uploads); "
                  f"load average before {before}, after {load()}")
        finally:
            run.close()
    (one, cpu_one), (two, cpu_two) = spans[1], spans[2]
    # On two cores nobody else uses, each worker runs at one core: throughput is then
    # cores / CPU seconds per recording, and the ratio is 2 x (1 worker's CPU per recording
    # / 2 workers' CPU per recording): what scaling costs in CPU, free of others' load.
    per_one, per_two = sum(cpu_one) / len(recordings), sum(cpu_two) / len(recordings)
    print(f"throughput ratio 2 workers / 1 worker: {one / two:.2f} by wall time (shared machine); "
          f"{2 * per_one / per_two:.2f} by CPU time (2 x {per_one:.2f} / {per_two:.2f} CPU s per recording); "
          "target >= 1.7")


def audio_seconds(paths: list[Path]) -> float:
    import soundfile as sf

    return sum(sf.info(p).duration for p in paths)


def after_seeding(url: str) -> None:
    """benchmarks.autosave seeds rows with their ids: PostgreSQL's sequences must follow;
    and the planner gets the statistics a database in use has."""
    engine = create_engine(url)
    with engine.begin() as db:
        for table in ("users", "recordings", "drafts", "draft_versions"):
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def autosave(pg: PostgresCluster, root: Path, recordings: list[Path], seconds: float, idle: bool,
             one_core: bool) -> None:
    print(f"\n== autosave: 50 clients, 10,000 drafts, paced phase {seconds:.0f} s, against casenote serve --no-worker; "
          f"workers {'at idle priority (SCHED_IDLE)' if idle else 'at normal priority'}, "
          f"{'both on one core (the other left to the web process)' if one_core else 'one on each core'}")
    settings_root = root / "autosave"
    settings_root.mkdir()
    url = pg.create_database("autosave")
    owned = seed_drafts(Settings(data_dir=settings_root / "seed", database_url=url, _env_file=None, **GIVEN_KEYS),
                        10_000, 50)
    after_seeding(url)

    class Seeded(Run):  # the same database, seeded first
        def __init__(self) -> None:
            self.root, self.url = settings_root, url
            self.site = web(self.env("web"), self.root / "web.log").start()
            self.token = add_worker_account(self.env("cli"))
            self.client = httpx.Client(base_url=self.site.url, headers={"Authorization": f"Bearer {self.token}"},
                                       timeout=120)
            self.workers, self.database = [], create_engine(url)

    run = Seeded()
    try:
        workers = run.start_workers(2, idle_priority=idle, one_core=one_core)
        web_cpu = lambda: cpu_seconds(run.site.process.pid)  # noqa: E731
        # Each phase edits its own half of every client's drafts, so each starts at their first version.
        halves = [{name: drafts[part::2] for name, drafts in owned.items()} for part in (0, 1)]
        print(f"workers idle (load average {load()}):")
        before = web_cpu()
        asyncio.run(autosave_bench(run.site.url, halves[0], seconds, 0))
        print(f"web process CPU {web_cpu() - before:.1f} s")
        job_ids = [upload(run.client, path, f"A-{n}")["job_id"] for n, path in enumerate(recordings * 2)]
        wait_until(lambda: sum(j["status"] == "running" for j in run.jobs(job_ids)) == 2, 120, "both transcribing")
        cpu_before, before = [w.cpu_seconds() for w in workers], web_cpu()
        print(f"2 workers transcribing (load average {load()}):")
        p95 = asyncio.run(autosave_bench(run.site.url, halves[1], seconds, 0))
        cpu = [w.cpu_seconds() - c for w, c in zip(workers, cpu_before)]
        print(f"web process CPU {web_cpu() - before:.1f} s")
        still = sum(j["status"] == "running" for j in run.jobs(job_ids))
        print(f"workers' CPU during the phase: {' + '.join(f'{c:.1f}' for c in cpu)} s of {seconds + 2:.0f} s; "
              f"{still} job(s) still running at its end; p95 {p95:.1f} ms "
              f"{'meets' if p95 <= 50 else 'MISSES'} the target of 50 ms (load average after {load()})")
    finally:
        run.close()


def kill(pg: PostgresCluster, root: Path, recording: Path) -> None:
    print("\n== kill -9 of a worker in the middle of a job (shipped heartbeat settings: "
          f"{Settings(_env_file=None).worker_heartbeat_s:g} s, presumed dead after "
          f"{Settings(_env_file=None).worker_stalled_after_s:g} s)")
    run = Run(pg, root, "kill")
    try:
        workers = run.start_workers(2)
        job_id = upload(run.client, recording, "K-1")["job_id"]
        running = wait_until(lambda: (lambda j: j if j["status"] == "running" and j["progress"] >= 0.3 else None)(
            run.client.get(f"/api/jobs/{job_id}").json()), 300, "the transcription to be under way", 0.1)
        victim = next(w for w in workers if running["worker"] == f"{socket.gethostname()}:{w.pid}")
        victim.kill()
        killed = time.monotonic()
        [done] = run.wait_done([job_id], 600)
        took = time.monotonic() - killed
        with run.database.connect() as db:
            drafts = db.scalar(text("SELECT count(*) FROM drafts"))
        print(f"killed at {running['progress']:.0%} of the transcription; done by {done['worker']} "
              f"{took:.1f} s after the kill (attempts {done['attempts']}, {drafts} draft); "
              f"{'meets' if took <= 60 and drafts == 1 else 'MISSES'} the target of 60 s (load average {load()})")
    finally:
        run.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=45.0, help="length of each recording")
    parser.add_argument("--autosave-seconds", type=float, default=20.0)
    parser.add_argument("--phases", default="throughput,autosave,kill")
    parser.add_argument("--workers-priority", choices=("idle", "normal"), default="idle",
                        help="autosave phase: the workers' CPU priority (idle = CPUSchedulingPolicy=idle)")
    parser.add_argument("--workers-cores", choices=("spread", "one"), default="spread",
                        help="autosave phase: a core for each worker, or both on one core (the other the web's)")
    args = parser.parse_args()
    phases = args.phases.split(",")
    root = Path(tempfile.mkdtemp(prefix="casenote-workers-bench-"))
    print(f"{len(os.sched_getaffinity(0))} cores; load average {load()}")
    pg = PostgresCluster().start()
    try:
        recordings = speech_recordings(root, args.recordings, args.seconds)
        if "throughput" in phases:
            throughput(pg, root, recordings)
        if "autosave" in phases:
            autosave(pg, root, recordings, args.autosave_seconds, args.workers_priority == "idle",
                     args.workers_cores == "one")
        if "kill" in phases:
            kill(pg, root, recordings[0])
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A worker on the job engine: ``casenote worker`` (its own process) or the one inside
``casenote serve`` on PostgreSQL (a thread with its own event loop).

It runs two Procrastinate workers in one event loop, each with its own heartbeat:
transcription (``concurrency`` jobs at once, CPU-bound) and deliveries plus the
retention sweep (``delivery_concurrency`` at once, waiting on the network), so a long
transcription never holds up a note's delivery. Beside them it brings dead workers'
jobs back to the queue and queues what has work left and no engine job
(``api.workers.recovery``).

If the database goes away, the engine's workers stop (their heartbeat fails); this
loop starts them again every few seconds until it is back. A job that was running
then is found by the stall check once the database answers, and runs again (the claim
token and the draft's UNIQUE recording make that harmless)."""

from __future__ import annotations

import asyncio
import logging
import threading

from procrastinate import App, PsycopgConnector
from procrastinate.worker import Worker
from sqlalchemy.engine import make_url

from api.db.engine import database_url
from api.engine.schedule import DELIVER, TRANSCRIBE
from api.services.context import ServiceContext
from api.services.jobs import WORKER_NAME
from api.workers.recovery import reconcile, requeue_stalled
from api.workers.tasks import MAINTENANCE_QUEUE, WorkerRuntime, register_tasks
from models.settings import Settings

logger = logging.getLogger(__name__)

RESTART_AFTER_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits before starting a stopped engine worker again
RECONCILE_EVERY_S = 60.0
SHUTDOWN_GRACE_S = 30.0  # a stopping worker waits this long for its jobs (they requeue themselves at once)


def make_engine_app(settings: Settings) -> App:
    """The Procrastinate app for this deployment's database, with casenote's tasks."""
    conninfo = make_url(database_url(settings)).set(drivername="postgresql").render_as_string(hide_password=False)
    app = App(connector=PsycopgConnector(conninfo=conninfo, min_size=2, max_size=8))
    register_tasks(app, settings.retention_sweep_interval_s)
    return app


class EngineWorker:
    def __init__(self, ctx: ServiceContext, *, concurrency: int = 1) -> None:
        self.ctx = ctx
        self.concurrency = concurrency
        self.runtime = WorkerRuntime.for_context(ctx)
        self.app = make_engine_app(ctx.settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task] = []
        self._engine_workers: dict[str, Worker] = {}  # by role, the ones running now
        self._stopping_ids: set[int] = set()  # engine workers told to stop and start again

    def request_stop(self) -> None:
        """Stop from any thread or a signal handler: running transcriptions go back to the
        queue at their next progress step, deliveries finish their attempt."""
        if self.runtime.stop.is_set():
            return
        logger.info("worker %s stopping", WORKER_NAME)
        self.runtime.stop.set()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._cancel)

    def _cancel(self) -> None:
        for task in self._tasks:
            task.cancel()

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        settings = self.ctx.settings
        options = dict(install_signal_handlers=False, additional_context={"casenote": self.runtime},
                       update_heartbeat_interval=settings.worker_heartbeat_s,
                       stalled_worker_timeout=settings.worker_stalled_after_s,
                       fetch_job_polling_interval=settings.worker_poll_s,
                       abort_job_polling_interval=max(settings.worker_poll_s, 5.0),
                       shutdown_graceful_timeout=SHUTDOWN_GRACE_S)
        logger.info("worker %s: %d transcription slot(s), %d delivery slot(s), connectors: %s", WORKER_NAME,
                    self.concurrency, settings.delivery_concurrency, ", ".join(self.runtime.connectors) or "none")
        self.app.perform_import_paths()
        async with self.app.open_async():
            if self.runtime.stop.is_set():
                return
            self._tasks = [
                asyncio.create_task(self._keep_running(
                    "transcription", queues=[TRANSCRIBE.queue], concurrency=self.concurrency, **options)),
                asyncio.create_task(self._keep_running(
                    "delivery", queues=[DELIVER.queue, MAINTENANCE_QUEUE], concurrency=settings.delivery_concurrency,
                    **options)),
                asyncio.create_task(self._recover()),
            ]
            await asyncio.gather(*self._tasks, return_exceptions=True)
        logger.info("worker %s stopped", WORKER_NAME)

    async def _keep_running(self, role: str, **options) -> None:
        name = f"{WORKER_NAME}/{role}"
        failures = 0
        while not self.runtime.stop.is_set():
            worker = self._engine_workers[role] = Worker(self.app, name=name, **options)
            try:
                await worker.run()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away, most likely
                wait = RESTART_AFTER_S[min(failures, len(RESTART_AFTER_S) - 1)]
                failures += 1
                logger.error("engine worker %s stopped (%s: %s); starting it again in %g s", name,
                             type(exc).__name__, (str(exc).strip().splitlines() or [""])[0], wait)
                await asyncio.sleep(wait)

    async def _stop_presumed_dead(self) -> None:
        """An engine worker of ours that the others presumed dead (this process was frozen
        longer than ``worker_stalled_after_s``) has lost its registration and its jobs:
        stop it, and it starts again registered anew."""
        running = {w.worker_id: w for w in self._engine_workers.values()
                   if w.worker_id is not None and w.worker_id not in self._stopping_ids}
        if not running:
            return
        rows = await self.app.connector.execute_query_all_async(
            "SELECT id FROM procrastinate_workers WHERE id = ANY(%(ids)s)", ids=list(running))
        for worker_id in set(running) - {row["id"] for row in rows}:
            logger.warning("engine worker %s was presumed dead by the other workers (was this process frozen?); "
                           "starting it again", worker_id)
            self._stopping_ids.add(worker_id)
            running[worker_id].stop()  # it finishes its running jobs first (they are still its own)

    async def _recover(self) -> None:
        settings = self.ctx.settings
        since_reconcile = RECONCILE_EVERY_S  # at start: at once
        while not self.runtime.stop.is_set():
            try:
                await self._stop_presumed_dead()
                await requeue_stalled(self.app, settings.worker_stalled_after_s)
                if since_reconcile >= RECONCILE_EVERY_S:
                    await asyncio.to_thread(reconcile, self.ctx, self.runtime.connectors)
                    since_reconcile = 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.error("stall check failed (%s); trying again", type(exc).__name__)
            await asyncio.sleep(settings.worker_heartbeat_s)
            since_reconcile += settings.worker_heartbeat_s


class EngineWorkerThread(threading.Thread):
    """The engine worker inside ``casenote serve`` (PostgreSQL without ``--no-worker``)."""

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(name="casenote-engine-worker", daemon=True)
        self.worker = EngineWorker(ctx, concurrency=ctx.settings.asr_parallel)

    def run(self) -> None:
        asyncio.run(self.worker.run())

    def stop(self, timeout: float = SHUTDOWN_GRACE_S + 10.0) -> None:
        self.worker.request_stop()
        if self.is_alive():
            self.join(timeout)

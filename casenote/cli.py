"""The ``casenote`` command. Every command is registered here, each a thin shell over
the stage or service function it names, and ``command()`` is the one place that
turns casenote's errors into what a person at a terminal reads: one line on stderr
and exit code 2 (130 when interrupted), never a traceback."""

from __future__ import annotations

import functools
import logging
import socket
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from api import cli as service_commands
from models.errors import CasenoteError, ConfigurationError, NeedsPostgreSQL
from models.settings import get_settings
from pipeline import draft_cli, transcribe_cli
from pipeline.capture import cli as capture_commands

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    typer.echo(f"casenote: error: {message}", err=True)
    raise typer.Exit(code)


def command(body):
    """``body`` as a command whose errors end in one line."""

    @functools.wraps(body)
    def run(*args, **kwargs):
        try:
            return body(*args, **kwargs)
        except CasenoteError as exc:
            fail(str(exc))
        except ValidationError as exc:
            if exc.title != "Settings":  # a bug, not the user's configuration
                raise
            fail(settings_error(exc))
        except KeyboardInterrupt:
            fail("interrupted", EXIT_INTERRUPTED)

    return run


def settings_error(exc: ValidationError) -> str:
    """'CASENOTE_MAX_AUDIO_SECONDS: not a number ('abc')' from pydantic's report."""
    error = exc.errors()[0]
    name = "CASENOTE_" + "_".join(str(part) for part in error["loc"]).upper()
    return f"setting {name} is invalid: {error['msg']} (got {error.get('input')!r})"


SERVICE_LOGGERS = ("models", "pipeline", "api", "review_ui", "casenote", "procrastinate")  # named by module


def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default CASENOTE_HOST)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default CASENOTE_PORT)")] = None,
    no_worker: Annotated[bool, typer.Option(
        "--no-worker", help="Web service only (PostgreSQL): jobs are left to 'casenote worker' processes")] = False,
) -> None:
    """Run the review service (API, review screen and background transcription)."""
    import uvicorn

    from api.delivery.config import load_connectors
    from casenote.service import create_app

    settings = get_settings()
    if no_worker and not settings.on_postgresql:
        raise NeedsPostgreSQL("--no-worker needs CASENOTE_DATABASE_URL to be PostgreSQL: with SQLite, "
                              "casenote serve runs the jobs itself")
    host = host or settings.host
    port = port or settings.port
    _check_port_free(host, port)
    load_connectors(settings)  # a bad connector configuration stops the start here, in one line
    password = service_commands.first_run_admin(settings)
    for package in SERVICE_LOGGERS:
        logging.getLogger(package).setLevel(logging.INFO)
    app = create_app(settings, jobs=not no_worker)
    url = f"http://{host}:{port}/"
    if password:
        # Printed, never logged: it is shown this once.
        print(f"\nFirst run: an admin account was created.\n  sign in at {url}\n  user name: admin\n"
              f"  password:  {password}\nChange it after signing in, and add workers with "
              "'casenote users add'.\n", flush=True)
    else:
        print(f"casenote review service: {url} (API docs at {url}docs); sign in with an account made by "
              "'casenote users add' (lost the admin password? 'casenote users passwd admin')", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)


def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Recordings this process transcribes at once "
                                                        "(each with CASENOTE_ASR_CPU_THREADS threads)")] = 1,
) -> None:
    """Run jobs (transcription and drafting, deliveries, the retention sweep) from the
    PostgreSQL database, beside any number of other workers on any machine. Stops
    cleanly on SIGTERM or Ctrl-C: running transcriptions go back to the queue."""
    import asyncio
    import signal

    from api.delivery.config import load_connectors
    from api.workers.runner import EngineWorker

    settings = get_settings().model_copy(update={"asr_parallel": concurrency})
    if not settings.on_postgresql:
        raise NeedsPostgreSQL("casenote worker needs CASENOTE_DATABASE_URL to be PostgreSQL: with SQLite, "
                              "casenote serve runs the jobs itself")
    load_connectors(settings)
    for package in SERVICE_LOGGERS:
        logging.getLogger(package).setLevel(logging.INFO)
    ctx = service_commands.migrated_context(settings)  # PostgreSQL: the schema made or upgraded, nothing more
    try:
        engine_worker = EngineWorker(ctx, concurrency=concurrency)

        async def run() -> None:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, engine_worker.request_stop)
            await engine_worker.run()

        asyncio.run(run())
    finally:
        ctx.engine.dispose()


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                                     "choose another with --port") from None


app = typer.Typer(
    name="casenote",
    help="Dictated social-care visit notes: transcribe locally, draft, review, confirm.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Dictated social-care visit notes: transcribe locally, draft, review, confirm."""


# The stages, on this machine.
app.command("transcribe")(command(transcribe_cli.transcribe))
app.command("draft")(command(draft_cli.draft))
app.command("evaluate")(command(draft_cli.evaluate))
# Dictation on the worker's machine.
app.command("devices")(command(capture_commands.devices))
app.command("dictate")(command(capture_commands.dictate))
# The review service and its database.
app.command("serve")(command(serve))
app.command("worker")(command(worker))
users = typer.Typer(help="Accounts of the review service.", no_args_is_help=True)
users.command("add")(command(service_commands.users_add))
users.command("token")(command(service_commands.users_token))
users.command("passwd")(command(service_commands.users_passwd))
users.command("list")(command(service_commands.users_list))
users.command("disable")(command(service_commands.users_disable))
users.command("enable")(command(service_commands.users_enable))
users.command("tokens")(command(service_commands.users_tokens))
users.command("revoke-token")(command(service_commands.users_revoke_token))
app.add_typer(users, name="users")
keys = typer.Typer(help="Keys of the data at rest.", no_args_is_help=True)
keys.command("rotate-text")(command(service_commands.keys_rotate_text))
app.add_typer(keys, name="keys")
app.command("export")(command(service_commands.export))
deliveries = typer.Typer(help="Deliveries of confirmed notes to the case system.", no_args_is_help=True)
deliveries.command("retry")(command(service_commands.deliveries_retry))
app.add_typer(deliveries, name="deliveries")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()

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
from models.errors import CasenoteError, ConfigurationError
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


def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default CASENOTE_HOST)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default CASENOTE_PORT)")] = None,
) -> None:
    """Run the review service (API, review screen and background transcription)."""
    import uvicorn

    from api.delivery.config import load_connectors
    from casenote.service import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    _check_port_free(host, port)
    load_connectors(settings)  # a bad connector configuration stops the start here, in one line
    password = service_commands.first_run_admin(settings)
    for package in ("models", "pipeline", "api", "review_ui", "casenote"):  # loggers are named by module
        logging.getLogger(package).setLevel(logging.INFO)
    app = create_app(settings)
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
users = typer.Typer(help="Accounts of the review service.", no_args_is_help=True)
users.command("add")(command(service_commands.users_add))
users.command("token")(command(service_commands.users_token))
users.command("passwd")(command(service_commands.users_passwd))
users.command("list")(command(service_commands.users_list))
app.add_typer(users, name="users")
app.command("export")(command(service_commands.export))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()

"""``casenote serve`` and ``casenote users ...``: the service's commands."""

from __future__ import annotations

import getpass
import logging
import sys
from contextlib import contextmanager
from typing import Annotated, Optional

import typer

from pipeline.cli import fail

logger = logging.getLogger(__name__)

users_app = typer.Typer(help="Accounts of the review service.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")


def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default CASENOTE_HOST)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default CASENOTE_PORT)")] = None,
) -> None:
    """Run the review service (API, review screen and background transcription)."""
    import uvicorn

    from api.app import create_app
    from models.settings import get_settings

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    _check_port_free(host, port)
    _check_delivery_connectors(settings)
    password = _first_run_admin(settings)
    for package in ("models", "pipeline", "api", "review_ui"):  # loggers are named by module
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


def _check_delivery_connectors(settings) -> None:
    """A bad connector configuration stops the start here, in one line (issue 6)."""
    from api.delivery.config import load_connectors
    from models.errors import CasenoteError

    try:
        load_connectors(settings)
    except CasenoteError as exc:
        fail(str(exc))


def _check_port_free(host: str, port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port")


def _first_run_admin(settings) -> str | None:
    from api.services.users import ensure_first_admin

    with _database(settings) as db:
        password = ensure_first_admin(db)
        db.commit()
    return password


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line.strip():
            fail("no password on stdin (give it as the first line)")
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        fail("the two passwords differ")
    return first


def _session(settings=None):
    """The service's context with its database migrated; bad configuration ends in one line."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from api.context import build_context
    from models.errors import KeyFileError
    from api.db.migrate import upgrade
    from models.settings import get_settings

    try:
        ctx = build_context(settings or get_settings())
    except (KeyFileError, ArgumentError) as exc:
        fail(str(exc))
    try:
        upgrade(ctx.engine)
    except OperationalError as exc:
        where = ctx.engine.url.render_as_string(hide_password=True)
        ctx.engine.dispose()
        fail(f"cannot open the database {where}: {str(exc.orig).strip().splitlines()[0]}")
    return ctx


@contextmanager
def _database(settings=None):
    """A session on the migrated database, for one command; the engine is closed after it."""
    ctx = _session(settings)
    try:
        with ctx.session_factory() as db:
            yield db
    finally:
        ctx.engine.dispose()


def _existing_user(db, name: str):
    """The account called ``name``; ends the command in one line when there is none."""
    from api.services.users import find_user

    user = find_user(db, name)
    if user is None:
        fail(f"no user '{name}'")
    return user


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name to sign in with")],
    role: Annotated[str, typer.Option(help="worker, manager or admin")] = "worker",
    team: Annotated[Optional[str], typer.Option(help="Team: a manager sees their team's recordings")] = None,
    token: Annotated[bool, typer.Option("--token", help="Also print a bearer token for integrations")] = False,
) -> None:
    """Add an account. The password is read from stdin (first line) or prompted."""
    from api.services.audit import record_event
    from api.services.users import check_new_user, create_user, issue_token
    from models.errors import InvalidRequest

    password = _read_password()
    try:
        check_new_user(name, password, role, team)
    except InvalidRequest as exc:
        fail(str(exc))
    with _database() as db:
        try:
            user = create_user(db, name, password, role, team)
        except InvalidRequest as exc:
            fail(str(exc))
        record_event(db, None, "create_user", "user", user.id, role=role, team=team, via="cli")
        issued = issue_token(db, user, "cli") if token else None
        db.commit()
    typer.echo(f"added {role} '{name}'" + (f" (team {team})" if team else ""), err=True)
    if issued:
        typer.echo(issued)


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument(help="User name")],
                label: Annotated[str, typer.Option(help="What the token is for")] = "cli") -> None:
    """Print a new bearer token for an existing account."""
    from api.services.audit import record_event
    from api.services.users import issue_token

    with _database() as db:
        user = _existing_user(db, name)
        issued = issue_token(db, user, label)
        record_event(db, None, "issue_token", "user", user.id, name=label, via="cli")
        db.commit()
    typer.echo(issued)


@users_app.command("passwd")
def users_passwd(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Set a new password (stdin or prompted) for an account."""
    from api.services.audit import record_event
    from api.services.sign_in import lift_lock
    from api.services.users import check_password_rules, set_password
    from models.errors import InvalidRequest

    password = _read_password()
    try:
        check_password_rules(password)
    except InvalidRequest as exc:
        fail(str(exc))
    with _database() as db:
        user = _existing_user(db, name)
        try:
            set_password(db, user, password)
        except InvalidRequest as exc:
            fail(str(exc))
        lift_lock(db, user.username)  # a locked-out person can sign in with the new password at once
        record_event(db, None, "change_password", "user", user.id, via="cli")
        db.commit()
    typer.echo(f"password of '{name}' changed", err=True)


@users_app.command("list")
def users_list() -> None:
    """List the accounts."""
    from sqlalchemy import select

    from api.db.models import User

    with _database() as db:
        for user in db.scalars(select(User).order_by(User.username)):
            typer.echo(f"{user.username}\t{user.role}\t{user.team or '-'}\t{'active' if user.active else 'disabled'}")

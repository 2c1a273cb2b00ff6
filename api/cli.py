"""``casenote users ...``, ``casenote export`` and ``casenote deliveries retry``: the
service's commands that work on its database directly (registered, with every other command, in ``casenote.cli``, which
turns the errors raised here into one line on stderr and exit code 2)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from models.errors import ConfigurationError, ExportError, InvalidRequest, NotFound
from models.settings import Settings, get_settings

if TYPE_CHECKING:  # the database's libraries load only when a command needs them
    from sqlalchemy.orm import Session

    from api.services.context import ServiceContext

# docx and pdf are files, not text for a terminal.
BINARY_FORMATS = {"docx", "pdf"}


@contextmanager
def open_database(settings: Settings | None = None) -> Iterator[Session]:
    """A session on the service's database, made or upgraded by the migrations first;
    the engine is closed after it."""
    ctx = migrated_context(settings or get_settings())
    try:
        with ctx.session_factory() as db:
            yield db
    finally:
        ctx.engine.dispose()


def migrated_context(settings: Settings) -> ServiceContext:
    """The service's context on a database made or upgraded by the migrations; a
    database that cannot be reached is one line, not a traceback."""
    from sqlalchemy.exc import OperationalError

    from api.db.migrate import upgrade

    ctx = _context(settings)
    try:
        upgrade(ctx.engine)
    except OperationalError as exc:
        ctx.engine.dispose()
        where = ctx.engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(f"cannot open the database {where}: "
                                 f"{str(exc.orig).strip().splitlines()[0]}") from None
    except BaseException:
        ctx.engine.dispose()
        raise
    return ctx


def _context(settings: Settings) -> ServiceContext:
    from sqlalchemy.exc import ArgumentError

    from api.services.context import build_context

    try:
        return build_context(settings)
    except ArgumentError as exc:  # CASENOTE_DATABASE_URL is not a database URL
        raise ConfigurationError(str(exc)) from None


def first_run_admin(settings: Settings) -> str | None:
    """With no accounts yet, the password of the ``admin`` account just made (to print once)."""
    from api.services.users import ensure_first_admin

    with open_database(settings) as db:
        password = ensure_first_admin(db)
        db.commit()
    return password


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line.strip():
            raise InvalidRequest("no password on stdin (give it as the first line)")
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise InvalidRequest("the two passwords differ")
    return first


def _existing_user(db: Session, name: str):
    from api.services.users import find_user

    user = find_user(db, name)
    if user is None:
        raise NotFound("user", f"no user '{name}'")
    return user


def users_add(
    name: Annotated[str, typer.Argument(help="User name to sign in with")],
    role: Annotated[str, typer.Option(help="worker, manager or admin")] = "worker",
    team: Annotated[Optional[str], typer.Option(help="Team: a manager sees their team's recordings")] = None,
    token: Annotated[bool, typer.Option("--token", help="Also print a bearer token for integrations")] = False,
) -> None:
    """Add an account. The password is read from stdin (first line) or prompted."""
    from api.db.audit import record_event
    from api.services.users import check_new_user, create_user, issue_token

    password = _read_password()
    check_new_user(name, password, role, team)
    with open_database() as db:
        user = create_user(db, name, password, role, team)
        record_event(db, None, "create_user", "user", user.id, role=role, team=team, via="cli")
        issued = issue_token(db, user, "cli") if token else None
        db.commit()
    typer.echo(f"added {role} '{name}'" + (f" (team {team})" if team else ""), err=True)
    if issued:
        typer.echo(issued)


def users_token(name: Annotated[str, typer.Argument(help="User name")],
                label: Annotated[str, typer.Option(help="What the token is for")] = "cli") -> None:
    """Print a new bearer token for an existing account."""
    from api.db.audit import record_event
    from api.services.users import issue_token

    with open_database() as db:
        user = _existing_user(db, name)
        issued = issue_token(db, user, label)
        record_event(db, None, "issue_token", "user", user.id, name=label, via="cli")
        db.commit()
    typer.echo(issued)


def users_passwd(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Set a new password (stdin or prompted) for an account; every session and token
    of the account ends."""
    from api.db.audit import record_event
    from api.services.accounts import end_access
    from api.services.passwords import check_password
    from api.services.sign_in import lift_lock
    from api.services.users import set_password

    password = _read_password()
    check_password(password, name)
    with open_database() as db:
        user = _existing_user(db, name)
        set_password(db, user, password)
        ended = end_access(db, user)
        lift_lock(db, user.username)  # a locked-out person can sign in with the new password at once
        record_event(db, None, "change_password", "user", user.id, via="cli", sessions_ended=ended.sessions,
                     tokens_revoked=ended.tokens)
        db.commit()
    typer.echo(f"password of '{name}' changed; {ended.sessions} session(s) signed out, {ended.tokens} token(s) "
               "revoked", err=True)


def users_disable(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Disable an account (someone who left): sign-in refused, sessions and tokens end at once."""
    from api.services.accounts import set_active

    with open_database() as db:
        ended = set_active(db, None, _existing_user(db, name), False, via="cli", os_user=getpass.getuser())
        db.commit()
    typer.echo(f"'{name}' disabled; {ended.sessions} session(s) signed out, {ended.tokens} token(s) revoked",
               err=True)


def users_enable(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Enable an account again (its old tokens stay revoked)."""
    from api.services.accounts import set_active

    with open_database() as db:
        set_active(db, None, _existing_user(db, name), True, via="cli", os_user=getpass.getuser())
        db.commit()
    typer.echo(f"'{name}' enabled", err=True)


def users_tokens(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """List an account's bearer tokens: id, name, made, expires, status."""
    from api.services.accounts import list_tokens

    with open_database() as db:
        for token in list_tokens(db, _existing_user(db, name), get_settings()):
            typer.echo(f"{token.id}\t{token.name}\t{token.created_at:%Y-%m-%d %H:%M}\t"
                       f"{token.expires_at:%Y-%m-%d %H:%M}\t{token.status}")


def users_revoke_token(name: Annotated[str, typer.Argument(help="User name")],
                       token_id: Annotated[int, typer.Argument(help="Token id (casenote users tokens NAME)")]) -> None:
    """Revoke one bearer token of an account; it stops working at once."""
    from api.services.accounts import revoke_token

    with open_database() as db:
        revoke_token(db, None, _existing_user(db, name), token_id, via="cli", os_user=getpass.getuser())
        db.commit()
    typer.echo(f"token {token_id} of '{name}' revoked", err=True)


def keys_rotate_text() -> None:
    """Re-encrypt every note text with a new key (stop the service first)."""
    from api.services.text_keys import rotate_text_key

    rotation = rotate_text_key(get_settings())
    typer.echo(f"text key {rotation.key_id} now encrypts every stored text "
               f"({sum(rotation.reencrypted.values())} value(s) re-encrypted)", err=True)
    if rotation.retired and rotation.source == "CASENOTE_TEXT_KEY":
        typer.echo(f"no text uses key(s) {', '.join(rotation.retired)} any more: remove them from CASENOTE_TEXT_KEY",
                   err=True)
    elif rotation.retired:
        typer.echo(f"old key(s) {', '.join(rotation.retired)} removed from {rotation.source}", err=True)


def users_list() -> None:
    """List the accounts."""
    from sqlalchemy import select

    from api.db.models import User

    with open_database() as db:
        for user in db.scalars(select(User).order_by(User.username)):
            typer.echo(f"{user.username}\t{user.role}\t{user.team or '-'}\t{'active' if user.active else 'disabled'}")


def export(
    note_ids: Annotated[list[int], typer.Argument(metavar="NOTE_ID...", help="Confirmed note id(s); several only for csv")],
    format_name: Annotated[str, typer.Option("--format", "-f", help="text, docx, pdf, json, csv or cin-xml")] = "text",
    preset: Annotated[Optional[str], typer.Option("--preset", help="Case-system preset: casenote, lcs, mosaic, eclipse...")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (else standard output)")] = None,
    assessment_start: Annotated[Optional[str], typer.Option("--assessment-start", help="cin-xml: YYYY-MM-DD")] = None,
    assessment_authorised: Annotated[Optional[str], typer.Option("--assessment-authorised", help="cin-xml: YYYY-MM-DD")] = None,
) -> None:
    """Export confirmed note(s): text, docx, pdf, json, csv or cin-xml."""
    # The registry (and its PDF/Word libraries) is imported only when the command runs.
    from api.exports.context import ExportOptions
    from api.exports.presets import load_preset
    from api.exports.registry import export_format, export_note, export_notes_csv

    settings = get_settings()
    export_format(format_name)
    load_preset(preset, settings)
    if len(note_ids) > 1 and format_name != "csv":
        raise InvalidRequest(f"only csv takes several notes (one row each); {format_name} takes one NOTE_ID")
    if out is None and format_name in BINARY_FORMATS and sys.stdout.isatty():
        raise InvalidRequest(f"{format_name} is a binary file: give --out FILE")
    options = ExportOptions(preset=preset, assessment_start_date=_date(assessment_start, "--assessment-start"),
                            assessment_authorisation_date=_date(assessment_authorised, "--assessment-authorised"))
    content = _load_and_audit(note_ids, format_name, options.preset, settings, lambda notes: (
        export_notes_csv(notes, options, settings) if format_name == "csv"
        else export_note(notes[0], format_name, options, settings).content))
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
        typer.echo(f"wrote {out} ({len(content)} bytes)", err=True)


def deliveries_retry(
    connector: Annotated[str, typer.Option("--connector", help="The connector whose deliveries start again")],
) -> None:
    """A fresh round of attempts now for every failed or waiting delivery of a connector
    (after a case system's outage, or once a wrong credential is fixed)."""
    from api.db.audit import record_event
    from api.delivery.config import connector_named
    from api.delivery.outbox import retry_connector
    from models.errors import ConnectorGone

    settings = get_settings()
    if connector_named(connector, settings) is None:
        raise ConnectorGone(f"connector {connector!r} is not configured (CASENOTE_DELIVERY_CONNECTORS)")
    with open_database(settings) as db:
        rows = retry_connector(db, connector)
        for row in rows:
            record_event(db, None, "delivery_retry", "note", row.note_id, delivery_id=row.id, connector=connector,
                         bulk=True, via="cli", os_user=getpass.getuser())
        db.commit()
    typer.echo(f"{len(rows)} deliver{'y' if len(rows) == 1 else 'ies'} to {connector} will be tried again now",
               err=True)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _load_and_audit(note_ids: list[int], format_name: str, preset: str | None, settings: Settings, render) -> bytes:
    """Read the notes, render, and record one audit event per note, in one transaction.
    The database is not made or upgraded here: exporting needs the service's own."""
    from api.db.audit import record_event
    from api.db.migrate import current_revision
    from api.db.models import ConfirmedNoteRow

    database = settings.data_dir / "casenote.db"
    if not settings.database_url and not database.exists():
        raise ConfigurationError(f"no casenote database at {database} (set CASENOTE_DATA_DIR or "
                                 "CASENOTE_DATABASE_URL)")
    ctx = _context(settings)
    try:
        if current_revision(ctx.engine) is None:
            raise ConfigurationError("the database has no casenote schema: start the service once (casenote serve)")
        with ctx.session_factory() as db:
            notes = []
            for note_id in note_ids:
                row = db.get(ConfirmedNoteRow, note_id)
                if row is None:
                    raise NotFound("confirmed note", f"no confirmed note {note_id}")
                notes.append(row.to_note())
            content = render(notes)
            for note in notes:
                # No service account here: the operating-system user is the actor's trace.
                record_event(db, None, "export", "note", note.id, format=format_name, preset=preset or "casenote",
                             via="cli", os_user=getpass.getuser())
            db.commit()
        return content
    finally:
        ctx.engine.dispose()

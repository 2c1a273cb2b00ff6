"""HTTP delivery: POST a confirmed note to an endpoint the authority runs.

Every attempt for a note carries the same ``Idempotency-Key``, so a receiver that
honours it stores the note once however many times a lost reply makes us retry.
One attempt per call; the worker schedules retries with exponential backoff.

``timeout_s`` is the deadline of the whole attempt, not of each read: the request runs
as a task cancelled when the deadline passes (its connection is closed), so a receiver
trickling its reply a byte at a time cannot hold an attempt past it."""

from __future__ import annotations

import asyncio
import email.utils
import json
from datetime import datetime, timezone

import httpx

from api.delivery.config import HttpConnector
from api.delivery.outcome import AttemptOutcome
from api.exports.context import ExportOptions
from api.exports.json_doc import document_dict
from api.exports.registry import export_note, exportable, render_context
from models.errors import ExportError
from models.record import ConfirmedNote
from models.settings import Settings

# Worth trying again: timeouts, overload, a request still in progress under the same key.
RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


def idempotency_key(note: ConfirmedNote, connector: HttpConnector) -> str:
    """The same for every attempt of one note to one connector: the note id, the
    connector (two connectors may share an integration endpoint) and the start of
    the signed content's hash."""
    return f"casenote-note-{note.id}-{connector.name}-{note.content_sha256[:16]}"


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def build_request(note: ConfirmedNote, connector: HttpConnector, settings: Settings) -> dict:
    """httpx keyword arguments for the POST."""
    options = ExportOptions(preset=connector.preset)
    ctx = render_context(options, settings)
    document = json.dumps(document_dict(exportable(note), ctx.preset, ctx.zone), ensure_ascii=False).encode("utf-8")
    headers = {
        "Idempotency-Key": idempotency_key(note, connector),
        "User-Agent": "casenote",
        **connector.headers,
    }
    if connector.auth_value_env:
        headers[connector.auth_header] = connector.auth_value()
    if connector.body == "json":
        headers["Content-Type"] = "application/json"
        return {"headers": headers, "content": document}
    attachment = export_note(note, connector.document_format, options, settings)
    files = {
        "metadata": ("note.json", document, "application/json"),
        "document": (attachment.filename, attachment.content, attachment.media_type),
    }
    return {"headers": headers, "files": files}


def deliver(note: ConfirmedNote, connector: HttpConnector, settings: Settings) -> AttemptOutcome:
    try:
        request = build_request(note, connector, settings)
    except ExportError as exc:
        return AttemptOutcome(delivered=False, retryable=False, detail=str(exc))
    try:
        response = asyncio.run(_post_within(connector, request))
    except (TimeoutError, httpx.TimeoutException):
        return AttemptOutcome(delivered=False, detail=f"no complete reply within {connector.timeout_s:g} s")
    except httpx.HTTPError as exc:
        return AttemptOutcome(delivered=False, detail=f"cannot reach the endpoint: {exc.__class__.__name__}")
    # The reply body is not logged or kept: a receiver may echo the note back.
    receipt = {"status": response.status_code}
    if response.is_success:
        return AttemptOutcome(delivered=True, detail=f"HTTP {response.status_code}", receipt=receipt)
    retryable = response.status_code in RETRYABLE_STATUS
    return AttemptOutcome(
        delivered=False,
        retryable=retryable,
        detail=f"HTTP {response.status_code} {response.reason_phrase}".strip(),
        retry_after_s=retry_after_seconds(response.headers.get("Retry-After")),
        receipt=receipt,
    )


async def _post_within(connector: HttpConnector, request: dict) -> httpx.Response:
    """The POST and its whole reply, or TimeoutError at the connector's deadline."""
    async with asyncio.timeout(connector.timeout_s):
        async with httpx.AsyncClient(timeout=connector.timeout_s, follow_redirects=False) as client:
            return await client.post(connector.url, **request)

"""Jinja2 templates of the pages, with the headers every page gets: a strict
Content-Security-Policy (own scripts only, plus the hash of GOV.UK's one-line
'js-enabled' snippet), no caching of children's data, no framing."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from models.settings import Settings
from review_ui.assets import govuk_frontend_installed

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# GOV.UK Frontend's page template runs this inline so styles can tell JS is on.
JS_ENABLED_SCRIPT = ("document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype"
                     " ? ' govuk-frontend-supported' : '');")
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(JS_ENABLED_SCRIPT.encode()).digest()).decode()
CSP = (
    "default-src 'self'; "
    f"script-src 'self' 'sha256-{_SCRIPT_HASH}'; "
    "style-src 'self'; img-src 'self' data:; media-src 'self' blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    govuk_frontend_installed()  # warns once in the log when `make ui-deps` was not run
    who = context.get("who")
    base = {
        "js_enabled_script": JS_ENABLED_SCRIPT,
        "user": {"name": who.user.username, "role": who.user.role} if who else None,
        "csrf_token": who.csrf_token if who else context.get("csrf_token", ""),
    }
    return TEMPLATES.TemplateResponse(request, name, {**context, **base}, status_code=status_code,
                                      headers=PAGE_HEADERS)


def script_json(data) -> str:
    """JSON safe to put inside <script type="application/json"> (no '</script>' breakout)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def display_zone(settings: Settings):
    try:
        return ZoneInfo(settings.export_timezone)
    except (ZoneInfoNotFoundError, ValueError, AttributeError):
        return timezone.utc


def when(moment: datetime | None, settings: Settings) -> str:
    """'Tue 3 Nov 2026 at 2:05pm' in the authority's time zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(display_zone(settings))
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y')} at {hour}:{local.strftime('%M')}{local.strftime('%p').lower()}"

"""The interactive API docs at ``/docs``, served entirely from this machine: the
machine the service runs on may have no internet, so Swagger UI comes from the npm
package ``swagger-ui-dist`` installed into ``review_ui/node_modules`` by
``scripts/install-ui-deps.sh`` (``make ui-deps``), not from a CDN.

Only the two files the page loads are reachable (``/docs/assets/...``), not the
rest of ``node_modules``. The page gets its own Content-Security-Policy: same-origin
scripts plus the SHA-256 of the page's one inline start-up script (computed from the
page FastAPI generates, so it stays right when FastAPI changes that script).
ReDoc is not served (it would need another package)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

logger = logging.getLogger(__name__)

SWAGGER_DIST = Path(__file__).resolve().parent.parent / "review_ui" / "node_modules" / "swagger-ui-dist"
ASSET_PATH = "/docs/assets"
# The only files of the package that are served, with their media types.
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
FAVICON = "/static/favicon.svg"
ASSET_CACHE = "public, max-age=86400"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)

router = APIRouter(include_in_schema=False)


def csp_for(html: str) -> str:
    """A policy that lets exactly this page's inline scripts run, and nothing from elsewhere."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
                      for body in _INLINE_SCRIPT.findall(html))
    return ("default-src 'none'; "
            f"script-src 'self' {hashes}; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@lru_cache
def _page(openapi_url: str, title: str) -> tuple[bytes, str]:
    if not (SWAGGER_DIST / "swagger-ui-bundle.js").is_file():
        logger.warning("swagger-ui-dist is not installed: run `make ui-deps` (/docs will be blank)")
    html = get_swagger_ui_html(
        openapi_url=openapi_url, title=f"{title} - API docs",
        swagger_js_url=f"{ASSET_PATH}/swagger-ui-bundle.js", swagger_css_url=f"{ASSET_PATH}/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        # No call to an outside validator service; the rest as FastAPI's defaults.
        swagger_ui_parameters={"validatorUrl": None},
    ).body.decode()
    return html.encode(), csp_for(html)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    body, csp = _page(request.app.openapi_url, request.app.title)
    return HTMLResponse(body, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


@router.get(ASSET_PATH + "/{name}")
def swagger_asset(name: str) -> FileResponse:
    media_type = SWAGGER_FILES.get(name)
    path = SWAGGER_DIST / name
    if media_type is None or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": ASSET_CACHE})

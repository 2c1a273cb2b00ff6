"""GOV.UK Frontend's built files, served straight from ``review_ui/node_modules``.

The package is installed by ``scripts/install-ui-deps.sh`` (``make ui-deps``) and
never committed. Its CSS refers to fonts and images under ``/assets/``, so that
folder is served at that path; the CSS and JavaScript bundles are served under
``/govuk/``."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

logger = logging.getLogger(__name__)

NODE_MODULES = Path(__file__).parent / "node_modules"
GOVUK_DIST = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
# Built files the pages use; nothing else in the package (Sass, templates) is served.
GOVUK_FILES = {"govuk-frontend.min.css", "govuk-frontend.min.js", "govuk-frontend.min.css.map", "govuk-frontend.min.js.map"}
CACHE = "public, max-age=86400"

router = APIRouter(include_in_schema=False)


@lru_cache
def govuk_frontend_installed() -> bool:
    present = (GOVUK_DIST / "govuk-frontend.min.css").is_file()
    if not present:
        logger.warning("GOV.UK Frontend is not installed: run `make ui-deps` (pages will be unstyled)")
    return present


def _inside(base: Path, relative: str) -> Path:
    """The file ``relative`` under ``base``, refusing anything that escapes it."""
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base.resolve()) or not candidate.is_file():
        raise HTTPException(status_code=404)
    return candidate


@router.get("/govuk/{name}")
def govuk_bundle(name: str) -> FileResponse:
    if name not in GOVUK_FILES:
        raise HTTPException(status_code=404)
    return FileResponse(_inside(GOVUK_DIST, name), headers={"Cache-Control": CACHE})


@router.get("/assets/{relative:path}")
def govuk_asset(relative: str) -> FileResponse:
    return FileResponse(_inside(GOVUK_DIST / "assets", relative), headers={"Cache-Control": CACHE})

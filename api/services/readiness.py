"""Readiness (``/readyz``): can this service do its work now? Unlike ``/healthz`` (the
process answers), it checks that the database takes a write and that the disk holding
the data folder has at least ``min_free_disk_mb`` free. A load balancer or an
operator's monitor sends no traffic to (or raises an alarm for) a service that is not
ready; reads are refused then too (503 storage-unavailable), because every read of a
child's record is audited and an unaudited read is not served."""

from __future__ import annotations

import logging
import shutil

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.services.context import ServiceContext

logger = logging.getLogger(__name__)


class Check(BaseModel):
    name: str
    ok: bool
    detail: str
    required: bool = True  # False: reported ("degraded") without making the service unready


def readiness(ctx: ServiceContext) -> list[Check]:
    return [_database_writable(ctx), _disk_space(ctx)]


def _database_writable(ctx: ServiceContext) -> Check:
    """A write that is rolled back: it needs the write lock and a writable database."""
    try:
        with ctx.session_factory() as db:
            db.execute(text("INSERT INTO sign_in_failures (username, at) VALUES ('', CURRENT_TIMESTAMP)"))
            db.rollback()
        return Check(name="database", ok=True, detail="takes writes")
    except SQLAlchemyError as exc:
        logger.warning("readiness: the database does not take writes (%s)", type(getattr(exc, "orig", exc)).__name__)
        return Check(name="database", ok=False, detail="the database does not take writes (full, read-only or "
                                                         "unreachable)")


def _disk_space(ctx: ServiceContext) -> Check:
    free_mb = shutil.disk_usage(ctx.settings.data_dir).free / 1e6
    need = ctx.settings.min_free_disk_mb
    if free_mb < need:
        return Check(name="disk", ok=False, detail=f"{free_mb:,.0f} MB free for the data folder; "
                                                   f"at least {need:,} MB needed (CASENOTE_MIN_FREE_DISK_MB)")
    return Check(name="disk", ok=True, detail=f"{free_mb:,.0f} MB free")

"""Background job status and retry."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CaseWorker, ContextDep, CurrentUser, SessionDep
from api.schemas import JobOut
from api.services.jobs import draft_for_job, retry_job
from api.services.recordings import get_job, job_out

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.get("/{job_id}")
def job(job_id: int, db: SessionDep, user: CurrentUser) -> JobOut:
    """Status (queued, running, done, failed), progress 0..1, the error if it failed,
    and the draft id once done."""
    found = get_job(db, user, job_id)
    out = job_out(found, draft_for_job(db, found))
    db.commit()
    return out


@router.post("/{job_id}/retry", status_code=202)
def retry(job_id: int, db: SessionDep, user: CaseWorker, ctx: ContextDep) -> JobOut:
    """Run a failed job again (its audio was kept). The worker who recorded it, or their
    team's manager; an admin gets 403 (admins look only)."""
    found = retry_job(db, user, get_job(db, user, job_id))
    db.commit()
    ctx.wake_background()
    return job_out(found, None)

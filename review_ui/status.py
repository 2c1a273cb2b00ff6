"""The rows of 'My drafts': one per recording, with where it has got to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel

from api.schemas import RecordingOut


class DraftRow(BaseModel):
    recording_id: int
    case_reference: str
    recorded_label: str
    status: str  # queued, transcribing, drafting, failed, review, confirmed, no_job
    status_text: str
    tag_class: str
    progress: float = 0.0
    job_id: int | None = None
    error: str | None = None
    href: str | None = None
    action: str = ""
    undecided: int | None = None
    delivery: str | None = None


def _status(r: RecordingOut) -> tuple[str, str, str]:
    """(status, words, GOV.UK tag modifier): words carry the state, not the colour."""
    if r.note_id is not None or r.draft_status == "confirmed":
        return "confirmed", "Confirmed", "govuk-tag--green"
    if r.draft_id is not None:
        if r.undecided:
            return "review", "Ready for review", ""
        return "review", "In review", ""
    job = r.job
    if job is None:
        return "no_job", "Not transcribed", "govuk-tag--grey"
    if job.status == "failed":
        return "failed", "Transcription failed", "govuk-tag--red"
    if job.status == "queued":
        return "queued", "Waiting", "govuk-tag--grey"
    if job.stage == "drafting":
        return "drafting", "Drafting", "govuk-tag--yellow"
    return "transcribing", "Transcribing", "govuk-tag--yellow"


def draft_row(r: RecordingOut, when: Callable[[datetime], str], delivery: str | None = None) -> DraftRow:
    status, words, tag = _status(r)
    href, action = None, ""
    if r.note_id is not None:
        href, action = f"/notes/{r.note_id}", "view the confirmed note"
    elif r.draft_id is not None:
        href, action = f"/drafts/{r.draft_id}", "review the draft"
    return DraftRow(
        recording_id=r.id, case_reference=r.case_reference, recorded_label=when(r.recorded_at),
        status=status, status_text=words, tag_class=tag,
        progress=r.job.progress if r.job else 0.0, job_id=r.job.id if r.job else None,
        error=r.job.error if r.job and r.job.status == "failed" else None,
        href=href, action=action, undecided=r.undecided if r.draft_id is not None else None,
        delivery=delivery,
    )


DELIVERY_WORDS = {"delivered": "sent", "pending": "waiting to send", "failed": "failed"}


def delivery_text(note_id: int | None, summary: dict[int, dict[str, str]]) -> str | None:
    """'lcs: sent; mosaic: failed' for a confirmed note; None before confirmation."""
    if note_id is None:
        return None
    targets = summary.get(note_id, {})
    if not targets:
        return "Not sent (no case system connected)"
    return "; ".join(f"{name}: {DELIVERY_WORDS.get(status, status)}" for name, status in sorted(targets.items()))


def draft_rows(recordings: list[RecordingOut], when: Callable[[datetime], str],
               deliveries: dict[int, dict[str, str]] | None = None) -> list[DraftRow]:
    deliveries = deliveries or {}
    return [draft_row(r, when, delivery_text(r.note_id, deliveries)) for r in recordings]

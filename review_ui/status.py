"""The rows of 'My drafts': one per recording, with where it has got to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from pydantic import BaseModel

from api.schemas import RecordingOut


class DraftRow(BaseModel):
    recording_id: int
    case_reference: str
    recorded_label: str
    visit_label: str = ""
    children: str = ""  # 'Mia, Tyler': the children of the visit, each with their own note
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


def visit_label(day: date | None, moment: time | None, recorded: str) -> str:
    """The visit's day and time as the draft has them, else when it was recorded (said so)."""
    if day is None:
        return f"Not known yet (recorded {recorded})"
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')}"
    if moment is not None:
        hour = moment.strftime("%I").lstrip("0") or "12"
        text += f" at {hour}:{moment.strftime('%M')}{moment.strftime('%p').lower()}"
    return text


def draft_row(r: RecordingOut, when: Callable[[datetime], str], delivery: str | None = None) -> DraftRow:
    status, words, tag = _status(r)
    href, action = None, ""
    if r.note_id is not None:
        href, action = f"/notes/{r.note_id}", "view the confirmed note"
    elif r.draft_id is not None:
        href, action = f"/drafts/{r.draft_id}", "review the draft"
    return DraftRow(
        recording_id=r.id, case_reference=r.case_reference, recorded_label=when(r.recorded_at),
        visit_label=visit_label(r.visit_day, r.visit_time, when(r.recorded_at)),
        children=", ".join(r.children) if len(r.children) > 1 else "",
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


def visit_delivery_text(r: RecordingOut, summary: dict[int, dict[str, str]]) -> str | None:
    """Each note of a family visit on its child's record: 'Mia – lcs: sent. Tyler – lcs: failed'."""
    if len(r.note_ids) <= 1 or len(r.note_ids) != len(r.children):
        return delivery_text(r.note_id, summary)
    return ". ".join(f"{name} – {delivery_text(note_id, summary)}" for name, note_id in zip(r.children, r.note_ids))


def draft_rows(recordings: list[RecordingOut], when: Callable[[datetime], str],
               deliveries: dict[int, dict[str, str]] | None = None) -> list[DraftRow]:
    deliveries = deliveries or {}
    return [draft_row(r, when, visit_delivery_text(r, deliveries)) for r in recordings]

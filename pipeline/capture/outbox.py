"""Recordings waiting for the review service, and their upload: exactly once, and the
local audio deleted only after the server has acknowledged it (a job id).

Each recording moves finished -> uploading -> uploaded, every step saved (fsync)
before the next begins:
- ``uploading`` is saved before the request is sent; every attempt carries the
  recording's ``Idempotency-Key`` (``casenote-recording-<id>``);
- the server's job id is saved (``uploaded``) before the audio is deleted, so a
  crash after the acknowledgement never leads to a second upload;
- a crash between the server storing the audio and the job id being saved leaves
  ``uploading``: the next sync simply sends it again with the same key, and the
  server (which keeps one recording per owner and key, enforced by a UNIQUE
  constraint) answers 200 with the recording and job it already has.
A folder lock keeps two ``--sync`` runs from uploading the same recording at once."""

from __future__ import annotations

import logging
import os

import httpx
from pydantic import BaseModel

from models.durable_files import fsync_folder
from models.errors import ServerUnreachable, UploadRefused
from models.settings import Settings
from pipeline.capture import store
from pipeline.capture.store import Destination, Recording, RecordingStatus

logger = logging.getLogger(__name__)

UPLOAD_PATH = "/api/recordings"
CONNECT_TIMEOUT_S = 5.0
# A long dictation is ~100 MB of WAV; allow a slow uplink time to send it.
UPLOAD_TIMEOUT_S = 600.0


class ServerTarget(BaseModel):
    url: str
    token: str


class SyncReport(BaseModel):
    uploaded: list[Recording] = []
    waiting: list[Recording] = []
    unreachable_reason: str | None = None
    refused: list[str] = []


def waiting_for_upload(settings: Settings) -> list[Recording]:
    return [rec for rec in store.load_all(settings)
            if rec.destination is Destination.server
            and rec.status in (RecordingStatus.finished, RecordingStatus.uploading, RecordingStatus.uploaded)
            and (rec.status is not RecordingStatus.uploaded or rec.audio_path.exists())]


def upload_one(settings: Settings, recording: Recording, target: ServerTarget, client: httpx.Client) -> Recording:
    """Send one recording; returns it ``uploaded`` with the server's job id.

    Raises ServerUnreachable (keep it, try later) or UploadRefused (the server said no)."""
    if recording.status is RecordingStatus.uploaded:
        return _delete_local_audio(settings, recording)  # acknowledged before a crash; just tidy up
    # Also for a recording left ``uploading`` by a crash: the key makes a repeat harmless.
    recording = recording.model_copy(update=dict(status=RecordingStatus.uploading,
                                                 upload_attempts=recording.upload_attempts + 1))
    store.save(settings, recording)
    try:
        job_id = _post(recording, target, client)
    except (ServerUnreachable, UploadRefused) as exc:
        if not exc.maybe_stored:  # no connection was made, or a 4xx: the server has nothing
            store.save(settings, recording.model_copy(update=dict(status=RecordingStatus.finished)))
        raise
    recording = recording.model_copy(update=dict(status=RecordingStatus.uploaded, job_id=job_id,
                                                 uploaded_at=store.now()))
    store.save(settings, recording)
    logger.info("recording %s uploaded as job %s", recording.id, job_id)
    return _delete_local_audio(settings, recording)


def sync_outbox(settings: Settings, target: ServerTarget) -> SyncReport:
    """Upload everything waiting, oldest first; stop at the first sign the server is unreachable."""
    report = SyncReport()
    with store.FolderLock(settings), _client(target) as client:
        # Re-read under the lock: another run may have sent some of them meanwhile.
        pending = waiting_for_upload(settings)
        for index, recording in enumerate(pending):
            try:
                report.uploaded.append(upload_one(settings, recording, target, client))
            except ServerUnreachable as exc:
                report.unreachable_reason = str(exc)
                report.waiting = pending[index:]
                break
            except UploadRefused as exc:
                # One refused recording must not hold back the others, unless the token
                # itself is refused: then every upload would be.
                report.refused.append(str(exc))
                if exc.token_refused:
                    break
    return report


def _client(target: ServerTarget) -> httpx.Client:
    return httpx.Client(base_url=target.url.rstrip("/"),
                        headers={"Authorization": f"Bearer {target.token}"},
                        timeout=httpx.Timeout(UPLOAD_TIMEOUT_S, connect=CONNECT_TIMEOUT_S))


def _post(recording: Recording, target: ServerTarget, client: httpx.Client) -> str:
    fields = {"case_reference": recording.case_reference, "recorded_at": recording.started_at.isoformat()}
    if recording.names:
        fields["names"] = ", ".join(recording.names)
    try:
        with open(recording.audio_path, "rb") as audio:
            response = client.post(
                UPLOAD_PATH, data=fields,
                files={"audio": (upload_name(recording), audio, "audio/wav")},
                headers={"Idempotency-Key": recording.idempotency_key})
    except httpx.TransportError as exc:
        raise ServerUnreachable(f"{target.url} cannot be reached ({type(exc).__name__})",
                                maybe_stored=not isinstance(exc, httpx.ConnectError)) from None
    if response.status_code in (200, 201, 202):
        if response.status_code == 200:
            logger.info("recording %s had reached the server before; it kept the first copy", recording.id)
        return _job_id(response)
    if response.status_code >= 500 or response.status_code in (408, 429):
        raise ServerUnreachable(f"{target.url} answered {response.status_code}; trying again later",
                                maybe_stored=True)
    raise UploadRefused(f"the server refused recording {recording.id} for case {recording.case_reference}: "
                        f"{_problem(response)}; it stays in the outbox",
                        token_refused=response.status_code in (401, 403))


def upload_name(recording: Recording) -> str:
    """The file name the server keeps: the recording's id, so it can be found there."""
    return f"{recording.id}.wav"


def _job_id(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    job = body.get("job_id")
    if job is None:
        # An acknowledgement we cannot file is no acknowledgement: keep the audio.
        raise UploadRefused(f"the server's answer ({response.status_code}) names no job id; "
                            "the recording stays in the outbox", maybe_stored=True)
    return str(job)


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
        detail = body.get("detail") or body.get("title")
    except ValueError:
        detail = None
    if response.status_code in (401, 403):
        return f"{response.status_code}: the token was not accepted ({detail or 'check --token'})"
    return f"{response.status_code}: {detail or response.reason_phrase}"


def _delete_local_audio(settings: Settings, recording: Recording) -> Recording:
    """Only ever called with the server's acknowledgement saved first."""
    if recording.status is not RecordingStatus.uploaded or not recording.job_id:
        raise RuntimeError(f"refusing to delete {recording.id}: no acknowledgement saved")
    if recording.audio_path.exists():
        os.unlink(recording.audio_path)
        fsync_folder(recording.audio_path.parent)
    return recording

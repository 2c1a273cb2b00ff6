"""Upload a recording (202 + job), list and describe recordings, stream their audio."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.db.audit import record_event
from api.deps import CaseWorker, ContextDep, CurrentUser, SessionDep
from api.problems import invalid_request
from api.schemas import RecordingAccepted, RecordingOut
from api.services.audio_check import check_audio_file, check_slot
from api.services.ranges import parse_range
from api.services.recordings import (RecordingForm, describe_recording, get_recording, list_recordings,
                                     repeat_of, store_recording)
from api.services.upload import receive_upload
from models.errors import AudioDeleted

UPLOAD_PATH = "/api/recordings"
router = APIRouter(prefix=UPLOAD_PATH, tags=["recordings"])

UPLOAD_BODY = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["audio", "case_reference"],
        "properties": {
            "audio": {"type": "string", "format": "binary",
                      "description": "wav, flac, mp3, m4a/aac, ogg/opus or webm; judged by content"},
            "case_reference": {"type": "string", "maxLength": 64},
            "names": {"type": "string", "description": 'People in the recording: "Kayden Price, Leanne"'},
            "recorded_at": {"type": "string", "format": "date-time"},
            "child_references": {"type": "string", "maxLength": 2000, "description": (
                "A family visit: each child's case reference, 'Mia: CIN-1001; Tyler: CIN-1002' (entries split by "
                "';', ',' or lines). case_reference is then the family's; each child's note goes on their own "
                "record")},
        }}}}},
    "responses": {"200": {"description": "A repeat of an upload with the same Idempotency-Key: the recording "
                                         "and job made the first time (nothing new is stored)"},
                  "413": {"description": "Too large (CASENOTE_MAX_UPLOAD_BYTES), or too many or too long form "
                                         "fields (CASENOTE_MAX_FORM_FIELDS, CASENOTE_MAX_FORM_FIELD_BYTES)"},
                  "415": {"description": "Not audio"},
                  "503": {"description": "Every upload-check slot stayed busy (CASENOTE_MAX_CONCURRENT_UPLOAD_CHECKS)"},
                  "422": {"description": "Empty, truncated or damaged audio; missing fields; an Idempotency-Key "
                                         "longer than 128 characters, or reused for a different recording"}},
}
MAX_IDEMPOTENCY_KEY = 128
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=MAX_IDEMPOTENCY_KEY, pattern=r"^[\x21-\x7e]+$",
    description="Names this upload (printable ASCII, at most 128 characters). A retry with the same key "
                "gets the recording and job of the first attempt back (200) instead of a second copy")]


@router.post("", status_code=202, openapi_extra=UPLOAD_BODY)
async def upload_recording(request: Request, db: SessionDep, user: CaseWorker, ctx: ContextDep,
                           response: Response, idempotency_key: IdempotencyKey = None) -> RecordingAccepted:
    """Upload a recording; it is stored (encrypted, fsync'd) before the 202, then
    transcribed and drafted in the background: follow ``job_url``. Send an
    ``Idempotency-Key`` so that a retry cannot store the recording twice."""
    await run_in_threadpool(db.commit)  # release the database while the audio streams in
    upload = await receive_upload(request, ctx.audio, ctx.settings)
    def check_audio():
        with check_slot(ctx.upload_checks, ctx.settings.upload_check_wait_s):
            return check_audio_file(upload.filename, lambda: ctx.audio.open_plain(upload.audio_file),
                                    ctx.settings.max_audio_seconds)

    def save() -> tuple[RecordingAccepted, bool]:
        # Runs whole in one thread: whatever happens, the audio is deleted only here, so an
        # awaiting request cut off half-way cannot delete audio that a stored row names.
        try:
            form = RecordingForm.model_validate(upload.fields)
            earlier = None
            if idempotency_key is not None:  # a known key needs no audio check: it is a repeat
                earlier = repeat_of(db, user, idempotency_key, upload, form)
                db.rollback()  # do not hold the database (SQLite: its write lock) while the audio is checked
            if earlier is None:
                accepted, created = store_recording(db, user, upload, check_audio(), form, idempotency_key)
            else:
                accepted, created = earlier, False
            if not created:  # a repeat (found first, or it lost the race): the first copy is kept
                ctx.audio.delete(upload.audio_file)
            return accepted, created
        except BaseException:
            db.rollback()
            ctx.audio.delete(upload.audio_file)
            raise

    try:
        accepted, created = await run_in_threadpool(save)
    except ValidationError as exc:
        raise invalid_request("the form is not valid", exc.errors()) from None
    if created:
        ctx.wake_background()
    else:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = accepted.job_url
    return accepted


@router.get("")
def recordings(db: SessionDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=200)] = 50,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[RecordingOut]:
    """Recordings visible to you (newest first) with job progress and draft state."""
    items = list_recordings(db, user, limit=limit, offset=offset)
    record_event(db, user, "list", "recording", None, count=len(items))
    db.commit()
    return items


@router.get("/{recording_id}")
def recording(recording_id: int, db: SessionDep, user: CurrentUser) -> RecordingOut:
    found = get_recording(db, user, recording_id)
    record_event(db, user, "view", "recording", found.id)
    out = describe_recording(db, found)
    db.commit()
    return out


@router.get("/{recording_id}/audio", response_class=Response,
                  responses={200: {"content": {"audio/*": {}}}, 206: {"description": "Partial content"},
                             410: {"description": "Deleted after the retention period"}})
def recording_audio(recording_id: int, request: Request, db: SessionDep, user: CurrentUser,
                    ctx: ContextDep) -> Response:
    """The decrypted audio, with HTTP Range support so a player can seek."""
    found = get_recording(db, user, recording_id)
    if found.audio_file is None:
        raise AudioDeleted("the audio was deleted after the retention period; the confirmed note is kept")
    name, media_type = found.audio_file, found.content_type
    size = ctx.audio.size(name)
    byte_range = parse_range(request.headers.get("range"), size)
    if request.method == "GET":
        record_event(db, user, "play", "recording", found.id,
                     range=f"{byte_range[0]}-{byte_range[1]}" if byte_range else "all")
    db.commit()  # the stream below must not hold a database transaction
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = byte_range, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(max(0, end - start + 1))
    if request.method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(ctx.audio.read_range(name, start, end), status_code=status, headers=headers,
                             media_type=media_type)


router.add_api_route("/{recording_id}/audio", recording_audio, methods=["HEAD"], include_in_schema=False)

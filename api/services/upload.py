"""Receive a multipart upload as a stream: the audio part is encrypted to disk as it
arrives (never held whole in memory or written in plain), its size is limited while
streaming, and its type is judged by its first bytes. What is held in memory (the
text fields, each part's headers) is bounded too: at most ``max_form_fields`` parts
besides the audio, each at most ``max_form_field_bytes``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.services.audio_check import MIN_SNIFF, looks_like_audio, not_audio_reason
from api.services.audio_store import AudioStore, SealedWriter
from models.errors import (AudioFileEmpty, FormTooLarge, InvalidRequest, MalformedUpload, NotAudio,
                           UnsupportedUpload, UploadTooLarge)
from models.settings import Settings

logger = logging.getLogger(__name__)

AUDIO_FIELD = "audio"
MAX_PART_HEADER_BYTES = 8 * 1024  # a part's headers (Content-Disposition, Content-Type)


@dataclass
class ReceivedUpload:
    audio_file: str
    filename: str
    size: int
    sha256: str
    fields: dict[str, str] = field(default_factory=dict)


def too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"the recording is larger than the limit of {limit / 1e6:.0f} MB (CASENOTE_MAX_UPLOAD_BYTES)")


def fields_allowance(settings: Settings) -> int:
    """Bytes an upload may hold besides its audio: the text fields and their framing."""
    return settings.max_form_fields * (settings.max_form_field_bytes + MAX_PART_HEADER_BYTES)


class _Receiver:
    """Callbacks for the streaming parser; raises a domain error to stop the upload."""

    def __init__(self, store: AudioStore, settings: Settings) -> None:
        self.store, self.max_bytes = store, settings.max_upload_bytes
        self.max_fields, self.max_field_bytes = settings.max_form_fields, settings.max_form_field_bytes
        self.parts = 0
        self.fields: dict[str, str] = {}
        self.writer: SealedWriter | None = None
        self.filename = ""
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._part: str | None = None
        self._is_audio = False
        self._value = bytearray()
        self._sniffed = False

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value_cb, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > self.max_fields + 1:  # + the audio
            raise FormTooLarge(f"the upload has more than {self.max_fields} form fields (CASENOTE_MAX_FORM_FIELDS)")
        self._headers, self._value, self._part, self._is_audio = {}, bytearray(), None, False
        self._header_bytes = 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_name += data[start:end]

    def _header_value_cb(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_value += data[start:end]

    def _count_header(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > MAX_PART_HEADER_BYTES:
            raise FormTooLarge(f"a part's headers are longer than {MAX_PART_HEADER_BYTES} bytes")

    def _header_end(self) -> None:
        self._headers[self._header_name.decode("latin-1").lower()] = bytes(self._header_value)
        self._header_name, self._header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._part = (options.get(b"name") or b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self._part == AUDIO_FIELD:
            if self.writer is not None:
                raise InvalidRequest("send one 'audio' file per recording")
            self.filename = (filename or b"recording").decode("utf-8", "replace").split("/")[-1][:200] or "recording"
            self.writer = self.store.writer()
            self._is_audio = True
        elif filename is not None:
            raise InvalidRequest(f"unexpected file part '{self._part}': the recording goes in 'audio'")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_audio:
            self._value += data[start:end]
            if len(self._value) > self.max_field_bytes:
                raise FormTooLarge(f"the form field '{self._part[:64]}' is longer than {self.max_field_bytes} bytes "
                                   "(CASENOTE_MAX_FORM_FIELD_BYTES)")
            return
        assert self.writer is not None
        self.writer.write(data[start:end])
        if self.writer.size > self.max_bytes:
            raise too_large(self.max_bytes)
        if not self._sniffed and self.writer.size >= MIN_SNIFF:
            self._sniff()

    def _sniff(self) -> None:
        self._sniffed = True
        if not looks_like_audio(self.writer.head):
            raise NotAudio(not_audio_reason(self.filename, self.writer.head))

    def _part_end(self) -> None:
        if self._is_audio:
            if self.writer.size == 0:
                raise AudioFileEmpty(f"{self.filename}: the file is empty (0 bytes)")
            if not self._sniffed:
                self._sniff()
        elif self._part:
            self.fields[self._part] = self._value.decode("utf-8", "replace")


async def receive_upload(request: Request, store: AudioStore, settings: Settings) -> ReceivedUpload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UnsupportedUpload("send the recording as multipart/form-data with an 'audio' file part")
    max_bytes, allowance = settings.max_upload_bytes, fields_allowance(settings)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + allowance:
        raise too_large(max_bytes)

    receiver = _Receiver(store, settings)
    parser = MultipartParser(boundary, receiver.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + allowance:
                raise too_large(max_bytes)
            try:
                parser.write(chunk)
            except MultipartParseError:
                raise MalformedUpload("the multipart body is malformed") from None
        parser.finalize()
        if receiver.writer is None:
            raise InvalidRequest("no 'audio' file part in the upload")
        # On disk and fsync'd before anyone is told the upload was accepted.
        name = await run_in_threadpool(receiver.writer.commit)
    except BaseException:
        if receiver.writer is not None:
            receiver.writer.abort()
        raise
    return ReceivedUpload(audio_file=name, filename=receiver.filename, size=receiver.writer.size,
                          sha256=receiver.writer.sha256.hexdigest(), fields=receiver.fields)

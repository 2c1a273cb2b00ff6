"""Limits every request body meets before a route sees it (ASGI middleware).

- Size: a body (JSON, a form) larger than ``max_request_bytes`` is refused with 413
  while it streams in, so no request can make the service hold more than that. The
  upload route is left out: it streams audio to disk and limits itself (its own
  ``CASENOTE_MAX_UPLOAD_BYTES`` and field limits, ``api/services/upload.py``).
- Broken text: a JSON body with half of a surrogate pair (``"\\ud800"``) is refused
  with 422. Python's JSON decoder accepts it, but no database, page or export can
  store or show it, so it would otherwise fail later as a 500."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import Problem, ProblemRaised, problem_response

# A \uXXXX escape of a surrogate, with the backslashes before it (an even count
# means the backslash of the escape is itself escaped: plain text, not a surrogate).
_SURROGATE_ESCAPE = re.compile(rb"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")


def lone_surrogate(body: bytes) -> str | None:
    """The first half of a surrogate pair escaped on its own in a JSON text, e.g. 'U+D800'."""
    pending_high: re.Match | None = None
    for match in _SURROGATE_ESCAPE.finditer(body):
        if len(match.group(1)) % 2 == 0:
            continue
        value = int(match.group(2), 16)
        if value < 0xDC00:  # a high half: a low half must follow at once
            if pending_high is not None:
                return f"U+{int(pending_high.group(2), 16):04X}"
            pending_high = match
        elif pending_high is not None and match.start() == pending_high.end():
            pending_high = None
        else:
            return f"U+{value:04X}"
    return f"U+{int(pending_high.group(2), 16):04X}" if pending_high is not None else None


def too_large(limit: int) -> Problem:
    return Problem(413, f"the request is larger than the limit of {limit:,} bytes (CASENOTE_MAX_REQUEST_BYTES)",
                   type_="request-too-large")


class RequestLimits:
    def __init__(self, app: ASGIApp, *, max_bytes: int, streams_itself: Callable[[Scope], bool]) -> None:
        self.app, self.max_bytes, self.streams_itself = app, max_bytes, streams_itself

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.streams_itself(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await problem_response(too_large(self.max_bytes))(scope, receive, send)
            return
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip().lower().endswith(b"json")
        received = bytearray()
        total = 0

        async def limited() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                total += len(chunk)
                if total > self.max_bytes:
                    raise ProblemRaised(too_large(self.max_bytes))
                if is_json:
                    received.extend(chunk)
                    if not message.get("more_body") and (found := lone_surrogate(bytes(received))):
                        raise ProblemRaised(Problem(
                            422, f"the JSON holds {found} on its own, half of a character: the client sent broken "
                                 "text; nothing was saved", type_="invalid-text"))
            return message

        await self.app(scope, limited, send)

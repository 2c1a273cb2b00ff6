"""The pages' way into the service: the signed-in person (the API's own
dependency, so cookie, CSRF and token rules are the same), and the service
functions the JSON API uses too (same scopes, same audit log)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.db.models import User, WebSession
from api.deps import OptionalUser
from api.services.context import ServiceContext


@dataclass
class SignedIn:
    user: User
    session: WebSession | None  # None for a bearer-token client

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""


def page_user(request: Request, user: OptionalUser) -> SignedIn | None:
    """Who is signed in; None sends the page to the sign-in form. For a POST from a
    page, the API's dependency has already checked the form's CSRF token."""
    if user is None:
        return None
    return SignedIn(user=user, session=getattr(request.state, "web_session", None))


Who = Annotated[SignedIn | None, Depends(page_user)]


def service(request: Request) -> ServiceContext:
    return request.app.state.ctx  # as the API's own get_context dependency


# Sign-in form: a double-submit token (cookie + hidden field) so another site
# cannot sign a browser in to an account of its choosing.
LOGIN_CSRF_COOKIE = "casenote_login_csrf"


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def login_token_ok(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(cookie and sent) and secrets.compare_digest(cookie, sent)

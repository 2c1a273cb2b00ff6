"""/docs works with no internet: the page refers only to files of this server, each
is served (and nothing else of node_modules), its CSP lets only its own scripts run,
and a real Chromium that may reach nothing but loopback renders the operations.
Also in the browser: the sign-in page's message when a user name is locked."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest

from api.docs_page import SWAGGER_DIST
from tests.api.conftest import make_settings
from tests.api.helpers import PASSWORD, add_user, live_server
from tests.browser import chromium

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Collects CSP violations from the page (an init script runs outside the page's CSP).
WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    if not (SWAGGER_DIST / "swagger-ui-bundle.js").is_file():
        pytest.fail("swagger-ui-dist is not installed: run `make ui-deps`")
    settings = make_settings(tmp_path_factory.mktemp("docs") / "data", sign_in_max_failures=2)
    with live_server(settings, background=False) as (url, app):
        add_user(app, "ada")
        yield url, app


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def offline_page(browser):
    """A page whose requests to anything but loopback are aborted (and recorded)."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    outside: list[str] = []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    yield page, outside
    context.close()


def test_docs_refer_only_to_this_server_and_nothing_else_of_node_modules_is_served(service):
    url, _app = service
    page = httpx.get(f"{url}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert len(refs) >= 4, refs  # css, favicon, bundle, openapi.json
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), f"not same-origin: {ref}"
        assert httpx.get(url + ref).status_code == 200, ref
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    for hidden in ("/docs/assets/package.json", "/docs/assets/index.html", "/docs/assets/swagger-ui.js.map",
                   "/docs/assets/..%2Fpackage.json", "/docs/assets/..%2F..%2Fgovuk-frontend%2Fpackage.json",
                   "/redoc"):
        assert httpx.get(url + hidden).status_code == 404, hidden


def test_chromium_renders_the_docs_with_the_internet_blocked(service, offline_page):
    url, _app = service
    page, outside = offline_page
    page.goto(f"{url}/docs")
    page.get_by_text("/api/recordings", exact=True).first.wait_for()
    page.get_by_text("/api/drafts/{draft_id}/confirm", exact=True).first.wait_for()
    assert page.locator(".opblock").count() >= 20  # every operation is listed
    page.get_by_text("/api/recordings", exact=True).first.click()  # an operation opens
    page.get_by_text("Idempotency-Key").first.wait_for()
    assert page.evaluate("window.__csp") == [], "the page's CSP blocked something it needs"
    assert outside == [], f"the docs tried to reach the internet: {outside}"


def test_the_sign_in_page_shows_a_locked_name_clearly(service, offline_page):
    url, _app = service
    page, _outside = offline_page
    page.goto(f"{url}/sign-in")
    for _ in range(2):
        page.fill("#username", "ada")
        page.fill("#password", "wrong-password-123")
        page.click("button[type=submit]")
        page.get_by_text("The user name or password is not right").first.wait_for()
    page.fill("#username", "ada")
    page.fill("#password", PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sign-in")) as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 429 and answer.value.headers["retry-after"].isdigit()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert re.search(r"too many failed sign-ins for this user name\. Wait \d+ minutes?, then try again",
                     alert.inner_text()), alert.inner_text()
    assert page.url.endswith("/sign-in"), "not signed in"

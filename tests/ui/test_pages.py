"""The pages over plain HTTP: sign-in rules, headers, the GOV.UK Frontend files."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.ui.conftest import PASSWORD, USER


@pytest.fixture
def web(service):
    with httpx.Client(base_url=service.url, timeout=30, follow_redirects=False) as client:
        yield client


def signed_in(web) -> httpx.Client:
    form = web.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = web.post("/sign-in", data={"username": USER, "password": PASSWORD, "csrf_token": token,
                                          "next": "/recordings/new"})
    assert response.status_code == 303 and response.headers["location"] == "/recordings/new"
    return web


def test_pages_need_sign_in(web):
    for path in ["/drafts", "/recordings/new", "/drafts/1", "/drafts/1/confirm", "/notes/1"]:
        response = web.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")


def test_sign_in_form_refuses_a_post_without_its_token(web):
    response = web.post("/sign-in", data={"username": USER, "password": PASSWORD})
    assert response.status_code == 400
    assert "casenote_session" not in response.headers.get("set-cookie", "")


def test_wrong_password_is_a_form_error_not_a_session(web):
    form = web.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = web.post("/sign-in", data={"username": USER, "password": "not the password", "csrf_token": token})
    assert response.status_code == 401
    assert "The user name or password is not right" in response.text
    assert "casenote_session" not in response.headers.get("set-cookie", "")


def test_sign_in_never_redirects_off_site(web):
    form = web.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = web.post("/sign-in", data={"username": USER, "password": PASSWORD, "csrf_token": token,
                                          "next": "//evil.example/"})
    assert response.headers["location"] == "/drafts"


def test_pages_send_a_strict_content_security_policy(web):
    page = signed_in(web).get("/drafts")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert 'name="csrf-token"' in page.text


def test_sign_out_needs_the_form_token(web):
    client = signed_in(web)
    assert client.post("/sign-out", data={"csrf_token": "wrong"}).status_code == 403
    assert client.get("/drafts").status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/drafts").text).group(1)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?signed_out=1"
    assert client.get("/drafts").status_code == 303


def test_govuk_frontend_files_are_served_from_node_modules(web):
    css = web.get("/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and "govuk-button" in css.text
    js = web.get("/govuk/govuk-frontend.min.js")
    assert js.status_code == 200 and "initAll" in js.text
    assert web.get("/assets/images/favicon.ico").status_code == 200
    assert web.get("/assets/fonts/bold-b542beb274-v2.woff2").status_code == 200


def test_nothing_else_under_node_modules_is_reachable(web):
    for path in ["/govuk/package.json", "/govuk/..%2F..%2Fpackage.json", "/assets/..%2F..%2F..%2Fpackage.json",
                 "/assets/%2e%2e/%2e%2e/index.scss"]:
        assert web.get(path).status_code == 404, path


def test_unknown_draft_is_a_404_page(web):
    response = signed_in(web).get("/drafts/987654")
    assert response.status_code == 404
    assert "Draft not found" in response.text


def test_a_disabled_account_is_signed_out_and_cannot_sign_in_again(service, tmp_path):
    """`casenote users disable` on a worker who is signed in: the next page sends them to
    the sign-in form, which refuses them with the same words as a wrong password."""
    import subprocess

    from tests.servers import CASENOTE

    def users(*args: str, stdin: str | None = None) -> None:
        done = subprocess.run([*CASENOTE, "users", *args], input=stdin, env=service.env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    users("add", "lee.leaver", "--role", "worker", stdin=PASSWORD + "\n")
    with httpx.Client(base_url=service.url, timeout=30, follow_redirects=False) as web:
        form = web.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        assert web.post("/sign-in", data={"username": "lee.leaver", "password": PASSWORD, "csrf_token": token,
                                          "next": "/drafts"}).status_code == 303
        assert web.get("/drafts").status_code == 200
        users("disable", "lee.leaver")
        page = web.get("/drafts")
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
        form = web.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        again = web.post("/sign-in", data={"username": "lee.leaver", "password": PASSWORD, "csrf_token": token})
        assert again.status_code == 401 and "The user name or password is not right" in again.text

"""The report page in a real browser: a manager of a team whose worker dictated and
signed visits (through the API, real transcription) opens /reports at 1280 and 375 px:
no serious or critical axe violations, no CSP refusal, the charts are named images
with a table beside each, the period's date inputs report their errors, and no
note text is on the page. The worker's menu has no report."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.servers import CASENOTE
from tests.ui.conftest import PASSWORD, ApiClient, axe_violations

pytestmark = pytest.mark.browser

TEAM = "reports-team"
WORKER, MANAGER = "ria.worker", "max.manager"


class SignedIn(ApiClient):
    def __init__(self, base_url: str, username: str) -> None:
        super().__init__(base_url)
        self.username = username

    def __enter__(self) -> "SignedIn":
        super(ApiClient, self).__enter__()
        response = self.post("/api/auth/login", json={"username": self.username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return self


def sign_and_wait(client, audio, case_reference: str, days_ago: int) -> None:
    recorded = datetime.now(ZoneInfo("Europe/London")) - timedelta(days=days_ago)
    with audio.open("rb") as f:
        accepted = client.post("/api/recordings", data={"case_reference": case_reference,
                                                        "recorded_at": recorded.isoformat()},
                               files={"audio": (audio.name, f, "audio/wav")})
    assert accepted.status_code == 202, accepted.text
    deadline = time.monotonic() + 240
    while (job := client.get(accepted.json()["job_url"]).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert job["status"] == "done", job
    draft = client.get(f"/api/drafts/{job['draft_id']}")
    view = draft.json()
    factors = [{"code": f["code"], "child": f["child"], "decision": "accepted" if n == 0 else "rejected"}
               for n, f in enumerate(view["review"]["factors"])]
    empty = {s["key"]: "Nothing to add." for s in view["review"]["sections"] if not s["text"].strip()}
    saved = client.patch(f"/api/drafts/{job['draft_id']}", json={"factors": factors, "sections": empty},
                         headers={"If-Match": draft.headers["ETag"]})
    assert saved.status_code == 200, saved.text
    assert client.post(f"/api/drafts/{job['draft_id']}/confirm").status_code == 201


@pytest.fixture(scope="module")
def team_history(service, dictation_wav) -> None:
    for name, role in ((WORKER, "worker"), (MANAGER, "manager")):
        added = subprocess.run([*CASENOTE, "users", "add", name, "--role", role, "--team", TEAM],
                               input=PASSWORD + "\n", env=service.env, cwd=service.cwd, capture_output=True,
                               text=True, timeout=120)
        assert added.returncode == 0, added.stderr
    with SignedIn(service.url, WORKER) as client:
        sign_and_wait(client, dictation_wav, "UI-REPORT-1", days_ago=9)
        sign_and_wait(client, dictation_wav, "UI-REPORT-2", days_ago=2)


def sign_in_as(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/drafts")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_report_page_has_no_serious_axe_violations(service, browser, team_history, width):
    # bypass_csp: axe is injected as an inline script, which the pages' CSP refuses.
    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    sign_in_as(page, service.url, MANAGER)
    page.click("a.govuk-service-navigation__link[href='/reports']") if width > 640 else page.goto(
        f"{service.url}/reports")
    page.wait_for_selector("#chart-weekly")
    found = {"report": axe_violations(page)}
    # The charts: named images with a description, each with a table of its values beside it.
    for chart, table in (("chart-weekly", "weekly-table"), ("chart-codes", "codes-table")):
        svg = page.locator(f"svg#{chart}")
        assert svg.get_attribute("role") == "img"
        labelled = svg.get_attribute("aria-labelledby").split()
        assert [page.locator(f"[id='{i}']").text_content() for i in labelled][0] in (
            "Time to signed note per week", "Acceptance per census code")
        assert page.locator(f"#{table} tbody tr").count() >= 1
    assert page.locator("#weekly-table tbody tr").count() == 2  # visits 9 and 2 days ago: two weeks
    def figure(key: str) -> str:
        row = page.locator("#volume .govuk-summary-list__row").filter(has=page.locator("dt", has_text=key))
        return row.locator("dd").inner_text()

    assert (figure("Recordings"), figure("Visits signed")) == ("2", "2")
    assert "Estimate" in page.locator("#saved-heading").inner_text()
    assert "25 words a minute" in page.locator("#assumption").inner_text()
    body = page.locator("main").inner_text()
    for said in ("drinking heavily", "went missing", "Nothing to add"):
        assert said not in body  # no note text on the report
    # The period's date inputs: a date that does not exist is an error, linked from the summary.
    page.fill("#from-day", "31")
    page.fill("#from-month", "2")
    page.click("#report-submit")
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator(".govuk-error-summary a[href='#from-day']").inner_text() == "The start date must be a real date"
    found["report with an error"] = axe_violations(page)
    ctx.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_the_report_page_keeps_to_the_content_security_policy(service, browser, team_history):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in_as(page, service.url, MANAGER)
    page.goto(f"{service.url}/reports")
    page.wait_for_selector("#chart-codes")
    # The patterned fills come from app.css through the SVG's own <pattern>s.
    fill = page.evaluate("getComputedStyle(document.querySelector('.cn-chart__seg--rejected')).fill")
    assert "cn-pattern-stripes" in fill
    ctx.close()
    assert refused == []


def test_a_worker_has_no_report(service, browser, team_history):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in_as(page, service.url, WORKER)
    assert page.locator("a[href='/reports']").count() == 0
    answer = page.goto(f"{service.url}/reports")
    assert answer.status == 404 and "Page not found" in page.locator("h1").inner_text()
    ctx.close()

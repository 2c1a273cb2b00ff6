"""Accessibility: axe-core on every page (no serious or critical violations), the
review screen used from the keyboard alone, and the in-browser recorder."""

from __future__ import annotations

import pytest

from tests.ui.conftest import USER, ApiClient, axe_violations, sign_in, upload_and_wait, wait_saved

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def confirmed_note(service, dictation_wav) -> int:
    """A draft decided and confirmed through the API, for the note page."""
    with ApiClient(service.url) as client:
        draft_id = upload_and_wait(client, dictation_wav, "UI-A11Y-2")
        view = client.get(f"/api/drafts/{draft_id}").json()
        decisions = [{"code": f["code"], "decision": "rejected"} for f in view["review"]["factors"]]
        empty = {s["key"]: "Nothing to add." for s in view["review"]["sections"] if not s["text"].strip()}
        saved = client.patch(f"/api/drafts/{draft_id}", json={"factors": decisions, "sections": empty},
                             headers={"If-Match": f'"{view["version"]}"'})
        assert saved.status_code == 200, saved.text
        confirmed = client.post(f"/api/drafts/{draft_id}/confirm")
        assert confirmed.status_code == 201, confirmed.text
        return confirmed.json()["id"]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_has_no_serious_axe_violations(service, browser, shared_draft, confirmed_note, width):
    # bypass_csp: axe is injected as an inline script, which the pages' CSP refuses.
    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    found = {}
    page.goto(f"{service.url}/sign-in")
    found["sign in"] = axe_violations(page)
    page.fill("#username", USER)
    page.fill("#password", "wrong password here")
    page.click("button[type=submit]")
    found["sign in with an error"] = axe_violations(page)
    sign_in(page, service.url)
    pages = {
        "my drafts": "/drafts",
        "new recording": "/recordings/new",
        "review": f"/drafts/{shared_draft}",
        "check and confirm": f"/drafts/{shared_draft}/confirm",
        "confirmed note": f"/notes/{confirmed_note}?confirmed=1",
        "not found": "/drafts/999999",
    }
    for name, path in pages.items():
        page.goto(f"{service.url}{path}")
        page.wait_for_load_state("networkidle") if name != "review" else page.wait_for_selector("#save-status")
        found[name] = axe_violations(page)
    # States the scripts add: an upload error summary, a conflict panel, census problems.
    page.goto(f"{service.url}/recordings/new")
    page.click("#upload-submit")
    page.wait_for_selector("#upload-errors:not([hidden])")
    found["new recording with errors"] = axe_violations(page)
    page.goto(f"{service.url}/drafts/{shared_draft}")
    page.fill("#code-search", "21")
    found["review with a code search"] = axe_violations(page)
    ctx.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_review_screen_works_from_the_keyboard(service, context, shared_draft):
    page = context.new_page()
    sign_in(page, service.url)
    page.goto(f"{service.url}/drafts/{shared_draft}")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")

    # Sections: Alt+Down / Alt+Up move between the text areas.
    page.keyboard.press("Alt+ArrowDown")
    first = page.evaluate("document.activeElement.dataset.sectionKey")
    page.keyboard.press("Alt+ArrowDown")
    second = page.evaluate("document.activeElement.dataset.sectionKey")
    assert first and second and first != second
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement.dataset.sectionKey") == first

    # Play and pause without the mouse, even while typing in a section.
    page.keyboard.press("Alt+k")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.keyboard.press("Alt+k")
    page.wait_for_function("() => document.getElementById('audio').paused")

    # Paused: nothing is marked as playing any more.
    assert page.locator(".cn-sentence--playing").count() == 0
    assert "playing" not in page.inner_text("#now-playing")

    # Suggestions: Alt+F goes to them, arrows move, A accepts and R rejects, each moving on
    # to the next suggestion still to decide.
    page.keyboard.press("Alt+f")
    assert "cn-factor" in page.evaluate("document.activeElement.className")
    code = page.evaluate("document.activeElement.dataset.code")
    codes = page.eval_on_selector_all(".cn-factor:not([hidden])", "els => els.map(e => e.dataset.code)")
    later = [c for c in codes[codes.index(code) + 1:]
             if page.get_attribute(f".cn-factor[data-code='{c}']", "data-decision") == "undecided"]
    page.keyboard.press("a")
    assert page.get_attribute(f".cn-factor[data-code='{code}']", "data-decision") == "accepted"
    assert page.evaluate("document.activeElement.dataset.code") == (later[0] if later else code)
    page.focus(f".cn-factor[data-code='{code}']")
    page.keyboard.press("r")
    assert page.get_attribute(f".cn-factor[data-code='{code}']", "data-decision") == "rejected"
    if len(codes) > 1:
        page.focus(f".cn-factor[data-code='{codes[0]}']")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.code") == codes[1]
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.dataset.code") == codes[0]
    # P plays the suggestion's evidence, and focus stays on the suggestion (A and R go on working).
    page.focus(f".cn-factor[data-code='{code}']")
    page.keyboard.press("p")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert page.evaluate("document.activeElement.dataset.code") == code
    page.keyboard.press("Alt+k")
    wait_saved(page)

    # Adding a code: type, arrow down into the matches, Enter.
    page.focus("#code-search")
    page.keyboard.type("gangs")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.code") == "13A"
    page.keyboard.press("Enter")
    assert "13A" in page.inner_text("#added-list")
    assert page.evaluate("document.activeElement.id") == "code-search"  # ready for the next one
    wait_saved(page)

    # The list of codes is one Tab stop, moved through with the arrow keys, and Check and
    # confirm is at most 5 Tabs from the code search.
    stops = []
    for _ in range(5):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
        if stops[-1] == "to-confirm":
            break
    assert stops[-1] == "to-confirm" and len(stops) <= 5, stops
    assert sum("cn-code-option" in stop for stop in stops) == 1, stops
    page.focus("#code-search")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.dataset.code")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.code")
    assert first != second and page.evaluate("document.activeElement.tabIndex") == 0
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.dataset.code") == first
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "code-search"  # above the first: back to typing


def test_recording_in_the_browser_shows_time_and_level(service, context):
    """Chromium's fake microphone (a tone) stands in for a phone's."""
    page = context.new_page()
    sign_in(page, service.url)
    page.goto(f"{service.url}/recordings/new")
    page.wait_for_selector("#recorder:not([hidden])")
    page.click("#record-start")
    page.wait_for_selector("#record-live:not([hidden])")
    page.wait_for_function("() => document.getElementById('record-elapsed').textContent === '0:02'", timeout=10_000)
    peak = float(page.get_attribute("#record-level", "data-peak"))
    assert peak > 0.3, f"the level meter should move with the input (peak {peak})"
    page.click("#record-stop")
    page.wait_for_selector("#record-done:not([hidden])")
    file = page.evaluate("(() => { const f = document.getElementById('audio').files[0];"
                         " return f && { name: f.name, size: f.size, type: f.type } })()")
    assert file and file["size"] > 1000 and file["name"].startswith("dictation-"), file
    assert "0:02" in page.inner_text("#record-summary")

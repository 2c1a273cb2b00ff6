"""The worker's whole path in a real browser: sign in, upload a recording, wait for
its draft, check it against the audio, edit, decide the factors, confirm, and see
the read-only note."""

from __future__ import annotations

import base64

import pytest

from tests.ui.conftest import ARTIFACTS, sign_in, wait_saved

pytestmark = pytest.mark.browser

EDIT = " Mother was calm and engaged throughout."


def drop_file(page, selector: str, path, mime: str) -> None:
    """Drag a file from 'outside the browser' onto the drop zone."""
    data = base64.b64encode(path.read_bytes()).decode()
    page.evaluate(
        """([selector, name, mime, data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
            const transfer = new DataTransfer()
            transfer.items.add(new File([bytes], name, { type: mime }))
            const zone = document.querySelector(selector)
            for (const type of ['dragenter', 'dragover', 'drop']) {
              zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }))
            }
        }""",
        [selector, path.name, mime, data],
    )


def audio_time(page) -> float:
    return page.evaluate("document.getElementById('audio').currentTime")


def test_upload_review_edit_decide_confirm(service, context, dictation_wav):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # --- sign in, upload by drag and drop, follow the job -------------------------
    sign_in(page, service.url)
    page.click("text=New recording")
    page.fill("#case-reference", "UI-FLOW-7")
    page.fill("#names", "Kayden")
    drop_file(page, "#drop-zone", dictation_wav, "audio/wav")
    assert "Chosen: visit-note.wav" in page.inner_text("#audio-chosen")
    page.click("#upload-submit")
    page.wait_for_selector("#after-upload:not([hidden])")
    page.wait_for_selector("#review-link:not([hidden])", timeout=240_000)
    page.click("#review-link")
    page.wait_for_url("**/drafts/*")
    draft_url = page.url

    # --- the draft: audio player, sentences, suggestions ---------------------------
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    sentences = page.locator("button.cn-sentence")
    assert sentences.count() >= 4
    target = sentences.nth(2)
    start = float(target.get_attribute("data-start"))
    assert start > 1.0
    target.click()
    page.wait_for_function(f"() => document.getElementById('audio').currentTime >= {start - 0.05}")
    assert abs(audio_time(page) - start) < 2.0
    # The sentence being heard is marked while the audio runs.
    assert page.locator(".cn-sentence--playing").count() == 1
    playing_start = float(page.locator(".cn-sentence--playing").get_attribute("data-start"))
    assert playing_start <= audio_time(page) + 0.1
    page.keyboard.press("Alt+k")  # pause from the keyboard
    page.wait_for_function("() => document.getElementById('audio').paused")

    # --- edit a section; it is autosaved and survives a reload ---------------------
    purpose = page.locator("textarea.cn-section-text").first
    key = purpose.get_attribute("data-section-key")
    purpose.click()
    purpose.press("End")
    purpose.type(EDIT)
    wait_saved(page)
    assert "Saved at" in page.inner_text("#save-status")
    page.reload()
    assert page.input_value(f"#text-{key}").endswith(EDIT)
    # The worker completes what the recording did not cover (required sections).
    boxes = page.locator("textarea.cn-section-text")
    for i in range(boxes.count()):
        if not boxes.nth(i).input_value().strip():
            boxes.nth(i).fill("Nothing to add.")

    # --- factors: evidence, accept one, reject another, add one by hand ------------
    factors = page.locator(".cn-factor")
    assert factors.count() >= 2, "the dictated note should give at least two suggestions"
    codes = [factors.nth(i).get_attribute("data-code") for i in range(factors.count())]
    evidence = factors.nth(0).locator(".cn-evidence").first
    evidence.click()
    sentence_id = evidence.get_attribute("data-sentence")
    assert sentence_id, "evidence should point at a sentence of the note"
    page.wait_for_selector(f"#{sentence_id}.cn-sentence--found")
    assert page.evaluate("document.activeElement.id") == sentence_id
    ev_start = float(page.get_attribute(f"#{sentence_id}", "data-start"))
    page.wait_for_function(f"() => Math.abs(document.getElementById('audio').currentTime - {ev_start}) < 2")
    page.evaluate("document.getElementById('audio').pause()")

    factors.nth(0).locator("button[data-decision=accepted]").click()
    factors.nth(1).locator("button[data-decision=rejected]").click()
    for i in range(2, factors.count()):  # the rest: rejected, so the note can be confirmed
        factors.nth(i).locator("button[data-decision=rejected]").click()
    assert factors.nth(0).get_attribute("data-decision") == "accepted"
    assert "Accepted" in factors.nth(0).inner_text()
    page.fill("#code-search", "young carer")
    assert page.locator("#code-options li:not([hidden])").count() == 1
    page.click(".cn-code-option[data-code='7A']")
    assert "7A" in page.inner_text("#added-list")
    # A census rule problem shows inline: 21 cannot go with other factors.
    page.fill("#code-search", "21")
    page.click(".cn-code-option[data-code='21']")
    page.wait_for_selector("#census-problems:not([hidden])")
    assert "8869" in page.inner_text("#census-problems")
    page.click("#added-list .cn-remove[data-code='21']")
    wait_saved(page)
    page.wait_for_selector("#census-problems", state="hidden")

    # --- check and confirm --------------------------------------------------------
    page.click("#to-confirm")
    page.wait_for_url("**/confirm")
    summary = page.inner_text("main")
    assert EDIT.strip() in summary and "7A" in summary and codes[0] in summary
    assert page.is_hidden("#confirm-errors"), page.inner_text("#confirm-errors")
    page.click("#confirm-button")
    page.wait_for_url("**/notes/*")
    assert "Note confirmed" in page.inner_text(".govuk-panel")
    note = page.inner_text("main")
    assert EDIT.strip() in note
    recorded = set(page.locator("#note-factors .cn-code").all_inner_texts())
    assert recorded == {codes[0], "7A"}, recorded
    assert page.locator("textarea").count() == 0  # read-only
    # Export: the signed note downloads as plain text for the case system's editor.
    page.check("#format-text")
    with page.expect_download() as download:
        page.click("#export-form button[type=submit]")
    exported = open(download.value.path(), encoding="utf-8").read()
    assert EDIT.strip() in exported and codes[0] in exported
    assert "Sent to the record" in page.inner_text("main")
    # The draft now opens as the confirmed note: nothing left to edit.
    note_url = page.url.split("?")[0]
    page.goto(draft_url)
    assert page.url == note_url
    assert page.locator("textarea").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors


def test_review_screenshots(service, browser, shared_draft):
    """Screenshots of the review screen at desktop and phone width (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in [("desktop", {"width": 1280, "height": 900}), ("phone-375", {"width": 375, "height": 812})]:
        ctx = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = ctx.new_page()
        sign_in(page, service.url)
        page.goto(f"{service.url}/drafts/{shared_draft}")
        page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
        # Nothing wider than the screen (no sideways scrolling on a phone).
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"
        # Show the sentence being played, as the worker sees it.
        page.locator("button.cn-sentence").nth(1).click()
        page.wait_for_selector(".cn-sentence--playing")
        page.evaluate("document.getElementById('audio').pause()")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"review-{name}.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / f"review-{name}-screen.png"))
        ctx.close()

"""Autosave never loses an edit: the server restarting mid-edit, the network
dropping, and two tabs editing the same draft (409 shown, both versions kept)."""

from __future__ import annotations

import json

import pytest

from tests.ui.conftest import ARTIFACTS, ApiClient, sign_in, wait_saved

pytestmark = pytest.mark.browser


def section_text(service, draft_id: int, key: str) -> str:
    with ApiClient(service.url) as client:
        view = client.get(f"/api/drafts/{draft_id}").json()
    return next(s["text"] for s in view["review"]["sections"] if s["key"] == key)


def open_draft(context, service, draft_id: int):
    page = context.new_page()
    sign_in(page, service.url)
    page.goto(f"{service.url}/drafts/{draft_id}")
    page.wait_for_selector("#save-status[data-state='saved']")
    return page


def append(page, key: str, text: str) -> None:
    box = page.locator(f"#text-{key}")
    box.click()
    box.press("End")
    box.type(text)


def unsaved(page, draft_id: int) -> dict:
    stored = page.evaluate(f"localStorage.getItem('casenote.draft.{draft_id}.unsaved')")
    return json.loads(stored)["changes"] if stored else {}


def test_edit_survives_a_server_restart(service, context, shared_draft):
    page = open_draft(context, service, shared_draft)
    append(page, "observations", " Before the restart.")
    wait_saved(page)

    service.kill()  # the server dies mid-edit (SIGKILL: no clean shutdown)
    append(page, "observations", " During the outage.")
    page.wait_for_selector("#save-status[data-state='unreachable']", timeout=20_000)
    assert "kept on this device" in page.inner_text("#save-status")
    assert unsaved(page, shared_draft)["section:observations"].endswith("During the outage.")

    service.start()
    wait_saved(page, timeout=40_000)  # the retry sends it once the server is back
    assert unsaved(page, shared_draft) == {}
    text = section_text(service, shared_draft, "observations")
    assert text.endswith("Before the restart. During the outage.")
    page.reload()
    assert page.input_value("#text-observations") == text


def test_edit_made_offline_is_sent_when_back_online(service, context, shared_draft):
    page = open_draft(context, service, shared_draft)
    context.set_offline(True)
    append(page, "analysis", " Written offline.")
    page.wait_for_selector("#save-status[data-state='offline']")
    assert "Offline" in page.inner_text("#save-status")
    assert unsaved(page, shared_draft)["section:analysis"].endswith("Written offline.")
    assert not section_text(service, shared_draft, "analysis").endswith("Written offline.")

    context.set_offline(False)
    wait_saved(page)
    assert section_text(service, shared_draft, "analysis").endswith("Written offline.")


def test_edits_kept_in_the_browser_are_restored_after_closing_the_tab(service, context, shared_draft):
    page = open_draft(context, service, shared_draft)
    context.set_offline(True)
    append(page, "actions", " Typed, then the tab closed.")
    page.wait_for_selector("#save-status[data-state='offline']")
    page.close()
    context.set_offline(False)

    page = context.new_page()
    page.goto(f"{service.url}/drafts/{shared_draft}")
    assert page.input_value("#text-actions").endswith("Typed, then the tab closed.")
    wait_saved(page)
    assert section_text(service, shared_draft, "actions").endswith("Typed, then the tab closed.")


def test_two_tabs_editing_the_same_section_show_a_conflict_and_lose_nothing(service, context, shared_draft):
    first = open_draft(context, service, shared_draft)
    second = context.new_page()
    second.goto(f"{service.url}/drafts/{shared_draft}")
    second.wait_for_selector("#save-status[data-state='saved']")

    append(first, "purpose", " Edit from tab one.")
    wait_saved(first)
    append(second, "purpose", " Edit from tab two.")
    second.wait_for_selector("#conflict:not([hidden])")
    ARTIFACTS.mkdir(exist_ok=True)
    second.screenshot(path=str(ARTIFACTS / "review-conflict.png"))
    assert second.get_attribute("#save-status", "data-state") == "conflict"
    panel = second.inner_text("#conflict")
    assert "Edit from tab one." in panel and "Edit from tab two." in panel
    # Nothing overwritten: the server still has tab one's text, tab two's is kept locally.
    assert section_text(service, shared_draft, "purpose").endswith("Edit from tab one.")
    assert unsaved(second, shared_draft)["section:purpose"].endswith("Edit from tab two.")

    second.click("#conflict-items button[data-choice='both']")
    wait_saved(second)
    assert second.is_hidden("#conflict")
    saved = section_text(service, shared_draft, "purpose")
    assert "Edit from tab one." in saved and "Edit from tab two." in saved
    assert second.input_value("#text-purpose") == saved


def test_tabs_editing_different_fields_merge_without_asking(service, context, shared_draft):
    first = open_draft(context, service, shared_draft)
    second = context.new_page()
    second.goto(f"{service.url}/drafts/{shared_draft}")
    second.wait_for_selector("#save-status[data-state='saved']")

    append(first, "other_information", " School says attendance is good.")
    wait_saved(first)
    second.check("#child-c1-bedroom_seen-no")  # the (only) child's record
    wait_saved(second)
    assert second.is_hidden("#conflict")
    # The other tab's text is shown, and both changes are on the server.
    assert second.input_value("#text-other_information").endswith("School says attendance is good.")
    with ApiClient(service.url) as client:
        view = client.get(f"/api/drafts/{shared_draft}").json()
    assert view["review"]["visit"]["bedroom_seen"] is False
    other = next(s["text"] for s in view["review"]["sections"] if s["key"] == "other_information")
    assert other.endswith("School says attendance is good.")

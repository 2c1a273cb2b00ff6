"""Issue 15's try, run as a worker would in a real browser: a dictated visit to two children
with one misrecognised name in a disclosure and four real factors, from "draft ready" (the
review screen open) to the notes signed. The worker corrects the misheard words; the
physical-abuse suggestion then appears on Tyler's record without a code added by hand.
Each worker action is counted and the count printed (target: at most 12).

The recording says what Whisper heard in the try ("Greg's Mac Tyler" for "Craig smacked
Tyler"), so the draft misses the disclosure on every CPU, whatever Whisper's kernels; the
other answers and suggestions are read from the page, and every one the worker has to put
right is an action counted."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.ui.conftest import ApiClient, sign_in, spoken, wait_saved

pytestmark = pytest.mark.browser

DICTATION = (
    "Statutory visit to Mia and her brother Tyler at home on Tuesday at 4 pm. "
    "Mum Leanne, Mia and Tyler were present. Mia was seen alone in her bedroom. "
    "Tyler, aged four, was seen, but he was not seen alone because he was asleep. "
    "The home was tidy and there was food in the fridge. "
    "Mum said she has been drinking every night. Mia told me she looks after Tyler when mum stays in bed. "
    "Mia said Greg's Mac Tyler when he cries. Mum's new partner is called Craig. "
    "I am worried that the children are not safe at night when mum drinks. "
    "I will refer mum to the alcohol service."
)
MISHEARD = re.compile(r"(?<=said)[ ,]*Greg'?s[ ,]*Mac[ ,]*(?=Tyler)", re.IGNORECASE)
REFERENCES = {"Mia": "CN-MIA-15", "Tyler": "CN-TYL-15"}
WANTED = {"Mia": {"1B", "7A"}, "Tyler": {"1B", "18C"}}  # the four real factors
ANSWERS = {"Mia": ("yes", "yes", "yes"), "Tyler": ("yes", "no", "unknown")}
FIELDS = ("child_seen", "child_seen_alone", "bedroom_seen")
MOST_ACTIONS = 12


@pytest.fixture(scope="module")
def try_wav(tmp_path_factory) -> Path:
    return spoken(tmp_path_factory.mktemp("try-audio") / "two-children.wav", DICTATION)


@pytest.fixture
def try_draft(service, try_wav) -> int:
    """Uploaded with each child's case reference: the draft is ready when the test starts."""
    with ApiClient(service.url) as api, try_wav.open("rb") as audio:
        accepted = api.post("/api/recordings", files={"audio": (try_wav.name, audio, "audio/wav")},
                            data={"case_reference": "TRY-15", "names": "Leanne",
                                  "child_references": "; ".join(f"{n}: {r}" for n, r in REFERENCES.items())})
        assert accepted.status_code == 202, accepted.text
        deadline = time.monotonic() + 240
        while (job := api.get(accepted.json()["job_url"]).json())["status"] != "done":
            assert job["status"] != "failed" and time.monotonic() < deadline, job
            time.sleep(0.5)
        return job["draft_id"]


class Actions:
    """What the worker does, one entry per click, shortcut or run of typing."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def __call__(self, what: str) -> None:
        self.done.append(what)


def test_the_try_signs_in_a_few_actions_and_the_corrected_disclosure_is_suggested(service, context, try_draft):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, service.url)
    page.goto(f"{service.url}/drafts/{try_draft}")
    wait_saved(page)
    act = Actions()  # draft ready: from here on, everything the worker does is counted
    with ApiClient(service.url) as api:
        heard = api.get(f"/api/drafts/{try_draft}").json()["note"]["transcript"]["text"]

    cards = page.locator(".cn-child:not([hidden])")
    keys = {page.input_value(f"#child-{key}-name"): key
            for key in (cards.nth(i).get_attribute("data-child-key") for i in range(cards.count()))}
    for name in set(keys) - set(REFERENCES):  # a misheard word taken for a child: taken off
        page.click(f".cn-child[data-child-key='{keys.pop(name)}'] .cn-child-remove")
        act(f"take {name!r} off")
    assert set(keys) == set(REFERENCES), (keys, heard)
    names = {key: name for name, key in keys.items()}
    assert page.locator(".cn-factor[data-code='18C']").count() == 0  # the misheard disclosure gives nothing

    # --- the one correction: select the misheard words, type the right ones -------------
    boxes = page.locator("textarea.cn-section-text")
    texts = [boxes.nth(i).input_value() for i in range(boxes.count())]
    where = [(i, m) for i, text in enumerate(texts) if (m := MISHEARD.search(text))]
    assert len(where) == 1, (texts, heard)
    i, misheard = where[0]
    box = boxes.nth(i)
    box.click()
    box.evaluate("(el, [start, end]) => el.setSelectionRange(start, end)", [misheard.start(), misheard.end()])
    act("select the misheard words")
    page.keyboard.type(" Craig smacked ")
    act("type 'Craig smacked'")
    assert "said Craig smacked Tyler" in box.input_value()

    # The suggestion follows the text: 18C, on Tyler's record only, marked new from the edit.
    added = page.locator(".cn-factor[data-code='18C'][data-from-edit]")
    added.wait_for(timeout=20_000)
    assert "New from your edit" in added.inner_text()
    on = set(added.locator(".cn-decide:not([hidden])").evaluate_all("els => els.map(e => e.dataset.child)"))
    assert on == {keys["Tyler"]}, on

    # --- each suggestion: Alt+F to the first undecided, then A or R (each moves on) -----
    page.keyboard.press("Alt+f")
    act("Alt+F")
    while page.locator(".cn-factor:not([hidden])[data-decision='undecided']").count():
        li = page.locator(":focus")
        assert "cn-factor" in (li.get_attribute("class") or ""), "focus left the suggestions"
        code = li.get_attribute("data-code")
        children = li.locator(".cn-decide:not([hidden])").evaluate_all("els => els.map(e => e.dataset.child)")
        wanted = [code in WANTED[names[child]] for child in children]
        if all(wanted) or not any(wanted):
            page.keyboard.press("a" if all(wanted) else "r")
            act(f"{'A' if all(wanted) else 'R'} on {code}")
        else:  # wanted on one child's record, not the other's: one button each
            for child, keep in zip(children, wanted):
                li.locator(f".cn-decide[data-child='{child}'] button[data-decision="
                           f"{'accepted' if keep else 'rejected'}]").click()
                act(f"{code} for {names[child]}")
            page.keyboard.press("Alt+f")
            act("Alt+F")
    # A real factor the draft did not suggest at all would be added by hand (none here).
    for name, codes in WANTED.items():
        for code in sorted(codes):
            if page.locator(f".cn-factor[data-code='{code}'] .cn-decide[data-child='{keys[name]}']"
                            f":not([hidden])").count() == 0:
                page.select_option("#add-for", keys[name])
                act(f"choose {name} to add a code for")
                page.fill("#code-search", code)
                act(f"type {code} in the code search")
                page.click(f".cn-code-option[data-code='{code}']")
                act(f"add {code}")

    # --- each child's answers the recording got wrong or did not give -------------------
    for name, key in keys.items():
        for field, value in zip(FIELDS, ANSWERS[name]):
            if not page.is_checked(f"#child-{key}-{field}-{value}"):
                page.check(f"#child-{key}-{field}-{value}")
                act(f"{name}: {field} {value}")

    # --- required sections nothing was said for ------------------------------------------
    for link in page.locator("#to-do-list a[data-field^='text-']").all():
        field = link.get_attribute("data-field")
        page.click(f"#{field}")
        act(f"go to {field}")
        page.keyboard.type("Nothing further to note.")
        act(f"write {field}")
    wait_saved(page)
    page.wait_for_selector("#to-do", state="hidden")

    # --- check, confirm and sign --------------------------------------------------------
    page.click("#to-confirm")
    act("Check and confirm")
    page.wait_for_url("**/confirm")
    assert page.is_hidden("#confirm-errors"), page.inner_text("#confirm-errors")
    page.click("#confirm-button")
    act("Confirm and sign")
    page.wait_for_url("**/notes/*")
    assert "2 notes confirmed" in page.inner_text(".govuk-panel")

    print(f"\nissue 15's try: {len(act.done)} worker actions from draft ready to signed: {', '.join(act.done)}")
    assert len(act.done) <= MOST_ACTIONS, (act.done, heard)

    with ApiClient(service.url) as api:
        ids = api.get(f"/api/drafts/{try_draft}").json()["confirmed_note_ids"]
        notes = {n["child"]["name"]: n for n in (api.get(f"/api/notes/{i}").json() for i in ids)}
    assert {name: {f["code"] for f in n["factors"]} for name, n in notes.items()} == WANTED
    for name, note in notes.items():
        assert note["case_reference"] == REFERENCES[name]
        assert tuple({True: "yes", False: "no", None: "unknown"}[note["visit"][f]] for f in FIELDS) == ANSWERS[name]
    assert any("said Craig smacked Tyler" in s["text"] for s in notes["Tyler"]["sections"])
    assert not [e for e in errors if "Uncaught" in e or "Content Security Policy" in e], errors


def test_the_try_from_the_keyboard_only(service, context, try_draft):
    """The same review with no mouse: Alt+arrows to the section, arrow keys to the misheard
    words, Alt+F and A on each suggestion, Tab to Check and confirm, Tab to Confirm and sign."""
    page = context.new_page()
    sign_in(page, service.url)
    page.goto(f"{service.url}/drafts/{try_draft}")
    wait_saved(page)
    focused = "document.activeElement"
    for _ in range(page.locator("textarea.cn-section-text").count()):
        page.keyboard.press("Alt+ArrowDown")
        if MISHEARD.search(page.evaluate(f"{focused}.value || ''")):
            break
    misheard = MISHEARD.search(page.evaluate(f"{focused}.value"))
    assert misheard, page.evaluate(f"{focused}.id")
    page.keyboard.press("Control+Home")
    for _ in range(misheard.start()):
        page.keyboard.press("ArrowRight")
    for _ in range(misheard.end() - misheard.start()):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type(" Craig smacked ")
    page.locator(".cn-factor[data-code='18C'][data-from-edit]").wait_for(timeout=20_000)

    page.keyboard.press("Alt+f")
    for _ in range(page.locator(".cn-factor:not([hidden])").count()):
        code = page.evaluate(f"{focused}.dataset.code")
        assert code in {"1B", "7A", "18C"}, code  # each is wanted on every record it is on
        page.keyboard.press("a")
        if not page.locator(".cn-factor:not([hidden])[data-decision='undecided']").count():
            break
    assert page.locator(".cn-factor:not([hidden])[data-decision='undecided']").count() == 0
    wait_saved(page)

    tabs = {}
    for button, url in (("to-confirm", "**/confirm"), ("confirm-button", "**/notes/*")):
        for tabs[button] in range(1, 80):
            page.keyboard.press("Tab")
            if page.evaluate(f"{focused}.id") == button:
                break
        assert page.evaluate(f"{focused}.id") == button, f"Tab never reached #{button}"
        page.keyboard.press("Enter")
        page.wait_for_url(url)
    print(f"\nkeyboard only: {tabs['to-confirm']} Tabs from the last suggestion to Check and confirm, "
          f"{tabs['confirm-button']} from the top of the confirm page to Confirm and sign")
    assert "2 notes confirmed" in page.inner_text(".govuk-panel")
    with ApiClient(service.url) as api:
        ids = api.get(f"/api/drafts/{try_draft}").json()["confirmed_note_ids"]
        notes = {n["child"]["name"]: n for n in (api.get(f"/api/notes/{i}").json() for i in ids)}
    assert {name: {f["code"] for f in n["factors"]} for name, n in notes.items()} == WANTED

"""Issue 14's whole path in a real browser: a dictated visit to two children is uploaded
with each child's case reference, reviewed child by child, signed as two notes with
different fields and factors, and each note is exported and delivered to its own record
(a real HTTP receiver standing in for the case system)."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import time
from pathlib import Path

import pypdf
import pytest

from tests.exports.case_system import CaseSystem
from tests.servers import CASENOTE, CasenoteServer, service_env
from tests.ui.conftest import PASSWORD, USER, ApiClient, sign_in, spoken, wait_saved

pytestmark = pytest.mark.browser

# Two children, each with their own answers and factors: Mia seen alone in her bedroom
# and caring for her brother (7A); Tyler not seen alone; mum's drinking (1B) on both.
DICTATION = (
    "Statutory visit to see Mia and her brother Tyler at home on Tuesday at 4 pm. "
    "Present were mum Leanne, Mia and Tyler. "
    "Mia, who is nine, was seen alone in her bedroom. Tyler, aged four, was seen, but he was not seen alone "
    "because he was asleep. Mum said she has been drinking every night. "
    "Mia told me she looks after Tyler when mum stays in bed. I will refer mum to the alcohol service."
)
REFERENCES = {"Mia": "CN-MIA-1", "Tyler": "CN-TYL-2"}
SECRET = "family-visit-test"
WANTED = {"Mia": {"1B", "7A"}, "Tyler": {"1B"}}  # the factors the worker confirms for each child
ANSWERS = {"Mia": ("yes", "yes", "yes"), "Tyler": ("yes", "no", "no")}


@pytest.fixture(scope="module")
def family_wav(tmp_path_factory) -> Path:
    return spoken(tmp_path_factory.mktemp("family-audio") / "family-visit.wav", DICTATION)


@pytest.fixture(scope="module")
def case_system():
    with CaseSystem(SECRET) as receiver:
        yield receiver


@pytest.fixture(scope="module")
def family_service(tmp_path_factory, ui_deps, case_system):
    """casenote serve delivering every confirmed note to the case system over HTTP:
    the LCS preset's JSON as metadata, and the PDF for the child's record."""
    root = tmp_path_factory.mktemp("family-service")
    (root / "data").mkdir()
    connector = {"kind": "http", "name": "lcs", "url": case_system.url, "preset": "lcs", "body": "multipart",
                 "document_format": "pdf", "auth_value_env": "CASENOTE_TEST_CASE_TOKEN", "timeout_s": 10,
                 "backoff_initial_s": 0.2, "backoff_max_s": 1.0, "max_attempts": 5}
    env = service_env(root / "data", CASENOTE_DELIVERY_CONNECTORS=json.dumps([connector]),
                      CASENOTE_DELIVERY_POLL_S="0.2", CASENOTE_TEST_CASE_TOKEN=f"Bearer {SECRET}")
    svc = CasenoteServer(env, root / "serve.log", cwd=root)
    added = subprocess.run([*CASENOTE, "users", "add", USER, "--role", "worker"], input=PASSWORD + "\n",
                           env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    svc.start()
    yield svc
    svc.stop()


def decide_factors(page, keys: dict[str, str]) -> None:
    """Accept on each child's record what the worker confirms there, reject the rest;
    add by hand what the draft did not suggest for a child."""
    names = {key: name for name, key in keys.items()}
    suggested: dict[str, set[str]] = {name: set() for name in keys}
    factors = page.locator(".cn-factor:not([hidden])")
    for i in range(factors.count()):
        code = factors.nth(i).get_attribute("data-code")
        groups = factors.nth(i).locator(".cn-decide:not([hidden])")
        for j in range(groups.count()):
            child = names[groups.nth(j).get_attribute("data-child")]
            keep = code in WANTED[child]
            groups.nth(j).locator(f"button[data-decision={'accepted' if keep else 'rejected'}]").click()
            if keep:
                suggested[child].add(code)
    for name, codes in WANTED.items():
        for code in sorted(codes - suggested[name]):
            page.select_option("#add-for", keys[name])
            page.fill("#code-search", code)
            page.click(f".cn-code-option[data-code='{code}']")


def test_a_two_child_visit_signs_two_notes_each_delivered_to_its_own_record(
        family_service, case_system, context, family_wav):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    url = family_service.url

    # --- upload with each child's case reference ------------------------------------
    sign_in(page, url)
    page.click("text=New recording")
    page.fill("#case-reference", "FAM-UI-1")
    page.fill("#child-references", "\n".join(f"{name}: {ref}" for name, ref in REFERENCES.items()))
    page.fill("#names", "Leanne")
    page.set_input_files("#audio", str(family_wav))
    page.click("#upload-submit")
    page.wait_for_selector("#review-link:not([hidden])", timeout=240_000)
    page.click("#review-link")
    page.wait_for_url("**/drafts/*")
    wait_saved(page)

    # --- the two children, side by side, with their references ----------------------
    cards = page.locator(".cn-child:not([hidden])")
    assert cards.count() == 2
    keys = {}
    for i in range(2):
        key = cards.nth(i).get_attribute("data-child-key")
        keys[page.input_value(f"#child-{key}-name")] = key
    assert set(keys) == set(REFERENCES), keys
    for name, key in keys.items():
        assert page.input_value(f"#child-{key}-case_reference") == REFERENCES[name]
    first, second = (cards.nth(i).bounding_box() for i in range(2))
    assert first["y"] == second["y"] and first["x"] < second["x"], "the children are side by side at 1280 px"
    # What the recording said about each child reached their card (drafting's per-child fields).
    said = [page.locator(f"#child-{key}-{field}-hint").inner_text()
            for key in keys.values() for field in ("child_seen", "child_seen_alone")]
    assert said.count("From the recording: check it") >= 2, said

    # --- the visit: when (as said, against the recording's day), type, announced, people
    assert "The recording says" in page.inner_text("#visit-date-hint")
    day = datetime.date(*(int(page.input_value(f"#visit-date-{part}")) for part in ("year", "month", "day")))
    assert day.weekday() == 1 and 0 <= (datetime.date.today() - day).days < 7  # the latest Tuesday
    assert page.input_value("#visit-time") == "16:00"
    with ApiClient(url) as api:
        drafted = api.get(f"/api/drafts/{page.url.rsplit('/', 1)[1]}").json()["note"]["visit"]["when"]
    assert drafted["date"] == day.isoformat()  # the job gave the drafting stage the recording's day
    page.fill("#visit-contact_type", "statutory visit")
    page.check("#visit-announced-no")
    page.fill("#visit-people", "Leanne (mother)\nMia (child)\nTyler (child)")
    # --- each child's answers and factors -----------------------------------------------
    for name, key in keys.items():
        for field, value in zip(("child_seen", "child_seen_alone", "bedroom_seen"), ANSWERS[name]):
            page.check(f"#child-{key}-{field}-{value}")
    page.fill(f"#child-{keys['Mia']}-age", "9")
    decide_factors(page, keys)
    boxes = page.locator("textarea.cn-section-text")
    for i in range(boxes.count()):
        if not boxes.nth(i).input_value().strip():
            boxes.nth(i).fill("Nothing to add.")
    wait_saved(page)
    page.wait_for_selector("#census-problems", state="hidden")
    mia_card = page.inner_text(f"#child-{keys['Mia']}")
    assert "7A" in mia_card and "7A" not in page.inner_text(f"#child-{keys['Tyler']}")

    # --- check and confirm: two notes, each child's record side by side ----------------
    page.click("#to-confirm")
    page.wait_for_url("**/confirm")
    assert page.is_hidden("#confirm-errors"), page.inner_text("#confirm-errors")
    table = page.inner_text("#confirm-children")
    assert all(ref in table for ref in REFERENCES.values()) and "16:00" in page.inner_text("#confirm-visit")
    assert page.locator(".cn-signed-note").count() == 2
    page.click("#confirm-button")
    page.wait_for_url("**/notes/*")
    assert "2 notes confirmed" in page.inner_text(".govuk-panel")
    assert page.locator("#visit-notes a").count() == 1  # the other child's note

    # --- two notes, different fields and factors, same visit ---------------------------
    with ApiClient(url) as api:
        draft_id = int(api.get("/api/recordings").json()[0]["draft_id"])
        note_ids = api.get(f"/api/drafts/{draft_id}").json()["confirmed_note_ids"]
        notes = {n["child"]["name"]: n for n in (api.get(f"/api/notes/{i}").json() for i in note_ids)}
        assert set(notes) == set(REFERENCES)
        for name, note in notes.items():
            assert note["case_reference"] == REFERENCES[name]
            assert {f["code"] for f in note["factors"]} == WANTED[name]
            seen = tuple("yes" if note["visit"][f] else "no" for f in ("child_seen", "child_seen_alone", "bedroom_seen"))
            assert seen == ANSWERS[name]
            assert note["visit"]["contact_type"] == "statutory visit" and note["visit"]["announced"] is False
            assert [p["name"] for p in note["visit"]["people_present"]] == ["Leanne", "Mia", "Tyler"]
        assert notes["Mia"]["group"] == notes["Tyler"]["group"] and notes["Mia"]["child"]["age"] == 9
        assert notes["Mia"]["content_sha256"] != notes["Tyler"]["content_sha256"]
        # --- each exported: the census fragment is the child's own ----------------------
        for name, note in notes.items():
            xml = api.get(f"/api/notes/{note['id']}/export", params={"format": "cin-xml"}).text
            assert f"case {REFERENCES[name]}" in xml
            assert sorted(c.split("<")[0] for c in xml.split("<AssessmentFactors>")[1:]) == sorted(WANTED[name])

    # The worker downloads each note as text from its page.
    for name, note in notes.items():
        page.goto(f"{url}/notes/{note['id']}")
        page.check("#format-text")
        with page.expect_download() as download:
            page.click("#export-form button[type=submit]")
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert REFERENCES[name] in text and "Child:" in text and name in text.split("Child:")[1].split("\n")[0]

    # --- each delivered to its own record ----------------------------------------------
    deadline = time.monotonic() + 60
    while len(case_system.stored) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    received = {r["document"]["PersonID"]: r for r in case_system.stored.values()}
    assert set(received) == set(REFERENCES.values()), received.keys()
    for name, note in notes.items():
        record = received[REFERENCES[name]]
        document = record["document"]
        assert document["PersonName"] == name and document["ExternalNoteRef"] == note["id"]
        assert set(document["CINFactors"]) == WANTED[name]
        assert document["SeenAlone"] is (ANSWERS[name][1] == "yes")
        assert document["GroupNoteRef"] == notes["Mia"]["group"]["id"]
        pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(record["attachment"])).pages)
        assert REFERENCES[name] in pdf and name in pdf
    for note in notes.values():
        deadline = time.monotonic() + 20
        while True:
            page.goto(f"{url}/notes/{note['id']}")
            if "Sent" in page.inner_text("#deliveries") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert "Sent" in page.inner_text("#deliveries"), page.inner_text("#deliveries")
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors


@pytest.fixture(scope="module")
def family_draft(family_service, family_wav) -> int:
    """A family draft uploaded through the API, for the tests that only look at it."""
    with ApiClient(family_service.url) as api, family_wav.open("rb") as audio:
        accepted = api.post("/api/recordings", files={"audio": (family_wav.name, audio, "audio/wav")},
                            data={"case_reference": "FAM-UI-2", "child_references": "Mia: CN-M-2; Tyler: CN-T-2"})
        assert accepted.status_code == 202, accepted.text
        deadline = time.monotonic() + 240
        while (job := api.get(accepted.json()["job_url"]).json())["status"] != "done":
            assert job["status"] != "failed" and time.monotonic() < deadline, job
            time.sleep(0.5)
        return job["draft_id"]


@pytest.mark.parametrize("width", [1280, 375])
def test_a_family_draft_has_no_serious_axe_violations_and_fits_the_screen(family_service, browser, family_draft,
                                                                            width):
    from tests.ui.conftest import axe_violations

    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, family_service.url)
    found = {}
    for name, path in (("review", f"/drafts/{family_draft}"), ("check and confirm", f"/drafts/{family_draft}/confirm")):
        page.goto(f"{family_service.url}{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width}px is {overflow}px wider than the screen"
        found[name] = axe_violations(page)
    # A child added on the review screen, then taken off again: still clean.
    page.goto(f"{family_service.url}/drafts/{family_draft}")
    page.fill("#new-child-name", "Oscar")
    page.click("#add-child")
    key = page.evaluate("document.activeElement.dataset.childKey")
    found["review with a child added"] = axe_violations(page)
    page.click(f".cn-child[data-child-key='{key}'] .cn-child-remove")
    wait_saved(page)
    assert "Oscar" in page.inner_text("#removed-children")
    found["review with a child taken off"] = axe_violations(page)
    ctx.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_children_are_added_renamed_taken_off_and_decided_from_the_keyboard(family_service, context, family_draft):
    page = context.new_page()
    sign_in(page, family_service.url)
    page.goto(f"{family_service.url}/drafts/{family_draft}")
    wait_saved(page)
    # Add a child with the keyboard: type the name, Enter; focus goes to their name box.
    page.focus("#new-child-name")
    page.keyboard.type("Oscar")
    page.keyboard.press("Enter")
    key = page.evaluate("document.activeElement.dataset.childKey")
    assert key and page.evaluate("document.activeElement.id") == f"child-{key}-name"
    page.keyboard.press("End")
    page.keyboard.type(" Price")
    page.check(f"#child-{key}-child_seen-no")
    page.fill(f"#child-{key}-case_reference", "CN-O-2")
    assert page.locator("#add-for option").all_inner_texts() == ["Mia", "Tyler", "Oscar Price"], page.locator(".cn-child").evaluate_all("(cards) => cards.map((c) => [c.dataset.childKey, c.hidden])")  # whose record a code goes on
    # Alt+F, then A on a suggestion accepts it for every child it is on.
    page.keyboard.press("Alt+f")
    code = page.evaluate("document.activeElement.dataset.code")
    page.keyboard.press("a")
    groups = page.locator(f".cn-factor[data-code='{code}'] .cn-decide:not([hidden])")
    assert groups.count() >= 1
    assert {groups.nth(i).get_attribute("data-decision") for i in range(groups.count())} == {"accepted"}
    wait_saved(page)
    with ApiClient(family_service.url) as api:
        review = api.get(f"/api/drafts/{family_draft}").json()["review"]
    oscar = next(c for c in review["children"] if c["key"] == key)
    assert (oscar["name"], oscar["case_reference"], oscar["child_seen"], oscar["removed"]) == (
        "Oscar Price", "CN-O-2", False, False)
    assert {f["decision"] for f in review["factors"] if f["code"] == code} == {"accepted"}
    # Reload: the added child is there, from the server.
    page.reload()
    assert page.input_value(f"#child-{key}-name") == "Oscar Price"


def test_two_browsers_answering_the_same_childs_question_show_a_conflict(family_service, context, browser,
                                                                        family_draft):
    """Autosave's conflict handling for the new fields: a child's answer and the visit's time.
    Two browsers (two people): nothing tells one of the other's save before its own 409."""
    pages = []
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    for ctx in (context, other):
        page = ctx.new_page()
        sign_in(page, family_service.url)
        page.goto(f"{family_service.url}/drafts/{family_draft}")
        wait_saved(page)
        pages.append(page)
    first, second = pages
    # Whatever the answer is now, one tab gives another and the other tab a third.
    words = {"yes": "Yes", "no": "No", "unknown": "Not recorded"}
    now = first.locator("input[name='child-c2-child_seen_alone']:checked").get_attribute("value")
    theirs, mine = [value for value in words if value != now]
    first.check(f"#child-c2-child_seen_alone-{theirs}")
    first.fill("#visit-time", "10:15")
    wait_saved(first)
    second.check(f"#child-c2-child_seen_alone-{mine}")
    second.wait_for_selector("#conflict:not([hidden])")
    panel = second.inner_text("#conflict")
    assert "Tyler: seen alone" in panel and words[theirs] in panel and words[mine] in panel
    assert second.input_value("#visit-time") == "10:15"  # the other tab's time, merged without asking
    second.click("#conflict-items button[data-choice='mine']")
    wait_saved(second)
    with ApiClient(family_service.url) as api:
        review = api.get(f"/api/drafts/{family_draft}").json()["review"]
    tyler = next(c for c in review["children"] if c["key"] == "c2")
    assert tyler["child_seen_alone"] is {"yes": True, "no": False, "unknown": None}[mine]
    assert review["visit_time"] == "10:15:00"
    other.close()

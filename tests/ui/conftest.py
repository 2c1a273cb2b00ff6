"""Browser tests of the review screen: the real service (`casenote serve` in a
subprocess, on a free loopback port, with a temporary data directory), a user made
with `casenote users add`, Debian's Chromium driven by Playwright, and a dictated
visit note synthesised with espeak-ng so that real factor suggestions appear."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.browser import FAKE_MICROPHONE_ARGS, chromium
from tests.conftest import REPO
from tests.servers import CASENOTE, CasenoteServer, service_env

NODE_MODULES = REPO / "review_ui" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
USER, PASSWORD = "kim.worker", "a long test password"

# A short dictated visit note: a parent's drinking and a missing episode give the
# drafting stage real factors to suggest; "seen alone in his bedroom" fills visit fields.
DICTATION = (
    "Home visit to see Kayden at home with his mother. Kayden was seen alone in his bedroom. "
    "His mother told me that his father has been drinking heavily every night and shouting at her. "
    "Kayden told me he went missing last weekend and stayed out overnight. "
    "I am worried about his father's alcohol use and about Kayden going missing. "
    "I will refer his father to the alcohol service and I will visit again next week."
)


@pytest.fixture(scope="session")
def ui_deps() -> None:
    if not (NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.css").is_file() \
            or not AXE.is_file():
        pytest.fail("review_ui/node_modules is missing: run `make ui-deps`")


@pytest.fixture(scope="session")
def service(tmp_path_factory, ui_deps):
    root = tmp_path_factory.mktemp("ui-service")
    data_dir = root / "data"
    data_dir.mkdir()
    # Its working folder is outside the repository: no stray .env changes the settings.
    svc = CasenoteServer(service_env(data_dir), root / "serve.log", cwd=root)
    added = subprocess.run([*CASENOTE, "users", "add", USER, "--role", "worker"], input=PASSWORD + "\n",
                           env=svc.env, cwd=root, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    svc.start()
    yield svc
    svc.stop()


def spoken(path: Path, text: str) -> Path:
    """``text`` dictated by espeak-ng (US English, 140 words a minute) into the WAV ``path``."""
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed: run `make system-deps`")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-g", "4", "-w", str(path), text],
                   check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def dictation_wav(tmp_path_factory) -> Path:
    return spoken(tmp_path_factory.mktemp("audio") / "visit-note.wav", DICTATION)


@pytest.fixture(scope="session")
def browser():
    with chromium(FAKE_MICROPHONE_ARGS) as launched:
        yield launched


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


class ApiClient(httpx.Client):
    """Signed in like the review screen: cookie session plus the CSRF header."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url=base_url, timeout=60)

    def __enter__(self) -> "ApiClient":
        super().__enter__()
        response = self.post("/api/auth/login", json={"username": USER, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return self


@pytest.fixture
def api(service):
    with ApiClient(service.url) as client:
        yield client


def upload_and_wait(client: httpx.Client, audio: Path, case_reference: str, timeout_s: float = 240) -> int:
    """Upload through the API and wait for the background job; returns the draft id."""
    with audio.open("rb") as f:
        response = client.post("/api/recordings", data={"case_reference": case_reference, "names": "Kayden"},
                               files={"audio": (audio.name, f, "audio/wav")})
    assert response.status_code == 202, response.text
    job_url = response.json()["job_url"]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(job_url).json()
        if job["status"] == "done":
            return job["draft_id"]
        assert job["status"] != "failed", job
        time.sleep(0.5)
    raise AssertionError(f"the job did not finish in {timeout_s} s: {job}")


@pytest.fixture(scope="session")
def shared_draft(service, dictation_wav) -> int:
    """A draft for the tests that only edit it (autosave, keyboard, accessibility)."""
    with ApiClient(service.url) as client:
        return upload_and_wait(client, dictation_wav, "UI-SHARED-1")


def sign_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/drafts")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core, injected from node_modules, run on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result if v["impact"] in impacts]


def wait_saved(page, timeout: float = 20_000) -> None:
    page.wait_for_selector("#save-status[data-state='saved']", timeout=timeout)

"""Browser tests of the review screen: the real service (`casenote serve` in a
subprocess, on a free loopback port, with a temporary data directory), a user made
with `casenote users add`, Debian's Chromium driven by Playwright, and a dictated
visit note synthesised with espeak-ng so that real factor suggestions appear."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # A microphone for the in-browser recorder (a test tone), no permission prompt.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--autoplay-policy=no-user-gesture-required"]
CASENOTE = Path(sys.executable).parent / "casenote"
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`casenote serve` as a child process; can be killed and started again on the
    same port and data directory (restart tests)."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, "CASENOTE_DATA_DIR": str(data_dir), "CASENOTE_DATABASE_URL": "",
                    "CASENOTE_HOST": "127.0.0.1"}
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / "serve.log"

    def start(self) -> "Service":
        log = self.log.open("ab")
        # cwd outside the repository: no stray .env changes the settings.
        self.process = subprocess.Popen([str(CASENOTE), "serve", "--port", str(self.port)], env=self.env,
                                        cwd=self.data_dir.parent, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"casenote serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("casenote serve did not start in 60 s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


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
    svc = Service(data_dir, free_port())
    added = subprocess.run([str(CASENOTE), "users", "add", USER, "--role", "worker"], input=PASSWORD + "\n",
                           env=svc.env, cwd=root, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    svc.start()
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def dictation_wav(tmp_path_factory) -> Path:
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed: run `make system-deps`")
    path = tmp_path_factory.mktemp("audio") / "visit-note.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-g", "4", "-w", str(path), DICTATION],
                   check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make system-deps`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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

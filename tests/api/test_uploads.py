"""Bad uploads get a clear problem response (silence too; noise with no speech in it, a
failed job with a clear error); nothing half-written stays behind and the server keeps
serving."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import soundfile as sf

from tests.api.conftest import make_settings
from tests.api.helpers import Client, add_user, live_server, wait_for_job
from tests.conftest import AUDIO

LIMIT = 3_000_000


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("uploads") / "data", max_upload_bytes=LIMIT)
    with live_server(settings) as (url, app):
        add_user(app, "ada")
        yield url, app


def wav_bytes(seconds: float, *, silent: bool = False, noise_dbfs: float | None = None) -> bytes:
    audio, rate = sf.read(AUDIO / "jfk.flac")
    if silent or noise_dbfs is not None:
        rate = 16000
        audio = np.zeros(int(seconds * rate))
        if noise_dbfs is not None:  # a quiet room: hiss and no speech
            audio = np.random.default_rng(7).uniform(-1, 1, len(audio)) * 10 ** (noise_dbfs / 20)
    else:
        audio = np.tile(audio, int(np.ceil(seconds * rate / len(audio))))[: int(seconds * rate)]
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def upload(client: Client, name: str, data, case: str | None = "CASE-9"):
    fields = {"case_reference": case} if case is not None else {}
    return client.post("/api/recordings", data=fields, files={"audio": (name, data, "audio/wav")})


def assert_problem(response, status: int, *needles: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    for needle in needles:
        assert needle in body["detail"], body["detail"]


def still_serving(client: Client, app) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/recordings").status_code == 200
    leftovers = [n for n in app.state.ctx.audio.stored_names() if n.endswith(".part")]
    assert leftovers == []


def stored_files(app) -> int:
    return len(app.state.ctx.audio.stored_names())


def test_empty_truncated_and_wrong_type_are_refused(service):
    url, app = service
    client = Client(url, "ada")
    before = stored_files(app)
    assert_problem(upload(client, "empty.wav", b""), 422, "empty.wav", "empty")
    flac = (AUDIO / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.flac").read_bytes()
    assert_problem(upload(client, "cut.flac", flac[: len(flac) // 2]), 422, "cut.flac", "truncated")
    wav = wav_bytes(8)
    assert_problem(upload(client, "cut.wav", wav[: len(wav) // 2]), 422, "cut.wav", "truncated")
    text = b"Visit notes: Kayden seen alone, bedroom seen. Mum says things are better.\n" * 20
    assert_problem(upload(client, "visit.mp3", text), 415, "visit.mp3", "not an audio file", "text")
    png = b"\x89PNG\r\n\x1a\n" + bytes(2000)
    assert_problem(upload(client, "photo.wav", png), 415, "photo.wav", "not an audio file")
    # Starts like a WAV, but the rest is not audio.
    assert upload(client, "fake.wav", b"RIFF\x24\x00\x00\x00WAVEjunk" + bytes(5000)).status_code in (415, 422)
    assert_problem(upload(client, "ok.flac", flac, case=None), 422, "case_reference")
    assert_problem(client.post("/api/recordings", content=flac, headers={"content-type": "audio/flac"}), 415,
                   "multipart")
    assert stored_files(app) == before  # nothing refused was kept
    still_serving(client, app)


def test_a_flac_cut_near_its_end_is_refused_as_transcribe_refuses_it(service):
    """Cut at 99.5 %: FLAC has no bookkeeping to check byte by byte, and what is left is
    within 0.5 s of its stated length, so only a decode (the transcription stage's own
    check) finds its last block cut off."""
    url, app = service
    client = Client(url, "ada")
    before = stored_files(app)
    flac = (AUDIO / "jfk.flac").read_bytes()
    assert_problem(upload(client, "nearly.flac", flac[: int(len(flac) * 0.995)]), 422, "nearly.flac",
                   "the FLAC file is truncated: its last block of audio is cut off")
    assert stored_files(app) == before
    still_serving(client, app)


def test_over_the_size_limit_is_413_while_streaming(service):
    url, app = service
    client = Client(url, "ada")
    before = stored_files(app)
    big = wav_bytes(120)
    assert len(big) > LIMIT
    assert_problem(upload(client, "long.wav", big), 413, "limit")

    # Without a Content-Length (chunked), the limit still holds as the bytes arrive.
    boundary = "casenote-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"case_reference\"\r\n\r\nCASE-9\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"long.wav\"\r\n"
            "Content-Type: audio/wav\r\n\r\n").encode()

    def body():
        yield head
        for start in range(0, len(big), 256 * 1024):
            yield big[start:start + 256 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    chunked = client.post("/api/recordings", content=body(),
                          headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert_problem(chunked, 413, "limit")
    assert stored_files(app) == before
    still_serving(client, app)


def test_silence_is_refused_at_upload_and_nothing_is_stored(service):
    url, app = service
    client = Client(url, "ada")
    before = client.get("/api/recordings").json()
    refused = upload(client, "muted.wav", wav_bytes(10, silent=True))
    assert_problem(refused, 422, "muted.wav", "silent", "no sound at all", "microphone muted")
    assert refused.json()["type"].endswith("silent-audio")
    # A microphone left on in a silent room still records hiss at -70 dBFS: silent too.
    hiss = upload(client, "hiss.wav", wav_bytes(5, noise_dbfs=-70))
    assert_problem(hiss, 422, "hiss.wav", "silent")
    loudest = re.search(r"loudest (-\d+) dBFS", hiss.json()["detail"])
    assert loudest and -71 <= int(loudest.group(1)) <= -68, hiss.json()["detail"]  # 16-bit rounding
    assert client.get("/api/recordings").json() == before
    still_serving(client, app)


def test_noise_without_speech_fails_its_job_with_a_clear_error_and_can_be_retried(service):
    url, app = service
    client = Client(url, "ada")
    accepted = upload(client, "quiet.wav", wav_bytes(10, noise_dbfs=-40))
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["location"] == accepted.json()["job_url"]
    job = wait_for_job(client, accepted.json()["job_id"])
    assert job["status"] == "failed" and job["error_code"] == "no_speech", job
    assert "quiet.wav" in job["error"] and "no speech" in job["error"], job["error"]
    assert "/proc/" not in job["error"]
    recording_id = accepted.json()["recording_id"]
    assert client.get(f"/api/recordings/{recording_id}/audio").status_code == 200  # audio kept

    retried = client.post(f"/api/jobs/{job['id']}/retry")
    assert retried.status_code == 202 and retried.json()["status"] == "queued"
    again = wait_for_job(client, job["id"])
    assert again["status"] == "failed" and again["attempts"] == 2 and again["error_code"] == "no_speech"
    assert client.post(f"/api/jobs/{job['id']}/retry").status_code == 202
    wait_for_job(client, job["id"])
    still_serving(client, app)

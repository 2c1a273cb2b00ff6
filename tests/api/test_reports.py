"""The report (issue 18) on SQLite and PostgreSQL: a team's history made through the
real API (dictations synthesised with espeak-ng, uploaded with their recording
times over several weeks, transcribed and drafted by the real models, reviewed,
played, edited, decided and signed), then every figure of the JSON answer checked
against counts made here from the database with SQL of this test's own (not the
service's functions); the CSV carries the same figures; who may read it; audit."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import statistics
import time as time_module
import subprocess
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, text

from api.db.types import EncryptedText, UTCDateTime
from tests.api.conftest import make_settings
from tests.api.helpers import Client, add_user, live_server, wait_for_job

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
# Short, so that the history made in seconds has both: gaps counted as review and pauses.
IDLE_GAP_S = 0.6
PAUSE_S = 1.5
TYPING_WPM = 25.0
DICTATIONS = {
    "kayden": ("Home visit to see Kayden at home with his mother. Kayden was seen alone in his bedroom. "
               "His mother told me that his father has been drinking heavily every night. "
               "Kayden told me he went missing last weekend and stayed out overnight. "
               "I will refer his father to the alcohol service and visit again next week."),
    "family": ("Home visit to see Mia and Tyler at home with their mother. Mia was seen alone in her bedroom. "
               "Tyler was seen with his mum. Mum said her partner has been drinking heavily. "
               "Mia told me she looks after Tyler when mum stays in bed. I will visit again next week."),
    "leo": ("Statutory visit to see Leo at his grandmother's home. Leo was seen alone and his bedroom was seen. "
            "Leo said he is happy at school and likes living with his nan. I will visit again in six weeks."),
}


@dataclass(frozen=True)
class Visit:
    worker: str
    days_ago: int
    dictation: str
    case_reference: str
    child_references: str = ""
    sign: bool = True
    add_code: str | None = None  # a code the worker adds by hand
    pause: bool = False  # the worker stops for a while (longer than the idle gap) before signing


# Team north: kim and lee; team south: ola. One visit of kim's lies before the period;
# one of lee's is drafted and never signed; kim visits the same child (CIN-K1) twice.
HISTORY = [
    Visit("kim", 20, "kayden", "CIN-K1", add_code="2B", pause=True),
    Visit("kim", 12, "family", "FAM-1", "Mia: CIN-M1; Tyler: CIN-T1"),
    Visit("kim", 5, "kayden", "CIN-K1"),
    Visit("kim", 60, "leo", "CIN-L0"),
    Visit("lee", 9, "leo", "CIN-L1"),
    Visit("lee", 2, "kayden", "CIN-K2", sign=False),
    Visit("ola", 8, "leo", "CIN-L2", add_code="22A", pause=True),
]
TEAMS = {"kim": "north", "lee": "north", "ola": "south"}


@pytest.fixture(scope="module")
def dictation_audio(tmp_path_factory) -> dict[str, Path]:
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed: run `make system-deps`")
    folder = tmp_path_factory.mktemp("dictations")
    paths = {}
    for name, words in DICTATIONS.items():
        paths[name] = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(paths[name]), words], check=True,
                       timeout=60)
    return paths


@pytest.fixture
def service(request, tmp_path):
    url = ""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").create_database(f"t_reports_{uuid.uuid4().hex[:12]}")
    settings = make_settings(tmp_path / "data", url, report_idle_gap_minutes=IDLE_GAP_S / 60,
                             report_typing_wpm=TYPING_WPM)
    with live_server(settings) as (base_url, app):
        for name, team in TEAMS.items():
            add_user(app, name, "worker", team)
        add_user(app, "mo", "manager", "north")
        add_user(app, "root", "admin")
        yield base_url, app


def recorded_at(today: date, days_ago: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(10, 30), tzinfo=LONDON)


def review_and_sign(client: Client, draft_id: int, recording_id: int, visit: Visit) -> None:
    """What a worker does: open the draft, play the recording, edit a section and a
    visit field, decide every suggestion (the first kept, the others rejected; 'no
    factors' never kept beside another), maybe add a code by hand, then sign."""
    view = client.get(f"/api/drafts/{draft_id}")
    assert view.status_code == 200, view.text
    draft, etag = view.json(), view.headers["ETag"]
    played = client.get(f"/api/recordings/{recording_id}/audio", headers={"Range": "bytes=0-4095"})
    assert played.status_code == 206
    sections = {s["key"]: s["text"] for s in draft["review"]["sections"]}
    edits = {key: "Nothing further to add." for key in draft["required_sections"] if not sections[key].strip()}
    first = next(key for key, text in sections.items() if text.strip())
    edits[first] = sections[first].rstrip().rsplit(" ", 1)[0] + " and more, as the worker wrote."  # a word less
    codes = list(dict.fromkeys(f["code"] for f in draft["review"]["factors"]))
    kept = [c for c in codes if c != "21"][:1]
    factors = [{"code": f["code"], "child": f["child"], "decision": "accepted" if f["code"] in kept else "rejected"}
               for f in draft["review"]["factors"]]
    # A family visit: a child the recogniser made up (a misheard name) has no case reference; the
    # worker takes them off (the children named at upload are on the visit either way).
    children = [{"key": c["key"], "removed": True} for c in draft["review"]["children"]
                if visit.child_references and not c["case_reference"] and not c["removed"]]
    saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": etag},
                         json={"sections": edits, "factors": factors, "children": children,
                               "visit": {"contact_type": "statutory visit"}})
    assert saved.status_code == 200, saved.text
    etag = saved.headers["ETag"]
    if visit.add_code:
        saved = client.patch(f"/api/drafts/{draft_id}", headers={"If-Match": etag},
                             json={"factors": [{"code": visit.add_code, "decision": "accepted"}]})
        assert saved.status_code == 200, saved.text
    if visit.pause:
        time_module.sleep(PAUSE_S)
        assert client.get(f"/api/drafts/{draft_id}").status_code == 200  # back to it
    if visit.sign:
        signed = client.post(f"/api/drafts/{draft_id}/confirm")
        assert signed.status_code == 201, signed.text


def seed_history(base_url: str, audio: dict[str, Path], today: date) -> None:
    clients = {name: Client(base_url, name) for name in TEAMS}
    uploads = []
    for visit in HISTORY:
        with audio[visit.dictation].open("rb") as f:
            data = {"case_reference": visit.case_reference,
                    "recorded_at": recorded_at(today, visit.days_ago).isoformat()}
            if visit.child_references:
                data["child_references"] = visit.child_references
            accepted = clients[visit.worker].post("/api/recordings", data=data,
                                                  files={"audio": (f"{visit.dictation}.wav", f, "audio/wav")})
        assert accepted.status_code == 202, accepted.text
        uploads.append((visit, accepted.json()))
    for visit, accepted in uploads:
        job = wait_for_job(clients[visit.worker], accepted["job_id"])
        assert job["status"] == "done", job
        review_and_sign(clients[visit.worker], job["draft_id"], accepted["recording_id"], visit)


# --- the counts made here, from the database ----------------------------------------------


def nearest_rank(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1] if ordered else None


def stats(values: list[float]) -> dict:
    return {"count": len(values), "median_s": statistics.median(values) if values else None,
            "p90_s": nearest_rank(values, 0.9)}


VISITS_SQL = text(
    "SELECT r.id, u.username, r.team, r.recorded_at, r.created_at, r.duration_s, d.id, d.created_at "
    "FROM recordings r JOIN users u ON u.id = r.owner_id LEFT JOIN drafts d ON d.recording_id = r.id "
    "WHERE r.recorded_at >= :start AND r.recorded_at < :end"
).bindparams(bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime)).columns(
    recorded_at=UTCDateTime, created_at=UTCDateTime)
NOTES_SQL = text("SELECT draft_id, child_key, confirmed_at, content_json FROM confirmed_notes ORDER BY id").columns(
    confirmed_at=UTCDateTime, content_json=EncryptedText("confirmed_notes.content_json"))
EVENTS_SQL = text(
    "SELECT action, object_type, object_id, actor_id, at FROM audit_events "
    "WHERE (object_type = 'draft' AND action IN ('view', 'edit', 'decision', 'confirm')) "
    "OR (object_type = 'recording' AND action = 'play')").columns(at=UTCDateTime)


CHECKS = ("unsure_words", "possibly_invented", "untranscribed_speech")
SUGGESTION_FIGURES = {"accepted": "suggestions_accepted", "rejected": "suggestions_rejected", "added": "codes_added"}


def count_edit_records(notes: list[dict], right: dict) -> None:
    """One signed visit's notes: what they share (sections, the visit's fields, the
    check marks) counted once, each child's fields and factors per note."""
    records = [(n["child_key"], n["edit_record"]) for n in notes]
    first = records[0][1]
    right["notes"] += 1
    for section in first["sections"]:
        right["drafted"] += section["drafted_words"]
        right["kept"] += section["kept_words"]
        if section["drafted"].strip():
            right["sections_drafted"] += 1
            right["sections_rewritten"] += section["outcome"] in ("changed", "cleared")
        right["sections_added"] += section["outcome"] == "added"
    fields = [f for f in first["fields"] if f["child"] is None] + [
        f for _, record in records for f in record["fields"] if f["child"] is not None]
    right["visit_fields"] += len(fields)
    right["visit_fields_changed"] += sum(f["outcome"] == "changed" for f in fields)
    right["visit_fields_filled"] += sum(f["outcome"] == "added" for f in fields)
    for check in first["checks"]:
        right[f"checks.{check['kind']}"] += check["flagged"]
        right[f"changed.{check['kind']}"] += check["changed"]
    if "codes" not in right:
        right["codes"] = defaultdict(lambda: {"accepted": 0, "rejected": 0, "added": 0})
    for _, record in records:
        for suggestion in record["suggestions"]:
            right[SUGGESTION_FIGURES[suggestion["outcome"]]] += 1
            right["codes"][suggestion["code"]][suggestion["outcome"]] += 1


def expected_figures(app, start: date, end: date) -> dict:
    """Per team and worker, and in all: the report's figures, counted here."""
    with app.state.ctx.engine.connect() as db:
        begin = datetime.combine(start, time(0), tzinfo=LONDON)
        finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON)
        # Columns by position: the two created_at columns share a name.
        visits = [tuple(r) for r in db.execute(VISITS_SQL, {"start": begin, "end": finish})]
        notes = defaultdict(list)
        for draft_id, child_key, confirmed_at, content in db.execute(NOTES_SQL):
            notes[draft_id].append((confirmed_at, json.loads(content) | {"child_key": child_key}))
        events = defaultdict(list)
        for action, kind, object_id, actor, at in db.execute(EVENTS_SQL):
            events[(kind, object_id)].append((action, actor, at))
        owners = dict(db.execute(text("SELECT id, username FROM users")).all())
    groups = defaultdict(list)
    for row in visits:
        team, worker = row[2], row[1]
        for key in ("total", ("team", team), ("worker", team, worker)):
            groups[key].append(row)
    names = {v: k for k, v in owners.items()}
    pauses: dict = defaultdict(int)
    out = {}
    for key, rows in groups.items():
        to_draft, to_signed, end_to_signed, review, words, dictated_signed = [], [], [], [], 0, 0.0
        children, notes_signed, signed_workers = set(), 0, set()
        right = defaultdict(int)  # how right the drafts were, from the edit records as stored
        for rec_id, worker, team, rec_at, uploaded, duration, draft_id, ready in rows:
            end_at = min(rec_at + timedelta(seconds=duration), uploaded)
            if ready is not None:
                to_draft.append((ready - end_at).total_seconds())
            signed = notes.get(draft_id)
            if not signed:
                continue
            signed_at = min(at for at, _ in signed)
            to_signed.append((signed_at - ready).total_seconds())
            end_to_signed.append((signed_at - end_at).total_seconds())
            notes_signed += len(signed)
            children |= {content["case_reference"] for _, content in signed}
            words += sum(len(s["text"].split()) for s in signed[0][1]["sections"])
            dictated_signed += duration
            signed_workers.add(worker)
            count_edit_records([content for _, content in signed], right)
            acts = events[("draft", draft_id)] + events[("recording", rec_id)]
            until = min(at for action, _, at in acts if action == "confirm")
            reviewers = {names[worker]} | {a for action, a, _ in acts if action in ("edit", "decision", "confirm")}
            seconds = 0.0
            for person in reviewers:
                moments = sorted(at for _, a, at in acts if a == person and at <= until)
                gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:])]
                seconds += sum(g for g in gaps if g <= IDLE_GAP_S)
                pauses[key] += sum(1 for g in gaps if g > IDLE_GAP_S)
            review.append(seconds)
        weeks = ((end - start).days + 1) / 7
        saved = words / TYPING_WPM - dictated_signed / 60 - sum(review) / 60
        out[key] = {
            "recordings": len(rows), "minutes_dictated": sum(r[5] for r in rows) / 60,
            "visits_signed": len(to_signed), "notes_signed": notes_signed, "children_recorded": len(children),
            "recording_to_draft": stats(to_draft), "draft_to_signed": stats(to_signed),
            "recording_to_signed": stats(end_to_signed), "active_review": stats(review),
            "active_review_minutes": sum(review) / 60,
            "accuracy.notes": right["notes"], "accuracy.drafted_words": right["drafted"],
            "accuracy.kept_words": right["kept"],
            "accuracy.words_kept_share": right["kept"] / right["drafted"] if right["drafted"] else None,
            **{f"accuracy.{name}": right[name] for name in (
                "sections_drafted", "sections_rewritten", "sections_added", "visit_fields", "visit_fields_changed",
                "visit_fields_filled", "suggestions_accepted", "suggestions_rejected", "codes_added")},
            **{f"accuracy.check_items.{kind}": right[f"checks.{kind}"] for kind in CHECKS},
            **{f"accuracy.check_items_changed.{kind}": right[f"changed.{kind}"] for kind in CHECKS},
            **{f"accuracy.check_items_per_note.{kind}": right[f"checks.{kind}"] / right["notes"] for kind in CHECKS},
            "codes": dict(right["codes"]) if right["codes"] else {},
            "time_saved.saved_minutes": saved,
            "time_saved.saved_minutes_per_worker_week": saved / weeks / len(signed_workers) if signed_workers else None,
        }
    assert pauses["total"] >= 2, "the history has pauses longer than the idle gap (not review time)"
    assert out["total"]["active_review_minutes"] > 0, "and gaps short enough to be review time"
    return out


def check_group(got: dict, expected: dict) -> None:
    for name, value in expected.items():
        if name == "codes":
            continue  # the report has them for its whole scope (check_codes)
        actual = got
        for part in name.split("."):
            actual = actual[part]
        if isinstance(value, dict) and "count" in value:
            assert actual["count"] == value["count"], name
            for part in ("median_s", "p90_s"):
                assert actual[part] == pytest.approx(value[part], abs=1e-3), f"{name}.{part}"
        elif value is None:
            assert actual is None, name
        else:
            assert actual == pytest.approx(value, abs=1e-6), name


def check_codes(got: list[dict], expected: dict) -> None:
    assert {c["code"]: {o: c[o] for o in ("accepted", "rejected", "added")} for c in got} == expected


@pytest.mark.parametrize("service", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_every_figure_matches_a_count_made_from_the_database(service, dictation_audio):
    base_url, app = service
    today = datetime.now(LONDON).date()
    seed_history(base_url, dictation_audio, today)
    start, end = today - timedelta(days=27), today
    period = {"from": start.isoformat(), "to": end.isoformat()}
    expected = expected_figures(app, start, end)

    manager = Client(base_url, "mo")
    report = manager.get("/api/reports", params=period)
    assert report.status_code == 200, report.text
    report = report.json()
    assert (report["period_start"], report["period_end"], report["scope"]) == (start.isoformat(), end.isoformat(),
                                                                               "team north")
    check_group(report["total"], expected[("team", "north")])
    check_codes(report["codes"], expected[("team", "north")]["codes"])
    accuracy = report["total"]["accuracy"]
    assert accuracy["notes"] == 4 and accuracy["kept_words"] < accuracy["drafted_words"]  # a word taken out
    assert accuracy["codes_added"] >= 1 and accuracy["suggestions_accepted"] >= 1
    assert [t["team"] for t in report["teams"]] == ["north"]
    check_group(report["teams"][0], expected[("team", "north")])
    assert [(w["team"], w["worker"]) for w in report["workers"]] == [("north", "kim"), ("north", "lee")]
    for row in report["workers"]:
        check_group(row, expected[("worker", row["team"], row["worker"])])
    # The history as made: kim's visit 60 days ago is outside; lee's last visit is not signed;
    # the family visit signs two notes; kim saw CIN-K1 twice.
    kim = report["workers"][0]
    assert (kim["recordings"], kim["visits_signed"], kim["notes_signed"], kim["children_recorded"]) == (3, 3, 4, 3)
    assert report["teams"][0]["recording_to_draft"]["count"] == 5 and report["total"]["visits_signed"] == 4

    admin = Client(base_url, "root").get("/api/reports", params=period).json()
    assert admin["scope"] == "every team" and [t["team"] for t in admin["teams"]] == ["north", "south"]
    check_group(admin["total"], expected["total"])
    check_codes(admin["codes"], expected["total"]["codes"])
    check_group(admin["teams"][1], expected[("team", "south")])
    only_south = Client(base_url, "root").get("/api/reports", params={**period, "team": "south"}).json()
    assert only_south["scope"] == "team south" and [w["worker"] for w in only_south["workers"]] == ["ola"]
    check_group(only_south["total"], expected[("team", "south")])

    # Weeks: the visits signed, by the Monday of the week they were recorded (London).
    weeks = defaultdict(int)
    for visit in HISTORY:
        if visit.sign and TEAMS[visit.worker] == "north" and visit.days_ago <= 27:
            day = today - timedelta(days=visit.days_ago)
            weeks[(day - timedelta(days=day.weekday())).isoformat()] += 1
    assert {w["week_start"]: w["visits_signed"] for w in report["weekly"]} == weeks

    # The CSV: the same figures, one a row.
    answer = manager.get("/api/reports", params={**period, "format": "csv"})
    page = manager.get("/reports", params={"from-day": start.day, "from-month": start.month,
                                           "from-year": start.year})
    assert page.status_code == 200
    for body in (json.dumps(report), json.dumps(admin), answer.text, page.text):  # never any note text
        for said in ("drinking", "bedroom", "as the worker wrote", "Nothing further to add", "Kayden", "Tyler"):
            assert said not in body
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    cells = {(r["section"], r["team"], r["worker"], r["figure"]): r["value"] for r in rows}
    assert float(cells[("total", "", "", "recordings")]) == report["total"]["recordings"]
    assert float(cells[("worker", "north", "kim", "draft_to_signed.median_s")]) == pytest.approx(
        kim["draft_to_signed"]["median_s"], abs=1e-4)
    assert float(cells[("team", "north", "", "time_saved.saved_minutes")]) == pytest.approx(
        report["teams"][0]["time_saved"]["saved_minutes"], abs=1e-4)


def test_workers_have_no_report_and_every_opening_is_audited(server):
    url, app = server
    add_user(app, "kim", "worker", "north")
    add_user(app, "mo", "manager", "north")
    add_user(app, "root", "admin")
    worker = Client(url, "kim")
    for path in ("/api/reports", "/api/reports?format=csv", "/reports"):
        answer = worker.get(path)
        assert answer.status_code == 404, path
    assert worker.get("/api/reports").headers["content-type"] == "application/problem+json"
    manager = Client(url, "mo")
    assert manager.get("/api/reports").status_code == 200
    assert manager.get("/api/reports", params={"format": "csv"}).status_code == 200
    assert manager.get("/reports").status_code == 200
    bad = manager.get("/api/reports", params={"from": "2026-03-05", "to": "2026-03-01"})
    assert bad.status_code == 422 and "on or before" in bad.json()["detail"]
    assert manager.get("/api/reports", params={"format": "xlsx"}).status_code == 422
    assert Client(url).get("/api/reports").status_code == 401
    audit = Client(url, "root").get("/api/audit", params={"action": "view_report"}).json()
    assert sorted((e["actor"], e["detail"]["format"]) for e in audit) == [
        ("mo", "csv"), ("mo", "json"), ("mo", "page")]
    refused = Client(url, "root").get("/api/audit", params={"action": "refused"}).json()
    assert {e["detail"]["path"] for e in refused if e["actor"] == "kim"} == {"/api/reports", "/reports"}

"""``creditdesk fast-track`` and ``creditdesk commitments`` as a script runs them (issue 20,
item 4): subprocesses against a real reference platform process on loopback."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from desktop.reports.pdf import extract_text
from sandbox.process import spawn
from tests.staffing import CLERK, SERVICE, SUPERVISOR, creditdesk, signed_in

KEY = "commitments-cli-key-0123456789"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=31,
                  subjects=2000, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def env():
    return {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture(scope="module")
def api(platform):
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def organisations(api):
    """Eligible incentive organisations with their tolerable materials, as the platform
    answers them itself."""
    found = []
    for sample in api.get("/sandbox/samples").json()["incentive"]:
        if sample["kind"] != "organisation":
            continue
        answer = api.post("/v1/tolerance", json={"subject_id": sample["id"],
                                                 "item": "FOOD_LICENCE"}).json()
        if answer["eligible"] and len(answer["tolerable_materials"]) >= 2:
            found.append((sample, answer["tolerable_materials"]))
    assert len(found) >= 2, "the data set has two eligible organisations"
    return found


def run(env, desk: Path, who: str, *args: str):
    return creditdesk(signed_in(env, desk, who), *args, "--data-dir", str(desk))


def feedback_at_platform(api, **query) -> list[dict]:
    answer = api.get("/sandbox/feedback", params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()["feedback"]


def listed(env, desk: Path, *extra: str) -> list[dict]:
    done = run(env, desk, CLERK, "commitments", "list", "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fast_track_prints_opens_and_feeds_back(platform, env, api, organisations, tmp_path):
    desk, common = tmp_path / "desk", ["--platform", platform.url]
    (sample, materials) = organisations[0]
    chosen, other = materials[0], materials[1]
    letter = tmp_path / "letter.pdf"
    done = run(env, desk, CLERK, "fast-track", sample["id"], "--item", "FOOD_LICENCE",
               "--missing", chosen["code"], "-o", str(letter), "--case-no", "CASE-FT-1",
               "--json", *common)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["feedback"] == "sent" and answer["case_no"] == "CASE-FT-1"

    text = extract_text(letter.read_bytes())  # the letter, parsed back
    assert "信用承诺书" in text and sample["name"] in text and answer["letter_no"] in text
    assert chosen["name"] in text and other["name"] not in text

    rows = listed(env, desk, *common)
    assert [(r["id"], r["letter_no"], r["state"], r["materials"]) for r in rows] == [
        (answer["commitment_id"], answer["letter_no"], "open", [chosen["name"]])]
    due = dt.date.fromisoformat(rows[0]["due"])
    assert due > dt.date.today() and due.weekday() < 5 and not rows[0]["breach_proposed"]

    at_platform = feedback_at_platform(api, case_no="CASE-FT-1")
    assert [(f["action"], f["letter_no"]) for f in at_platform] == [
        ("fast_tracked", answer["letter_no"])]


def test_fast_track_refusals_leave_nothing(platform, env, api, organisations, tmp_path):
    desk, common = tmp_path / "desk", ["--platform", platform.url]
    sample, materials = organisations[1]
    out = tmp_path / "no.pdf"
    wrong = run(env, desk, CLERK, "fast-track", sample["id"], "--item", "FOOD_LICENCE",
                "--missing", "NOT_A_MATERIAL", "-o", str(out), "--case-no", "CASE-FT-2",
                *common)
    assert wrong.returncode == 2 and materials[0]["code"] in wrong.stderr, wrong.stderr
    bad = next(s for s in api.get("/sandbox/samples").json()["prohibit"]
               if s["kind"] == "organisation")
    ineligible = run(env, desk, CLERK, "fast-track", bad["id"], "--item", bad["item"],
                     "--missing", materials[0]["code"], "-o", str(out), "--case-no",
                     "CASE-FT-2", *common)
    assert ineligible.returncode == 4 and "tolerance not available" in ineligible.stderr
    robot = run(env, desk, SERVICE, "fast-track", sample["id"], "--item", "FOOD_LICENCE",
                "--missing", materials[0]["code"], "-o", str(out), "--case-no", "CASE-FT-2",
                *common)
    assert robot.returncode == 4 and "service account" in robot.stderr
    assert not out.exists()
    assert listed(env, desk, *common) == []
    assert feedback_at_platform(api, case_no="CASE-FT-2") == []


def make_overdue(desk: Path, commitment_id: int, days: int) -> None:
    with sqlite3.connect(desk / "creditdesk.sqlite") as conn:
        conn.execute("UPDATE commitments SET due = ? WHERE id = ?",
                     ((dt.date.today() - dt.timedelta(days=days)).isoformat(), commitment_id))


def test_close_fulfilled_by_a_clerk_breached_by_a_supervisor(
        platform, env, api, organisations, tmp_path):
    desk, common = tmp_path / "desk", ["--platform", platform.url]
    ids = []
    for i, (sample, materials) in enumerate(organisations[:2]):
        # The old name, without --missing: every tolerable material, and now the whole
        # acceptance (commitment and feedback), not a letter alone.
        done = run(env, desk, CLERK, "commitment", sample["id"], "--item", "FOOD_LICENCE",
                   "-o", str(tmp_path / f"l{i}.pdf"), "--case-no", f"CASE-CL-{i}", "--json",
                   *common)
        assert done.returncode == 0, done.stderr
        ids.append(json.loads(done.stdout)["commitment_id"])
        text = extract_text((tmp_path / f"l{i}.pdf").read_bytes())
        assert all(m["name"] in text for m in materials)
    kept, broken = ids

    early = run(env, desk, SUPERVISOR, "commitments", "close", str(broken), "--breached",
                *common)
    assert early.returncode == 4 and "not yet past its due date" in early.stderr
    make_overdue(desk, broken, 30)  # far past the grace days
    rows = {r["id"]: r for r in listed(env, desk, *common)}
    assert rows[broken]["overdue"] and rows[broken]["breach_proposed"]
    plain = run(env, desk, CLERK, "commitments", *common)  # bare: the list, overdue first
    assert plain.returncode == 0 and "breach proposed" in plain.stdout.splitlines()[0]

    by_clerk = run(env, desk, CLERK, "commitments", "close", str(broken), "--breached",
                   *common)
    assert by_clerk.returncode == 4 and "supervisor" in by_clerk.stderr
    assert feedback_at_platform(api, case_no="CASE-CL-1")[-1]["action"] == "fast_tracked"

    done = run(env, desk, SUPERVISOR, "commitments", "close", str(broken), "--breached",
               "--note", "逾期未补齐", "--json", *common)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feedback"] == "sent"
    again = run(env, desk, SUPERVISOR, "commitments", "close", str(broken), "--breached",
                *common)
    assert again.returncode == 4 and "is closed" in again.stderr
    fulfilled = run(env, desk, CLERK, "commitments", "close", str(kept), "--fulfilled",
                    *common)
    assert fulfilled.returncode == 0, fulfilled.stderr

    assert [f["action"] for f in feedback_at_platform(api, case_no="CASE-CL-1")] == [
        "fast_tracked", "commitment_breached"]
    assert [f["action"] for f in feedback_at_platform(api, case_no="CASE-CL-0")] == [
        "fast_tracked", "commitment_fulfilled"]
    with sqlite3.connect(desk / "creditdesk.sqlite") as conn:
        entries = [json.loads(d) for (d,) in conn.execute(
            "SELECT details FROM audit WHERE event = 'commitment.breached'")]
        clerks = [c for (c,) in conn.execute(
            "SELECT clerk FROM audit WHERE event = 'action.commitment_breached'")]
    assert [(e["approved_by"], e["note"]) for e in entries] == [(SUPERVISOR, "逾期未补齐")]
    assert clerks == [SUPERVISOR]
    assert listed(env, desk, *common) == []
    everything = listed(env, desk, "--all", *common)
    assert {r["id"]: r["state"] for r in everything} == {kept: "fulfilled",
                                                        broken: "breached"}

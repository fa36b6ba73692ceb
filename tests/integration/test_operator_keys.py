"""The platform operator's keys (issue 20, item 10): ``creditdesk sandbox keys add|list|
revoke`` against the database a running ``sandbox serve`` process uses; a revoke is refused
from the very next request; what a key posts is its counter's; the start key of
``serve --api-key`` lives beside the issued ones."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import uuid

import httpx
import pytest

from desktop.reports.code import code_digest
from sandbox.process import creditdesk_script, spawn
from tests.integration.conftest import SEED, SUBJECTS
from tests.integration.test_platform_api import UNKNOWN_ORG, feedback_body


def keys(db: str, *args: str) -> subprocess.CompletedProcess:
    """``creditdesk sandbox keys ARGS --db DB``, as the operator types it."""
    return subprocess.run([creditdesk_script(), "sandbox", "keys", *args, f"--db={db}"],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def issue(db: str, counter: str, label: str = "") -> dict:
    done = keys(db, "add", "--counter", counter, "--label", label, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


@pytest.fixture
def pilot(tmp_path):
    """A ``serve --pilot`` process with two counters' keys issued before it started."""
    db = f"sqlite:///{tmp_path / 'pilot.sqlite'}"
    a, b = issue(db, "SX-A-01", "desk A"), issue(db, "SX-B-01", "desk B")
    child = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=None, extra=("--pilot",))
    yield db, child.url, a, b
    child.stop()


def test_a_revoked_key_is_refused_by_the_running_server_at_once(pilot):
    db, url, a, b = pilot
    with client(url, a["api_key"]) as as_a, client(url, b["api_key"]) as as_b:
        assert as_a.get("/v1/whoami").json()["counter"] == "SX-A-01"
        assert as_b.get("/v1/whoami").json()["counter"] == "SX-B-01"
        done = keys(db, "revoke", a["key_id"])
        assert done.returncode == 0, done.stderr
        assert "SX-A-01" in done.stdout
        refused = as_a.get("/v1/whoami")  # the very next request after the revoke
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
        assert as_b.get("/v1/whoami").status_code == 200  # the other counter is untouched
    listed = json.loads(keys(db, "list", "--json").stdout)
    assert [(k["counter_id"], k["label"], k["active"]) for k in listed] == [
        ("SX-A-01", "desk A", False), ("SX-B-01", "desk B", True)]
    assert listed[0]["revoked_at"] >= listed[0]["created_at"] > ""


def test_keys_are_shown_once_and_stored_only_as_hashes(pilot, tmp_path):
    db, _url, a, b = pilot
    plain, as_json = keys(db, "list"), keys(db, "list", "--json")
    for secret in (a["api_key"], b["api_key"]):
        assert secret not in plain.stdout and secret not in as_json.stdout
        assert secret.encode() not in (tmp_path / "pilot.sqlite").read_bytes()
    assert a["key_id"] in plain.stdout and "desk A" in plain.stdout
    unknown = keys(db, "revoke", "0123456789ab")
    assert unknown.returncode == 2 and "no key has the id" in unknown.stderr


def test_what_a_key_posts_is_its_counters_and_no_other(pilot):
    _db, url, a, b = pilot
    check = str(uuid.uuid4())
    number = f"CR-{uuid.uuid4().hex[:12]}"
    with client(url, a["api_key"]) as as_a:
        posted = as_a.post("/v1/feedback", json=feedback_body(check_id=check),
                           headers={"Idempotency-Key": f"k-{check}"})
        assert posted.status_code == 201, posted.text
        stored = as_a.get("/sandbox/feedback", params={"check_id": check}).json()["feedback"]
        assert [f["counter"] for f in stored] == ["SX-A-01"]
    with client(url, b["api_key"]) as as_b:  # on a pilot, another counter's cases stay hidden
        assert as_b.get("/sandbox/feedback", params={"check_id": check}).json() == {
            "feedback": []}
        assert all(f["counter"] == "SX-B-01"
                   for f in as_b.get("/sandbox/feedback").json()["feedback"])
    with client(url, a["api_key"]) as as_a:
        report = {"report_no": number, "digest": "a" * 64, "kind": "credit_report",
                  "subject_id": UNKNOWN_ORG, "issued_at": dt.datetime.now(dt.UTC).isoformat(),
                  "code_sha256": code_digest(number, "AAAA-BBBB-CCCC"), "verdict": "clear",
                  "item_code": "FOOD_LICENCE"}
        assert as_a.post("/v1/reports", json=report).status_code == 201
        assert as_a.get(f"/v1/reports/{number}").json()["counter"] == "SX-A-01"
        # The bodies that name a counter are refused for any counter but the key's own.
        anchor = as_a.post("/v1/audit/anchors", json={
            "counter": "SX-B-01", "seq": 1, "head_hash": "0" * 64})
        assert anchor.status_code == 422 and anchor.json()["error"]["code"] == "wrong_counter"
        # A pilot refuses the test calls, one of which would mint a key for any counter.
        for path, body in (("/sandbox/counters", {"counter": "SX-B-01"}),
                           ("/sandbox/faults", {"error_rate": 1.0}),
                           ("/sandbox/changes", {"n": 1, "seed": 1}),
                           # the alert tests' hooks: a counter must not rewrite a subject
                           (f"/sandbox/subjects/{UNKNOWN_ORG}/records",
                            {"kind": "blacklist"}),
                           ("/sandbox/records/R1/state", {"state": "repaired"}),
                           (f"/sandbox/subjects/{UNKNOWN_ORG}/warnings",
                            {"level": "red", "point": "x"})):
            refused = as_a.post(path, json=body)
            assert refused.status_code == 403, path
            assert refused.json()["error"]["code"] == "pilot"
        refused = as_a.put(f"/sandbox/subjects/{UNKNOWN_ORG}/grade",
                           json={"letter": "D", "score": 40})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "pilot"
        # A counter's key cannot move every desk's due dates on a pilot either.
        before = as_a.get("/v1/calendar").json()
        refused = as_a.put("/sandbox/calendar", json={
            "years": [2027], "holidays": ["2027-01-04"], "workdays": []})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "pilot"
        assert as_a.get("/v1/calendar").json() == before


def test_the_start_key_lives_beside_issued_keys(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    start = "operator-start-key-0123456789"
    child = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=start)
    try:
        issued = issue(db, "SX-C-01")  # added while the server runs
        with client(child.url, start) as demo, client(child.url, issued["api_key"]) as c:
            assert c.get("/v1/whoami").json()["counter"] == "SX-C-01"
            assert demo.get("/v1/whoami").json()["counter"] == "SX-DEMO-01"
            listed = json.loads(keys(db, "list", "--json").stdout)
            start_row = next(k for k in listed if k["counter_id"] == "SX-DEMO-01")
            assert start_row["label"] == "serve --api-key"
            assert keys(db, "revoke", start_row["key_id"]).returncode == 0
            assert demo.get("/v1/whoami").status_code == 401
            assert c.get("/v1/whoami").status_code == 200
    finally:
        child.stop()
    # Started again with the same --api-key, a revoked start key stays revoked.
    child = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=start)
    try:
        with client(child.url, start) as demo:
            assert demo.get("/v1/whoami").status_code == 401
    finally:
        child.stop()

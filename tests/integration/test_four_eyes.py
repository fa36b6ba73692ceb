"""Four eyes on every path (issue 15, item 6), tried the way a clerk with a shell would.

The real ``creditdesk`` command on a real data directory, against a real platform process
on loopback; what was written is read back with the sqlite3 module, from the desk's cache
and from the platform's database. Staff are made with the real ``creditdesk staff add``
(``tests/staffing.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.review import stats as review_stats
from desktop.staff.credentials import SecretStore
from sandbox.process import spawn
from tests.staffing import CLERK, PASSWORDS, SERVICE, SUPERVISOR, creditdesk, signed_in

KEY = "four-eyes-test-key-0123456789"
DATA_KEY = base64.b64encode(b"f" * 32).decode()


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    where = tmp_path_factory.mktemp("four-eyes-platform") / "platform.sqlite"
    child = spawn(f"sqlite:///{where}", seed=11, subjects=2000, api_key=KEY)
    child.db = where
    yield child
    child.stop()


@pytest.fixture(scope="module")
def samples(platform):
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        return c.get("/sandbox/samples").json()


class Desk:
    """One desk's data directory and the commands run on it."""

    def __init__(self, root: Path, url: str) -> None:
        self.dir, self.url = root / "desk", url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
        self.env |= {"CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": DATA_KEY}

    def run(self, *args: str, staff: str | None = CLERK, stdin: str | None = None):
        env = signed_in(self.env, self.dir, staff) if staff else self.env
        return creditdesk(env, *args, "--data-dir", str(self.dir), "--platform", self.url,
                          stdin=stdin)

    def check(self, sample: dict, staff: str = CLERK) -> str:
        done = self.run("check", sample["id"], "--item", sample["item"], "--json", staff=staff)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["check_id"]

    def sql(self, query: str, *params) -> list[tuple]:
        with sqlite3.connect(self.dir / "creditdesk.sqlite") as db:
            return db.execute(query, params).fetchall()

    def feedback_rows(self) -> list[tuple]:
        return self.sql("SELECT check_id, action, state, last_error FROM outbox "
                        "WHERE kind = 'feedback' ORDER BY id")

    def action_entries(self) -> list[tuple]:
        return self.sql("SELECT event, clerk FROM audit WHERE event LIKE 'action.%' "
                        "OR event = 'intercept.override' ORDER BY seq")


@pytest.fixture
def desk(tmp_path, platform):
    return Desk(tmp_path, platform.url)


def received(platform) -> list[dict]:
    with sqlite3.connect(platform.db) as db:
        return [json.loads(b) for (b,) in db.execute("SELECT body FROM feedback")]


def pick(samples: dict, verdict: str) -> dict:
    return samples[verdict][0]


def refused(done, *words: str) -> None:
    assert done.returncode == 4, (done.returncode, done.stdout, done.stderr)
    assert " / " in done.stderr  # Chinese / English
    for word in words:
        assert word in done.stderr, done.stderr


# ---------------------------------------------------------------------------- the defects


def test_override_with_a_one_character_reason_and_no_supervisor_is_refused(desk, platform,
                                                                            samples):
    check_id = desk.check(pick(samples, "prohibit"))
    before = received(platform)
    done = desk.run("feedback", check_id, "--action", "overridden", "--reason", "x")
    refused(done, "--supervisor")
    assert desk.feedback_rows() == [] and desk.action_entries() == []
    assert received(platform) == before


def test_nobody_signed_in_writes_nothing_and_is_told_how_to_sign_in(desk, samples):
    sample = pick(samples, "prohibit")
    check_id = desk.check(sample)
    entries = desk.sql("SELECT count(*) FROM audit")
    for args in (["feedback", check_id, "--action", "terminated"],
                 ["check", sample["id"], "--item", sample["item"]]):
        done = desk.run(*args, staff=None)
        refused(done, "creditdesk login --staff", "CREDITDESK_STAFF")
    assert desk.sql("SELECT count(*) FROM audit") == entries
    assert desk.feedback_rows() == []


def test_a_second_terminated_for_the_same_check_is_refused(desk, platform, samples):
    check_id = desk.check(pick(samples, "prohibit"))
    assert desk.run("feedback", check_id, "--action", "terminated").returncode == 0
    again = desk.run("feedback", check_id, "--action", "terminated")
    refused(again, "already has a decision", "已有处理结果")
    assert [(c, a) for c, a, _s, _e in desk.feedback_rows()] == [(check_id, "terminated")]
    assert [e for e, _c in desk.action_entries()] == ["action.terminated"]
    assert [b["action"] for b in received(platform) if b["check_id"] == check_id] == [
        "terminated"]


def test_two_clerks_deciding_one_check_at_once_record_one_decision(desk, platform, samples):
    import subprocess

    from sandbox.process import creditdesk_script

    check_id = desk.check(pick(samples, "prohibit"))
    env = signed_in(desk.env, desk.dir, CLERK)
    command = [creditdesk_script(), "feedback", check_id, "--action", "terminated",
               "--data-dir", str(desk.dir), "--platform", desk.url]
    both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8") for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in both)
    for p in both:
        p.communicate()
    assert codes == [0, 4]
    assert [(c, a) for c, a, _s, _e in desk.feedback_rows()] == [(check_id, "terminated")]
    assert [b["action"] for b in received(platform) if b["check_id"] == check_id] == [
        "terminated"]


@pytest.mark.parametrize("action", ["overridden", "commitment_fulfilled", "proceeded",
                                    "terminated", "commitment_breached"])
def test_an_action_that_does_not_fit_a_clear_check_is_refused(desk, platform, samples, action):
    check_id = desk.check(pick(samples, "clear"))
    before = received(platform)
    done = desk.run("feedback", check_id, "--action", action, "--reason", "理由充分的说明",
                    "--legal-ground", "某法第十条规定", "--supervisor", SUPERVISOR,
                    "--password-stdin", stdin=PASSWORDS[SUPERVISOR] + "\n")
    refused(done)
    assert desk.feedback_rows() == [] and desk.action_entries() == []
    assert received(platform) == before


def test_entries_name_the_signed_in_member_of_staff_not_settings_json(desk, platform,
                                                                       samples):
    desk.dir.mkdir(parents=True)
    (desk.dir / "settings.json").write_text(json.dumps({"clerk_id": "mallory"}),
                                            encoding="utf-8")
    check_id = desk.check(pick(samples, "restrict"))
    assert desk.run("feedback", check_id, "--action", "proceeded", "--reason",
                    "已告知办理条件").returncode == 0
    named = desk.sql("SELECT event, clerk FROM audit WHERE event IN ('check', "
                     "'action.proceeded') ORDER BY seq")
    assert named == [("check", CLERK), ("action.proceeded", CLERK)]
    assert desk.sql("SELECT event FROM audit WHERE clerk = 'mallory'") == []
    assert [b["clerk_id"] for b in received(platform) if b["check_id"] == check_id] == [CLERK]


# ---------------------------------------------------------------------------- override, roles


def test_an_override_approved_by_a_supervisor_lands_in_override_review(desk, platform,
                                                                       samples):
    check_id = desk.check(pick(samples, "prohibit"))
    done = desk.run("feedback", check_id, "--action", "overridden", "--reason",
                    "经复核已履行全部义务", "--legal-ground", "《条例》第二十条第二款",
                    "--supervisor", SUPERVISOR, "--password-stdin",
                    stdin=PASSWORDS[SUPERVISOR] + "\n")
    assert done.returncode == 0, done.stderr
    svc = bootstrap(desk.dir, secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY}))
    try:
        rows = review_stats.overrides(svc.engine)
    finally:
        svc.close()
    assert [(r.clerk, r.approver, r.reason, r.legal_ground) for r in rows] == [
        (CLERK, SUPERVISOR, "经复核已履行全部义务", "《条例》第二十条第二款")]
    assert [(a, s) for _c, a, s, _e in desk.feedback_rows()] == [("overridden", "sent")]
    body = next(b for b in received(platform) if b["check_id"] == check_id)
    assert body["approved_by"] == SUPERVISOR and body["clerk_id"] == CLERK
    assert SUPERVISOR not in body["reason"]  # the approver is a field, not free text


def test_an_override_needs_the_supervisors_password_and_another_person(desk, samples):
    check_id = desk.check(pick(samples, "prohibit"))
    args = ["feedback", check_id, "--action", "overridden", "--reason", "经复核已履行全部义务",
            "--legal-ground", "《条例》第二十条第二款", "--supervisor", SUPERVISOR,
            "--password-stdin"]
    refused(desk.run(*args, stdin="wrong-password\n"), "wrong staff id or password")
    # The supervisor signed in cannot approve their own override.
    refused(desk.run(*args, staff=SUPERVISOR, stdin=PASSWORDS[SUPERVISOR] + "\n"),
            "cannot be the clerk")
    refused(desk.run(*args[:-3], "--supervisor", CLERK, "--password-stdin",
                     stdin=PASSWORDS[CLERK] + "\n"), "not a supervisor")
    assert desk.feedback_rows() == [] and desk.action_entries() == []


def test_a_service_account_checks_but_never_decides_or_purges(desk, samples):
    check_id = desk.check(pick(samples, "prohibit"), staff=SERVICE)
    assert desk.sql("SELECT clerk FROM audit WHERE event = 'check'") == [(SERVICE,)]
    for action in ("overridden", "terminated"):
        done = desk.run("feedback", check_id, "--action", action, "--reason", "经复核已履行义务",
                        "--legal-ground", "《条例》第二十条第二款", "--supervisor", SUPERVISOR,
                        "--password-stdin", staff=SERVICE, stdin=PASSWORDS[SUPERVISOR] + "\n")
        refused(done, "service account")
    refused(desk.run("audit", "purge", staff=SERVICE), "service account")
    assert desk.feedback_rows() == []
    assert desk.sql("SELECT count(*) FROM audit WHERE event = 'retention.purge'") == [(0,)]


def test_a_service_account_cannot_sign_in_to_the_window(desk):
    from desktop.staff import session
    from desktop.staff.accounts import StaffError

    signed_in(desk.env, desk.dir, SERVICE)
    svc = bootstrap(desk.dir, secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY}))
    try:
        with pytest.raises(StaffError, match="service account"):
            session.sign_in(svc, SERVICE, PASSWORDS[SERVICE])
    finally:
        svc.close()


# ---------------------------------------------------------------------------- CLI session


def test_login_opens_a_cli_session_logout_ends_it_both_logged(desk, samples):
    sample = pick(samples, "prohibit")
    signed_in(desk.env, desk.dir, CLERK)
    login = desk.run("login", "--staff", CLERK, "--password-stdin", staff=None,
                     stdin=PASSWORDS[CLERK] + "\n")
    assert login.returncode == 0, login.stderr
    done = desk.run("check", sample["id"], "--item", sample["item"], staff=None)
    assert done.returncode == 0, done.stderr
    assert desk.run("logout", "--staff", staff=None).returncode == 0
    refused(desk.run("check", sample["id"], "--item", sample["item"], staff=None),
            "creditdesk login --staff")
    logged = [(e, c, json.loads(d).get("via")) for e, c, d in
              desk.sql("SELECT event, clerk, details FROM audit WHERE event LIKE 'sign_%'")]
    assert logged == [("sign_in", CLERK, "cli"), ("sign_out", CLERK, "cli")]
    wrong = desk.run("login", "--staff", CLERK, "--password-stdin", staff=None,
                     stdin="not-the-password\n")
    refused(wrong, "wrong staff id or password")
    assert desk.sql("SELECT event FROM audit WHERE event = 'sign_in.failed'") == [
        ("sign_in.failed",)]


@pytest.mark.parametrize("forged", [
    json.dumps({"kind": "cli_session", "staff_id": SUPERVISOR, "role": "supervisor",
                "until": 4e9}),
    base64.b64encode(os.urandom(80)).decode(),
])
def test_a_hand_written_cli_session_row_is_refused(desk, samples, forged):
    sample = pick(samples, "prohibit")
    signed_in(desk.env, desk.dir, CLERK)  # the desk and its staff exist
    # The desk has met its platform (its counter adopted and logged) before the attack, so
    # what is counted below is only what the forged session would let in.
    assert desk.run("outbox", staff=None).returncode == 0
    entries = desk.sql("SELECT count(*) FROM audit")
    with sqlite3.connect(desk.dir / "creditdesk.sqlite") as db:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cli_session', ?)",
                   (forged,))
    done = desk.run("check", sample["id"], "--item", sample["item"], staff=None)
    refused(done, "not valid")
    assert desk.sql("SELECT count(*) FROM audit") == entries


def test_a_session_sealed_under_another_data_key_is_refused(desk, samples):
    """A session row sealed as the desk seals one, but under another data key (the desk
    itself now refuses to run with another key at all, so the row is written from
    outside, the way an attacker holding some other key would)."""
    from local_cache.protect import Protector

    sample = pick(samples, "prohibit")
    signed_in(desk.env, desk.dir, CLERK)
    assert desk.run("outbox", staff=None).returncode == 0  # counter adopted first
    entries = desk.sql("SELECT count(*) FROM audit")
    other = Protector(b"o" * 32)
    row = other.seal(json.dumps({"kind": "cli_session", "staff_id": CLERK, "role": "clerk",
                                 "until": 4e9}))
    with sqlite3.connect(desk.dir / "creditdesk.sqlite") as db:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cli_session', ?)", (row,))
    refused(desk.run("check", sample["id"], "--item", sample["item"], staff=None), "not valid")
    assert desk.sql("SELECT count(*) FROM audit") == entries


# ---------------------------------------------------------------------------- the platform


def body(sample: dict, **overrides) -> dict:
    out = {"check_id": str(uuid.uuid4()), "subject_id": sample["id"], "item": sample["item"],
           "verdict": "prohibit", "action": "terminated", "reason": "列入黑名单，终止办理",
           "case_no": "", "clerk_id": "clerk-07",
           "occurred_at": dt.datetime.now(dt.UTC).isoformat()}
    return out | overrides


@pytest.fixture
def api(platform):
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=30) as client:
        yield client


def post(api, data: dict, key: str | None = None) -> httpx.Response:
    return api.post("/v1/feedback", json=data, headers={"Idempotency-Key": key or
                                                        f"fb-{uuid.uuid4()}"})


def error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    err = response.json()["error"]
    assert err["code"] == code and " / " in err["message"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"verdict": "clear", "action": "overridden", "approved_by": "boss"},
     "override_not_prohibit"),
    ({"verdict": "restrict", "action": "overridden", "approved_by": "boss"},
     "override_not_prohibit"),
    ({"action": "overridden"}, "approver_required"),
    ({"action": "overridden", "approved_by": "clerk-07"}, "approver_is_clerk"),
    ({"action": "terminated", "approved_by": "boss"}, "approver_not_expected"),
])
def test_the_platform_refuses_feedback_that_does_not_fit_the_check(api, samples, platform,
                                                                   changes, code):
    before = len(received(platform))
    error(post(api, body(pick(samples, "prohibit"), **changes)), 422, code)
    assert len(received(platform)) == before


def test_the_platform_takes_one_decision_per_check_and_closes_a_commitment_once(api, samples):
    sample = pick(samples, "prohibit")
    first = body(sample)
    key = f"fb-{uuid.uuid4()}"
    created = post(api, first, key)
    assert created.status_code == 201
    for action, extra in (("terminated", {}), ("overridden", {"approved_by": "boss"}),
                          ("proceeded", {}), ("fast_tracked", {})):
        again = body(sample, check_id=first["check_id"], action=action, **extra)
        error(post(api, again), 409, "already_decided")
    # A retry of the stored post still gets its first answer.
    replay = post(api, first, key)
    assert replay.status_code == 201 and replay.json() == created.json()
    error(post(api, body(sample, check_id=first["check_id"], action="commitment_fulfilled")),
          409, "not_fast_tracked")

    good = pick(samples, "incentive")
    fast = body(good, verdict="incentive", action="fast_tracked")
    assert post(api, fast).status_code == 201
    kept = body(good, check_id=fast["check_id"], verdict="incentive",
                action="commitment_fulfilled")
    assert post(api, kept).status_code == 201
    error(post(api, {**kept, "action": "commitment_breached"}), 409, "already_closed")


def test_the_outbox_parks_a_refused_decision_with_the_platforms_reason(tmp_path, platform,
                                                                       samples):
    svc = bootstrap(tmp_path / "d", {"platform_url": platform.url},
                    secrets=SecretStore(environ={"CREDITDESK_API_KEY": KEY,
                                                 "CREDITDESK_DATA_KEY": DATA_KEY}))
    try:
        sample = pick(samples, "prohibit")
        outcome = svc.checks.check(sample["id"], sample["item"])
        # Straight into the outbox, past the desk's own rules: the platform still says no.
        svc.outbox.record(outcome.model_dump_json(), action="terminated")
        svc.outbox.record(outcome.model_dump_json(), action="overridden", reason="绕过窗口",
                          approved_by="boss")
        report = svc.outbox.flush(svc.client)
        assert (report.sent, report.failed) == (1, 1)
        (parked,) = svc.outbox.failed()
        assert parked["action"] == "overridden"
        assert "already_decided" in parked["reason"] and "已有处理结果" in parked["reason"]
    finally:
        svc.close()


def test_a_commitment_is_closed_from_the_cli_once_and_only_after_a_fast_track(desk, platform,
                                                                             samples,
                                                                             tmp_path):
    from desktop.counter import flows

    signed_in(desk.env, desk.dir, CLERK)
    svc = bootstrap(desk.dir, {"platform_url": platform.url},
                    secrets=SecretStore(environ={"CREDITDESK_API_KEY": KEY,
                                                 "CREDITDESK_DATA_KEY": DATA_KEY}))
    try:  # the fast-track as the window does it (it prints the letter)
        svc.sign_in(CLERK)
        for sample in samples["incentive"]:
            outcome = svc.checks.check(sample["id"], sample["item"])
            plan = flows.plan_fast_track(svc, outcome)
            if plan.eligible and plan.tolerable_codes:
                break
        else:
            pytest.fail("no eligible incentive sample")
        flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                         tmp_path / "letter.pdf")
        svc.outbox.flush(svc.client)
    finally:
        svc.close()
    check_id = outcome.check_id
    refused(desk.run("feedback", check_id, "--action", "terminated"), "does not fit")
    refused(desk.run("feedback", check_id, "--action", "fast_tracked"), "in the window")
    done = desk.run("feedback", check_id, "--action", "commitment_fulfilled", "--reason",
                    "材料已补齐")
    assert done.returncode == 0, done.stderr
    refused(desk.run("feedback", check_id, "--action", "commitment_breached"), "is closed")
    assert [(a, s) for _c, a, s, _e in desk.feedback_rows()] == [
        ("fast_tracked", "sent"), ("commitment_fulfilled", "sent")]
    assert [b["action"] for b in received(platform) if b["check_id"] == check_id] == [
        "fast_tracked", "commitment_fulfilled"]

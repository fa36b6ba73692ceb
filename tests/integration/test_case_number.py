"""The business system's case number through the loop (issue 19, part 2).

A check made for a case (``case_no``, asked by ``system``) keeps both: in its ``check``
entry, on every feedback the platform stores for it, on its printed report and on its
commitment letter. A case number the desk cannot keep is refused with nothing written.
The reference platform runs as a child process on loopback; its stored feedback is read
back through its control API; the desk's cache is a real SQLite file read with sqlite3;
the PDFs are real files parsed back to text.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from desktop.counter import commitments, flows
from desktop.counter.check_service import CaseNumberError
from desktop.reports.pdf import extract_text
from local_cache.db import FILE_NAME
from sandbox.demo import fetch_samples, make_desk
from sandbox.process import spawn
from tests.staffing import PASSWORDS, SUPERVISOR, creditdesk, signed_in

KEY = "case-number-test-key-0123456789"
CASE = "越城受理〔2026〕第0042号"
SYSTEM = "街道综合受理系统"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    where = tmp_path_factory.mktemp("case-platform") / "platform.sqlite"
    child = spawn(f"sqlite:///{where}", seed=13, subjects=2000, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def samples(platform):
    return fetch_samples(platform)


@pytest.fixture
def svc(platform, tmp_path):
    services = make_desk(platform, tmp_path / "desk")
    yield services
    services.close()


def stored(platform, **query: str) -> list[dict]:
    """Feedback the platform stored, from its control API."""
    answer = httpx.get(f"{platform.url}/sandbox/feedback", params=query, timeout=30,
                       headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["feedback"]


def entries(db: Path, event: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT details FROM audit WHERE event = ? ORDER BY seq",
                            (event,)).fetchall()
    return [json.loads(d) for (d,) in rows]


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def cache(svc) -> Path:
    return Path(svc.settings.data_dir) / FILE_NAME


# ---------------------------------------------------------------------------- the core


def test_the_case_number_is_logged_sent_and_printed(svc, platform, samples, tmp_path):
    sample = samples.prohibit[0]
    outcome = svc.checks.check(sample.id, sample.item, case_no=f"  {CASE} ", system=SYSTEM)
    assert (outcome.case_no, outcome.system) == (CASE, SYSTEM)
    [entry] = [e for e in entries(cache(svc), "check") if e["check_id"] == outcome.check_id]
    assert (entry["case_no"], entry["system"]) == (CASE, SYSTEM)
    kept = svc.checks.recall(outcome.check_id)
    assert (kept.case_no, kept.system) == (CASE, SYSTEM)

    printed = svc.reports.print_report(kept, "政府采购", tmp_path / "report.pdf")
    text = extract_text(printed.path.read_bytes())
    assert f"案号{CASE}" in text.replace(" ", "").replace("\n", "")
    assert SYSTEM in text and "业务系统" in text
    english = svc.reports.print_report(kept, "Government procurement", tmp_path / "en.pdf",
                                       "en")
    assert "Case No." in extract_text(english.path.read_bytes())

    flows.terminate(svc, kept, "申请人在黑名单内")
    assert svc.outbox.flush(svc.client).failed == 0
    [record] = stored(platform, check_id=outcome.check_id)
    assert record["action"] == "terminated"
    assert (record["case_no"], record["letter_no"]) == (CASE, "")
    assert [r["check_id"] for r in stored(platform, case_no=CASE)] == [outcome.check_id]


def test_a_check_without_a_case_number_prints_no_case_line(svc, samples, tmp_path):
    sample = samples.clear[0]
    outcome = svc.checks.check(sample.id, sample.item)
    assert (outcome.case_no, outcome.system) == ("", "")
    text = extract_text(svc.reports.print_report(outcome, "x", tmp_path / "r.pdf")
                        .path.read_bytes())
    assert "案号" not in text and "业务系统" not in text


def test_fast_track_sends_the_case_and_the_letter_apart(svc, platform, samples, tmp_path):
    sample = next(s for s in samples.incentive if s.kind == "organisation")
    case = "SX-2026-FT-7"
    outcome = svc.checks.check(sample.id, sample.item, case_no=case, system=SYSTEM)
    plan = flows.plan_fast_track(svc, outcome)
    done = flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                            tmp_path / "letter.pdf")
    letter = extract_text(done.path.read_bytes())
    assert case in letter and SYSTEM in letter and done.letter_no in letter
    [open_one] = commitments.list_commitments(svc)
    commitments.close(svc, open_one.id, fulfilled=True)
    assert svc.outbox.flush(svc.client).failed == 0
    records = stored(platform, check_id=outcome.check_id)
    assert [(r["action"], r["case_no"], r["letter_no"]) for r in records] == [
        ("fast_tracked", case, done.letter_no),
        ("commitment_fulfilled", case, done.letter_no)]
    [action] = [e for e in entries(cache(svc), "action.fast_tracked")
                if e["check_id"] == outcome.check_id]
    assert (action["case_no"], action["letter_no"]) == (case, done.letter_no)


@pytest.mark.parametrize("case_no, system, words", [
    ("SX-2026\x07-1", "", "控制字符"),
    ("A" * 65, "", "64"),
    ("SX-2026-1", "受理\u202e系统", "控制字符"),
    ("SX-2026-1", "系" * 65, "64"),
])
def test_a_case_number_the_desk_cannot_keep_is_refused_with_nothing_written(
        svc, samples, case_no, system, words):
    db = cache(svc)
    before = (count(db, "audit"), count(db, "results"))
    sample = samples.prohibit[0]
    with pytest.raises(CaseNumberError) as refused:
        svc.checks.check(sample.id, sample.item, case_no=case_no, system=system)
    assert words in refused.value.zh and refused.value.en  # Chinese and English
    assert " / " in str(refused.value)
    assert (count(db, "audit"), count(db, "results")) == before


def test_sixty_four_characters_are_kept_whole(svc, samples):
    sample = samples.clear[0]
    outcome = svc.checks.check(sample.id, sample.item, case_no="案" * 64)
    assert svc.checks.recall(outcome.check_id).case_no == "案" * 64


# ---------------------------------------------------------------------------- the CLI


class Desk:
    """A data directory and ``creditdesk`` commands on it, signed in as staff."""

    def __init__(self, root: Path, url: str) -> None:
        self.dir, self.url = root / "desk", url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
        self.env |= {"CREDITDESK_API_KEY": KEY,
                     "CREDITDESK_DATA_KEY": base64.b64encode(b"c" * 32).decode()}

    def run(self, *args: str):
        env = signed_in(self.env, self.dir)
        return creditdesk(env, *args, "--data-dir", str(self.dir), "--platform", self.url)

    @property
    def db(self) -> Path:
        return self.dir / "creditdesk.sqlite"


@pytest.fixture
def desk(tmp_path, platform):
    return Desk(tmp_path, platform.url)


def test_cli_check_and_feedback_carry_the_case_number_to_the_platform(desk, platform,
                                                                       samples):
    sample = samples.restrict[0]
    done = desk.run("check", sample.id, "--item", sample.item, "--case-no", CASE,
                    "--system", SYSTEM, "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert (answer["case_no"], answer["system"]) == (CASE, SYSTEM)
    plain = desk.run("check", sample.id, "--item", sample.item, "--case-no", CASE)
    assert plain.returncode == 0 and f"案号 / case no.: {CASE}" in plain.stdout
    [entry] = [e for e in entries(desk.db, "check") if e["check_id"] == answer["check_id"]]
    assert (entry["case_no"], entry["system"]) == (CASE, SYSTEM)

    decided = desk.run("feedback", answer["check_id"], "--action", "proceeded", "--reason",
                       "已按规定从严审查", "--case-no", CASE)
    assert decided.returncode == 0, decided.stderr
    [record] = stored(platform, check_id=answer["check_id"])
    assert (record["action"], record["case_no"]) == ("proceeded", CASE)


def test_cli_feedback_names_the_case_of_a_check_made_without_one(desk, platform, samples):
    sample = samples.prohibit[0]
    done = desk.run("check", sample.id, "--item", sample.item, "--json")
    check_id = json.loads(done.stdout)["check_id"]
    assert json.loads(done.stdout)["case_no"] == ""
    decided = desk.run("feedback", check_id, "--action", "terminated", "--case-no", "SX-9")
    assert decided.returncode == 0, decided.stderr
    [record] = stored(platform, check_id=check_id)
    assert record["case_no"] == "SX-9"


def test_cli_refuses_a_case_number_it_cannot_keep_and_writes_nothing(desk, platform,
                                                                       samples):
    sample = samples.prohibit[0]
    done = desk.run("check", sample.id, "--item", sample.item, "--case-no", "SX-1", "--json")
    check_id = json.loads(done.stdout)["check_id"]
    audit_before = count(desk.db, "audit")
    for args in (["check", sample.id, "--item", sample.item, "--case-no", "X" * 65],
                 ["check", sample.id, "--item", sample.item, "--case-no", "SX\x1b[2J"],
                 ["feedback", check_id, "--action", "terminated", "--case-no", "SX\x7f1"],
                 ["feedback", check_id, "--action", "terminated", "--case-no", "SX-2"]):
        refused = desk.run(*args)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert " / " in refused.stderr and ("案号" in refused.stderr), refused.stderr
    assert count(desk.db, "audit") == audit_before
    assert desk_feedback(desk) == []
    assert stored(platform, check_id=check_id) == []


def desk_feedback(desk: Desk) -> list[tuple]:
    with sqlite3.connect(desk.db) as conn:
        return conn.execute("SELECT id FROM outbox WHERE kind = 'feedback'").fetchall()


def test_the_supervisor_sees_the_case_in_the_override_feedback(desk, platform, samples):
    sample = samples.prohibit[1]
    done = desk.run("check", sample.id, "--item", sample.item, "--case-no", "SX-OV-1",
                    "--json")
    check_id = json.loads(done.stdout)["check_id"]
    env = signed_in(desk.env, desk.dir)  # the clerk, approved by the supervisor
    overridden = creditdesk(env, "feedback", check_id, "--action", "overridden", "--reason",
                            "法院裁定已撤销失信认定", "--legal-ground", "行政许可法第八条",
                            "--supervisor", SUPERVISOR, "--password-stdin", "--data-dir",
                            str(desk.dir), "--platform", desk.url,
                            stdin=PASSWORDS[SUPERVISOR] + "\n")
    assert overridden.returncode == 0, overridden.stderr
    [record] = stored(platform, check_id=check_id)
    assert (record["action"], record["case_no"]) == ("overridden", "SX-OV-1")


# ---------------------------------------------------------------------------- the platform


def test_a_platform_database_from_before_keeps_feedback_with_its_case(tmp_path):
    import datetime as dt

    from desktop.platform import schemas
    from sandbox.feedback import Counters, FeedbackStore
    from sandbox.storage import create_all, make_engine

    where = tmp_path / "old.sqlite"
    with sqlite3.connect(where) as db:  # the feedback table as released before the columns
        db.execute("CREATE TABLE feedback (id VARCHAR(36) PRIMARY KEY, idempotency_key "
                   "VARCHAR(128) NOT NULL UNIQUE, counter_id VARCHAR(64) NOT NULL, body_hash "
                   "VARCHAR(64) NOT NULL, body TEXT NOT NULL, received_at VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO feedback VALUES ('f-0', 'k-0', 'SX-1', 'h', '{}', '2026')")
    engine = make_engine(f"sqlite:///{where}")
    create_all(engine)
    store = FeedbackStore(engine, Counters())
    body = schemas.FeedbackIn(check_id="C-1", subject_id="91330602MA2BCDEF1X", item="X",
                              verdict="prohibit", action="terminated", case_no=CASE,
                              clerk_id="clerk-1", occurred_at=dt.datetime.now(dt.UTC))
    store.record("k-1", body, "SX-1")
    assert [(r["check_id"], r["case_no"]) for r in store.received()] == [("", ""), ("C-1", CASE)]
    assert store.received(case_no=CASE)[0]["action"] == "terminated"
    engine.dispose()

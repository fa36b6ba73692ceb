"""``creditdesk batch`` and ``check`` when the platform cannot answer: the snapshot answers
rows as a single check would (offline, with its age), a refusal stays unanswered, a batch
with no answer at all exits 3, and a snapshot past ``offline_max_days`` answers nothing.

A real sandbox process per test (so a test may stop it), real SQLite data directories and
the installed ``creditdesk`` command. The mixed run goes through a loopback proxy that
garbles or refuses the batch requests of chosen chunks, as a broken gateway would.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import os
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from desktop.batch.service import CHUNK
from sandbox.process import spawn
from tests.staffing import SERVICE, creditdesk, signed_in
from tests.strategies import ric_check

KEY = "offline-batch-key-0123456789"
ITEM = "GOV_PROCUREMENT"
HEADER = ["序号", "投标人名称", "统一社会信用代码/身份证号"]
BAD_PERSON = "33060219900101123" + str((int(ric_check("33060219900101123").replace("X", "10"))
                                       + 1) % 10)
REFUSAL = "此批次被网关拒绝 / refused by the gateway"
# Columns of a result row: the three input columns, then the result columns.
VALIDATION, VERDICT, SOURCE = 3, 5, 8


@pytest.fixture
def platform(tmp_path):
    child = spawn(f"sqlite:///{tmp_path / 'p.sqlite'}", seed=17, subjects=3000, api_key=KEY)
    yield child
    if child.process.poll() is None:
        child.stop()


@pytest.fixture
def env(tmp_path):
    base = {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}
    return signed_in(base, tmp_path / "desk", SERVICE)


def cases(platform) -> dict[str, str]:
    """Subject id -> the platform's own verdict for ITEM (its sample subjects)."""
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    found = {s["id"]: verdict for verdict, group in samples.items() for s in group
             if s["item"] == ITEM}
    assert {"prohibit", "clear"} <= set(found.values())
    return found


def desk(tmp_path, env, url, *args):
    return creditdesk(env, *args, "--data-dir", str(tmp_path / "desk"), "--platform", url)


def sync(tmp_path, env, platform):
    done = desk(tmp_path, env, platform.url, "sync")
    assert done.returncode == 0, done.stderr


def write_table(path, subjects, invalid=True):
    rows = [[str(n + 1), f"申请人{n + 1}", s] for n, s in enumerate(subjects)]
    if invalid:
        rows.insert(1, ["x1", "号码太短", "12345"])
        rows.insert(3, ["x2", "校验位错", BAD_PERSON])
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return rows


def batch(tmp_path, env, url, source):
    out = tmp_path / "out.csv"
    done = desk(tmp_path, env, url, "batch", str(source), "--item", ITEM, "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as f:
        return done, list(csv.reader(f))[1:]


def logged(tmp_path, source):
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        return db.execute("SELECT count(*) FROM audit WHERE event = 'check' AND source = ?",
                          (source,)).fetchone()[0]


def synced_words(tmp_path) -> str:
    """The stored last sync as the result file must print it: Beijing time, absolute."""
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        at = float(db.execute("SELECT value FROM meta WHERE key = 'last_sync_at'").fetchone()[0])
    beijing = dt.datetime.fromtimestamp(at, dt.timezone(dt.timedelta(hours=8)))
    return f"offline snapshot synced {beijing:%Y-%m-%d %H:%M} (UTC+8)"


def age_snapshot(tmp_path, days):
    """Move the stored last sync back, as someone with a shell on the counter PC could."""
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        changed = db.execute("UPDATE meta SET value = ? WHERE key = 'last_sync_at'",
                             (str(time.time() - days * 86400),)).rowcount
    assert changed == 1


def test_a_batch_with_the_platform_stopped_after_a_sync_answers_every_row_offline(
        tmp_path, env, platform):
    verdicts = cases(platform)
    sync(tmp_path, env, platform)
    platform.stop()
    write_table(tmp_path / "list.csv", list(verdicts))
    done, out = batch(tmp_path, env, platform.url, tmp_path / "list.csv")
    assert done.returncode == 0, done.stderr
    by_number = {str(n + 1): s for n, s in enumerate(verdicts)}
    assert [r[0] for r in out if r[0] in by_number] == list(by_number)
    for row in out:
        if row[0] not in by_number:  # the two invalid rows
            assert row[VALIDATION] != "有效 / valid" and row[VERDICT] == row[SOURCE] == ""
            continue
        # The verdict the platform gives, marked offline with the snapshot's own time.
        assert row[VALIDATION] == "有效 / valid"
        assert row[VERDICT].endswith(verdicts[by_number[row[0]]]), row
        assert "离线快照" in row[SOURCE] and synced_words(tmp_path) in row[SOURCE], row
        assert "小时前" not in row[SOURCE] and "ago" not in row[SOURCE], row
        assert "stale" not in row[SOURCE]
    n = len(verdicts)
    assert f"在线核查 0，离线核查 {n}，未核查 0，无效 2" in done.stdout, done.stdout
    assert logged(tmp_path, "offline") == n and logged(tmp_path, "platform") == 0


def test_a_batch_with_no_snapshot_and_no_platform_exits_3_with_its_counts(
        tmp_path, env, platform):
    verdicts = cases(platform)
    platform.stop()
    write_table(tmp_path / "list.csv", list(verdicts))
    done, out = batch(tmp_path, env, platform.url, tmp_path / "list.csv")
    assert done.returncode == 3, (done.stdout, done.stderr)
    n = len(verdicts)
    assert f"在线核查 0，离线核查 0，未核查 {n}，无效 2" in done.stdout, done.stdout
    assert "没有一行得到核查结论" in done.stderr and "no row could be answered" in done.stderr
    unanswered = [r for r in out if r[VALIDATION].startswith("未核查")]
    assert len(unanswered) == n
    assert all("snapshot" in r[VALIDATION] and r[VERDICT] == "" for r in unanswered)
    assert logged(tmp_path, "offline") == logged(tmp_path, "platform") == 0


class Gateway:
    """A loopback proxy to the platform that garbles or refuses chosen batch requests,
    chosen by their first identifier (whatever order the chunks are sent in)."""

    def __init__(self, upstream: str, garble: set[str], refuse: set[str]) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                """Quiet: the test reads what the gateway did from its own counts."""

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._pass(None)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/v1/batch"):
                    first = json.loads(body)["subject_ids"][0]
                    if first in gateway.garble:
                        return self._answer(200, b'{"results": [{"index": 0, "subj')
                    if first in gateway.refuse:
                        error = {"error": {"code": "forbidden", "message": REFUSAL}}
                        return self._answer(403, json.dumps(error).encode())
                self._pass(body)

            def _pass(self, body: bytes | None) -> None:
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "connection")}
                got = httpx.request(self.command, upstream + self.path, headers=headers,
                                    content=body, timeout=30)
                self._answer(got.status_code, got.content,
                             got.headers.get("content-type", "application/json"))

            def _answer(self, status: int, data: bytes, ctype: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.garble, self.refuse = garble, refuse
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_mixed_batch_counts_rows_answered_online_offline_and_not_at_all(
        tmp_path, env, platform):
    verdicts = cases(platform)
    sync(tmp_path, env, platform)
    ids = list(verdicts)
    assert len(ids) >= 4
    # Three chunks of the CLI's rows: answered, garbled (offline), refused (none).
    n = CHUNK
    subjects = [ids[3 + i % (len(ids) - 3)] for i in range(2 * n + 40)]
    subjects[0], subjects[n], subjects[2 * n] = ids[0], ids[1], ids[2]
    write_table(tmp_path / "list.csv", subjects, invalid=False)
    gateway = Gateway(platform.url, garble={ids[1]}, refuse={ids[2]})
    try:
        done, out = batch(tmp_path, env, gateway.url, tmp_path / "list.csv")
    finally:
        gateway.close()
    assert done.returncode == 0, done.stderr
    assert f"在线核查 {n}，离线核查 {n}，未核查 40，无效 0" in done.stdout, done.stdout
    for i, (row, subject) in enumerate(zip(out, subjects, strict=True)):
        if i < 2 * n:
            assert row[VERDICT].endswith(verdicts[subject]), (i, row)
        if i < n:
            assert row[SOURCE] == "信用平台 / platform"
        elif i < 2 * n:
            assert "离线快照" in row[SOURCE] and synced_words(tmp_path) in row[SOURCE]
        else:  # a refusal is no outage: not answered offline either
            assert row[VALIDATION].startswith("未核查") and "403" in row[VALIDATION], row
            assert all(part in row[VALIDATION] for part in REFUSAL.split(" / ")), row
            assert row[VERDICT] == row[SOURCE] == ""
    assert (logged(tmp_path, "platform"), logged(tmp_path, "offline")) == (n, n)


def test_a_snapshot_older_than_the_limit_no_longer_answers(tmp_path, env, platform):
    verdicts = cases(platform)
    subject = next(s for s, v in verdicts.items() if v == "clear")
    sync(tmp_path, env, platform)
    platform.stop()
    age_snapshot(tmp_path, 31)
    done = desk(tmp_path, env, platform.url, "check", subject, "--item", ITEM)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "31 天前同步" in done.stderr and "超过 30 天" in done.stderr
    assert "beyond the limit of 30 days" in done.stderr and "sync" in done.stderr
    assert "clear" not in done.stdout
    write_table(tmp_path / "list.csv", list(verdicts))
    ran, out = batch(tmp_path, env, platform.url, tmp_path / "list.csv")
    assert ran.returncode == 3, (ran.stdout, ran.stderr)
    assert f"离线核查 0，未核查 {len(verdicts)}" in ran.stdout
    assert all("no longer answers offline" in r[VALIDATION] for r in out
               if r[VALIDATION].startswith("未核查"))
    # The limit is a setting: raised, the same snapshot answers again (and warns).
    settings = tmp_path / "desk" / "settings.json"  # edited by hand, its other keys kept
    kept = json.loads(settings.read_text()) if settings.exists() else {}
    settings.write_text(json.dumps({**kept, "offline_max_days": 60}))
    done = desk(tmp_path, env, platform.url, "check", subject, "--item", ITEM)
    assert done.returncode == 0, done.stderr
    assert "clear" in done.stdout and "offline" in done.stdout and "stale" in done.stdout

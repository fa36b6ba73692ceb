"""``creditdesk diagnostics`` and the log file, through the real CLI (issue 17).

A desk works against a real platform process on loopback through ``creditdesk``
subprocesses: sync, checks of natural persons, a decision sent, an anchor, a decision
left queued while the platform is down. Then the log file is read (there, 0600 in a
0700 folder, resident numbers masked) and ``creditdesk diagnostics -o`` writes the zip,
which is opened and scanned for every resident number and name the platform knows, any
valid 18-character resident number at all, the API key, the data key and every password
the test used (none may appear); its parts are held against the desk's real rows.
"""

from __future__ import annotations

import base64
import json
import os
import platform as host
import shutil
import sqlite3
import stat
import zipfile
from contextlib import closing
from importlib import metadata

import httpx
import pytest

from sandbox.process import spawn
from tests.pii_scan import leaks, needles, resident_numbers
from tests.staffing import PASSWORDS, creditdesk, signed_in

KEY = "diagnostics-test-key-0123456789"
PROXY_PASSWORD = "proxy-secret-4711"
PARTS = {"README.txt", "versions.json", "settings.json", "status.json", "disk.json",
         "log-tail.txt"}


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    db = tmp_path_factory.mktemp("p") / "p.sqlite"
    child = spawn(f"sqlite:///{db}", seed=37, subjects=2000, api_key=KEY)
    child.db = db
    yield child
    if child.process.poll() is None:
        child.stop()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def test_the_cli_logs_and_its_diagnostics_zip_hold_no_personal_data(platform, tmp_path):
    data_key = base64.b64encode(os.urandom(32)).decode()
    base = {k: v for k, v in os.environ.items() if k != "CREDITDESK_LOG_LEVEL"}
    desk = tmp_path / "desk"
    env = signed_in({**base, "CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": data_key}, desk)
    common = ["--data-dir", str(desk), "--platform", platform.url]
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    persons = [s for verdict in ("prohibit", "restrict", "clear") for s in samples[verdict]
               if s["kind"] == "person"]
    decided = [s for s in persons if s in samples["prohibit"] + samples["restrict"]][:2]
    assert len(decided) == 2 and len(persons) >= 4

    assert creditdesk(env, "sync", *common).returncode == 0
    checks = {}
    for s in [*decided, *(p for p in persons if p not in decided)][:4]:
        done = creditdesk(env, "check", s["id"], "--item", s["item"], "--json", *common)
        assert done.returncode == 0, done.stderr
        checks[s["id"]] = json.loads(done.stdout)["check_id"]
    sent = creditdesk(env, "feedback", checks[decided[0]["id"]], "--action", "terminated",
                      *common)
    assert sent.returncode == 0, sent.stderr
    assert creditdesk(env, "audit", "anchor", *common).returncode == 0
    platform.stop()  # the next decision waits in the outbox
    queued = creditdesk(env, "feedback", checks[decided[1]["id"]], "--action", "terminated",
                        *common)
    assert queued.returncode == 0, queued.stderr

    # A proxy password in settings.json, as an administrator may have typed it.
    settings_path = desk / "settings.json"
    settings = (json.loads(settings_path.read_text(encoding="utf-8"))
                if settings_path.exists() else {})
    settings["proxy"] = f"http://desk:{PROXY_PASSWORD}@127.0.0.1:3128"
    settings_path.write_text(json.dumps(settings), encoding="utf-8")

    support = tmp_path / "support"
    support.mkdir()
    target = support / "diag.zip"
    done = creditdesk(env, "diagnostics", "-o", str(target), "--data-dir", str(desk))
    assert done.returncode == 0, done.stderr
    assert "diagnostics saved" in done.stdout and target.exists()
    assert [p.name for p in support.iterdir()] == ["diag.zip"]  # no temp file left

    # The log file: there, private, and the checks' requests in it masked.
    log = desk / "logs" / "creditdesk.log"
    assert log.is_file() and mode(log) == 0o600 and mode(log.parent) == 0o700
    log_text = log.read_text(encoding="utf-8")
    assert "HTTP Request" in log_text
    assert all(masked(number) in log_text for number in checks)

    with zipfile.ZipFile(target) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert set(parts) == PARTS
    texts = {name: data.decode("utf-8") for name, data in parts.items()}

    # Nothing personal, nothing secret: in the zip's parts and in the log file.
    with closing(sqlite3.connect(platform.db)) as db:
        everyone = db.execute("SELECT id, name FROM subjects WHERE kind='person'").fetchall()
    names = {n for _, n in everyone if len(n) >= 3} | {s["name"] for s in persons}
    secrets = {KEY: "API key", data_key: "data key", PROXY_PASSWORD: "proxy password",
               **{p: "staff password" for p in PASSWORDS.values()}}
    wanted = needles([i for i, _ in everyone], names, secrets)
    assert leaks({**parts, "creditdesk.log": log.read_bytes()}, wanted) == []
    assert [resident_numbers(t) for t in [*texts.values(), log_text] if resident_numbers(t)] == []

    # The parts say what the desk's own files say.
    versions = json.loads(texts["versions.json"])
    assert versions["creditdesk"] == metadata.version("creditdesk")
    assert versions["python"] == host.python_version()
    assert versions["qt"] == metadata.version("PySide6-Essentials")
    assert versions["os"]["system"] == host.system()

    status = json.loads(texts["status.json"])
    with closing(sqlite3.connect(desk / "creditdesk.sqlite")) as db:
        rows = db.execute("SELECT kind, state, count(*) FROM outbox GROUP BY kind, state"
                          ).fetchall()
        head = db.execute("SELECT max(seq) FROM audit").fetchone()[0]
        synced = db.execute("SELECT value FROM meta WHERE key='last_sync_at'").fetchone()[0]
    by_kind: dict = {}
    for kind, state, n in rows:
        by_kind.setdefault(kind, {})[state] = n
    assert status["outbox"]["by_kind"] == by_kind
    assert by_kind["feedback"] == {"sent": 1, "pending": 1}  # as the steps above left it
    assert status["outbox"]["by_state"]["pending"] == sum(
        n for kind, state, n in rows if state == "pending")
    assert status["anchors"]["log_head_seq"] == head
    assert status["anchors"]["sent"] == by_kind["anchor"].get("sent", 0) >= 1
    assert status["sync"]["last_sync_at"] == float(synced)
    assert status["sync"]["status"] == "synced"

    shown = json.loads(texts["settings.json"])["values"]
    assert shown.pop("proxy") == "http://desk:***@127.0.0.1:3128"
    assert shown == {k: v for k, v in settings.items() if k != "proxy"}

    disk = json.loads(texts["disk.json"])
    assert abs(disk["free_bytes"] - shutil.disk_usage(desk).free) < 512 * 2**20
    assert disk["cache_bytes"]["creditdesk.sqlite"] > 0

    tail = texts["log-tail.txt"].splitlines()
    assert tail and set(tail) <= set(log_text.splitlines())
    assert any("HTTP Request" in line for line in tail)

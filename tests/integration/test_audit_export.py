"""``creditdesk audit export`` and bundle verification, against a real sandbox process.

Desk A checks real subjects, anchors its log and exports it; desk B (another data
directory and another data key) verifies the bundle with the keys and anchors the
platform holds for desk A's counter.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess

import httpx
import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.audit import bundle as audit_bundle
from local_cache.protect import Protector
from sandbox.process import creditdesk_script, spawn

KEY = "export-test-key-0123456789"
SUPERVISOR_PW = "sup-pass-123"
COUNTER = "SX-DEMO-01"  # the counter the sandbox's key belongs to


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=31,
                  subjects=1500, api_key=KEY)
    yield child
    child.stop()


def _env(data_key: bytes) -> dict:
    return {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(data_key).decode()}


def cli(env, *args, stdin: str | None = None):
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, input=stdin)


@pytest.fixture(scope="module")
def desk(platform, tmp_path_factory):
    """Desk A: a supervisor, a clerk, checks of a person and an organisation, anchored."""
    data_key = os.urandom(32)
    env = _env(data_key)
    common = ["--data-dir", str(tmp_path_factory.mktemp("deskA")), "--platform", platform.url,
              "--counter", COUNTER]
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    person = next(s for s in samples["prohibit"] if s["kind"] == "person")
    org = next(s for s in samples["clear"] if s["kind"] == "organisation")
    first = cli(env, "staff", "add", "sup1", "--name", "张科长", "--role", "supervisor",
                "--password-stdin", *common, stdin=SUPERVISOR_PW + "\n")
    assert first.returncode == 0, first.stderr
    clerk = cli(env, "staff", "add", "clerk1", "--name", "李受理", "--approver", "sup1",
                "--password-stdin", *common, stdin=f"clerk-pass-1\n{SUPERVISOR_PW}\n")
    assert clerk.returncode == 0, clerk.stderr
    # Commands writing entries run as a signed-in member of staff (issue 15, item 6).
    env = {**env, "CREDITDESK_STAFF": "clerk1", "CREDITDESK_STAFF_PASSWORD": "clerk-pass-1"}
    for subject in (person, org, person):
        done = cli(env, "check", subject["id"], "--item", subject["item"], *common)
        assert done.returncode == 0, done.stderr
    assert cli(env, "audit", "anchor", *common).returncode == 0
    return {"env": env, "common": common, "person": person, "org": org, "data_key": data_key}


def _entries(desk) -> int:
    done = cli(desk["env"], "audit", "verify", "--json", *desk["common"])
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)["entries"]


TODAY = ["--from", "2000-01-01", "--to", "2099-12-31"]


def test_csv_export_is_masked_and_logged(desk, tmp_path):
    before = _entries(desk)
    out = tmp_path / "log.csv"
    done = cli(desk["env"], "audit", "export", *TODAY, "-o", str(out), "--json", *desk["common"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"path": str(out), "format": "csv", "entries": before,
                                       "masked": True}
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "序号 seq" and len(rows) == before + 1
    pid = desk["person"]["id"]
    text = out.read_text(encoding="utf-8-sig")
    assert pid not in text and f"{pid[:6]}********{pid[14:]}" in text
    assert desk["org"]["id"] in text  # a credit code is not personal: shown whole
    assert _entries(desk) == before + 1  # the export itself is in the log
    again = tmp_path / "again.csv"
    cli(desk["env"], "audit", "export", *TODAY, "-o", str(again), *desk["common"])
    last = list(csv.reader(again.read_text(encoding="utf-8-sig").splitlines()))[-1]
    assert last[4] == "export" and json.loads(last[9])["format"] == "csv"


def test_unmasked_export_needs_a_supervisor(desk, tmp_path):
    env, common, pid = desk["env"], desk["common"], desk["person"]["id"]
    before = _entries(desk)
    out = tmp_path / "full.xlsx"
    no_approver = cli(env, "audit", "export", *TODAY, "-o", str(out), "--unmasked", *common)
    assert no_approver.returncode == 4 and "--supervisor" in no_approver.stderr
    wrong = cli(env, "audit", "export", *TODAY, "-o", str(out), "--unmasked", "--supervisor",
                "sup1", "--password-stdin", *common, stdin="wrong-password\n")
    assert wrong.returncode == 4 and "wrong staff id or password" in wrong.stderr
    by_clerk = cli(env, "audit", "export", *TODAY, "-o", str(out), "--unmasked", "--supervisor",
                   "clerk1", "--password-stdin", *common, stdin="clerk-pass-1\n")
    assert by_clerk.returncode == 4 and "not a supervisor" in by_clerk.stderr
    assert not out.exists() and _entries(desk) == before  # nothing written, nothing logged

    ok = cli(env, "audit", "export", *TODAY, "-o", str(out), "--unmasked", "--supervisor",
             "sup1", "--password-stdin", *common, stdin=SUPERVISOR_PW + "\n")
    assert ok.returncode == 0, ok.stderr
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
             for c in row if c]
    assert pid in cells
    assert _entries(desk) == before + 1


def test_bad_dates_and_file_types_write_nothing(desk, tmp_path):
    env, common = desk["env"], desk["common"]
    before = _entries(desk)
    for args, words in ((["--from", "2026-13-01", "--to", "2026-12-01"], "YYYY-MM-DD"),
                        (["--from", "2026-12-01", "--to", "2026-11-01"], "before the start"),
                        ([*TODAY], "unsupported file type")):
        target = tmp_path / ("x.pdf" if words.startswith("unsupported") else "x.csv")
        done = cli(env, "audit", "export", *args, "-o", str(target), *common)
        assert done.returncode == 2 and words in done.stderr and "错误" in done.stderr
        assert not target.exists()
    assert _entries(desk) == before


def test_bundle_verifies_at_another_desk_and_tampering_is_caught(desk, platform, tmp_path):
    env, common = desk["env"], desk["common"]
    bundle = tmp_path / "deskA.jsonl"
    done = cli(env, "audit", "export", *TODAY, "-o", str(bundle), *common)
    assert done.returncode == 0, done.stderr
    other = _env(os.urandom(32))  # desk B: none of desk A's secrets
    other_common = ["--data-dir", str(tmp_path / "deskB"), "--platform", platform.url]

    def check(path):
        return cli(other, "audit", "verify", "--bundle", str(path), "--json", *other_common)

    genuine = check(bundle)
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr
    result = json.loads(genuine.stdout)
    assert result["ok"] and result["key_confirmed"] and result["anchors_checked"] >= 1
    assert result["counter"] == COUNTER and result["masked"] is True

    data = bundle.read_bytes()
    lines = data.split(b"\n")
    assert desk["person"]["id"].encode() not in data

    edited = tmp_path / "edited.jsonl"
    edited.write_bytes(data.replace(b'"event":"check"', b'"event":"chek"', 1))
    bad = check(edited)
    assert bad.returncode == 4 and "signature mismatch" in bad.stdout

    entries = [json.loads(x) for x in lines[1:-2]]
    header = {k: v for k, v in json.loads(lines[0]).items()
              if k not in ("format", "version", "algorithm", "public_key")}
    entries[0]["clerk"] = "nobody"
    forged = tmp_path / "forged.jsonl"
    forged.write_bytes(audit_bundle.encode(header, entries, Ed25519PrivateKey.generate()))
    bad = check(forged)
    assert bad.returncode == 4 and "forged" in bad.stdout

    # Signed with desk A's own key, but the log was rewritten: an anchored hash differs.
    anchored = json.loads(httpx.get(f"{platform.url}/v1/audit/anchors/{COUNTER}",
                                    headers={"Authorization": f"Bearer {KEY}"}).text)
    seq = anchored["anchors"][0]["seq"]
    rewritten = [dict(e) for e in entries]
    for e in rewritten:
        if e["seq"] == seq:
            e["hash"] = "0" * 64
        if e["seq"] == seq + 1:
            e["prev_hash"] = "0" * 64
    path = tmp_path / "rewritten.jsonl"
    path.write_bytes(audit_bundle.encode(header, rewritten,
                                         Protector(desk["data_key"]).signing_key))
    bad = check(path)
    assert bad.returncode == 4 and "anchored at the platform" in bad.stdout
    assert json.loads(bad.stdout)["first_bad"] == seq

    truncated = tmp_path / "truncated.jsonl"
    truncated.write_bytes(data[: len(data) // 2])
    bad = check(truncated)
    assert bad.returncode == 4 and "ok" in bad.stdout and not json.loads(bad.stdout)["ok"]

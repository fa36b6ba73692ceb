"""Change alerts that say what changed (issue 20, item 5), against a real platform process.

A clerk checks a listed subject online; at the platform a department repairs one of its
records, another lists it, a red warning is raised and its grade moves. After the next
sync the alerts panel (offscreen) and ``creditdesk alerts --json`` say each of the four,
with its date and source; a hand-edited alert row neither crashes the panel nor the CLI;
the cache file holds neither the resident number nor the warning in plaintext.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
import subprocess

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.identifiers import mask
from desktop.staff.credentials import SecretStore
from sandbox.process import creditdesk_script, spawn
from ui import i18n
from ui.context import DeskContext
from ui.counter.alerts_panel import AlertsPanel
from ui.tasks import TaskRunner

KEY = "alert-changes-test-key-0123456789"
COUNTER = "SX-DEMO-01"  # the counter the sandbox's own key belongs to
NEW_DEPARTMENT = "绍兴市市场监督管理局"
POINT = "员工集体讨薪（测试点）"  # in no record's text, so a plaintext copy would show
WAIT = 60000


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A platform process of its own: this module changes its data."""
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=43,
                  subjects=800, api_key=KEY)
    yield child
    child.stop()


def control(platform, method: str, path: str, body: dict) -> dict:
    """A sandbox test hook, authenticated like every call."""
    answer = httpx.request(method, f"{platform.url}{path}", json=body, timeout=30,
                           headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


@pytest.fixture
def desk(qtbot, platform, tmp_path):
    """A desk whose secrets come from the environment, so a CLI process opens it too."""
    env = {**os.environ, "CREDITDESK_API_KEY": KEY,
           "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}
    root = tmp_path / "desk"
    services = bootstrap(root, {"platform_url": platform.url, "counter_id": COUNTER},
                         secrets=SecretStore(environ=env))
    runner = TaskRunner()
    try:
        yield DeskContext(services, runner), env, root
    finally:
        runner.wait(30000)
        services.close()


def alerts_cli(env, root, as_json: bool = True) -> list[dict] | str:
    """``creditdesk alerts --json`` parsed (or, without ``as_json``, its text)."""
    done = subprocess.run([creditdesk_script(), "alerts", *(["--json"] if as_json else []),
                           "--data-dir", str(root)],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if as_json else done.stdout


def test_an_alert_says_what_changed_in_the_panel_and_the_cli(qtbot, qapp, platform, desk,
                                                             tmp_path):
    ctx, env, root = desk
    svc = ctx.services
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}, timeout=30).json()
    person = next(s for s in samples["prohibit"] if s["kind"] == "person")
    svc.sync.sync()  # the snapshot, from empty: nothing "changed" yet
    outcome = svc.checks.check(person["id"], person["item"])
    assert outcome.source == "platform" and outcome.grade is not None
    blacklisted = next(r for r in outcome.records
                       if r.kind.value == "blacklist" and r.state.value == "active")
    old_grade = outcome.grade.letter
    new_grade = "A" if old_grade != "A" else "C"

    # At the platform: repaired, listed, warned, re-graded.
    control(platform, "POST", f"/sandbox/records/{blacklisted.id}/state", {"state": "repaired"})
    added = control(platform, "POST", f"/sandbox/subjects/{person['id']}/records",
                    {"kind": "business_abnormality", "department": NEW_DEPARTMENT})
    control(platform, "POST", f"/sandbox/subjects/{person['id']}/warnings",
            {"level": "red", "point": POINT})
    control(platform, "PUT", f"/sandbox/subjects/{person['id']}/grade",
            {"letter": new_grade, "score": 88})
    today = dt.date.today().isoformat()

    panel = AlertsPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        panel.show()
    assert panel.proxy.rowCount() == 0
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        ctx.runner.submit(svc.sync.sync)  # as the window does; the panel follows the sync
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 0).data() == mask(person["id"])
    assert panel.proxy.index(0, 1).data() == person["name"]
    panel.select_row(0)
    expected = [
        f"移出失信黑名单：信用修复（记录 {blacklisted.id}，{today}，"
        f"来源：{blacklisted.department}）",
        f"列入经营异常名录（记录 {added['record_id']}，{today} 列入，来源：{NEW_DEPARTMENT}）",
        f"新增红色预警：{POINT}（{today} 起，来源：公共信用信息平台）",
        f"公共信用评价 {old_grade} → {new_grade}（{today} 评价，来源：公共信用信息平台）",
    ]
    assert panel.detail_lines() == expected
    assert all(line in panel.proxy.index(0, 2).data() for line in expected)

    # In English the labels are English, the platform's data stays as it came.
    try:
        assert i18n.install(qapp, "en", cache=tmp_path / "qm")
        qtbot.waitUntil(lambda: panel.detail_lines()[0].startswith("Removed"), timeout=WAIT)
        assert panel.detail_lines() == [
            f"Removed from the blacklist: credit repaired (record {blacklisted.id}, {today}, "
            f"source: {blacklisted.department})",
            f"Added to the business abnormality list (record {added['record_id']}, listed "
            f"{today}, source: {NEW_DEPARTMENT})",
            f"New red warning: {POINT} (since {today}, source: public credit platform)",
            f"Public credit grade {old_grade} → {new_grade} (evaluated {today}, source: "
            "public credit platform)",
        ]
    finally:
        assert i18n.install(qapp, "zh_CN")
    qtbot.waitUntil(lambda: panel.detail_lines() == expected, timeout=WAIT)

    # The CLI: the same alert, its changes structured.
    [alert] = alerts_cli(env, root)
    assert alert["masked"] == mask(person["id"]) and alert["readable"]
    got = {c["change"]: c for c in alert["changes"]}
    assert sorted(got) == ["delisted", "grade", "listed", "warning"]
    assert (got["delisted"]["reason"], got["delisted"]["record_id"], got["delisted"]["date"],
            got["delisted"]["source"]) == ("repaired", blacklisted.id, today,
                                           blacklisted.department)
    assert (got["listed"]["list"], got["listed"]["record_id"], got["listed"]["date"],
            got["listed"]["source"]) == ("business_abnormality", added["record_id"], today,
                                         NEW_DEPARTMENT)
    assert (got["warning"]["level"], got["warning"]["point"], got["warning"]["date"]) == (
        "red", POINT, today)
    assert (got["grade"]["from"], got["grade"]["to"], got["grade"]["date"]) == (
        old_grade, new_grade, today)

    text = alerts_cli(env, root, as_json=False)
    assert f"  - 新增红色预警：{POINT}（{today} 起，来源：公共信用信息平台） / new red warning: " \
        f"{POINT} (since {today}, source: public credit platform)" in text.splitlines()

    # Nothing changed since: the next sync raises nothing new, the alert stays as it was.
    assert svc.sync.sync().alerts == 0
    assert alerts_cli(env, root) == [alert]

    # At rest: neither the resident number nor the warning in plaintext.
    raw = b"".join(p.read_bytes() for p in root.glob("creditdesk.sqlite*"))
    assert person["id"].encode() not in raw and POINT.encode() not in raw

    # A row edited by hand: the panel shows it as unreadable, the CLI too; neither fails.
    with sqlite3.connect(root / "creditdesk.sqlite") as db:
        db.execute("INSERT INTO alerts (subject_key, masked, name_sealed, summary, "
                   "list_version, raised_at, acknowledged, changes_sealed) "
                   "VALUES ('x', '330602********1234', 'not-sealed', 'forged', 'v', 'soon', "
                   "0, 'garbage')")
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        panel.refresh()
    assert panel.proxy.rowCount() == 2
    forged_row = next(r for r in range(2) if panel.proxy.index(r, 0).data()
                      == "330602********1234")
    assert "无法读取" in panel.proxy.index(forged_row, 2).data()
    assert panel.proxy.index(forged_row, 3).data() == "—"
    panel.select_row(forged_row)
    assert "无法读取" in panel.detail.text()
    listed = alerts_cli(env, root)
    assert [a["readable"] for a in listed] == [False, True] and listed[0]["changes"] == []


def test_the_line_for_dropped_older_changes_reads_in_both_languages(qapp, tmp_path):
    from ui.widgets.alert_lines import line_text

    line = {"change": "dropped", "count": 7, "date": None, "source": ""}
    assert line_text(line) == "较早的 7 项变动未保留（每条提醒只保留最近的变动）"
    try:
        assert i18n.install(qapp, "en", cache=tmp_path / "qm")
        assert line_text(line) == "7 older change(s) not kept (an alert keeps the most recent ones)"
    finally:
        assert i18n.install(qapp, "zh_CN")

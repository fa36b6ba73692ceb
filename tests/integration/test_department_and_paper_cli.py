"""The department setting at the command line; on paper, the item's name before the desk
has ever synced and the offline snapshot's own time (issue 20, items 6, 8a and 8d). Real
``creditdesk`` processes against a real reference platform process on loopback."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import sqlite3
from pathlib import Path

import httpx
import pytest

from desktop.reports.pdf import extract_text
from sandbox import catalog as platform_catalog
from sandbox.process import spawn
from tests.integration.test_report_cli import cli

KEY = "department-test-key-0123456789"
FINANCE = "市财政局"  # owns GOV_PROCUREMENT in the reference catalogue


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=29,
                  subjects=1500, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def env():
    return {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture(scope="module")
def clear(platform):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    return samples["clear"][0]


def desk(tmp_path: Path, department: str) -> list[str]:
    data_dir = tmp_path / "desk"
    data_dir.mkdir(parents=True)
    if department:
        (data_dir / "settings.json").write_text(
            json.dumps({"department": department}, ensure_ascii=False), encoding="utf-8")
    return ["--data-dir", str(data_dir)]


def test_a_report_before_any_sync_names_the_item_from_the_shipped_catalogue(
        platform, env, clear, tmp_path):
    common = [*desk(tmp_path, ""), "--platform", platform.url]
    out = tmp_path / "report.pdf"
    done = cli(env, "report", clear["id"], "--item", "GOV_PROCUREMENT", "-o", str(out),
               *common)
    assert done.returncode == 0, done.stderr
    text = extract_text(out.read_bytes())
    flat = re.sub(r"\s+", "", text)
    assert platform_catalog.item("GOV_PROCUREMENT").name in text
    assert "GOV_PROCUREMENTGOV_PROCUREMENT" not in flat  # the code printed twice, as before


def test_a_departments_desk_refuses_another_departments_item(platform, env, clear, tmp_path):
    common = [*desk(tmp_path, FINANCE), "--platform", platform.url]
    food = platform_catalog.item("FOOD_LICENCE")
    refused = cli(env, "check", clear["id"], "--item", "FOOD_LICENCE", *common)
    assert refused.returncode == 2, refused.stderr  # wrong input for this desk
    assert food.department in refused.stderr and FINANCE in refused.stderr
    assert "不在本窗口所属部门" in refused.stderr and "not to this counter's department" in \
        refused.stderr
    table = tmp_path / "in.csv"
    table.write_text(f"id\n{clear['id']}\n", encoding="utf-8")
    batch = cli(env, "batch", str(table), "--item", "FOOD_LICENCE", "-o",
                str(tmp_path / "out.csv"), *common)
    assert batch.returncode == 2 and food.department in batch.stderr, batch.stderr
    assert not (tmp_path / "out.csv").exists()

    own = cli(env, "check", clear["id"], "--item", "GOV_PROCUREMENT", "--json", *common)
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["item"] == "GOV_PROCUREMENT"


def test_a_department_that_owns_no_item_filters_nothing(platform, env, clear, tmp_path):
    common = [*desk(tmp_path, "绍兴市行政服务中心"), "--platform", platform.url]
    done = cli(env, "check", clear["id"], "--item", "FOOD_LICENCE", "--json", *common)
    assert done.returncode == 0, done.stderr


def test_an_offline_report_prints_the_time_its_snapshot_was_synced(
        platform, env, clear, tmp_path):
    common = [*desk(tmp_path, ""), "--platform", platform.url]
    assert cli(env, "sync", *common).returncode == 0
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        at = float(db.execute("SELECT value FROM meta WHERE key = 'last_sync_at'").fetchone()[0])
    synced = dt.datetime.fromtimestamp(at, dt.timezone(dt.timedelta(hours=8)))
    out = tmp_path / "offline.pdf"
    done = cli(env, "report", clear["id"], "--item", "GOV_PROCUREMENT", "--offline",
               "-o", str(out), *common)
    assert done.returncode == 0, done.stderr
    flat = re.sub(r"\s+", "", extract_text(out.read_bytes()))
    when = f"{synced.year}年{synced.month}月{synced.day}日{synced:%H:%M}（北京时间）"
    assert f"离线快照，快照时间{when}" in flat, flat[:400]
    assert "小时前" not in flat

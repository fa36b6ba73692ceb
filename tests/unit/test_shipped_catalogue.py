"""The catalogue the desk ships with, and the department rule (``desktop.catalogue``).

The shipped file is written from the reference platform's own catalogue
(``python -m sandbox.catalog_file``); the first test fails on any drift between the two.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from desktop import catalogue
from desktop.domain import CreditRecord, RecordKind
from desktop.verdict import decide
from sandbox import catalog as platform_catalog
from sandbox.catalog_file import SHIPPED, text
from sandbox.credit import catalog_out


def test_the_shipped_file_is_the_reference_platforms_catalogue():
    assert SHIPPED.read_text(encoding="utf-8") == text(), (
        "resources/catalog.json differs from sandbox/catalog.py: "
        "run python -m sandbox.catalog_file")
    assert catalogue.shipped() == catalog_out()
    assert [i.code for i in catalogue.shipped().items] == [i.code for i in platform_catalog.ITEMS]


def test_the_drift_check_fails_on_a_changed_file(tmp_path):
    changed = json.loads(text())
    changed["items"][0]["name"] = "改过的名称"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "sandbox.catalog_file", "--check",
                            "--path", str(path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "differs" in check.stdout
    path.write_text(text(), encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "sandbox.catalog_file", "--check",
                            "--path", str(path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout


def test_departments_are_those_of_the_items_once_each():
    shipped = catalogue.shipped()
    names = catalogue.departments(shipped)
    assert sorted(names) == sorted({i.department for i in platform_catalog.ITEMS})
    assert len(names) == len(set(names))


@pytest.mark.parametrize("department", ["", "  ", "绍兴市行政服务中心", "市财政"])
def test_no_department_or_one_without_items_offers_every_item(department):
    shipped = catalogue.shipped()
    assert [i.code for i in catalogue.offered(shipped, department)] == [
        i.code for i in platform_catalog.ITEMS]
    assert catalogue.outside(shipped, department, "FOOD_LICENCE") is None


def test_a_department_offers_its_own_items_and_refuses_the_others():
    shipped = catalogue.shipped()
    mine = "市人力资源和社会保障局"  # two items in the reference catalogue
    assert {i.code for i in catalogue.offered(shipped, mine)} == {
        i.code for i in platform_catalog.ITEMS if i.department == mine}
    assert {i.code for i in catalogue.offered(shipped, mine)} == {"HONOUR", "EMPLOYMENT_SUBSIDY"}
    assert catalogue.outside(shipped, mine, "HONOUR") is None
    zh, en = catalogue.outside(shipped, mine, "FOOD_LICENCE")
    assert "市市场监督管理局" in zh and mine in zh
    assert "belongs to 市市场监督管理局" in en and mine in en
    # A code the desk's catalogue does not know is left to the platform to judge.
    assert catalogue.outside(shipped, mine, "NEW_ITEM_2027") is None


def test_measures_of_a_departments_items_are_the_only_ones_its_checks_can_show():
    """The rule written in desktop.catalogue: the verdict matches a measure only for items it
    names (or every item), so a desk of one department never shows a measure that only other
    departments' items carry."""
    mine = "市生态环境局"
    offered = {i.code for i in catalogue.offered(catalogue.shipped(), mine)}
    assert offered == {"POLLUTION_PERMIT"}
    records = [CreditRecord(f"R{n}", "S", RecordKind.BLACKLIST, field, "某部门", "依据",
                            dt.date(2020, 1, 1))
               for n, field in enumerate(["tax", "environment", "food_safety", "transport"])]
    today = dt.date(2026, 12, 1)
    shown = {m.measure.code for item in offered
             for m in decide(records, platform_catalog.MEASURES, item, today).matches}
    assert shown == {"ENV-P"}
    others_only = {m.code for m in platform_catalog.MEASURES
                   if m.item_codes and not m.item_codes & offered}
    assert "FOOD-P" in others_only and not shown & others_only


def test_the_warning_names_a_department_that_owns_no_item_in_both_languages():
    shipped = catalogue.shipped()
    warning = catalogue.department_warning(shipped, "市财政")
    assert "市财政" in warning and "全部事项" in warning and "every item is offered" in warning
    assert catalogue.department_warning(shipped, "市财政局") == ""
    assert catalogue.department_warning(shipped, "") == ""

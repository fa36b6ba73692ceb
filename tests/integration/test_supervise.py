"""行政监管 (desktop/review/inspection*.py, ``creditdesk supervise``) against the reference
platform running as a real process on loopback, with real cache files: the class with its
reasons, records and warnings; offline the class is said to need the platform; the list
sorted D first and exported with resident numbers masked; every lookup logged, masked."""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import select

from desktop import catalogue
from desktop.counter.check_service import NoAnswer
from desktop.identifiers import mask
from desktop.platform.client import PlatformRejected
from desktop.review import inspection, inspection_list
from desktop.staff import accounts as staff
from local_cache.tables import audit
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, make_desk
from sandbox.process import creditdesk_script, spawn
from tests import staffing

INSPECTOR, INSPECTOR_PASSWORD = "insp-01", "inspector-pass-1"
staffing.PASSWORDS.setdefault(INSPECTOR, INSPECTOR_PASSWORD)
staffing.ROLES.setdefault(INSPECTOR, "inspector")


def _platform_class(sandbox, subject_id: str) -> dict:
    """What the platform itself answers (asked directly, not through the desk)."""
    with sandbox.client() as client:
        answer = client.get(f"/v1/subjects/{subject_id}/supervision")
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def desk(sandbox, tmp_path):
    svc = make_desk(SimpleNamespace(url=sandbox.url, api_key=sandbox.key), tmp_path / "desk")
    boss = staff.authenticate(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    staff.add(svc.engine, INSPECTOR, "监管员", "inspector", INSPECTOR_PASSWORD, boss)
    yield svc
    svc.close()


def _entries(svc) -> list:
    with svc.engine.connect() as conn:
        return conn.execute(select(audit).where(audit.c.event == "supervise")
                            .order_by(audit.c.seq)).all()


def _person(samples, group: str) -> dict:
    return next(s for s in samples[group] if s["kind"] == "person")


def test_a_blacklisted_subject_is_class_d_with_its_records_and_the_lookup_is_logged(
        desk, sandbox, samples):
    bad = _person(samples, "prohibit")
    answer = inspection.supervise(desk, INSPECTOR, bad["id"])
    platform = _platform_class(sandbox, bad["id"])
    assert answer.source == "platform" and answer.supervision_class == "D"
    assert platform["class"] == "D" and list(answer.reasons) == platform["reasons"]
    assert answer.frequency == platform["frequency"] and "每季度" in answer.frequency
    assert "quarter" in answer.frequency_en
    assert answer.name == bad["name"]
    in_force = answer.in_force()
    assert any(r.kind.value in ("blacklist", "serious_illegal") for r in in_force)
    assert any(r.kind.label_zh in answer.reasons for r in in_force)  # the reason's record
    shown = json.dumps(answer.public(), ensure_ascii=False)
    assert bad["id"] not in shown and answer.masked in shown

    (entry,) = _entries(desk)
    assert entry.clerk == INSPECTOR and entry.subject_masked == answer.masked
    assert bad["id"] not in json.dumps(entry._asdict(), ensure_ascii=False, default=str)
    assert json.loads(entry.details)["class"] == "D"


def test_a_clerk_may_not_look_up_supervision_classes(desk):
    clerk = staff.Staff("c", "受理员", "clerk")
    with pytest.raises(staff.StaffError, match="inspectors and supervisors"):
        inspection.require_inspection(clerk)
    assert inspection.require_inspection(staff.Staff("i", "监管员", "inspector")).is_inspector


def test_offline_the_class_needs_the_platform_and_the_snapshot_records_are_shown(
        samples, tmp_path):
    bad = _person(samples, "prohibit")
    child = spawn(f"sqlite:///{tmp_path / 'p.sqlite'}", seed=7, subjects=3000,
                  api_key="offline-supervise-key-0123")
    svc = make_desk(child, tmp_path / "desk")
    try:
        with pytest.raises(NoAnswer, match="监管类别由信用平台评定"):  # no snapshot yet
            inspection.supervise(svc, INSPECTOR, bad["id"], offline=True)
        svc.sync.sync()
    finally:
        child.stop()
    try:
        answer = inspection.supervise(svc, INSPECTOR, bad["id"])  # the platform is gone
        assert answer.source == "offline" and answer.supervision_class is None
        assert "cannot be given while it cannot be reached" in answer.notice
        assert "监管类别由信用平台评定" in answer.notice
        assert any(r.kind.value in ("blacklist", "serious_illegal") for r in answer.in_force())
        assert [e.source for e in _entries(svc)] == ["offline"]
    finally:
        svc.close()


def _write_list(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["序号", "名称", "统一社会信用代码/身份证号"])
        writer.writerows(rows)


def test_a_list_comes_back_d_first_and_exports_masked(desk, sandbox, samples, tmp_path):
    good = _person(samples, "clear")
    bad = _person(samples, "prohibit")
    incentive = samples["incentive"][0]
    source = tmp_path / "plan.csv"
    _write_list(source, [["1", good["name"], good["id"]], ["2", "号码太短", "12345"],
                         ["3", incentive["name"], incentive["id"]], ["4", bad["name"], bad["id"]]])
    rows = inspection_list.supervise_file(desk, INSPECTOR, source)
    expected = {s["id"]: _platform_class(sandbox, s["id"])["class"]
                for s in (good, bad, incentive)}
    got = [r.answer.supervision_class if r.answer else None for r in rows]
    assert got[0] == "D" and rows[0].row == 4
    assert got[-1] is None and rows[-1].row == 2 and "wrong length" in rows[-1].error
    assert sorted(c for c in got if c) == sorted(expected.values())
    assert [inspection.CLASS_ORDER.index(c) for c in got[:-1]] == sorted(
        inspection.CLASS_ORDER.index(c) for c in got[:-1])
    assert len(_entries(desk)) == 3  # one per subject looked up, none for the bad row

    for name in ("plan-out.xlsx", "plan-out.csv"):
        target = tmp_path / name
        inspection_list.export(rows, target, source)
        if name.endswith(".xlsx"):
            table = [[c.value or "" for c in row]
                     for row in openpyxl.load_workbook(target).active.iter_rows()]
        else:
            with target.open(encoding="utf-8-sig", newline="") as f:
                table = list(csv.reader(f))
        text = json.dumps(table, ensure_ascii=False)
        assert bad["id"] not in text and good["id"] not in text
        assert table[1][1].startswith("D ") and table[1][4] == bad["id"][:6] + "*" * 8 + \
            bad["id"][-4:]
        assert [row[0] for row in table[1:]][-1] in ("2", 2)


_DATA_KEY = base64.b64encode(os.urandom(32)).decode()


def _env(tmp_path, sandbox, who=INSPECTOR):
    env = {**os.environ, "CREDITDESK_API_KEY": sandbox.key, "CREDITDESK_DATA_KEY": _DATA_KEY}
    return staffing.signed_in(env, tmp_path / "desk", who)


def _cli(env, tmp_path, sandbox, *args):
    return subprocess.run([creditdesk_script(), "supervise", *args, "--data-dir",
                           str(tmp_path / "desk"), "--platform", sandbox.url],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


def test_cli_one_subject_json_and_plain(sandbox, samples, tmp_path):
    bad = _person(samples, "prohibit")
    env = _env(tmp_path, sandbox)
    done = _cli(env, tmp_path, sandbox, bad["id"], "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["class"] == "D" and data["reasons"] == _platform_class(sandbox, bad["id"])[
        "reasons"]
    assert bad["id"] not in done.stdout and data["subject"]["id"].count("*") == 8
    plain = _cli(env, tmp_path, sandbox, bad["id"])
    assert plain.returncode == 0, plain.stderr
    assert "监管类别 / class: D 重点监管 / priority supervision" in plain.stdout
    assert bad["id"] not in plain.stdout
    clerk = _cli(_env(tmp_path, sandbox, staffing.CLERK), tmp_path, sandbox, bad["id"])
    assert clerk.returncode == 4 and "inspectors and supervisors" in clerk.stderr
    bad_id = _cli(env, tmp_path, sandbox, "12345")
    assert bad_id.returncode == 2
    decide = subprocess.run([creditdesk_script(), "feedback", "C-1", "--action", "terminated",
                             "--data-dir", str(tmp_path / "desk"), "--platform", sandbox.url],
                            capture_output=True, text=True, encoding="utf-8", env=env,
                            timeout=120)
    assert decide.returncode == 4 and "an inspector cannot decide" in decide.stderr


def test_cli_list_writes_the_sorted_masked_file(sandbox, samples, tmp_path):
    good = _person(samples, "clear")
    bad = _person(samples, "prohibit")
    source, target = tmp_path / "in.csv", tmp_path / "out.xlsx"
    _write_list(source, [["1", good["name"], good["id"]], ["2", bad["name"], bad["id"]]])
    done = _cli(_env(tmp_path, sandbox), tmp_path, sandbox, "--file", str(source), "-o",
                str(target))
    assert done.returncode == 0, done.stderr
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target).active.iter_rows()]
    assert [r[0] for r in rows[1:]] == ["2", "1"] and rows[1][1].startswith("D ")
    assert bad["id"] not in json.dumps(rows, ensure_ascii=False)
    same = _cli(_env(tmp_path, sandbox), tmp_path, sandbox, "--file", str(source), "-o",
                str(source))
    assert same.returncode == 2  # the input is never overwritten


def test_a_key_refused_mid_list_ends_it_with_every_lookup_so_far_logged(
        desk, api, samples, tmp_path):
    people = [_person(samples, g) for g in ("clear", "prohibit")]
    source = tmp_path / "plan.csv"
    _write_list(source, [[str(n), p["name"], p["id"]] for n, p in enumerate(people, 1)])

    def revoke_after_first(done, _total):
        if done == 1:  # the operator revokes the desk's key while the list runs
            answer = api.post("/sandbox/faults", json={"error_rate": 1.0, "error_status": 401})
            assert answer.status_code == 200, answer.text

    with pytest.raises(PlatformRejected) as caught:
        inspection_list.supervise_file(desk, INSPECTOR, source, progress=revoke_after_first)
    assert caught.value.status == 401
    [entry] = _entries(desk)  # the one looked up before the refusal is in the log
    assert entry.subject_masked == mask(people[0]["id"])
    assert json.loads(entry.details)["list"] is True


def test_a_subject_the_platform_refuses_is_that_rows_error_and_the_list_goes_on(
        desk, api, samples, tmp_path):
    people = [_person(samples, g) for g in ("clear", "prohibit")]
    source = tmp_path / "plan.csv"
    _write_list(source, [[str(n), p["name"], p["id"]] for n, p in enumerate(people, 1)])

    def refuse_the_second(done, _total):
        if done == 1:
            answer = api.post("/sandbox/faults", json={"error_rate": 1.0, "error_status": 404})
            assert answer.status_code == 200, answer.text

    rows = inspection_list.supervise_file(desk, INSPECTOR, source, progress=refuse_the_second)
    assert [r.row for r in rows] == [1, 2]  # the answered row first, the refused one last
    assert rows[0].answer is not None and rows[1].answer is None
    assert "平台拒绝了请求（404" in rows[1].error and "the platform refused" in rows[1].error
    assert len(_entries(desk)) == 1
    _header, cells = inspection_list.export_rows(rows)
    assert "the platform refused" in cells[1][-1]


BOTH = "511502200001010006"  # a resident number that is also a valid credit code


def test_a_number_valid_in_both_registers_is_looked_up_as_the_kind_chosen(desk, sandbox,
                                                                          tmp_path):
    with sandbox.client() as client:
        assert client.get(f"/v1/subjects/{BOTH}/supervision").status_code == 422
        for kind in ("resident_id", "uscc"):
            answer = client.get(f"/v1/subjects/{BOTH}/supervision", params={"kind": kind})
            assert answer.status_code == 200, answer.text
    answer = inspection.supervise(desk, INSPECTOR, BOTH, kind="resident_id")
    assert answer.source == "platform" and answer.supervision_class is not None
    assert answer.masked == BOTH[:6] + "*" * 8 + BOTH[-4:]
    apart = tmp_path / "cli"  # a desk of its own: ``desk`` has another data key
    apart.mkdir()
    done = _cli(_env(apart, sandbox), apart, sandbox, BOTH, "--kind", "uscc", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["subject"]["kind"] == "uscc"


def test_the_credit_answer_is_asked_for_an_item_the_desks_department_is_offered(desk):
    desk.sync.sync()
    with desk.engine.connect() as conn:
        catalog, _ = catalogue.stored_or_shipped(conn)
    first = catalog.items[0].department
    other = next(d for d in catalogue.departments(catalog) if d != first)
    assert inspection.catalogue_item(desk) == catalog.items[0].code  # the hall's one window
    desk.settings.set_override("department", other)
    code = inspection.catalogue_item(desk)
    assert next(i for i in catalog.items if i.code == code).department == other

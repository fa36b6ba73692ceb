"""Importing another desk's log bundle (desktop/audit/bundle_import.py, ``audit import``) against a
real reference platform on loopback: desk A checks and exports, desk B imports and browses.
Also: the ``check`` entry's statistics fields from a real platform answer."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest
from sqlalchemy import func, select

from desktop.audit import bundle_import
from desktop.audit import query as aq
from desktop.audit.export import CST, export
from desktop.cli.main import main
from desktop.review import stats as review_stats
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit, imported_bundles, imported_entries
from sandbox.demo import fetch_samples, make_desk
from sandbox.server import SandboxServer
from tests.staffing import SUPERVISOR, signed_in


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    # A platform of its own: anchors are kept per counter, so a shared file would hold
    # the heads of earlier runs' desks.
    db = tmp_path_factory.mktemp("platform") / "p.sqlite"
    server = SandboxServer(seed=11, subjects=1500, db_url=f"sqlite:///{db}").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bundle(platform, tmp_path_factory):
    """Desk A: checks of two samples, anchored, exported as a signed bundle, key sent."""
    root = tmp_path_factory.mktemp("deskA")
    desk = make_desk(platform, root / "desk")
    samples = fetch_samples(platform)
    person = next(s for s in samples.prohibit if s.kind == "person")
    for sample in (person, samples.clear[0]):
        desk.checks.check(sample.id, sample.item)
    with UnitOfWork(desk.engine) as uow:
        seq, head = store.audit_head(uow.conn)
        store.queue_anchor(uow.conn, desk.protector, desk.settings["counter_id"], seq, head)
        uow.commit()
    today = dt.datetime.now(CST).date().isoformat()
    path = root / "deskA.jsonl"
    export(desk.engine, desk.protector, path, today, today,
           counter=desk.settings["counter_id"], clerk=desk.settings["clerk_id"])
    desk.outbox.flush(desk.client)
    with desk.engine.connect() as conn:
        checks = conn.execute(select(audit.c.seq, audit.c.details)
                              .where(audit.c.event == "check").order_by(audit.c.seq)).all()
    desk.close()
    return path, person, checks


@pytest.fixture
def desk_b(platform, tmp_path):
    desk = make_desk(platform, tmp_path / "deskB")
    yield desk
    desk.close()


def _platform_proof(desk, counter):
    keys = {k.public_key for k in desk.client.desk_keys(counter).keys}
    anchors = {a.seq: a.head_hash for a in desk.client.anchors(counter).anchors}
    return keys, anchors


def _stored(desk) -> tuple[int, int]:
    with desk.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(imported_bundles)).scalar_one(),
                conn.execute(select(func.count()).select_from(imported_entries)).scalar_one())


def test_check_entry_carries_district_hits_warnings_measures(bundle):
    _, _, checks = bundle
    first = json.loads(checks[0].details)
    assert first["district"]
    assert set(first["hits"]) == {"blacklist", "serious_illegal", "business_abnormality",
                                  "red_list"}
    assert first["measures"].get("prohibit", 0) >= 1  # the prohibit sample
    assert sum(first["hits"].values()) >= 1 and isinstance(first["warnings"], list)


def test_genuine_bundle_is_stored_once_and_browsable(bundle, desk_b):
    path, person, _ = bundle
    counter = desk_b.settings["counter_id"]
    keys, anchors = _platform_proof(desk_b, counter)
    assert anchors  # the anchor queued at desk A reached the platform
    done = bundle_import.import_bundle(desk_b, path, keys, anchors)
    assert done.stored and done.counter == counter
    header = json.loads(path.read_bytes().split(b"\n")[0])
    assert done.entries == header["entries"] == _stored(desk_b)[1]
    rows = aq.page(desk_b.engine, desk_b.protector, aq.LogFilter(desk=counter))
    assert [r.seq for r in rows] == list(range(header["entries"], 0, -1))
    assert {r.desk for r in rows} == {counter}
    checks = aq.page(desk_b.engine, desk_b.protector, aq.LogFilter(desk=counter, event="check"))
    assert len(checks) == 2
    mine = aq.page(desk_b.engine, desk_b.protector,
                   aq.LogFilter(desk=counter, subject=person.id))
    assert mine and all(r.subject_masked == person.id[:6] + "*" * 8 + person.id[14:]
                        for r in mine)
    assert person.id not in json.dumps([r.__dict__ for r in rows], ensure_ascii=False)
    assert aq.entry(desk_b.engine, desk_b.protector, 1, desk=counter).seq == 1
    assert aq.page(desk_b.engine, desk_b.protector, aq.LogFilter(event="check")) == []  # local
    again = bundle_import.import_bundle(desk_b, path, keys, anchors)
    assert (again.stored, again.duplicate) == (False, True)
    assert _stored(desk_b) == (1, header["entries"])
    (listed,) = bundle_import.list_imports(desk_b.engine)
    assert (listed["counter"], listed["entries"], listed["masked"]) == (
        counter, header["entries"], True)
    logged = aq.page(desk_b.engine, desk_b.protector, aq.LogFilter(event="bundle.import"))
    assert len(logged) == 1 and logged[0].details["entries"] == header["entries"]
    assert review_stats.closed_loop(desk_b.engine, "day") == []  # imports stay apart


def test_tampered_or_forged_bundle_is_refused_and_nothing_stored(bundle, desk_b, tmp_path):
    path, _, _ = bundle
    counter = desk_b.settings["counter_id"]
    keys, anchors = _platform_proof(desk_b, counter)
    lines = path.read_bytes().split(b"\n")
    entry = json.loads(lines[1])
    entry["clerk"] = "someone-else"
    lines[1] = json.dumps(entry, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"\n".join(lines))
    done = bundle_import.import_bundle(desk_b, tampered, keys, anchors)
    assert not done.stored and "altered after export" in done.problem
    forged = bundle_import.import_bundle(desk_b, path, {"00" * 32}, anchors)
    assert not forged.stored and "forged" in forged.problem
    unproven = bundle_import.import_bundle(desk_b, path, None, None)
    assert not unproven.stored and "not proven genuine" in unproven.problem
    assert _stored(desk_b) == (0, 0)
    assert aq.page(desk_b.engine, desk_b.protector, aq.LogFilter(event="bundle.import")) == []


def test_cli_import_exit_codes(bundle, platform, tmp_path, monkeypatch, capsys):
    path, _, _ = bundle
    monkeypatch.setenv("CREDITDESK_API_KEY", platform.api_key)
    monkeypatch.setenv("CREDITDESK_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
    common = ["--data-dir", str(tmp_path / "deskC"), "--platform", platform.url, "--json"]
    # An import writes an entry: it runs as a signed-in member of staff (issue 15).
    for name, value in signed_in(dict(os.environ), tmp_path / "deskC", SUPERVISOR).items():
        monkeypatch.setenv(name, value)
    tampered = tmp_path / "cut.jsonl"
    tampered.write_bytes(path.read_bytes().replace(b'"event":"check"', b'"event":"chek"', 1))
    assert main(["audit", "import", str(tampered), *common]) == 4
    assert json.loads(capsys.readouterr().out)["stored"] is False
    assert main(["audit", "import", str(path), *common]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["stored"] is True and answer["entries"] == 2  # the two checks

"""The grade and warning comparison after a delta sync (desktop/platform/watch.py), against
a real platform process on loopback with real cache files: it asks in chunks of at most
200 for an item of the desk's department and leaves one audit entry naming no one; a cache
error while writing its alerts does not fail the sync; sealed values swapped between two
checked rows raise no alert about the wrong person."""

from __future__ import annotations

import json
import sqlite3
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, select

from desktop import catalogue
from desktop.events import Synced
from desktop.platform import watch
from local_cache import store
from local_cache.tables import audit
from sandbox.demo import make_desk
from sandbox.process import spawn

KEY = "watch-compare-test-key-0123456789"
POINT = "拖欠工资（比对测试点）"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A platform process of its own: these tests change its data."""
    db = tmp_path_factory.mktemp("p") / "p.sqlite"
    child = spawn(f"sqlite:///{db}", seed=43, subjects=800, api_key=KEY)
    yield SimpleNamespace(url=child.url, api_key=KEY, db=db)
    child.stop()


def control(platform, path: str, body: dict) -> dict:
    answer = httpx.post(f"{platform.url}{path}", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


@pytest.fixture
def desk(platform, tmp_path):
    svc = make_desk(platform, tmp_path / "desk")
    svc.sync.sync()  # the snapshot from empty: nothing compared yet
    yield svc
    svc.close()


def platform_subjects(platform, n: int, offset: int = 0) -> list[str]:
    """Identifiers the platform holds (read from its own database file)."""
    engine = create_engine(f"sqlite:///{platform.db}")
    try:
        with engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT id FROM subjects ORDER BY id LIMIT ? OFFSET ?", (n, offset)).scalars())
    finally:
        engine.dispose()


def first_item(svc) -> str:
    with svc.engine.connect() as conn:
        return catalogue.stored_or_shipped(conn)[0].items[0].code


def compared_entries(svc) -> list:
    with svc.engine.connect() as conn:
        return conn.execute(select(audit).where(audit.c.event == watch.EVENT)).all()


def test_the_comparison_asks_in_chunks_for_the_departments_item_and_is_logged(
        desk, platform, monkeypatch):
    people = platform_subjects(platform, 205)
    item = first_item(desk)
    for subject_id in people:
        assert desk.checks.check(subject_id, item).source == "platform"
    with desk.engine.connect() as conn:
        catalog, _ = catalogue.stored_or_shipped(conn)
    other = next(d for d in catalogue.departments(catalog) if d != catalog.items[0].department)
    desk.settings.set_override("department", other)  # the desk moved to another department

    calls: list[tuple[str, int]] = []
    client = desk.client
    real_batch = client.batch

    def recording_batch(code, subject_ids):  # the real call, noted
        calls.append((code, len(subject_ids)))
        return real_batch(code, subject_ids)

    monkeypatch.setattr(client, "batch", recording_batch)
    desk.sync.sync()

    assert sum(n for _c, n in calls) == len(people)
    assert all(n <= 200 for _c, n in calls) and len(calls) == 2
    offered = {i.code for i in catalogue.offered(catalog, other)}
    assert {c for c, _n in calls} <= offered
    [entry] = compared_entries(desk)
    assert entry.item in offered and json.loads(entry.details)["asked"] == len(people)
    assert entry.subject_masked is None and entry.subject_key is None
    text = json.dumps(entry._asdict(), ensure_ascii=False, default=str)
    assert not any(p in text for p in people)


def test_a_cache_error_while_writing_the_alerts_does_not_fail_the_sync(desk, platform):
    [person] = platform_subjects(platform, 1, offset=300)
    assert desk.checks.check(person, first_item(desk)).source == "platform"
    control(platform, f"/sandbox/subjects/{person}/warnings", {"level": "red", "point": POINT})
    with sqlite3.connect(desk.engine.url.database) as db:  # the cache refuses new alerts
        db.execute("CREATE TRIGGER no_alerts BEFORE INSERT ON alerts "
                   "BEGIN SELECT RAISE(ABORT, 'alerts refused by the test'); END")
    published = []
    desk.events.subscribe(published.append)

    report = desk.sync.sync()
    assert report.alerts == 0 and any(isinstance(e, Synced) for e in published)
    with desk.engine.connect() as conn:
        assert store.open_alerts(conn, desk.protector) == []

    with sqlite3.connect(desk.engine.url.database) as db:
        db.execute("DROP TRIGGER no_alerts")
    assert desk.sync.sync().alerts == 1  # what was remembered stayed: found again
    with desk.engine.connect() as conn:
        [alert] = store.open_alerts(conn, desk.protector)
    assert [c["point"] for c in alert["changes"] if c["change"] == "warning"] == [POINT]


@pytest.mark.parametrize("column", ["id_sealed", "seen_sealed"])
def test_sealed_values_swapped_between_rows_raise_no_alert(desk, platform, column):
    warned, plain = platform_subjects(platform, 2, offset=400 + (column == "seen_sealed") * 2)
    control(platform, f"/sandbox/subjects/{warned}/warnings", {"level": "red", "point": POINT})
    item = first_item(desk)
    answers = {s: desk.checks.check(s, item) for s in (warned, plain)}
    assert any(w.point == POINT for w in answers[warned].warnings)
    assert not any(w.point == POINT for w in answers[plain].warnings)
    keys = [desk.protector.index(s) for s in (warned, plain)]
    with sqlite3.connect(desk.engine.url.database) as db:  # a hand edit of the cache file
        a, b = (db.execute(f"SELECT {column} FROM checked WHERE subject_key = ?",
                           (k,)).fetchone()[0] for k in keys)
        db.execute(f"UPDATE checked SET {column} = ? WHERE subject_key = ?", (b, keys[0]))
        db.execute(f"UPDATE checked SET {column} = ? WHERE subject_key = ?", (a, keys[1]))

    assert desk.sync.sync().alerts == 0
    with desk.engine.connect() as conn:
        assert store.open_alerts(conn, desk.protector) == []

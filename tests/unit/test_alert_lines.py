"""What a change alert says, line by line (issue 20, item 5), and migration 0010.

The lines the real platform's hooks produce (repaired, listed, warning, grade) are shown
end to end in tests/ui/test_alert_changes.py; here the cases a sandbox hook does not make
on demand: a record removed because its day passed before the platform's sweep, one
withdrawn, a change that changes nothing, a warning lifted, a score that moved within its
letter. And an alert written before 0010 still reads, with its summary.
"""

from __future__ import annotations

import datetime as dt
import os

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import local_cache.db as db
from desktop.platform.changes import describe, fact_lines, record_line
from local_cache import store
from local_cache.protect import Protector

TODAY = dt.date(2026, 12, 6)
HELD = {"record_id": "R1", "kind": "blacklist", "field": "tax", "department": "某税务局",
        "listed_on": "2024-01-01", "expires_on": "2027-01-01", "state": "active"}


def entry(**changed) -> dict:
    return {"op": "upsert", "subject_id": "x", "changed_on": None, **HELD, **changed}


def test_removed_records_say_why_and_when():
    passed = record_line(HELD, entry(op="delete", expires_on="2026-12-05"), TODAY)
    assert (passed["change"], passed["reason"], passed["date"]) == (
        "delisted", "expired", "2026-12-05")
    swept = record_line(HELD, entry(op="delete", state="expired", changed_on="2026-12-06"),
                        TODAY)
    assert (swept["reason"], swept["date"]) == ("expired", "2026-12-06")
    withdrawn = record_line(HELD, entry(op="delete", changed_on="2026-12-04"), TODAY)
    assert (withdrawn["reason"], withdrawn["date"]) == ("withdrawn", "2026-12-04")
    assert describe(withdrawn) == (
        "移出失信黑名单：不再有效（记录 R1，2026-12-04，来源：某税务局） / "
        "removed from the blacklist: no longer in force (record R1, 2026-12-04, source: 某税务局)")


def test_only_real_changes_make_lines():
    assert record_line(None, entry(op="delete", state="repaired"), TODAY) is None  # never held
    assert record_line(HELD, entry(), TODAY) is None  # the same record again
    relisted = record_line(HELD, entry(listed_on="2026-12-06"), TODAY)
    assert (relisted["change"], relisted["date"]) == ("listed", "2026-12-06")
    longer = record_line(HELD, entry(expires_on="2028-01-01", changed_on="2026-12-06"), TODAY)
    assert (longer["change"], longer["date"], longer["expires_on"]) == (
        "updated", "2026-12-06", "2028-01-01")


def test_warnings_lifted_and_grades_within_a_letter():
    warning = {"level": "yellow", "point": "股权冻结", "since": "2026-01-02", "via": None}
    seen = {"item": "I", "grade": {"letter": "B", "score": 70, "evaluated_on": "2026-01-01"},
            "warnings": [warning]}
    now = {"item": "I", "grade": {"letter": "B", "score": 74, "evaluated_on": "2026-11-01"},
           "warnings": []}
    [lifted] = fact_lines(seen, now, TODAY)  # the score moved within B: no line for it
    assert (lifted["change"], lifted["level"], lifted["point"], lifted["date"]) == (
        "warning_lifted", "yellow", "股权冻结", "2026-12-06")
    assert describe(lifted).startswith("黄色预警解除：股权冻结（2026-12-06 发现")
    first = fact_lines({"item": "I", "grade": None, "warnings": "odd"},
                       {"item": "I", "grade": {"letter": "C", "score": 50}, "warnings": []},
                       TODAY)
    assert [(x["change"], x["from"], x["to"]) for x in first] == [("grade", None, "C")]


def test_an_alert_from_before_0010_still_reads_with_its_summary(tmp_path):
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    protector = Protector(os.urandom(32))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.execute(text(
            "INSERT INTO alerts (subject_key, masked, name_sealed, summary, list_version, "
            "raised_at, acknowledged) VALUES ('k', '91330602MA0000000X', :name, "
            "'信用状态有变化，当前有效记录2条', 9, 1700000000, 0)"),
            {"name": protector.seal("某公司")})
        conn.execute(text("INSERT INTO checked VALUES ('k', :id, 'm', 1700000000)"),
                     {"id": protector.seal("91330602MA0000000X")})
    old.dispose()
    engine = db.open_engine(tmp_path)
    with engine.connect() as conn:
        [alert] = store.open_alerts(conn, protector)
        seen = conn.execute(text("SELECT seen_sealed FROM checked")).scalar_one()
    engine.dispose()
    assert (alert["name"], alert["summary"], alert["changes"], alert["readable"]) == (
        "某公司", "信用状态有变化，当前有效记录2条", [], True)
    assert seen == ""  # learnt at the subject's next online check


def test_a_platform_database_from_before_changed_on_says_the_day_from_its_next_change(
        tmp_path):
    import sqlite3

    from desktop.domain import RecordState
    from sandbox.lists import ListVersions
    from sandbox.storage import create_all, make_engine

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the records table before ``changed_on``
        conn.execute("CREATE TABLE records (id VARCHAR(32) PRIMARY KEY, subject_id VARCHAR(18) "
                     "NOT NULL, kind VARCHAR(24) NOT NULL, field VARCHAR(32) NOT NULL, "
                     "department VARCHAR(64) NOT NULL, basis TEXT NOT NULL, listed_on "
                     "VARCHAR(10) NOT NULL, expires_on VARCHAR(10), state VARCHAR(16) NOT NULL, "
                     "version INTEGER NOT NULL)")
        conn.execute("INSERT INTO records VALUES ('R1', '91330602MA2BCDEF1X', 'blacklist', "
                     "'tax', '某税务局', '《依据》', '2025-01-01', '2028-01-01', 'active', 1)")
    engine = make_engine(f"sqlite:///{path}")
    create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO subjects (id, kind, name, district, grade_letter, "
                          "grade_score, graded_on) VALUES ('91330602MA2BCDEF1X', "
                          "'organisation', '某公司', '越城区', 'B', 70, '2026-01-01')"))
        conn.execute(text("INSERT INTO meta VALUES ('list_version', '1')"))
    versions = ListVersions(engine)
    [before] = versions.changes(0, 10, TODAY).entries
    assert (before.op, before.changed_on) == ("upsert", None)
    versions.mark("R1", RecordState.REPAIRED, TODAY)
    [after] = versions.changes(1, 10, TODAY).entries
    assert (after.op, after.record.state.value, after.changed_on) == ("delete", "repaired", TODAY)
    engine.dispose()


def test_an_unread_alert_keeps_its_newest_lines_and_says_how_many_older_were_dropped(
        tmp_path):
    from local_cache import alerts as alert_store

    engine = db.open_engine(tmp_path)
    protector = Protector(os.urandom(32))

    def grade(n: int) -> dict:
        return {"change": "grade", "date": f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}",
                "source": "", "from": "B", "to": "C", "score": n}

    written = [grade(n) for n in range(95)]
    for start in range(0, len(written), 30):  # four syncs' worth, the clerk away
        with engine.begin() as conn:
            alert_store.write_alert(conn, protector, subject_key="k", masked="m",
                                    lines=written[start:start + 30], version=start)
    with engine.connect() as conn:
        [alert] = store.open_alerts(conn, protector)
    engine.dispose()
    first, *kept = alert["changes"]
    assert len(alert["changes"]) == 50
    assert kept == written[-49:]  # the newest, in order
    assert describe(first) == ("较早的 46 项变动未保留（每条提醒只保留最近的变动） / 46 older "
                               "change(s) not kept (an alert keeps the most recent ones)")
    assert "95项变动" in alert["summary"]

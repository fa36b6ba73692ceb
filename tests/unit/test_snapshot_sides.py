"""The snapshot's two sides on a real cache file: a resync fills the side that is not
live, lookups read the live side until the swap, and a desk from before the sides (schema
0005) keeps its snapshot live after the upgrade, and gets it back on a downgrade."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

import local_cache.db as db
from local_cache import snapshot, store
from local_cache.db import UnitOfWork, open_engine
from local_cache.protect import Protector

PROTECTOR = Protector(os.urandom(32))
SUBJECT = "91330602MA5C98HX6H"


def entry(record_id: str, kind: str, op: str = "upsert", version: int = 1) -> dict:
    return {"op": op, "version": version, "subject_id": SUBJECT, "subject_name": "绍兴某公司",
            "subject_kind": "organisation", "district": "越城区", "record_id": record_id,
            "kind": kind, "field": "market", "department": "市场监管局", "basis": "某条",
            "listed_on": "2026-01-05", "expires_on": None, "state": "active"}


def kinds(conn) -> list[str]:
    return [r.kind for r in snapshot.snapshot_lookup(conn, PROTECTOR, SUBJECT)[1]]


def test_a_resync_fills_the_other_side_and_the_swap_makes_it_live(tmp_path):
    engine = open_engine(tmp_path)
    with UnitOfWork(engine) as uow:
        snapshot.apply_changes(uow.conn, PROTECTOR, [entry("R1", "blacklist")])
        uow.commit()
    with UnitOfWork(engine) as uow:
        side = snapshot.begin_resync(uow.conn)
        uow.commit()
    assert side == "b"
    with UnitOfWork(engine) as uow:
        snapshot.apply_changes(uow.conn, PROTECTOR, [entry("R2", "red_list")], side)
        store.set_meta(uow.conn, resync_version=7)
        uow.commit()
    with engine.connect() as conn:  # mid-resync: the old snapshot answers
        assert kinds(conn) == ["blacklist"] and snapshot.resync_version(conn) == 7
        assert set(store.snapshot_record_ids(conn)) == {"R1"}
    with UnitOfWork(engine) as uow:
        held = snapshot.swap(uow.conn, side)
        uow.commit()
    assert held == {}  # no catalogue was set aside
    with engine.connect() as conn:
        assert kinds(conn) == ["red_list"] and snapshot.resync_version(conn) is None
        assert snapshot.live_side(conn) == "b"
    # The next resync goes to side "a", emptied first; "b" answers meanwhile.
    with UnitOfWork(engine) as uow:
        assert snapshot.begin_resync(uow.conn) == "a"
        uow.commit()
    with engine.connect() as conn:
        assert store.snapshot_record_ids(conn, "a") == {} and kinds(conn) == ["red_list"]
    engine.dispose()


def _config(conn) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_a_snapshot_from_before_the_sides_stays_live_and_survives_a_downgrade(tmp_path):
    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    with old.begin() as conn:
        command.upgrade(_config(conn), "0005")
        snapshot.apply_changes(conn, PROTECTOR, [entry("R1", "blacklist")])
    old.dispose()
    engine = open_engine(tmp_path)
    with engine.connect() as conn:
        assert kinds(conn) == ["blacklist"] and snapshot.live_side(conn) == "a"
    with UnitOfWork(engine) as uow:  # a resync swaps side "b" in
        side = snapshot.begin_resync(uow.conn)
        snapshot.apply_changes(uow.conn, PROTECTOR, [entry("R2", "red_list")], side)
        snapshot.swap(uow.conn, side)
        uow.commit()
    engine.dispose()
    back = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    with back.begin() as conn:
        command.downgrade(_config(conn), "0005")
        rows = conn.exec_driver_sql("SELECT record_id, kind FROM snapshot_records").all()
        left = conn.exec_driver_sql("SELECT count(*) FROM meta WHERE key = 'snapshot_side'")
        assert [tuple(r) for r in rows] == [("R2", "red_list")] and left.scalar() == 0
    back.dispose()


def test_a_page_upserts_changes_and_deletes_and_a_replay_changes_nothing(tmp_path):
    engine = open_engine(tmp_path)
    other = {**entry("R9", "blacklist"), "subject_id": "91330604MAMFF74J2Y",
             "subject_name": "绍兴上虞某医药有限公司", "district": "上虞区"}
    first = [entry("R1", "blacklist", version=1), entry("R2", "red_list", version=2), other]
    second = [{**entry("R1", "blacklist", version=4), "state": "repaired",
               "subject_name": "绍兴某新公司"}, entry("R2", "red_list", "delete", version=5),
              {**other, "op": "delete", "version": 6}]
    for page in (first, second, second):  # the second page twice: a replay
        with UnitOfWork(engine) as uow:
            snapshot.apply_changes(uow.conn, PROTECTOR, page)
            uow.commit()
    with engine.connect() as conn:
        subject, records = snapshot.snapshot_lookup(conn, PROTECTOR, SUBJECT)
        assert subject == snapshot.SnapshotSubject(SUBJECT, "organisation", "绍兴某新公司",
                                                   "越城区")
        assert [(r.record_id, r.state) for r in records] == [("R1", "repaired")]
        assert snapshot.snapshot_lookup(conn, PROTECTOR, other["subject_id"])[1] == []
        assert conn.exec_driver_sql("SELECT count(*) FROM snapshot_subjects").scalar() == 2
        dump = "\n".join(engine.raw_connection().driver_connection.iterdump())
    assert SUBJECT not in dump and "绍兴某" not in dump and "绍兴上虞" not in dump
    engine.dispose()

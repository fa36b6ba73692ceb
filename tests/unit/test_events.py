"""The core's event bus (desktop/events.py) and the outbox rows it announces."""

from __future__ import annotations

import json
import logging
import os

import pytest

from desktop.events import EventBus, FeedbackQueued, OutboxMoved
from local_cache import store
from local_cache.db import UnitOfWork, open_engine, when_rows_queued
from local_cache.protect import Protector


def test_every_subscriber_hears_each_event_even_when_one_fails(caplog):
    bus = EventBus()
    heard: list[object] = []

    def broken(_event):
        raise ValueError("a listener's own fault")

    bus.subscribe(broken)
    stop = bus.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="desktop.events"):
        bus.publish(FeedbackQueued(2))
    assert heard == [FeedbackQueued(2)]
    assert "event subscriber failed on FeedbackQueued" in caplog.text
    stop()
    bus.publish(OutboxMoved(1, 0))
    assert heard == [FeedbackQueued(2)]  # unsubscribed: heard nothing more


def _queue(conn, protector: Protector, n: int) -> None:
    store.add_outbox(conn, protector, idempotency_key=f"k-{n}", check_id=f"c-{n}",
                     subject_id=None, action="terminated", payload=json.dumps({"n": n}))


def test_queued_rows_are_announced_once_committed_and_never_when_rolled_back(tmp_path):
    engine = open_engine(tmp_path)
    protector = Protector(os.urandom(32))
    announced: list[int] = []
    seen_by_listener: list[int] = []

    def listener(rows: int) -> None:
        announced.append(rows)
        with engine.connect() as conn:  # the rows are visible when we hear of them
            seen_by_listener.append(store.outbox_counts(conn)["pending"])

    when_rows_queued(engine, listener)
    with UnitOfWork(engine) as uow:
        _queue(uow.conn, protector, 1)
        _queue(uow.conn, protector, 2)
        assert announced == []  # not before the commit
        uow.commit()
    assert announced == [2] and seen_by_listener == [2]
    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
        _queue(uow.conn, protector, 3)
        raise RuntimeError("the decision is refused before its commit")
    with UnitOfWork(engine) as uow:  # the same pooled connection: nothing carried over
        store.set_meta(uow.conn, note="x")
        uow.commit()
    assert announced == [2]
    engine.dispose()


"""The desk runtime (``desktop.runtime``) against a real sandbox process and real SQLite:
the timed jobs run on their schedule, the sender waits for a key without losing a row,
and stop ends every thread and anchors the log head at the platform.

Secrets: as in test_client_core (environment stand-ins; no OS keyring here), except the
no-key test, which uses an in-memory store so the key can be stored while it runs.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest
from sqlalchemy import select

from desktop.audit import anchors as witness
from desktop.audit import retention
from desktop.bootstrap import bootstrap
from desktop.counter import temp_letters
from desktop.counter.adoption import ensure_counter
from desktop.runtime import DeskRuntime
from desktop.staff.credentials import API_KEY, SecretStore
from local_cache.tables import audit, outbox
from tests.integration.test_client_core import KEY, desk, samples
from tests.integration.test_client_core import platform as platform  # noqa: F401 - fixture
from tests.waiting import wait_until


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("creditdesk-")]


def _anchors(svc) -> dict[str, str]:
    with svc.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.idempotency_key, outbox.c.state)
                            .where(outbox.c.kind == "anchor")).all()
    return dict(rows)


def _events(svc) -> list[tuple[str, str]]:
    with svc.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(audit.c.event, audit.c.clerk)).all()]


def test_sync_anchor_retention_and_sweep_run_on_schedule_and_stop_anchors_the_head(
        tmp_path, platform):
    svc = desk(tmp_path, platform.url)
    ensure_counter(svc)  # what the window does at start: the key's counter is the desk's
    sample = samples(platform.url)["clear"][0]
    svc.checks.check(sample["id"], sample["item"])  # an entry: the log has a head
    old_letter = temp_letters.folder() / f"runtime-test-{os.getpid()}.pdf"
    old_letter.parent.mkdir(parents=True, exist_ok=True)
    old_letter.write_bytes(b"%PDF-1.4 printed two days ago")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_letter, (two_days_ago, two_days_ago))
    assert svc.sync.version() == 0
    runtime = DeskRuntime(svc, sync_first=0, sync_every=3600, anchor_every=0.3,
                          retention_first=0, retention_every=3600)
    runtime.start()
    runtime.start()  # a second start changes nothing
    try:
        assert sorted(_threads()) == ["creditdesk-jobs", "creditdesk-sender"]
        wait_until(lambda: svc.sync.version() > 0, 60, "the sync at start reached the platform")
        wait_until(lambda: "sent" in _anchors(svc).values(), 30,
                   "a timed anchor was queued and the sender delivered it")
        wait_until(lambda: ("retention.purge", "system") in _events(svc), 30,
                   "the scheduled retention purge ran")
        wait_until(lambda: not old_letter.exists(), 30, "the old printed letter was swept")
        assert retention.purge_if_due(svc, "system") is None  # ran once: not due again today
    finally:
        runtime.stop()
    assert _threads() == []  # both ended, none waited out an interval
    seq = svc.audit_head()[0]
    counter = svc.settings["counter_id"]
    assert _anchors(svc)[f"anchor-{counter}-{seq}"] == "sent"  # the exit anchor
    assert seq in [a.seq for a in svc.client.anchors(counter).anchors]
    svc.close()


def test_without_a_key_the_sender_backs_off_and_sends_once_the_key_is_stored(
        tmp_path, platform, caplog):
    secrets = SecretStore(memory=True)  # no API key yet: a desk before its first setup
    svc = bootstrap(tmp_path / "desk", {"platform_url": platform.url, "deadline": 2.0},
                    secrets=secrets)
    svc.settings.set_override("counter_id", "SX-DEMO-01")  # the key's counter at the sandbox
    retention.purge_if_due(svc, "system")  # an entry, so the head can be anchored
    runtime = DeskRuntime(svc, sync_every=0, anchor_every=3600, retention_first=3600)
    caplog.set_level(logging.WARNING, logger="desktop.platform.outbox")
    runtime.start()
    try:
        seq = witness.queue_head_anchor(svc, "system")  # queued: the sender is woken
        key = f"anchor-{svc.settings['counter_id']}-{seq}"
        wait_until(lambda: any("a pass failed" in r.getMessage() for r in caplog.records),
                   10, "the sender tried and said why it could not send")
        assert _anchors(svc) == {key: "pending"}  # kept, not dropped
        secrets.set(API_KEY, KEY)
        runtime.wake()  # what saving the key in the settings dialog does
        wait_until(lambda: _anchors(svc) == {key: "sent"}, 30, "the anchor was sent")
    finally:
        runtime.stop(anchor=False)
    assert _threads() == []
    failed_passes = [r for r in caplog.records if "outbox sender" in r.getMessage()]
    assert failed_passes and all(KEY not in r.getMessage() for r in failed_passes)
    svc.close()


@pytest.mark.parametrize("minutes", [0])
def test_sync_minutes_zero_means_no_scheduled_sync(tmp_path, platform, minutes):
    svc = desk(tmp_path, platform.url, sync_minutes=minutes)
    assert [job.name for job in svc.runtime.jobs] == ["anchor", "retention"]
    svc.close()


def test_a_sync_told_to_stop_ends_after_its_page_and_the_next_goes_on_from_there(
        tmp_path, platform):
    svc = desk(tmp_path, platform.url, sync_page=50)
    stop = threading.Event()
    pages: list[int] = []

    def progress(_entries: int, version: int) -> None:
        pages.append(version)
        if len(pages) == 2:
            stop.set()  # the desk is closing, two pages in

    partial = svc.sync.sync(progress=progress, stop=stop)
    assert partial.pages == 2 and svc.sync.version() == partial.version == pages[-1]
    rest = svc.sync.sync()  # the next start
    assert rest.pages > 1 and rest.version > partial.version
    assert svc.sync.sync().entries == 0  # nothing missed, nothing to repeat
    svc.close()

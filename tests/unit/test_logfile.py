"""The desk's log file (issue 17): private, rotated, resident numbers masked, and the
outbox sender's failed passes written into it instead of vanishing."""

from __future__ import annotations

import base64
import logging
import os
import stat
import threading

import pytest
from stdnum.cn import ric

from desktop import logfile
from desktop.audit import anchors as witness
from desktop.bootstrap import _Lazy, bootstrap
from desktop.staff.credentials import DATA_KEY, SecretStore
from local_cache import store
from local_cache.db import UnitOfWork
from tests.pii_scan import fifteen, resident_numbers
from tests.waiting import wait_until

WAIT = 30.0  # seconds: the deadline of a poll, never a pause


@pytest.fixture(autouse=True)
def no_log_left():
    yield
    logfile.shutdown()


def a_resident_number() -> str:
    first = "33060219850615123"
    return first + ric.calc_check_digit(first)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_log_file_is_private_and_masks_resident_numbers(tmp_path):
    number = a_resident_number()
    old = os.umask(0o022)  # the usual umask, under which files come out 0644
    try:
        path = logfile.setup(tmp_path / "desk")
        logging.getLogger("httpx").info(
            'HTTP Request: GET http://127.0.0.1:9/v1/subjects/%s/credit?item=X "200 OK"', number)
        logging.getLogger("desktop.somewhere").warning("old form %s seen", fifteen(number))
        try:
            raise ValueError(f"no subject {number}")
        except ValueError:
            logging.getLogger("desktop.somewhere").exception("a job failed")
    finally:
        os.umask(old)
    text = path.read_text(encoding="utf-8")
    assert path == tmp_path / "desk" / "logs" / "creditdesk.log"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert f"{number[:6]}{'*' * 8}{number[-4:]}" in text  # the request line, masked
    assert "Traceback" in text and "ValueError: no subject 330602" in text
    assert number not in text and fifteen(number) not in text
    assert resident_numbers(text) == []


def test_the_log_rotates_and_every_file_stays_private(tmp_path, monkeypatch):
    monkeypatch.setattr(logfile, "MAX_BYTES", 4000)
    path = logfile.setup(tmp_path / "desk")
    line = "x" * 200
    for n in range(200):
        logging.getLogger("desktop.test").info("%d %s", n, line)
    files = sorted(path.parent.iterdir())
    assert [p.name for p in files] == ["creditdesk.log"] + [
        f"creditdesk.log.{n}" for n in range(1, logfile.BACKUPS + 1)]
    assert {mode(p) for p in files} == {0o600}
    assert "199 " in path.read_text(encoding="utf-8")  # the newest line is in the live file
    tail = logfile.tail(tmp_path / "desk", 30)
    assert len(tail) == 30 and tail[-1].endswith(f"199 {line}")


def test_a_failed_pass_of_the_outbox_sender_is_logged_and_the_row_kept(tmp_path):
    """The key is gone from the keyring while a row waits: every pass fails. Before, the
    sender's ``except: pass`` hid it; now the first failure is in the log with its
    traceback, repeats as one line each, and the row is still queued."""
    desk = tmp_path / "desk"
    path = logfile.setup(desk)
    secrets = SecretStore(memory=True)  # a data key, and no API key any more
    secrets.set(DATA_KEY, base64.b64encode(os.urandom(32)).decode())
    svc = bootstrap(desk, secrets=secrets)
    stop = threading.Event()
    try:
        with UnitOfWork(svc.engine) as uow:
            store.append_audit(uow.conn, svc.protector, counter="SX-T", clerk="c", event="t")
            uow.commit()
        witness.queue_head_anchor(svc)  # a row for the sender: the log head's anchor
        sender = threading.Thread(target=svc.outbox.run_sender,
                                  args=(_Lazy(svc, "client"), stop, 0.02))
        sender.start()
        wait_until(lambda: "failed again" in path.read_text(encoding="utf-8"), WAIT,
                   "the sender's repeated failure in the log file")
        stop.set()
        sender.join(WAIT)
        counts = svc.outbox.counts("anchor")
    finally:
        stop.set()
        svc.close()
    text = path.read_text(encoding="utf-8")
    assert "outbox sender: a pass failed; rows stay queued" in text
    assert text.count("Traceback") == 1 and "SecretsUnavailable" in text
    assert counts["pending"] == 1 and counts["sent"] == 0

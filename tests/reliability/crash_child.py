"""Child process of the feedback crash test: records N feedback actions, flushing as it goes.

``python -m tests.reliability.crash_child DATA_DIR PLATFORM_URL N``. Safe to kill at any
moment and start again: action i is recorded only if the outbox has no row for its
check id yet, and every recorded row is sent until the platform acknowledges it.
Prints ``ready`` once the desk is open (the test times its kill from there, so kills land
while the desk works, not while Python imports) and ``done`` when all N are recorded and
sent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import select

from desktop.bootstrap import bootstrap
from local_cache.tables import outbox
from tests.strategies import uscc_check

SUBJECT = "91330602QQQQQQQQ1" + uscc_check("91330602QQQQQQQQ1")


def outcome(i: int) -> str:
    return json.dumps({
        "check_id": f"crash-{i:04d}",
        "subject": {"id": SUBJECT, "kind": "organisation", "name": "测试"},
        "item": "GOV_PROCUREMENT", "verdict": "prohibit",
    })


def main() -> None:
    data_dir, url, total = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    svc = bootstrap(data_dir, {"platform_url": url, "deadline": 3.0, "read_timeout": 1.0})
    with svc.engine.connect() as conn:
        done = set(conn.execute(select(outbox.c.check_id)).scalars())
    print("ready", flush=True)
    for i in range(total):
        if f"crash-{i:04d}" in done:
            continue
        svc.outbox.record(outcome(i), action="terminated", reason="crash test")
        if i % 10 == 9:
            svc.outbox.flush(svc.client)
    # Drain: the sender backs off when the platform errs; keep asking until all are sent.
    while svc.outbox.counts()["pending"]:
        with svc.engine.begin() as conn:  # make every deferred row due again
            conn.execute(outbox.update().where(outbox.c.state == "pending")
                         .values(next_attempt_at=0))
        svc.outbox.flush(svc.client)
    print("done", json.dumps(svc.outbox.counts("feedback")), flush=True)
    svc.close()


if __name__ == "__main__":
    main()

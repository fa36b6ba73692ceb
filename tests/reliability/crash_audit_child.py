"""Child process of the audit crash test: writes audit entries as fast as it can, forever.

``python -m tests.reliability.crash_audit_child DATA_DIR PLATFORM_URL RUN [LIMIT]``.
Opens the desk the way the CLI and the window do (``desktop.bootstrap.bootstrap``), prints
``ready``, then loops through the desk's real write paths:

- a check against the platform (``svc.checks.check``): the kept answer, the ``check``
  entry and the checked subject in one transaction; its marker is the check id;
- a log entry of its own unit of work (``store.append_audit`` inside ``UnitOfWork``, as
  ``desktop.staff.session`` logs a sign-in or a lock), with ``{"marker": "r<RUN>-<n>"}`` in its
  details; every 50th entry also queues an anchor of the chain head in the outbox;
- now and then a pass of the outbox sender, so the anchors reach the platform.

After each write's commit has returned it prints ``committed <marker>`` (flushed), so the
test knows that entry must be in the log whatever happens next. It stops after LIMIT
writes, after a last pass of the sender; the test kills it long before that, except in
its last run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.bootstrap import bootstrap
from local_cache import store
from local_cache.db import UnitOfWork
from tests.strategies import uscc_check

SUBJECT = "91330602QQQQQQQQ1" + uscc_check("91330602QQQQQQQQ1")
ITEM = "GOV_PROCUREMENT"
COUNTER = "SX-DEMO-01"  # the counter the sandbox's --api-key belongs to (anchors need it)
CHECK_EVERY = 4  # one platform check in four writes; the rest are local log entries
FLUSH_EVERY = 97


def main() -> None:
    data_dir, url, run = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    svc = bootstrap(data_dir, {"platform_url": url, "counter_id": COUNTER,
                                 "deadline": 3.0, "read_timeout": 1.0})
    counter, clerk = svc.settings["counter_id"], svc.settings["clerk_id"]
    svc.engine  # noqa: B018 - open (and migrate) the cache before saying ready
    print("ready", flush=True)
    for n in range(1, limit + 1):
        if n % CHECK_EVERY == 0:
            marker = svc.checks.check(SUBJECT, ITEM).check_id
        else:
            marker = f"r{run}-{n}"
            with UnitOfWork(svc.engine) as uow:
                store.append_audit(uow.conn, svc.protector, counter=counter, clerk=clerk,
                                   event="crash.note", details={"marker": marker})
                uow.commit()
        print("committed", marker, flush=True)
        if n % FLUSH_EVERY == 0:
            svc.outbox.flush(svc.client)
    svc.outbox.flush(svc.client)  # reached the limit: send what is queued, then end
    svc.close()


if __name__ == "__main__":
    main()

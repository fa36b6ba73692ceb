"""The reference platform's cached data set (``sandbox.server.default_db_url``) is filled by
one process at a time: a second process starting on the same file waits for the first and
then reuses its data set (as pytest-xdist workers, a demo and a benchmark may all start at
once). Linux: the waiting is seen in ``/proc/locks``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.generator import ensure_generated
from sandbox.server import _generation_lock
from sandbox.storage import make_engine
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SEED, SUBJECTS = 13, 2000
CHILD = """
import json
import sys
from sandbox.server import SandboxServer
server = SandboxServer(seed=int(sys.argv[1]), subjects=int(sys.argv[2]))
print("preparing", flush=True)
server.prepare()
summary = server.summary
print(json.dumps({"generated": summary.generated, "subjects": summary.subjects,
                  "records": summary.records, "url": server.db_url}), flush=True)
server.platform.close()
"""


def waits_for_a_lock(pid: int) -> bool:
    """True when ``pid`` is blocked waiting for a file lock (``->`` lines of /proc/locks)."""
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[1] == "->" and parts[5] == str(pid):
            return True
    return False


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_a_second_process_waits_for_the_data_set_and_reuses_it(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    path = tmp_path / f"creditdesk-sandbox-s{SEED}-n{SUBJECTS}.sqlite"
    with _generation_lock(path):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(SEED), str(SUBJECTS)],
                                 cwd=ROOT, env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert child.stdout.readline() == "preparing\n", child.stderr.read()
            wait_until(lambda: waits_for_a_lock(child.pid) or child.poll() is not None, 60,
                       "the second process waiting on the lock (/proc/locks)")
            assert child.poll() is None, child.stderr.read()
            # While it waits, this process fills the file (as a first server would).
            ours = ensure_generated(make_engine(f"sqlite:///{path}"), seed=SEED,
                                    subjects=SUBJECTS)
            assert ours.generated
        except BaseException:
            child.kill()
            raise
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    theirs = json.loads(out)
    assert theirs["url"] == f"sqlite:///{path}"  # the cache file of its TMPDIR, as here
    assert not theirs["generated"]  # found the data set generated meanwhile
    assert (theirs["subjects"], theirs["records"]) == (ours.subjects, ours.records)


"""Where a benchmark run's child processes keep their channel and data: in the run's own
temp folder (``Bench.child_env``), never where a desk of the same user keeps them, so
``python -m bench`` runs beside a ``creditdesk gui --demo`` (issue 21; .ci/run runs the
quick suite beside one).

Each place is asked of a real child process, as the child computes it (Qt's temp path,
the single-instance channel's socket, platformdirs' data directory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.core import Bench

ROOT = Path(__file__).resolve().parents[2]
PLACES = """
import json
from PySide6.QtCore import QDir
from desktop.settings import default_data_dir
from ui.single_instance import channel_name
print(json.dumps({"channel": QDir.tempPath() + "/" + channel_name(demo=True),
                  "data": str(default_data_dir())}))
"""


def places(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", PLACES], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def bench(tmp_path):
    run = Bench(quick=True, work=tmp_path / "run")
    run.work.mkdir()
    yield run
    run.close()


def test_a_child_of_the_run_has_its_own_channel_and_data_dir(bench):
    user = places(dict(os.environ))
    child = places(bench.child_env())
    assert child["channel"] != user["channel"]
    assert Path(child["channel"]).is_relative_to(bench.work)
    assert Path(child["data"]).is_relative_to(bench.work)
    assert not Path(user["data"]).is_relative_to(bench.work)


def test_extra_values_win_and_the_caller_environment_is_untouched(bench):
    before = dict(os.environ)
    env = bench.child_env(QT_QPA_PLATFORM="offscreen", TMPDIR="/elsewhere")
    assert env["QT_QPA_PLATFORM"] == "offscreen" and env["TMPDIR"] == "/elsewhere"
    assert Path(env["XDG_RUNTIME_DIR"]).stat().st_mode & 0o077 == 0  # Qt wants it private
    assert dict(os.environ) == before


def test_child_environ_applies_only_inside_the_block(bench):
    before = dict(os.environ)
    with bench.child_environ():
        inside = dict(os.environ)
    assert inside["TMPDIR"] == bench.child_env()["TMPDIR"]
    assert Path(inside["XDG_DATA_HOME"]).is_relative_to(bench.work)
    assert dict(os.environ) == before

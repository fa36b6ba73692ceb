"""Plain messages and exit codes of ``creditdesk check`` (issue 18, part 6), through the
real script against a real sandbox: a closed pipe ends quietly, no snapshot says no
snapshot, an unknown item is invalid input (2) online and offline."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess

import httpx
import pytest

from sandbox.process import creditdesk_script, spawn
from tests.staffing import signed_in

KEY = "answers-test-key-0123456789"
DATA_KEY = base64.b64encode(b"a" * 32).decode()


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=11,
                  subjects=300, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def sample(platform):
    groups = httpx.get(f"{platform.url}/sandbox/samples",
                       headers={"Authorization": f"Bearer {KEY}"}).json()
    return groups["prohibit"][0]


def desk(tmp_path, platform):
    """A signed-in clerk's environment and the options naming a desk of its own."""
    data_dir = tmp_path / "desk"
    env = {**os.environ, "CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": DATA_KEY}
    return signed_in(env, data_dir), ["--data-dir", str(data_dir), "--platform", platform.url]


def run(env, *args):
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def test_check_into_a_closed_pipe_ends_quietly(tmp_path, platform, sample):
    # `creditdesk check ... | head -1` where the reader is already gone when the verdict
    # is printed: the read end is closed before the command starts, so its first write
    # meets a broken pipe every time.
    env, common = desk(tmp_path, platform)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        child = subprocess.Popen(
            [creditdesk_script(), "check", sample["id"], "--item", sample["item"], *common],
            stdout=write_end, stderr=subprocess.PIPE, env=env)
    finally:
        os.close(write_end)
    _, err = child.communicate(timeout=120)
    stderr = err.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert "Exception ignored" not in stderr, stderr
    assert child.returncode == 0, stderr
    # The check was made and kept although nobody read its verdict.
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        logged = db.execute("SELECT count(*) FROM audit WHERE event='check'").fetchone()[0]
    assert logged == 1


def test_offline_without_a_snapshot_says_there_is_no_snapshot(tmp_path, platform, sample):
    env, common = desk(tmp_path, platform)
    done = run(env, "check", sample["id"], "--item", sample["item"], "--offline", *common)
    assert done.returncode == 3, done.stderr
    assert "没有名单快照" in done.stderr and "no list snapshot" in done.stderr
    assert "sync" in done.stderr
    # The platform was not asked: nothing says it could not be reached.
    assert "平台不可用" not in done.stderr and "cannot be reached" not in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_item_offline_is_invalid_input(tmp_path, platform, sample):
    env, common = desk(tmp_path, platform)
    synced = run(env, "sync", *common)
    assert synced.returncode == 0, synced.stderr
    known = run(env, "check", sample["id"], "--item", sample["item"], "--offline", *common)
    assert known.returncode == 0, known.stderr  # the snapshot answers a known item
    done = run(env, "check", sample["id"], "--item", "NO_SUCH_ITEM", "--offline", *common)
    assert done.returncode == 2, done.stderr
    assert "未知事项" in done.stderr and "unknown business item" in done.stderr


def test_an_unknown_item_online_is_invalid_input(tmp_path, platform, sample):
    env, common = desk(tmp_path, platform)
    done = run(env, "check", sample["id"], "--item", "NO_SUCH_ITEM", *common)
    assert done.returncode == 2, done.stderr
    assert "未知事项" in done.stderr and "unknown business item" in done.stderr

"""The reliability and security suite (docs/RELIABILITY.md): tests that break the desk on
purpose and count what was lost. Every test here runs at a small size by default and at
its full size with ``pytest -m full`` (or ``CREDITDESK_FULL=1``); ``sized`` picks one.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

from tests.conftest import full_size

HERE = Path(__file__).parent


def sized(small, full):
    """``full`` when the full sizes were asked for, else ``small``."""
    return full if full_size() else small


def pytest_collection_modifyitems(config, items):
    """Everything in this folder is part of ``pytest -m full``."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.full)


@pytest.fixture
def tally(request):
    """``tally(lost=0, duplicated=0, ...)``: a test's counts, printed (``-s`` shows them)
    and appended as a JSON line to ``$CREDITDESK_TALLY`` when set; docs/RELIABILITY.md is
    written from them."""

    def record(**counts) -> None:
        line = {"test": request.node.nodeid, "size": "full" if full_size() else "small",
                **counts}
        print("TALLY", json.dumps(line, ensure_ascii=False))
        out = os.environ.get("CREDITDESK_TALLY")
        if out:
            with open(out, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(line, ensure_ascii=False) + "\n")

    return record


def demo_platform(tmp_path_factory, name: str, api_key: str):
    """A real sandbox process on the demo data set (own interpreter and event loop) with a
    fresh SQLite file; the caller stops it."""
    from sandbox.demo import DEMO_SEED, DEMO_SUBJECTS
    from sandbox.process import spawn

    db = tmp_path_factory.mktemp(name) / "platform.sqlite"
    return spawn(f"sqlite:///{db}", seed=DEMO_SEED, subjects=DEMO_SUBJECTS, api_key=api_key)


@pytest.fixture
def collected_on_the_gui_thread(qapp):
    """As ui.app does: no automatic collection on a worker thread while windows live.
    Window tests use it with ``pytestmark = pytest.mark.usefixtures(...)``."""
    from ui.app import install_language

    install_language(qapp, "zh_CN")
    gc.disable()
    yield
    gc.collect()
    gc.enable()

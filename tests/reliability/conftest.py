"""The reliability and security suite (docs/RELIABILITY.md): tests that break the desk on
purpose and count what was lost. Every test here runs at a small size by default and at
its full size with ``pytest -m full`` (or ``CREDITDESK_FULL=1``); ``sized`` picks one.
"""

from __future__ import annotations

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

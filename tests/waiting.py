"""The tests' one wait for a condition that announces nothing (a row another thread or
process writes, a flag a server sets): poll it until true, fail after a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_S = 0.02


def wait_until(condition: Callable[[], T], timeout: float, what: str) -> T:
    """``condition()``'s first truthy value; an AssertionError naming ``what`` when none
    comes within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {timeout} s: {what}")  # a wait, not a speed claim
        time.sleep(POLL_S)  # the poll interval of this wait on the condition itself

"""Where printed commitment letters wait for the printer, and how long they may wait.

A commitment letter carries the applicant's name and resident number in plain text, so it
is never kept in the data directory (which holds personal data sealed only). It is saved
to ``<system temp>/creditdesk-letters/`` for the clerk to open and print; the platform keeps
its registered hash, so the file itself is not needed afterwards. Letters older than
``KEEP_SECONDS`` are deleted by :func:`sweep` (the window runs it with the hourly retention
tick), which gives the system viewer a whole working day to print one.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600


def folder() -> Path:
    """``<system temp>/creditdesk-letters``."""
    return Path(tempfile.gettempdir()) / "creditdesk-letters"


def letter_path(check_id: str) -> Path:
    """Where the letter for ``check_id`` is saved by default."""
    return folder() / f"{check_id}.pdf"


def sweep(where: Path | None = None, keep_seconds: float = KEEP_SECONDS,
          now: float | None = None) -> int:
    """Delete letters in ``where`` (default :func:`folder`) last written more than
    ``keep_seconds`` ago; returns how many went. Files that vanish or are open elsewhere
    are left for the next sweep."""
    where = folder() if where is None else where
    now = time.time() if now is None else now
    removed = 0
    try:
        letters = list(where.glob("*.pdf"))
    except OSError:
        return 0
    for letter in letters:
        try:
            if now - letter.stat().st_mtime > keep_seconds:
                letter.unlink()
                removed += 1
        except OSError:
            continue
    return removed

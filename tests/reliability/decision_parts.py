"""What each clerk decision left in a desk's cache file, read from outside with sqlite3.

A decision is whole when every one of its parts is there, absent when none is, and
half-done otherwise (what issue 15 found: a crash or a full disk between two transactions
of one decision). Used by the crash test and the failing-write test of decisions.

Parts per decision, found by the check id the decision is about:

- ``fast_track``: the letter's registration row (outbox, kind ``report``), its
  ``report.printed`` entry, the ``fast_tracked`` feedback row, its ``action.fast_tracked``
  entry, and the commitment row;
- ``override``: the ``overridden`` feedback row, its entry and the ``intercept.override``
  entry;
- ``terminate`` / ``proceed``: the feedback row and its entry;
- ``close``: the commitment no longer open, the ``commitment_fulfilled`` or
  ``commitment_breached`` feedback row and its entry.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

PARTS = {
    "fast_track": ("report_row", "report_entry", "feedback", "entry", "commitment"),
    "override": ("feedback", "entry", "override_entry"),
    "terminate": ("feedback", "entry"),
    "proceed": ("feedback", "entry"),
    "close": ("closed", "feedback", "entry"),
}
_ACTION = {"fast_tracked": "fast_track", "overridden": "override", "terminated": "terminate",
           "proceeded": "proceed", "commitment_fulfilled": "close",
           "commitment_breached": "close"}


def decisions(cache: Path) -> dict[tuple[str, str], dict[str, int]]:
    """``{(decision, check_id): {part: how many}}`` for every decision with any part."""
    found: dict[tuple[str, str], dict[str, int]] = {}

    def add(decision: str, check_id: str, part: str) -> None:
        parts = found.setdefault((decision, check_id), dict.fromkeys(PARTS[decision], 0))
        parts[part] += 1

    with closing(sqlite3.connect(cache)) as db:
        for kind, action, check_id in db.execute(
                "SELECT kind, action, check_id FROM outbox WHERE kind IN ('feedback', 'report')"):
            if kind == "report":
                if action == "commitment_letter":
                    add("fast_track", check_id, "report_row")
            elif action in _ACTION:
                add(_ACTION[action], check_id, "feedback")
        for event, details in db.execute("SELECT event, details FROM audit"):
            d = json.loads(details)
            if event == "report.printed" and d.get("kind") == "commitment_letter":
                add("fast_track", d["check_id"], "report_entry")
            elif event.startswith("action.") and event[7:] in _ACTION:
                add(_ACTION[event[7:]], d["check_id"], "entry")
            elif event == "intercept.override":
                add("override", d["check_id"], "override_entry")
        for check_id, state in db.execute("SELECT check_id, state FROM commitments"):
            add("fast_track", check_id, "commitment")
            if state != "open":
                add("close", check_id, "closed")
    return found


def half_done(found: dict[tuple[str, str], dict[str, int]]) -> dict[tuple[str, str], dict]:
    """The decisions with some of their parts but not all."""
    return {key: parts for key, parts in found.items() if not all(parts.values())}


def whole(found: dict[tuple[str, str], dict[str, int]], decision: str, check_id: str) -> bool:
    """Every part of this decision is there."""
    parts = found.get((decision, check_id))
    return parts is not None and all(parts.values())

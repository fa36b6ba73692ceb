"""Test control of the facts beside the lists: risk warnings and public credit grades.

Neither is list data, so neither moves the list version (``lists.py``); a desk learns of
them from a credit or batch answer. Tests and demos use these to change a subject the desk
watches (``/sandbox/subjects/{id}/warnings`` and ``/grade``).
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, func, insert, select, update

from sandbox.storage import subjects, warnings

_LOCK = threading.Lock()  # warning ids are max + 1: one writer at a time


def add_warning(engine: Engine, subject_id: str, level: str, point: str, on: dt.date) -> None:
    """A new warning on ``subject_id`` since ``on``; LookupError for an unknown subject."""
    with _LOCK, engine.begin() as conn:
        _known(conn, subject_id)
        next_id = conn.execute(select(func.coalesce(func.max(warnings.c.id), 0))).scalar_one() + 1
        conn.execute(insert(warnings).values(id=next_id, subject_id=subject_id, level=level,
                                             point=point, since=on.isoformat()))


def set_grade(engine: Engine, subject_id: str, letter: str, score: int, on: dt.date) -> None:
    """Evaluate ``subject_id`` anew on ``on``; LookupError for an unknown subject."""
    with engine.begin() as conn:
        _known(conn, subject_id)
        conn.execute(update(subjects).where(subjects.c.id == subject_id).values(
            grade_letter=letter, grade_score=score, graded_on=on.isoformat()))


def _known(conn, subject_id: str) -> None:
    if conn.execute(select(subjects.c.id).where(subjects.c.id == subject_id)).first() is None:
        raise LookupError(subject_id)

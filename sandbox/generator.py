"""Deterministic synthetic data for the reference credit platform (sandbox).

``ensure_generated`` fills the tables of :mod:`sandbox.storage` with a Shaoxing-like
population: organisations with unified social credit codes, persons with resident
identity numbers, red/black/abnormality/serious-illegal records, public credit grades,
risk warnings and investor groups (related parties, 关联企业).

The same ``(seed, subjects, today)`` always gives the same rows: one ``random.Random(seed)``
drives everything and is consumed in a fixed order, chunk after chunk; the drawing itself
is in :mod:`sandbox.population`. Identifiers are unique by construction (scrambled
counters), so no set of issued codes has to be kept for a million subjects.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, exc, select

from desktop.domain import RecordKind, RecordState, SubjectKind
from sandbox import catalog, storage
from sandbox.population import Population

GENERATOR_VERSION = 1
# Subjects per insert batch and per progress call. Part of the data set's definition
# (kinds and investor groups are drawn per chunk): changing it changes the rows, so it
# must go with a new GENERATOR_VERSION, as must any change to the draws below.
CHUNK = 10_000

RED, BLACK = RecordKind.RED_LIST.value, RecordKind.BLACKLIST.value
ABNORMAL, SERIOUS = RecordKind.BUSINESS_ABNORMALITY.value, RecordKind.SERIOUS_ILLEGAL.value
ACTIVE, REPAIRED, EXPIRED = (s.value for s in RecordState)
ORG, PERSON = SubjectKind.ORGANISATION.value, SubjectKind.PERSON.value


@dataclass(frozen=True)
class GenerationSummary:
    """What a data set holds. ``seconds`` is the wall time of the call that returned it."""

    subjects: int
    organisations: int
    persons: int
    records: int
    warnings: int
    list_version: int
    seconds: float
    generated: bool


def ensure_generated(
    engine: Engine,
    *,
    seed: int,
    subjects: int,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Create the tables and fill them with the data set ``(seed, subjects)``, once.

    If the database already holds this data set (same seed, size and generator version)
    nothing is written and the stored counts come back with ``generated=False``. A
    database holding any other data is never wiped: that raises :class:`ValueError`.
    Dates are relative to ``today`` (default: the real today). ``progress(done, total)``
    is called after every chunk of 10,000 subjects, the last call with ``done == total``.
    Everything is written in one transaction, so an interrupted run leaves no half data set.
    """
    if subjects < 0:
        raise ValueError(f"subjects must not be negative, got {subjects}")
    started = time.perf_counter()
    storage.create_all(engine)
    wanted = {
        "seed": str(seed),
        "subjects": str(subjects),
        "generator_version": str(GENERATOR_VERSION),
    }
    with engine.connect() as conn:
        stored = _read_meta(conn)
        populated = conn.execute(select(storage.subjects.c.id).limit(1)).first() is not None
    if stored or populated:
        return _reuse(stored, wanted, started)
    try:
        counts = _generate(engine, seed, subjects, today or dt.date.today(), progress)
    except exc.DBAPIError as error:
        # Two processes started on one empty file race; the loser finds the winner's data.
        with engine.connect() as conn:
            stored = _read_meta(conn)
        if not stored:
            raise
        try:
            return _reuse(stored, wanted, started)
        except ValueError:
            raise error from None
    return GenerationSummary(
        subjects=subjects, **counts, seconds=time.perf_counter() - started, generated=True
    )


def _read_meta(conn) -> dict[str, str]:
    rows = conn.execute(select(storage.meta.c.key, storage.meta.c.value))
    return {key: value for key, value in rows}


def _reuse(stored: dict[str, str], wanted: dict[str, str], started: float) -> GenerationSummary:
    """The stored summary if ``stored`` describes the wanted data set; ValueError otherwise."""
    if not stored:
        raise ValueError(
            "the database already holds subjects but no generator metadata; refusing to "
            "overwrite it (use an empty database)"
        )
    found = {key: stored.get(key) for key in wanted}
    if found != wanted:
        have = ", ".join(f"{k}={v}" for k, v in found.items())
        want = ", ".join(f"{k}={v}" for k, v in wanted.items())
        raise ValueError(
            f"the database already holds another data set ({have}); asked for ({want}). "
            "Use another database or drop its tables first."
        )
    counts = {k: int(stored[k]) for k in ("organisations", "persons", "records", "warnings")}
    return GenerationSummary(
        subjects=int(stored["subjects"]),
        **counts,
        list_version=int(stored["list_version"]),
        seconds=time.perf_counter() - started,
        generated=False,
    )


def _generate(
    engine: Engine,
    seed: int,
    total: int,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    population = Population(random.Random(seed), today)
    with engine.begin() as conn:
        for start in range(0, total, CHUNK):
            size = min(CHUNK, total - start)
            subject_rows, record_rows, warning_rows = population.chunk(start, size)
            conn.execute(storage.subjects.insert(), subject_rows)
            if record_rows:
                conn.execute(storage.records.insert(), record_rows)
            if warning_rows:
                conn.execute(storage.warnings.insert(), warning_rows)
            if progress is not None:
                progress(start + size, total)
        counts = {
            "organisations": population.organisations,
            "persons": population.persons,
            "records": population.records,
            "warnings": population.warnings,
            # Versions are the record sequence numbers, so the newest is the count.
            "list_version": population.records,
        }
        values = {
            "seed": seed,
            "subjects": total,
            "generator_version": GENERATOR_VERSION,
            "generated_on": today.isoformat(),
            "catalog_version": catalog.CATALOG_VERSION,
            **counts,
        }
        conn.execute(
            storage.meta.insert(), [{"key": k, "value": str(v)} for k, v in values.items()]
        )
    return counts

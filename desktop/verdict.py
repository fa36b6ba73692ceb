"""Verdict rules: which measures a subject's records trigger for a business item.

Pure functions over the domain model. The platform computes its answer with them and the
desk computes the offline answer with them, so neither may depend on where the records
came from or on the clock: the day is always passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from desktop.domain import CreditRecord, Measure, MeasureKind, Verdict


@dataclass(frozen=True, slots=True)
class MeasureMatch:
    """A measure together with the record that triggered it."""

    measure: Measure
    record: CreditRecord


@dataclass(frozen=True, slots=True)
class VerdictResult:
    """The verdict and every measure behind it, strongest first.

    ``suppressed_incentives`` are red-list rewards that would have applied but are
    withheld because the subject has an active negative record; the window can say why
    no fast-track is offered.
    """

    verdict: Verdict
    matches: tuple[MeasureMatch, ...] = ()
    suppressed_incentives: tuple[MeasureMatch, ...] = ()

    def of_kind(self, kind: MeasureKind) -> tuple[MeasureMatch, ...]:
        """The matches of one measure kind."""
        return tuple(m for m in self.matches if m.measure.kind is kind)


def counting_records(records: Iterable[CreditRecord], as_of: dt.date) -> list[CreditRecord]:
    """The records in force on ``as_of``; expired and repaired ones never count."""
    return [r for r in records if r.counts_on(as_of)]


def has_active_negative(records: Iterable[CreditRecord], as_of: dt.date) -> bool:
    """True when any blacklist, abnormality or serious-illegal record is in force."""
    return any(r.kind.negative for r in counting_records(records, as_of))


def decide(
    records: Iterable[CreditRecord],
    measures: Iterable[Measure],
    item_code: str,
    as_of: dt.date,
) -> VerdictResult:
    """Return the verdict for one subject applying for ``item_code`` on ``as_of``.

    The verdict is the strongest matched measure (prohibit > restrict > alert >
    incentive), or ``clear`` when nothing matches. An incentive counts only when no
    negative record is in force.
    """
    active = counting_records(records, as_of)
    measures = tuple(measures)
    blocked = any(r.kind.negative for r in active)
    matches: list[MeasureMatch] = []
    suppressed: list[MeasureMatch] = []
    for record in active:
        for measure in measures:
            if not measure.applies_to(record, item_code):
                continue
            match = MeasureMatch(measure, record)
            if measure.kind is MeasureKind.INCENTIVE and blocked:
                suppressed.append(match)
            else:
                matches.append(match)
    matches.sort(key=_order)
    suppressed.sort(key=_order)
    verdict = Verdict(matches[0].measure.kind.value) if matches else Verdict.CLEAR
    return VerdictResult(verdict, tuple(matches), tuple(suppressed))


def _order(match: MeasureMatch) -> tuple[int, int, str, str]:
    # Strongest first; within a kind the most recently listed record first, then stable
    # by codes so the platform and the desk list measures in the same order.
    return (
        -match.measure.kind.strength,
        -match.record.listed_on.toordinal(),
        match.record.id,
        match.measure.code,
    )

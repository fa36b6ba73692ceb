"""Supervisor statistics from the audit log alone: the closed loop per period and item,
intercept overrides with follow-up notes, the district overview, retention purges.

Feedback states are those of the outbox rows named by ``action.*`` entries (their
``outbox_id``), counted in the period and item of that entry.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from desktop.audit.export import CST
from desktop.audit.query import QueryError
from desktop.staff.accounts import Staff, StaffError, has_control
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit, outbox, override_notes

PERIODS = ("day", "week", "month")


@dataclass
class StatRow:
    """One period and item of the closed loop."""

    period: str
    item: str
    checks: int = 0
    measures: dict = field(default_factory=dict)
    responses: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=lambda: {"sent": 0, "failed": 0, "pending": 0})
    overrides: int = 0
    approvers: dict = field(default_factory=dict)
    fast_tracks: int = 0
    commitments_kept: int = 0
    commitments_breached: int = 0


@dataclass(frozen=True)
class OverrideRow:
    """An intercept override and its latest follow-up note."""

    seq: int
    at: float
    clerk: str
    approver: str
    reason: str
    legal_ground: str
    item: str | None
    subject_masked: str | None
    note: str


@dataclass(frozen=True)
class DistrictRow:
    """Subjects checked in one district, and how many were on each list (see districts)."""

    district: str
    subjects: int
    red_list: int
    black_list: int
    warnings: int


def label(at: float, period: str) -> str:
    """``2026-11-28``, ``2026-W48`` or ``2026-11`` for an epoch time (CST)."""
    day = dt.datetime.fromtimestamp(at, CST).date()
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def _details(text: str | None) -> dict:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


def closed_loop(engine: Engine, period: str, start: dt.date | None = None,
                end: dt.date | None = None, item: str | None = None) -> list[StatRow]:
    """Checks, measures, responses, feedback, overrides and commitments per period and item."""
    if period not in PERIODS:
        raise QueryError(f"统计周期应为 day/week/month：{period}",
                         f"the period must be day, week or month: {period}")
    query = select(audit.c.at, audit.c.event, audit.c.item, audit.c.details).where(
        audit.c.item.is_not(None)).order_by(audit.c.seq)
    if start:
        query = query.where(audit.c.at >= dt.datetime.combine(start, dt.time(), CST).timestamp())
    if end:
        query = query.where(audit.c.at < dt.datetime.combine(
            end + dt.timedelta(days=1), dt.time(), CST).timestamp())
    if item:
        query = query.where(audit.c.item == item)
    rows: dict[tuple[str, str], StatRow] = {}
    with engine.connect() as conn:
        states = dict(conn.execute(select(outbox.c.id, outbox.c.state)
                                   .where(outbox.c.kind == "feedback")).all())
        for r in conn.execute(query):
            key = (label(r.at, period), r.item)
            row = rows.setdefault(key, StatRow(*key))
            d = _details(r.details)
            if r.event == "check":
                row.checks += 1
                for kind, n in (d.get("measures") or {}).items():
                    row.measures[kind] = row.measures.get(kind, 0) + n
            elif r.event.startswith("action."):
                action = r.event.removeprefix("action.")
                row.responses[action] = row.responses.get(action, 0) + 1
                state = states.get(d.get("outbox_id"))
                if state in row.feedback:
                    row.feedback[state] += 1
                row.fast_tracks += action == "fast_tracked"
                row.commitments_kept += action == "commitment_fulfilled"
                row.commitments_breached += action == "commitment_breached"
            elif r.event == "intercept.override":
                row.overrides += 1
                who = d.get("approved_by", "")
                row.approvers[who] = row.approvers.get(who, 0) + 1
    return [rows[k] for k in sorted(rows)]


def _add(into: dict, more: dict) -> None:
    for key, n in more.items():
        into[key] = into.get(key, 0) + n


def totals(rows: list[StatRow]) -> StatRow:
    """Every row added up (period and item ``合计``)."""
    total = StatRow("合计", "合计")
    for r in rows:
        total.checks += r.checks
        total.overrides += r.overrides
        total.fast_tracks += r.fast_tracks
        total.commitments_kept += r.commitments_kept
        total.commitments_breached += r.commitments_breached
        for mine, theirs in ((total.measures, r.measures), (total.responses, r.responses),
                             (total.feedback, r.feedback), (total.approvers, r.approvers)):
            _add(mine, theirs)
    return total


def per_period(rows: list[StatRow]) -> tuple[list[str], dict[str, list[int]]]:
    """Periods in order and, per chart series key, one value per period (items added)."""
    periods = sorted({r.period for r in rows})
    at = {p: n for n, p in enumerate(periods)}
    values = {k: [0] * len(periods)
              for k in ("checks", "measures", "overrides", "fast_tracks", "unsent")}
    for r in rows:
        n = at[r.period]
        values["checks"][n] += r.checks
        values["measures"][n] += sum(r.measures.values())
        values["overrides"][n] += r.overrides
        values["fast_tracks"][n] += r.fast_tracks
        values["unsent"][n] += r.feedback.get("failed", 0) + r.feedback.get("pending", 0)
    return periods, values


def overrides(engine: Engine) -> list[OverrideRow]:
    """Every intercept override, newest first, with its latest note."""
    with engine.connect() as conn:
        notes = {s: n for s, n in conn.execute(select(override_notes.c.seq, override_notes.c.note)
                                               .order_by(override_notes.c.id))}
        found = conn.execute(select(audit).where(audit.c.event == "intercept.override")
                             .order_by(audit.c.seq.desc())).all()
    out = []
    for r in found:
        d = _details(r.details)
        out.append(OverrideRow(r.seq, r.at, r.clerk, d.get("approved_by", ""),
                               d.get("reason", ""), d.get("legal_ground", ""), r.item,
                               r.subject_masked, notes.get(r.seq, "")))
    return out


def add_override_note(svc, seq: int, note: str, supervisor: Staff) -> None:
    """A supervisor's follow-up note on override ``seq``; logged as ``override.note``."""
    if supervisor is None or not supervisor.is_supervisor:
        raise StaffError("只有科室负责人可以填写跟进意见", "only a supervisor may add a note")
    note = (note or "").strip()
    if not note or len(note) > 1000:
        raise QueryError("请填写跟进意见（不超过1000字）", "write a note (up to 1000 characters)")
    if has_control(note, allow="\n\t"):
        raise QueryError("跟进意见含控制字符", "the note has control characters")
    with UnitOfWork(svc.engine) as uow:
        event = uow.conn.execute(select(audit.c.event).where(audit.c.seq == seq)
                                 ).scalar_one_or_none()
        if event != "intercept.override":
            raise QueryError(f"第 {seq} 条不是依法继续办理记录",
                             f"entry {seq} is not an intercept override")
        uow.conn.execute(override_notes.insert().values(
            seq=seq, note=note, staff_id=supervisor.staff_id, at=time.time()))
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=supervisor.staff_id, event="override.note",
                           details={"seq": seq, "note": note})
        uow.commit()


def districts(engine: Engine) -> list[DistrictRow]:
    """Per district: distinct subjects checked, and how many of them were found on the red
    list, on the blacklist or serious-illegal list, or with a warning, in any of their
    checks (a subject checked ten times counts once)."""
    seen: dict[str, dict[str, set]] = {}
    with engine.connect() as conn:
        for key, text in conn.execute(select(audit.c.subject_key, audit.c.details)
                                      .where(audit.c.event == "check")):
            d = _details(text)
            if "district" not in d:
                continue  # purged, or logged before districts were recorded
            hits = d.get("hits") or {}
            sets = seen.setdefault(d["district"], {n: set() for n in
                                                   ("all", "red", "black", "warn")})
            sets["all"].add(key)
            if hits.get("red_list", 0):
                sets["red"].add(key)
            if hits.get("blacklist", 0) or hits.get("serious_illegal", 0):
                sets["black"].add(key)
            if d.get("warnings"):
                sets["warn"].add(key)
    return [DistrictRow(n, len(s["all"]), len(s["red"]), len(s["black"]), len(s["warn"]))
            for n, s in sorted(seen.items())]


def purges(engine: Engine) -> list[dict]:
    """Retention purges, oldest first: when, how many entries, older than how many days."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit.c.at, audit.c.details)
                            .where(audit.c.event == "retention.purge").order_by(audit.c.seq))
        return [{"at": r.at, "entries": _details(r.details).get("entries", 0),
                 "days": _details(r.details).get("days", 0)} for r in rows]

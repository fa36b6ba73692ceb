"""Which decision fits a check, asked by the window and the CLI alike (issue 15, item 6).

The counter's dialogs offer only the actions that fit a verdict; the command line could
name any action for any check. These rules make the two paths one:

- ``terminated`` for a ``prohibit`` or ``restrict`` verdict, ``overridden`` only for
  ``prohibit``, ``proceeded`` only for ``restrict``, ``fast_tracked`` only for
  ``incentive``;
- one decision per check (``DECISIONS``): a second is refused inside the unit of work that
  would record it, so two processes racing cannot both record one;
- a commitment is closed (``commitment_fulfilled`` / ``commitment_breached``) only through
  the commitment a fast-track opened (``desktop.counter.commitments.close``), once;
- a service account (scripts) decides nothing at the counter.

Every refusal is a ``FlowError`` in Chinese and English, with nothing written. The
platform keeps the same rules (``sandbox.feedback_rules``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select

from desktop.counter.check_service import CheckOutcome
from local_cache.tables import commitments, outbox

DECISIONS = ("terminated", "overridden", "proceeded", "fast_tracked")
CLOSINGS = ("commitment_fulfilled", "commitment_breached")
FITS: dict[str, tuple[str, ...]] = {
    "terminated": ("prohibit", "restrict"),
    "overridden": ("prohibit",),
    "proceeded": ("restrict",),
    "fast_tracked": ("incentive",),
}
_ZH = {"terminated": "终止受理", "overridden": "依法继续办理", "proceeded": "继续办理",
       "fast_tracked": "容缺受理", "commitment_fulfilled": "承诺已履行",
       "commitment_breached": "承诺未履行"}
_VERDICT_ZH = {"prohibit": "禁止", "restrict": "限制", "alert": "提示", "incentive": "激励",
               "clear": "无记录"}


def refuse(zh: str, en: str) -> Exception:
    """The refusal the window and the CLI show (a ``desktop.counter.flows.FlowError``)."""
    from desktop.counter.flows import FlowError  # flows imports this module

    return FlowError(zh, en)


def fit(outcome: CheckOutcome, action: str) -> None:
    """Refuse ``action`` when the check's verdict does not call for it."""
    verdict = str(outcome.verdict)
    if action in CLOSINGS:
        raise refuse(f"“{_ZH[action]}”只能通过容缺受理的承诺办结",
                     f"{action} is recorded by closing the commitment of a fast-track")
    allowed = FITS.get(action, ())
    if verdict not in allowed:
        fits = "、".join(_VERDICT_ZH[v] for v in allowed)
        raise refuse(f"核查结论为“{_VERDICT_ZH.get(verdict, verdict)}”，不能“{_ZH[action]}”"
                     f"（仅适用于：{fits}）",
                     f"{action} does not fit the verdict {verdict} (only {', '.join(allowed)})")


def earlier_decision(conn: Connection, check_id: str, other_than: int | None = None
                     ) -> str | None:
    """The decision already recorded for ``check_id`` on this desk, if any."""
    query = (select(outbox.c.action).where(outbox.c.kind == "feedback")
             .where(outbox.c.check_id == check_id).where(outbox.c.action.in_(DECISIONS)))
    if other_than is not None:
        query = query.where(outbox.c.id != other_than)
    return conn.execute(query.order_by(outbox.c.id).limit(1)).scalar()


def _already(check_id: str, action: str) -> Exception:
    return refuse(f"核查 {check_id} 已有处理结果（{_ZH.get(action, action)}），不能再次处理",
                  f"check {check_id} already has a decision ({action}); one per check")


def once(check_id: str) -> Callable[[Connection, int], None]:
    """For ``Outbox.record(also=...)``: refuse inside the unit of work when another
    decision on ``check_id`` exists, so the row just written is rolled back."""

    def guard(conn: Connection, row_id: int) -> None:
        found = earlier_decision(conn, check_id, other_than=row_id)
        if found is not None:
            raise _already(check_id, found)

    return guard


def undecided(engine, check_id: str) -> None:
    """Refuse early (before a letter is printed, a password asked) when decided already."""
    with engine.connect() as conn:
        found = earlier_decision(conn, check_id)
    if found is not None:
        raise _already(check_id, found)


def commitment_of(engine, check_id: str) -> int:
    """The commitment a fast-track of ``check_id`` opened; refused when there is none."""
    with engine.connect() as conn:
        found = conn.execute(select(commitments.c.id).where(commitments.c.check_id == check_id)
                             .order_by(commitments.c.id).limit(1)).scalar()
    if found is None:
        raise refuse(f"核查 {check_id} 未容缺受理，没有可办结的承诺",
                     f"check {check_id} was not fast-tracked: no commitment to close")
    return found


def decides(role: str) -> None:
    """Refuse a decision to a service account (scripts check, people decide) and to an
    inspector (the supervision view: inspectors plan inspections, clerks decide)."""
    if role == "service":
        raise refuse("服务账号只能核查、批量核查、同步和打印，不能作出处理决定",
                     "a service account can check, batch, sync and print, never decide")
    if role == "inspector":
        raise refuse("监管人员不在窗口作出受理决定",
                     "an inspector does not decide at the counter")


def both(*steps: Callable[[Connection, int], None] | None
         ) -> Callable[[Connection, int], None]:
    """Run several ``also`` steps in one unit of work, in order."""

    def run(conn: Connection, row_id: int) -> None:
        for step in steps:
            if step is not None:
                step(conn, row_id)

    return run

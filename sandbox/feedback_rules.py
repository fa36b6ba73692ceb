"""Which feedback fits a check: the platform's half of four eyes (issue 15, item 6).

A desk's feedback is refused when the action does not fit the check it names:

- ``overridden`` only for a ``prohibit`` verdict, and only with ``approved_by`` (a
  supervisor other than the clerk); ``approved_by`` on any other action is refused (422).
- One decision per check: ``terminated``, ``overridden``, ``proceeded`` and
  ``fast_tracked`` are decisions, and a second one for the same counter and check id is a
  conflict (409 ``already_decided``).
- ``commitment_fulfilled`` / ``commitment_breached`` only after a ``fast_tracked`` for the
  same check (409 ``not_fast_tracked``), and only once (409 ``already_closed``).

The rules run inside the transaction that stores the feedback, after the idempotency
check: a replay of a stored post still gets its first answer.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from desktop.platform import schemas
from sandbox.storage import feedback_decisions

DECISIONS = ("terminated", "overridden", "proceeded", "fast_tracked")
CLOSINGS = ("commitment_fulfilled", "commitment_breached")


class Misfit(Exception):
    """Feedback that does not fit its check: HTTP status, stable code, bilingual message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def check_body(body: schemas.FeedbackIn) -> None:
    """Rules the body alone decides (422)."""
    if body.action == "overridden":
        if body.verdict.value != "prohibit":
            raise Misfit(422, "override_not_prohibit",
                         f"只有禁止类核查结论可以依法继续办理，本次结论为 {body.verdict.value} / "
                         f"only a prohibit verdict can be overridden, this one is "
                         f"{body.verdict.value}")
        if not body.approved_by:
            raise Misfit(422, "approver_required",
                         "依法继续办理须写明批准的科室负责人（approved_by） / an override "
                         "needs approved_by, the approving supervisor")
        if body.approved_by == body.clerk_id:
            raise Misfit(422, "approver_is_clerk",
                         "批准人不能是经办人本人 / the approver cannot be the clerk")
    elif body.approved_by:
        raise Misfit(422, "approver_not_expected",
                     f"只有依法继续办理带批准人，{body.action} 不带 / approved_by belongs "
                     f"to overridden only, not to {body.action}")


def _slot(conn: Connection, counter_id: str, check_id: str, slot: str):
    return conn.execute(select(feedback_decisions)
                        .where(feedback_decisions.c.counter_id == counter_id)
                        .where(feedback_decisions.c.check_id == check_id)
                        .where(feedback_decisions.c.slot == slot)).first()


def admit(conn: Connection, body: schemas.FeedbackIn, counter_id: str, feedback_id: str) -> None:
    """Check the check's earlier feedback and claim this action's slot (raises Misfit).

    The slot's primary key makes two racing posts for one check store at most one."""
    check_body(body)
    if body.action in DECISIONS:
        earlier = _slot(conn, counter_id, body.check_id, "decision")
        if earlier is not None:
            raise Misfit(409, "already_decided",
                         f"核查 {body.check_id} 已有处理结果（{earlier.action}） / check "
                         f"{body.check_id} already has a decision ({earlier.action})")
        slot = "decision"
    elif body.action in CLOSINGS:
        decided = _slot(conn, counter_id, body.check_id, "decision")
        if decided is None or decided.action != "fast_tracked":
            raise Misfit(409, "not_fast_tracked",
                         f"核查 {body.check_id} 未容缺受理，无承诺可办结 / check "
                         f"{body.check_id} was not fast-tracked: no commitment to close")
        earlier = _slot(conn, counter_id, body.check_id, "closing")
        if earlier is not None:
            raise Misfit(409, "already_closed",
                         f"核查 {body.check_id} 的承诺已办结（{earlier.action}） / the "
                         f"commitment of check {body.check_id} is closed ({earlier.action})")
        slot = "closing"
    else:  # pragma: no cover - FeedbackAction lists no other action
        raise Misfit(422, "unknown_action", f"未知动作 / unknown action {body.action}")
    conn.execute(insert(feedback_decisions).values(
        counter_id=counter_id, check_id=body.check_id, slot=slot, action=body.action,
        feedback_id=feedback_id))

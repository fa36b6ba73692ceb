"""What follows a verdict at the counter, decided here and only drawn by the window.

``step_for`` names the dialog a verdict calls for. Each ``*_`` function below is what a
dialog's buttons do: it validates the clerk's input (refusing in Chinese and English,
with nothing written), then records the action (outbox row + audit entry in one
transaction, see ``desktop.platform.outbox``) and any extra audit entry the flow needs: one
decision, one unit of work (a fast-track's letter, feedback and commitment too). The
window calls these on its task runner, never on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from desktop import workdays
from desktop.bootstrap import Services
from desktop.counter import decision_rules as rules
from desktop.counter.check_service import CheckOutcome
from desktop.events import CheckDecided
from desktop.identifiers import mask
from desktop.platform import schemas
from desktop.staff.accounts import Staff, has_control
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import commitments

MIN_REASON = 4  # characters: "无" or "ok" is not a reason


class Step(enum.StrEnum):
    """The dialog a verdict calls for."""

    INTERCEPT = "intercept"  # prohibit: modal, terminate or override with approval
    CONFIRM = "confirm"  # restrict: proceed with a reason
    ACKNOWLEDGE = "acknowledge"  # alert: shown in the card, one key
    FAST_TRACK = "fast_track"  # incentive: offer tolerance acceptance
    NONE = "none"  # clear


_STEPS = {"prohibit": Step.INTERCEPT, "restrict": Step.CONFIRM, "alert": Step.ACKNOWLEDGE,
          "incentive": Step.FAST_TRACK, "clear": Step.NONE}


def step_for(outcome: CheckOutcome) -> Step:
    """The dialog for this check's verdict."""
    return _STEPS[str(outcome.verdict)]


class FlowError(ValueError):
    """The clerk's input cannot be accepted; nothing was written."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _reason(text: str, what_zh: str, what_en: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise FlowError(f"请填写{what_zh}（至少 {MIN_REASON} 个字）",
                        f"{what_en} is required ({MIN_REASON}+ characters)")
    if has_control(text, allow="\n\t") or len(text) > 1000:
        raise FlowError(f"{what_zh}含控制字符或超过1000字", f"{what_en} has control "
                        "characters or is over 1000 characters")
    return text


def _audit(svc: Services, event: str, outcome: CheckOutcome, details: dict,
           conn: Connection | None = None) -> None:
    """Log ``event`` on ``conn`` (the caller's unit of work) or in a unit of its own."""
    if conn is None:
        with UnitOfWork(svc.engine) as uow:
            _audit(svc, event, outcome, details, uow.conn)
            uow.commit()
        return
    store.append_audit(conn, svc.protector, counter=svc.settings["counter_id"],
                       clerk=svc.settings["clerk_id"], event=event,
                       subject_id=outcome.subject.id, masked=mask(outcome.subject.id),
                       item=outcome.item, verdict=str(outcome.verdict),
                       source=outcome.source,
                       details={"check_id": outcome.check_id, **details})


def _decided(svc: Services, outcome: CheckOutcome, action: str, **details) -> None:
    """Tell listeners (the local bridge) the decision on ``outcome`` is recorded."""
    svc.events.publish(CheckDecided(outcome.check_id, action, **details))


# ---------------------------------------------------------------------------- intercept


def intercept_shown(svc: Services, outcome: CheckOutcome) -> None:
    """Log that the intercept dialog was put in front of the clerk."""
    _audit(svc, "intercept.shown", outcome,
           {"measures": [m.code for m in outcome.measures if str(m.kind) == "prohibit"]})


def terminate(svc: Services, outcome: CheckOutcome, reason: str = "") -> int:
    """Stop the application (终止受理): feedback ``terminated``; returns the outbox row."""
    rules.fit(outcome, "terminated")
    row = svc.outbox.record(outcome.model_dump_json(), action="terminated",
                            reason=(reason or "").strip(), also=rules.once(outcome.check_id))
    _decided(svc, outcome, "terminated")
    return row


def override(svc: Services, outcome: CheckOutcome, reason: str, legal_ground: str,
             approver: Staff | None) -> int:
    """Continue despite a prohibition (依法继续办理): reason, legal ground, a supervisor.

    The approver must be a supervisor who just signed in, and not the clerk at the desk
    (four eyes). Feedback ``overridden`` carries reason, ground and approver.
    """
    rules.fit(outcome, "overridden")
    reason = _reason(reason, "继续办理的理由", "a reason")
    ground = _reason(legal_ground, "法律依据", "the legal ground")
    if approver is None or not approver.is_supervisor:
        raise FlowError("需要科室负责人当场登录批准", "a supervisor must sign in and approve")
    if approver.staff_id == svc.settings["clerk_id"]:
        raise FlowError("批准人不能是经办人本人", "the approver cannot be the clerk at the desk")
    text = f"{reason}｜依据 / ground: {ground}"
    # One unit of work: feedback, its entry and the override entry land together. The
    # approver travels as a field of the feedback (approved_by), not in the free text.
    row = svc.outbox.record(
        outcome.model_dump_json(), action="overridden", reason=text,
        approved_by=approver.staff_id,
        also=rules.both(rules.once(outcome.check_id),
                        lambda conn, row: _audit(svc, "intercept.override", outcome,
                                                 {"reason": reason, "legal_ground": ground,
                                                  "approved_by": approver.staff_id,
                                                  "outbox_id": row}, conn)))
    _decided(svc, outcome, "overridden", approved_by=approver.staff_id)
    return row


# ---------------------------------------------------------------------------- restrict, alert


def proceed(svc: Services, outcome: CheckOutcome, reason: str) -> int:
    """Continue under a restriction with a reason: feedback ``proceeded``."""
    rules.fit(outcome, "proceeded")
    row = svc.outbox.record(outcome.model_dump_json(), action="proceeded",
                            reason=_reason(reason, "理由", "a reason"),
                            also=rules.once(outcome.check_id))
    _decided(svc, outcome, "proceeded")
    return row


def acknowledge(svc: Services, outcome: CheckOutcome) -> None:
    """The clerk saw the alert (no feedback action exists for alerts; the log keeps it)."""
    _audit(svc, "alert.acknowledged", outcome, {})
    _decided(svc, outcome, "acknowledged")


# ---------------------------------------------------------------------------- fast track


@dataclass(frozen=True)
class FastTrackPlan:
    """What the fast-track dialog shows: the platform's answer and the item's materials."""

    eligible: bool
    reason: str
    item: schemas.ItemOut
    tolerance: schemas.ToleranceResult
    due_date: dt.date
    # Years the due date's count passed through that the holiday calendar does not know:
    # the dialog warns that the date counts Monday to Friday there (desktop.workdays).
    due_beyond: tuple[int, ...] = ()

    @property
    def due_warning(self) -> workdays.CalendarError | None:
        """What the dialog shows beside the due date, when the calendar ran out."""
        return workdays.Due(self.due_date, self.due_beyond).warning

    @property
    def tolerable_codes(self) -> set[str]:
        """Materials that may be missing."""
        return {m.code for m in self.tolerance.tolerable_materials}


def plan_fast_track(svc: Services, outcome: CheckOutcome,
                    today: dt.date | None = None) -> FastTrackPlan:
    """Ask the platform whether tolerance acceptance applies (a platform call)."""
    answer = svc.client.tolerance(outcome.subject.id, outcome.item)
    item = next((i for i in svc.client.catalog().items if i.code == outcome.item), None)
    if item is None:
        raise FlowError(f"目录中没有事项 {outcome.item}",
                        f"no item {outcome.item} in the catalogue")
    due = workdays.load(svc.engine).add_working_days(today or dt.date.today(), answer.due_days)
    return FastTrackPlan(answer.eligible, answer.reason, item, answer, due.date, due.beyond)


@dataclass(frozen=True)
class FastTracked:
    """A completed fast-track: the letter printed and the commitment opened."""

    letter_no: str
    verification_code: str
    path: Path
    due_date: dt.date
    outbox_id: int


def fast_track(svc: Services, outcome: CheckOutcome, plan: FastTrackPlan,
               missing: list[str], path: Path, lang: str = "zh_CN") -> FastTracked:
    """Accept with the ticked materials missing: print the letter, open the commitment."""
    rules.fit(outcome, "fast_tracked")
    rules.undecided(svc.engine, outcome.check_id)
    if not plan.eligible:
        raise FlowError(f"不适用容缺受理：{plan.reason}", f"tolerance not available: {plan.reason}")
    chosen = [m for m in plan.tolerance.tolerable_materials if m.code in set(missing)]
    if not missing or len(chosen) != len(set(missing)):
        raise FlowError("请只勾选可容缺的材料（至少一项）",
                        "tick at least one material, and only tolerable ones")
    tolerance = plan.tolerance.model_copy(update={"tolerable_materials": chosen})
    names = [m.name for m in chosen]
    # One decision, one unit of work: the letter's number, registration row and
    # ``report.printed`` entry, the feedback row and its entry, and the commitment land
    # together or not at all (a crash or a full disk in between leaves none of them, and
    # the letter's file is taken away again).
    with UnitOfWork(svc.engine) as uow:
        printed = svc.reports.print_commitment(outcome, tolerance, plan.item, path, lang,
                                               uow=uow, due=plan.due_date)
        row = svc.outbox.record(outcome.model_dump_json(), action="fast_tracked",
                                reason="容缺材料 / missing: " + "、".join(names),
                                letter_no=printed.number, uow=uow,
                                also=rules.once(outcome.check_id))
        uow.conn.execute(commitments.insert().values(
            letter_no=printed.number, check_id=outcome.check_id,
            subject_key=svc.protector.index(outcome.subject.id),
            masked=mask(outcome.subject.id),
            name_sealed=svc.protector.seal(outcome.subject.name or ""),
            outcome_sealed=svc.protector.seal(outcome.model_dump_json()),
            item=outcome.item, materials=json.dumps(names, ensure_ascii=False),
            due=plan.due_date.isoformat(), state="open", created_at=time.time()))
        uow.commit()
    _decided(svc, outcome, "fast_tracked", letter_no=printed.number,
             due_date=plan.due_date.isoformat())
    return FastTracked(printed.number, printed.verification_code, printed.path, plan.due_date,
                       row)

"""The commitment commands: ``commitments`` (list, close) and ``fast-track``.

``fast-track ID --item CODE --missing N,... -o LETTER.pdf [--case-no X]`` is the whole
tolerance acceptance (容缺受理) without the window: the check, the platform's eligibility
answer, then ``desktop.counter.flows.fast_track`` (the letter printed, the commitment
opened, ``fast_tracked`` queued, in one unit of work: a refusal at any step leaves none of
them and no letter file). ``commitment`` is the same command under its old name; without
``--missing`` it takes every tolerable material as missing, as its letter always listed.

``commitments close ID --breached`` needs a supervisor signed in (CLI session or the
environment, ``desktop.cli.session``): that supervisor is the approver in the
``commitment.breached`` log entry. Same conventions as ``desktop.cli.desk`` (global
options, ``--json``, exit codes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import select

from desktop.bootstrap import Services
from desktop.cli import session as cli_session
from desktop.cli.desk import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REFUSED,
    common,
    emit,
    fail,
    guarded,
    send_now,
    services,
)
from desktop.counter import commitments, flows
from local_cache.tables import commitments as commitments_table
from local_cache.tables import outbox

# ---------------------------------------------------------------------------- commitments


def configure_commitments(p: argparse.ArgumentParser) -> None:
    """``commitments [list [--all]] | close ID --fulfilled|--breached [--note TEXT]``."""
    p.usage = ("creditdesk commitments [list [--all]] | close ID --fulfilled|--breached "
               "[--note TEXT] [options]")
    p.add_argument("verb", nargs="?", choices=["list", "close"], default="list")
    p.add_argument("commitment_id", nargs="?", type=int, metavar="ID")
    p.add_argument("--all", action="store_true", help="list closed commitments too")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--fulfilled", action="store_true", help="the materials were handed in")
    how.add_argument("--breached", action="store_true",
                     help="they were not (a supervisor must be signed in)")
    p.add_argument("--note", default="", help="a note sent with the feedback")
    common(p)


def _row(c: commitments.Commitment, today: dt.date) -> dict:
    return {"id": c.id, "letter_no": c.letter_no, "masked": c.masked, "name": c.name,
            "item": c.item, "materials": c.materials, "due": c.due.isoformat(),
            "state": c.state, "overdue": c.overdue(today), "due_today": c.due_today(today),
            "grace_until": c.grace_until.isoformat() if c.grace_until else None,
            "breach_proposed": c.breach_proposed(today)}


def _line(c: commitments.Commitment, today: dt.date) -> str:
    mark = ""
    if c.breach_proposed(today):
        mark = "\t⚠ 建议登记未履行 / breach proposed"
    elif c.overdue(today):
        mark = "\t⚠ 逾期 / overdue"
    elif c.due_today(today):
        mark = "\t今日到期 / due today"
    return (f"{c.id}\t{c.letter_no}\t{c.masked}\t{c.name}\t{c.item}\t{c.due.isoformat()}"
            f"\t{c.state}{mark}")


@guarded
def run_commitments(args: argparse.Namespace) -> int:
    """List open commitments (overdue first), or close one."""
    if args.verb == "list":
        if args.commitment_id is not None or args.fulfilled or args.breached:
            return fail(ValueError("list 不接受 ID、--fulfilled、--breached / list takes no "
                                   "ID, --fulfilled or --breached"), EXIT_INVALID)
        return _list(args)
    if args.commitment_id is None or not (args.fulfilled or args.breached):
        return fail(ValueError("用法 / usage: commitments close ID --fulfilled|--breached"),
                    EXIT_INVALID)
    return _close(args)


def _list(args: argparse.Namespace) -> int:
    today = dt.date.today()
    svc = services(args)
    try:
        found = commitments.list_commitments(svc, today, include_closed=args.all)
    finally:
        svc.close()
    emit(args, [_row(c, today) for c in found],
         lambda: [print(_line(c, today)) for c in found] or print("无承诺 / no commitments"))
    return EXIT_OK


def _close(args: argparse.Namespace) -> int:
    svc = services(args)
    try:
        person = cli_session.require(svc, decide=True)
        if args.breached and not person.is_supervisor:
            return fail(ValueError("登记未履行需要科室负责人登录 / a breach must be confirmed "
                                   "by a supervisor: sign in as one"), EXIT_REFUSED)
        try:
            row = commitments.close(svc, args.commitment_id, args.fulfilled, args.note,
                                    approver=person if args.breached else None)
        except flows.FlowError as exc:
            return fail(exc, EXIT_REFUSED)
        state = _send(svc, row)
    finally:
        svc.close()
    action = "commitment_fulfilled" if args.fulfilled else "commitment_breached"
    emit(args, {"id": args.commitment_id, "action": action, "outbox_id": row,
                "feedback": state},
         lambda: print(f"承诺 / commitment {args.commitment_id}: {action}（反馈 / feedback "
                       f"{state}）"))
    return EXIT_OK


def _send(svc: Services, row: int) -> str:
    """Send the queue now if the platform is there (the outbox keeps it otherwise); the
    state of outbox row ``row`` afterwards (pending, sent, failed)."""
    send_now(svc)
    with svc.engine.connect() as conn:
        return conn.execute(select(outbox.c.state).where(outbox.c.id == row)).scalar_one()


# ---------------------------------------------------------------------------- fast track


def configure_fast_track(p: argparse.ArgumentParser, *, alias: bool = False) -> None:
    """``fast-track ID --item CODE --missing N,... -o LETTER.pdf [--case-no X]``."""
    p.add_argument("identifier", metavar="ID")
    p.add_argument("--item", required=True, help="business item code")
    p.add_argument("--missing", required=not alias, metavar="CODE,...",
                   help="codes of the tolerable materials the applicant has not brought"
                   + (" (default: every tolerable material)" if alias else ""))
    p.add_argument("-o", "--output", type=Path, required=True, help="the letter's PDF")
    p.add_argument("--case-no", default="", metavar="NO", help="the business system's case "
                   "number (案号), kept with the check and sent with its feedback")
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    common(p)


def configure_commitment(p: argparse.ArgumentParser) -> None:
    """``commitment``: ``fast-track`` under its old name, ``--missing`` optional."""
    configure_fast_track(p, alias=True)


@guarded
def run_fast_track(args: argparse.Namespace) -> int:
    """Check, ask the platform, print the letter, open the commitment, queue the feedback."""
    svc = services(args)
    try:
        cli_session.require(svc, decide=True)
        outcome = svc.checks.check(args.identifier, args.item, case_no=args.case_no)
        try:
            plan = flows.plan_fast_track(svc, outcome)
            if not plan.eligible:
                return fail(ValueError(f"不适用容缺受理 / tolerance not available: "
                                       f"{plan.reason}"), EXIT_REFUSED)
            tolerable = [m.code for m in plan.tolerance.tolerable_materials]
            missing = ([c.strip() for c in args.missing.split(",") if c.strip()]
                       if args.missing is not None else tolerable)
            unknown = [c for c in missing if c not in tolerable]
            if unknown or not missing:
                return fail(ValueError(
                    f"--missing 只能是可容缺的材料：{', '.join(tolerable)}（不是 "
                    f"{', '.join(unknown) or '空'}）/ --missing takes tolerable materials "
                    f"only: {', '.join(tolerable)} (not {', '.join(unknown) or 'empty'})"),
                    EXIT_INVALID)
            done = flows.fast_track(svc, outcome, plan, missing, args.output, args.lang)
        except flows.FlowError as exc:
            return fail(exc, EXIT_REFUSED)
        state = _send(svc, done.outbox_id)
        with svc.engine.connect() as conn:
            commitment_id = conn.execute(
                select(commitments_table.c.id)
                .where(commitments_table.c.letter_no == done.letter_no)).scalar_one()
    finally:
        svc.close()
    warning = plan.due_warning  # the count ran through a year the holiday calendar lacks
    if warning is not None:
        print(f"注意 / note: {warning}", file=sys.stderr)
    emit(args, {"letter_no": done.letter_no, "verification_code": done.verification_code,
                "path": str(done.path), "due_date": done.due_date.isoformat(),
                "due_date_unchecked_years": list(plan.due_beyond),
                "commitment_id": commitment_id, "outbox_id": done.outbox_id,
                "feedback": state, "case_no": outcome.case_no},
         lambda: print(f"容缺受理 / fast-tracked: 承诺书 / letter {done.letter_no}（核验码 / "
                       f"code {done.verification_code}）→ {done.path}；补正期限 / due "
                       f"{done.due_date.isoformat()}；承诺 / commitment {commitment_id}；"
                       f"反馈 / feedback {state}"))
    return EXIT_OK

"""The desk's headless commands: check, sync, alerts, feedback, outbox, login, logout.

Each command builds the services through ``bootstrap`` with the global options
(``--data-dir``, ``--platform``, ``--counter``) and prints plain text, or JSON with
``--json``. Resident numbers are printed masked, in JSON as well. Exit codes: 0 done
(whatever the verdict), 2 invalid input (also an unknown item code, online or offline, and
a batch result path that is the input or of a type not written), 3 no answer (neither
platform nor snapshot; a batch: not one row answered), 4 refused (not signed in, no
keyring, the platform rejected the call, an action that does not fit the check), 5 not
saved (the disk is full, or another program held the cache's write lock too long; try
again).

Commands that write audit entries (check, batch, feedback, report, commitment, audit
export/purge/import) run as the signed-in member of staff (``desktop.cli.session``):
every entry names that person, never ``settings.json``'s clerk_id.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.bootstrap import Services, bootstrap
from desktop.cli import session as cli_session
from desktop.counter.adoption import ensure_counter
from desktop.counter.check_service import (
    CaseNumberError,
    CheckOutcome,
    NoAnswer,
    UnknownItem,
    case_text,
    with_case_no,
)
from desktop.identifiers import IdentifierError, mask
from desktop.platform import schemas
from desktop.platform.client import PlatformError, PlatformRejected
from desktop.settings import SettingsError
from desktop.settings_record import notice_outside_changes
from desktop.staff.accounts import Staff as StaffMember
from desktop.staff.accounts import StaffError
from desktop.staff.credentials import API_KEY, DATA_KEY, SecretsUnavailable
from local_cache.db import DatabaseBusyError, DiskFullError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_INVALID, EXIT_NO_ANSWER, EXIT_REFUSED, EXIT_NOT_SAVED = 0, 2, 3, 4, 5
ACTIONS = list(schemas.FeedbackAction.__args__)


def common(parser: argparse.ArgumentParser) -> None:
    """The global options every client command takes."""
    parser.add_argument("--data-dir", type=Path, help="data directory (default: per user)")
    parser.add_argument("--platform", help="platform base URL")
    parser.add_argument("--counter", help="this counter's id")
    parser.add_argument("--json", action="store_true", help="print data as JSON")


def services(args: argparse.Namespace, *, adopt: bool = True) -> Services:
    """Services for the command's global options, under the counter the platform knows.

    A settings.json edited behind the desk's back is logged first, once
    (``desktop.settings_record``); one the desk cannot use (a retention below the floor)
    was already refused while reading it, before anything could be logged. Then, before
    any service is built, the counter is checked (``desktop.counter.adoption``): a counter id that
    differs from the adopted one is refused; when none was adopted yet and an API key is
    there, the platform is asked (not for ``--offline`` / ``--local``)."""
    svc = bootstrap(args.data_dir, {"platform_url": args.platform, "counter_id": args.counter})
    try:
        notice_outside_changes(svc)
        if adopt:
            online = not (getattr(args, "offline", False) or getattr(args, "local", False))
            ensure_counter(svc, online=online)
    except BaseException:
        svc.close()
        raise
    return svc


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the core's refusals into a message on stderr and an exit code."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (IdentifierError, UnknownItem, CaseNumberError) as exc:
            return fail(exc, EXIT_INVALID)
        except NoAnswer as exc:
            return fail(exc, EXIT_NO_ANSWER)
        except PlatformRejected as exc:
            # An item code the platform does not know is the caller's typo, as offline.
            return fail(exc, EXIT_INVALID if exc.code == "unknown_item" else EXIT_REFUSED)
        except (SecretsUnavailable, PlatformError, SettingsError, StaffError) as exc:
            return fail(exc, EXIT_REFUSED)
        except (DiskFullError, DatabaseBusyError) as exc:
            # Bilingual and without the SQL: what happened, and that nothing was saved.
            return fail(exc, EXIT_NOT_SAVED)

    return wrapper


def fail(exc: Exception, code: int) -> int:
    print(f"错误 / error: {exc}", file=sys.stderr)
    return code


def emit(args: argparse.Namespace, data: object, plain: Callable[[], None]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        plain()


def public_view(outcome: CheckOutcome) -> dict:
    """The check as printed: the subject's number masked."""
    data = outcome.model_dump(mode="json")
    data["subject"]["id"] = mask(outcome.subject.id)
    return data


# ---------------------------------------------------------------------------- check


def configure_check(p: argparse.ArgumentParser) -> None:
    """``check ID --item CODE [--offline] [--case-no NO] [--system NAME]``."""
    p.add_argument("identifier", metavar="ID")
    p.add_argument("--item", required=True, help="business item code")
    p.add_argument("--offline", action="store_true", help="answer from the snapshot only")
    p.add_argument("--kind", choices=["uscc", "resident_id"])
    p.add_argument("--case-no", default="", metavar="NO", help="the business system's case "
                   "number (案号), kept with the check and sent with its feedback")
    p.add_argument("--system", default="", metavar="NAME", help="the business system asking")
    common(p)


@guarded
def run_check(args: argparse.Namespace) -> int:
    """Check one subject and print the verdict."""
    case_text(args.case_no)  # refused before anything is opened (the check says it again)
    case_text(args.system, "业务系统名称", "system name")
    svc = services(args)
    try:
        cli_session.require(svc)
        outcome = svc.checks.check(args.identifier, args.item, offline=args.offline,
                                   kind=args.kind, case_no=args.case_no, system=args.system)
    finally:
        svc.close()

    def plain() -> None:
        s = outcome.subject
        print(f"结论 / verdict: {outcome.verdict.label_zh} / {outcome.verdict.value}")
        print(f"主体 / subject: {s.name or '（平台无记录 / unknown）'} {mask(s.id)} {s.district}")
        print(
            f"来源 / source: {'平台' if outcome.source == 'platform' else '离线快照'} / "
            f"{outcome.source}" + ("  ⚠ 快照过时 / stale" if outcome.stale else "")
        )
        if outcome.case_no or outcome.system:
            print(f"案号 / case no.: {outcome.case_no or '—'}"
                  + (f"  业务系统 / system: {outcome.system}" if outcome.system else ""))
        if outcome.notice:
            print(outcome.notice)
        for m in outcome.measures:
            print(f"  [{m.kind.value}] {m.text} — {m.basis}")
        print(f"核查编号 / check id: {outcome.check_id}")

    emit(args, public_view(outcome), plain)
    return EXIT_OK


# ---------------------------------------------------------------------------- sync


def configure_sync(p: argparse.ArgumentParser) -> None:
    """``sync [--full]``."""
    p.add_argument("--full", action="store_true", help="resync everything from version 0")
    common(p)


@guarded
def run_sync(args: argparse.Namespace) -> int:
    """Bring the offline snapshot up to date."""
    svc = services(args)

    def progress(entries: int, version: int) -> None:
        if not args.json:
            print(
                f"\r同步 / syncing: {entries:,} 条 entries, version {version}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    try:
        report = svc.sync.sync(full=args.full, progress=progress)
    finally:
        svc.close()
    if not args.json:
        print(file=sys.stderr)
    emit(
        args,
        report.__dict__,
        lambda: print(
            f"完成 / done: {report.pages} 页 pages, {report.entries:,} 条 entries, "
            f"version {report.version}, {report.alerts} 条变动提醒 alerts"
        ),
    )
    return EXIT_OK


def send_now(svc: Services) -> None:
    """Send the outbox at once when the platform is there; when it is not (or there is no
    API key), the rows wait in the outbox for the desk's sender, and the reason is logged."""
    try:
        svc.outbox.flush(svc.client)
    except (PlatformError, SecretsUnavailable) as exc:
        log.info("outbox not sent now, it waits: %s", type(exc).__name__)


# ---------------------------------------------------------------------------- feedback, outbox


def configure_feedback(p: argparse.ArgumentParser) -> None:
    """``feedback CHECK_ID --action ACTION [--reason TEXT] [--case-no NO]
    [--legal-ground TEXT] [--supervisor ID] [--password-stdin]``."""
    p.add_argument("check_id", metavar="CHECK_ID")
    p.add_argument("--action", required=True, choices=ACTIONS)
    p.add_argument("--reason", default="")
    p.add_argument("--case-no", default="", metavar="NO", help="the case number, for a check "
                   "made without one (default: the check's own; another is refused)")
    p.add_argument("--legal-ground", default="", help="overridden: the legal ground")
    p.add_argument("--supervisor", metavar="STAFF_ID",
                   help="overridden: the approving supervisor (not the signed-in clerk)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the supervisor's password from stdin")
    common(p)


@guarded
def run_feedback(args: argparse.Namespace) -> int:
    """Record the clerk's decision on a check through the window's own flows; the outbox
    sends it. An action that does not fit the check is refused with nothing written."""
    from desktop.counter import decision_rules
    from desktop.counter.flows import FlowError

    case_no = case_text(args.case_no)  # before anything is opened: a refusal writes nothing
    svc = services(args)
    try:
        person = cli_session.require(svc, decide=True)
        outcome = svc.checks.recall(args.check_id)
        if outcome is None:
            return fail(
                LookupError(
                    f"本机没有核查编号 {args.check_id} / no check {args.check_id} on this desk"
                ),
                EXIT_INVALID,
            )
        try:
            outcome = with_case_no(outcome, case_no)
            decision_rules.decides(person.role)
            row = _decide(args, svc, outcome, person)
        except FlowError as exc:
            return fail(exc, EXIT_REFUSED)
        send_now(svc)  # if the platform is away the row waits in the outbox
        counts = svc.outbox.counts()
    finally:
        svc.close()
    emit(
        args,
        {"outbox_id": row, **counts},
        lambda: print(f"已记录 / queued: outbox #{row}（待发送 / pending {counts['pending']}）"),
    )
    return EXIT_OK


def _decide(args: argparse.Namespace, svc: Services, outcome: CheckOutcome,
            person: StaffMember) -> int:
    """One action through ``desktop.counter.flows`` / ``desktop.counter.commitments``, as the
    window does (a breach: the signed-in ``person`` confirms it, if a supervisor)."""
    from desktop.counter import commitments, decision_rules, flows
    from desktop.staff import accounts as staff

    action = args.action
    if action == "terminated":
        return flows.terminate(svc, outcome, args.reason)
    if action == "proceeded":
        return flows.proceed(svc, outcome, args.reason)
    if action == "overridden":
        decision_rules.fit(outcome, action)
        decision_rules.undecided(svc.engine, outcome.check_id)
        if not args.supervisor:
            raise decision_rules.refuse(
                "依法继续办理需要 --reason、--legal-ground 和 --supervisor 科室负责人批准",
                "an override needs --reason, --legal-ground and --supervisor (a supervisor "
                "approves with their password)")
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"{args.supervisor} 的密码 / password: ")
        approver = staff.require_supervisor(svc.engine, args.supervisor, password)
        return flows.override(svc, outcome, args.reason, args.legal_ground, approver)
    if action == "fast_tracked":
        decision_rules.fit(outcome, action)
        raise decision_rules.refuse(
            "容缺受理请在窗口或用 creditdesk fast-track 办理（打印承诺书并登记承诺）",
            "fast-track in the window or with creditdesk fast-track: it prints the letter "
            "and opens the commitment")
    # commitment_fulfilled / commitment_breached: through the fast-track's commitment.
    commitment = decision_rules.commitment_of(svc.engine, outcome.check_id)
    fulfilled = action == "commitment_fulfilled"
    return commitments.close(svc, commitment, fulfilled, args.reason,
                             case_no=outcome.case_no or None,
                             approver=None if fulfilled or not person.is_supervisor else person)


def configure_outbox(p: argparse.ArgumentParser) -> None:
    """``outbox [status|flush|retry ID]``."""
    p.add_argument("what", nargs="?", default="status", choices=["status", "flush", "retry"])
    p.add_argument("row", nargs="?", type=int, help="row id for retry")
    common(p)


@guarded
def run_outbox(args: argparse.Namespace) -> int:
    """Show, send or retry queued feedback."""
    svc = services(args)
    try:
        if args.what == "flush":
            report = svc.outbox.flush(svc.client)
            if not args.json:
                print(
                    f"发送 / sent {report.sent}, 失败 / failed {report.failed}, "
                    f"推迟 / deferred {report.deferred}"
                )
        elif args.what == "retry":
            if args.row is None or not svc.outbox.retry(args.row):
                return fail(
                    LookupError(f"没有失败的记录 #{args.row} / no failed row #{args.row}"),
                    EXIT_INVALID,
                )
        counts = svc.outbox.counts()
        failed = svc.outbox.failed()
    finally:
        svc.close()

    def plain() -> None:
        print(
            f"待发送 / pending {counts['pending']}, 已发送 / sent {counts['sent']}, "
            f"失败 / failed {counts['failed']}"
        )
        for f in failed:
            print(f"  #{f['id']} {f['action']}: {f['reason']}")

    emit(args, counts, plain)
    return EXIT_OK


# ---------------------------------------------------------------------------- batch


def configure_batch(p: argparse.ArgumentParser) -> None:
    """``batch INPUT --item CODE -o OUTPUT``."""
    p.add_argument("input", type=Path, metavar="INPUT",
                   help="CSV, XLSX, XLS, ET or ODS of applicants")
    p.add_argument("--item", required=True, help="business item code")
    p.add_argument("-o", "--output", type=Path, required=True, help="result CSV or XLSX")
    common(p)


@guarded
def run_batch(args: argparse.Namespace) -> int:
    """Check every row of a table; one result row per input row, in input order."""
    from desktop.batch.files import BatchFileError, read_table
    from desktop.batch.output import check_target, write_table

    try:
        check_target(args.output, args.input)  # before any row is read or checked
        table = read_table(args.input)
    except BatchFileError as exc:
        return fail(exc, EXIT_INVALID)
    svc = services(args)

    def progress(done: int, total: int) -> None:
        print(f"\r批量核查 / checking {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    try:
        cli_session.require(svc)
        header, rows, report = svc.batch.run(table, args.item, progress)
        write_table(args.output, header, rows)
    except BatchFileError as exc:
        return fail(exc, EXIT_INVALID)
    finally:
        svc.close()
    print(file=sys.stderr)
    emit(
        args,
        report.__dict__,
        lambda: print(
            f"共 {report.rows} 行 / rows：在线核查 {report.online}，离线核查 {report.offline}，"
            f"未核查 {report.failed}，无效 {report.invalid} / answered online, offline, "
            f"not answered, invalid → {args.output}"
        ),
    )
    if report.answered_none:
        return fail(NoAnswer(
            "没有一行得到核查结论，原因见结果文件各行 / no row could be answered: each row of "
            "the result says why"),
            EXIT_NO_ANSWER)
    return EXIT_OK


# ---------------------------------------------------------------------------- login, logout


def configure_login(p: argparse.ArgumentParser) -> None:
    """``login [--staff ID [--password-stdin]]``."""
    p.add_argument("--staff", metavar="STAFF_ID",
                   help=f"sign in as this member of staff for {cli_session.SESSION_HOURS:g} h")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    common(p)


def configure_logout(p: argparse.ArgumentParser) -> None:
    """``logout [--staff]``."""
    p.add_argument("--staff", action="store_true", help="end the staff CLI session")
    common(p)


@guarded
def run_login(args: argparse.Namespace) -> int:
    """Store this counter's API key in the OS keyring (typed without echo) and adopt its
    counter; with ``--staff``, open a CLI session as that member of staff instead."""
    svc = services(args, adopt=False)
    if args.staff:
        try:
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass(f"{args.staff} 的密码 / password: ")
            person, until = cli_session.open_session(svc, args.staff, password)
        finally:
            svc.close()
        print(f"已登录 / signed in: {person.staff_id} ({person.role})，"
              f"有效至 / until {until.isoformat(timespec='minutes')}")
        return EXIT_OK
    # Fails now, before a key is typed, if no keyring is usable; makes no data key (a
    # restored data folder's own key is still to be imported with 'creditdesk key import').
    svc.secrets.get(DATA_KEY)
    key = getpass.getpass("接口密钥 / API key: ").strip()
    if not key:
        return fail(ValueError("未输入密钥 / no key entered"), EXIT_INVALID)
    previous = svc.secrets.get(API_KEY)
    svc.secrets.set(API_KEY, key)
    try:
        ensure_counter(svc, ask=True)  # the key's counter, adopted or refused now
    except SettingsError:
        # A key of another counter than this data directory's: the old key stays.
        if previous and previous != key:
            svc.secrets.set(API_KEY, previous)
        else:
            svc.secrets.delete(API_KEY)
        raise
    finally:
        svc.close()
    print("已保存到系统密钥库 / stored in the OS keyring")
    print(f"窗口 / counter: {svc.settings['counter_id']}")
    return EXIT_OK


@guarded
def run_logout(args: argparse.Namespace) -> int:
    """Remove the API key from the keyring; with ``--staff``, end the CLI session."""
    svc = services(args, adopt=False)
    if args.staff:
        try:
            who = cli_session.close_session(svc)
        finally:
            svc.close()
        print(f"已退出 / signed out: {who}" if who else "没有登录的会话 / no CLI session")
        return EXIT_OK
    svc.secrets.delete(API_KEY)
    print("已退出 / signed out")
    return EXIT_OK

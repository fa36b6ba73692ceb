"""``creditdesk staff add|list|disable|enable|reset-password|passwd``: the desk's accounts.

The supervisor's verbs (add, disable, enable, reset-password) act as a supervisor: the one
named with ``--approver`` (whose password is then asked), or else the member of staff
signed in for the command (``creditdesk login --staff``, or ``CREDITDESK_STAFF``). The
desk's first account needs nobody. ``passwd ID`` is the holder changing their own
password, giving the current one; it needs no sign-in, so a holder whose password was
reset (and who can therefore sign in nowhere) changes it here.

Passwords are typed without echo (a new one twice), or read one per line from standard
input with ``--password-stdin``: first the account's new (or, for ``passwd``, current then
new) password, then the approver's. Never from an argument.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from desktop.bootstrap import Services
from desktop.cli import session as cli_session
from desktop.cli.desk import EXIT_INVALID, EXIT_OK, EXIT_REFUSED, common, emit, fail, guarded
from desktop.cli.desk import services as make_services
from desktop.staff import accounts as staff
from desktop.staff import admin

VERBS = ("add", "list", "disable", "enable", "reset-password", "passwd")


class _Passwords:
    """Passwords in the order asked: from stdin lines, or typed (new ones twice)."""

    def __init__(self, from_stdin: bool) -> None:
        self._lines = sys.stdin.read().splitlines() if from_stdin else None

    def ask(self, prompt: str, *, new: bool = False) -> str:
        if self._lines is not None:
            if not self._lines:
                raise staff.StaffError("标准输入中的密码行数不够",
                                       "not enough password lines on stdin")
            return self._lines.pop(0)
        first = getpass.getpass(prompt)
        if new and getpass.getpass("再次输入 / again: ") != first:
            raise staff.StaffError("两次输入的密码不一致", "the two passwords differ")
        return first


def configure(p: argparse.ArgumentParser) -> None:
    """``staff VERB [STAFF_ID] [--name NAME --role ROLE] [--approver ID]``."""
    p.add_argument("what", choices=VERBS)
    p.add_argument("staff_id", nargs="?", metavar="STAFF_ID")
    p.add_argument("--name", help="the person's name (add)")
    p.add_argument("--role", choices=list(staff.ROLES), default="clerk")
    p.add_argument("--approver", metavar="STAFF_ID",
                   help="the supervisor acting (asked for their password); default: the "
                        "member of staff signed in")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the passwords from stdin, one per line (new first, then the "
                        "approver's; for passwd: current, then new)")
    common(p)


def _acting(args: argparse.Namespace, svc: Services, passwords: _Passwords) -> staff.Staff:
    """The supervisor this command acts as."""
    if args.approver:
        password = passwords.ask(f"{args.approver} 的密码 / password: ")
        return staff.require_supervisor(svc.engine, args.approver, password)
    person = cli_session.current(svc)
    if person is None:
        raise cli_session.NotSignedIn(
            "需要科室负责人：用 --approver 工号，或以科室负责人身份登录（creditdesk login "
            "--staff 工号）",
            "a supervisor is needed: give --approver ID, or sign in as a supervisor "
            "(creditdesk login --staff ID)")
    svc.sign_in(person.staff_id)
    return person


def _list(args: argparse.Namespace, svc: Services) -> int:
    rows = staff.list_staff(svc.engine)

    def plain() -> None:
        for r in rows:
            marks = (["(停用 disabled)"] if r["disabled"] else []) + (
                ["(须改密码 must change password)"] if r["must_change"] else [])
            print("\t".join([r["staff_id"], r["name"], r["role"], *marks]))

    emit(args, rows, plain)
    return EXIT_OK


def _change(args: argparse.Namespace, svc: Services) -> int:
    if args.what == "add" and not args.name:
        return fail(ValueError("需要 --name / --name is required"), EXIT_INVALID)
    passwords = _Passwords(args.password_stdin)
    who = args.staff_id
    if args.what == "passwd":
        old = passwords.ask(f"{who} 的当前密码 / current password: ")
        new = passwords.ask(f"{who} 的新密码 / new password: ", new=True)
        admin.change_password(svc, who, old, new)
        emit(args, {"staff_id": who, "changed": True},
             lambda: print(f"已修改密码 / password changed: {who}"))
        return EXIT_OK
    if args.what == "add":
        new = passwords.ask(f"{who} 的新密码 / new password: ", new=True)
        by = None if staff.count(svc.engine) == 0 else _acting(args, svc, passwords)
        person = admin.add(svc, who, args.name, args.role, new, by)
        emit(args, {"staff_id": person.staff_id, "role": person.role},
             lambda: print(f"已添加 / added {person.staff_id} ({person.role})"))
        return EXIT_OK
    if args.what == "reset-password":
        new = passwords.ask(f"{who} 的临时密码 / temporary password: ", new=True)
        by = _acting(args, svc, passwords)
        admin.reset_password(svc, who, new, by)
        emit(args, {"staff_id": who, "reset_by": by.staff_id, "must_change": True},
             lambda: print(f"已重置密码 / password reset: {who}；下次登录须设置新密码 / "
                           f"must choose a new one at the next sign-in "
                           f"(creditdesk staff passwd {who})"))
        return EXIT_OK
    by = _acting(args, svc, passwords)
    if args.what == "disable":
        admin.disable(svc, who, by)
        words = f"已停用 / disabled: {who}"
    else:
        admin.enable(svc, who, by)
        words = f"已重新启用 / enabled again: {who}"
    emit(args, {"staff_id": who, args.what + "d_by": by.staff_id}, lambda: print(words))
    return EXIT_OK


@guarded
def run(args: argparse.Namespace) -> int:
    """Add, list, disable, re-enable, reset or change passwords of the desk's accounts."""
    if args.what != "list" and not args.staff_id:
        return fail(ValueError("需要工号 / STAFF_ID is required"), EXIT_INVALID)
    svc = make_services(args)
    try:
        return _list(args, svc) if args.what == "list" else _change(args, svc)
    except staff.StaffError as exc:
        return fail(exc, EXIT_REFUSED)
    finally:
        svc.close()

"""``creditdesk key export FILE`` and ``creditdesk key import FILE``: the data key's backup.

Same conventions as ``desktop.cli.desk`` (global options, ``--json``, exit codes).
Passwords and the passphrase are typed without echo (the passphrase twice), or read one
per line from standard input with ``--password-stdin``; never taken as an argument.

Export needs a supervisor's password (four eyes: the key opens every sealed field of the
desk) and is logged as ``key.export`` (the file's name and the approver, nothing secret).
Import puts the key into the OS keyring, only when the data directory shows it is its key
(``desktop.staff.desk_key.install``), and is logged as ``key.import`` under that key. With
``CREDITDESK_DATA_KEY`` set the environment stands in for the keyring, so an import could
not take effect: it is refused and says so.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from desktop.bootstrap import bootstrap
from desktop.cli.desk import EXIT_INVALID, EXIT_OK, EXIT_REFUSED, common, emit, fail, guarded
from desktop.cli.desk import services as make_services
from desktop.settings_record import notice_outside_changes
from desktop.staff import accounts as staff
from desktop.staff import desk_key, key_backup
from desktop.staff.credentials import DATA_KEY, ENV
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork, open_engine


def configure_key(p: argparse.ArgumentParser) -> None:
    """``key export FILE --supervisor ID`` or ``key import FILE [--replace]``."""
    p.add_argument("what", choices=["export", "import"])
    p.add_argument("file", type=Path, metavar="FILE", help="the key backup file")
    p.add_argument("--supervisor", metavar="STAFF_ID", help="export: the approving supervisor")
    p.add_argument("--replace", action="store_true",
                   help="import: replace another data key the keyring holds (export it first)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read passwords from stdin, one per line (export: the supervisor's, "
                        "then the passphrase; import: the passphrase)")
    common(p)


def _refusals(run):
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except staff.StaffError as exc:
            return fail(exc, EXIT_REFUSED)
        except key_backup.BackupError as exc:
            return fail(exc, EXIT_INVALID)

    wrapper.__doc__ = run.__doc__
    return guarded(wrapper)


@_refusals
def run_key(args: argparse.Namespace) -> int:
    """Export the data key to a passphrase-encrypted file, or import it from one."""
    return _export(args) if args.what == "export" else _import(args)


def _lines(count: int) -> list[str]:
    lines = sys.stdin.read().splitlines()
    if len(lines) < count:
        raise staff.StaffError("标准输入中的密码行数不够", "not enough password lines on stdin")
    return lines[:count]


def _new_passphrase(given: str | None) -> str:
    if given is not None:
        return given
    first = getpass.getpass("备份口令 / backup passphrase: ")
    key_backup.require_passphrase(first)
    if getpass.getpass("再输入一次 / passphrase again: ") != first:
        raise key_backup.BackupError("两次输入的口令不一致", "the two passphrases differ")
    return first


def _export(args: argparse.Namespace) -> int:
    if not args.supervisor:
        raise staff.StaffError("导出数据密钥需要 --supervisor 科室负责人批准",
                               "exporting the data key needs --supervisor (a supervisor)")
    if args.file.exists():
        raise key_backup.BackupError(f"文件已存在，未覆盖：{args.file}",
                                     f"the file exists, not overwritten: {args.file}")
    svc = make_services(args)
    try:
        protector = svc.protector  # refuses here when the key at hand is not this desk's
        given = _lines(2) if args.password_stdin else None
        password = given[0] if given else getpass.getpass(
            f"{args.supervisor} 的密码 / password: ")
        approver = staff.require_supervisor(svc.engine, args.supervisor, password)
        passphrase = _new_passphrase(given[1] if given else None)
        key_backup.require_passphrase(passphrase)
        data_key = svc.secrets.data_key()
        counter = svc.settings["counter_id"]
        with UnitOfWork(svc.engine) as uow:
            store.append_audit(uow.conn, protector, counter=counter,
                               clerk=svc.settings["clerk_id"], event="key.export",
                               details={"file": args.file.name,
                                        "approved_by": approver.staff_id})
            key_backup.write(args.file, data_key, passphrase, counter)
            try:
                uow.commit()
            except BaseException:
                args.file.unlink(missing_ok=True)  # not logged, so not kept
                raise
    finally:
        svc.close()
    emit(args, {"path": str(args.file), "counter": counter},
         lambda: print(f"已导出数据密钥 / data key exported → {args.file}\n"
                       "请把该文件和口令分开妥善保管 / keep the file and the passphrase "
                       "safe, and apart"))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    env = ENV[DATA_KEY]
    if os.environ.get(env):
        return fail(desk_key.KeyRefused(
            f"已设置环境变量 {env}：它代替系统密钥库，导入的密钥不会被使用。请取消该变量后再导入"
            "（脚本请继续使用该变量中的密钥）",
            f"{env} is set: the environment stands in for the keyring, so an imported key "
            "would not be used. Unset it and import again (scripts keep using the key in "
            "that variable)"), EXIT_REFUSED)
    # Not client_cli.services(): it logs an outside settings change at once, which needs
    # the data key this command is here to install (refused, or a data folder and a new
    # key made where none was). That is noticed below, once the key is in place.
    svc = bootstrap(args.data_dir, {"platform_url": args.platform, "counter_id": args.counter})
    data_dir = svc.settings.data_dir
    if not (data_dir / FILE_NAME).is_file():
        svc.close()
        return fail(desk_key.KeyRefused(
            f"{data_dir} 中没有 CreditDesk 的数据：请先把备份的数据目录复制到这里（或用 "
            "--data-dir 指定它）",
            f"no CreditDesk data in {data_dir}: copy the backed-up data directory there "
            "first (or name it with --data-dir)"), EXIT_REFUSED)
    (passphrase,) = _lines(1) if args.password_stdin else [
        getpass.getpass("备份口令 / backup passphrase: ")]
    backup = key_backup.read(args.file, passphrase)
    engine = open_engine(data_dir)
    try:
        changed = desk_key.install(engine, svc.secrets, backup.data_key, args.replace)
    finally:
        engine.dispose()
    try:  # from here on the desk opens with the imported key, checked as ever
        notice_outside_changes(svc)
        with UnitOfWork(svc.engine) as uow:
            store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                               clerk=svc.settings["clerk_id"], event="key.import",
                               details={"file": args.file.name, "changed": changed,
                                        "backup_counter": backup.counter})
            uow.commit()
    finally:
        svc.close()
    note = "" if backup.counter == svc.settings["counter_id"] else (
        f"注意：备份属于窗口 {backup.counter}，本数据目录的设置为 {svc.settings['counter_id']}"
        f" / note: the backup is counter {backup.counter}'s, this data directory's setting "
        f"says {svc.settings['counter_id']}")
    emit(args, {"imported": changed, "counter": backup.counter, "note": note},
         lambda: print(("已导入数据密钥到系统密钥库 / data key imported into the OS keyring"
                        if changed else "系统密钥库中已是这个密钥 / the keyring holds this key "
                        "already") + (f"\n{note}" if note else "")))
    return EXIT_OK

"""``creditdesk bridge clients|revoke ID|openapi``: the local bridge's paired callers.

``clients`` lists the business systems paired with this desk's bridge; ``revoke ID``
withdraws one's token at once (the running window refuses it from its next call; a
signed-in supervisor only, logged as ``bridge.revoked``); ``openapi`` prints the bridge's
OpenAPI document (``docs/bridge-api.json``). Pairing itself happens in the window, where
the clerk and a supervisor see the code the page shows.
"""

from __future__ import annotations

import argparse
import datetime as dt

from desktop.bridge.pairing import PairingError, Pairings
from desktop.cli import session as cli_session
from desktop.cli.desk import EXIT_INVALID, EXIT_OK, EXIT_REFUSED, common, emit, fail, guarded
from desktop.cli.desk import services as make_services
from desktop.staff.accounts import StaffError


def configure(p: argparse.ArgumentParser) -> None:
    """``bridge clients | revoke ID | openapi``."""
    p.add_argument("what", choices=["clients", "revoke", "openapi"])
    p.add_argument("client_id", nargs="?", metavar="ID", help="revoke: the client's id")
    common(p)


def _refusals(run):
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except PairingError as exc:
            return fail(exc, EXIT_INVALID)
        except StaffError as exc:
            return fail(exc, EXIT_REFUSED)

    wrapper.__doc__ = run.__doc__
    return guarded(wrapper)


@_refusals
def run(args: argparse.Namespace) -> int:
    """List or revoke paired callers, or print the bridge's OpenAPI document."""
    if args.what == "openapi":
        from desktop.bridge.server import document_text

        print(document_text(), end="")
        return EXIT_OK
    if args.what == "revoke" and not args.client_id:
        return fail(ValueError("需要给出要撤销的客户端编号 / revoke needs a client ID"),
                    EXIT_INVALID)
    svc = make_services(args, adopt=False)
    try:
        pairings = Pairings(svc.engine, svc.protector,
                            counter=lambda: svc.settings["counter_id"])
        if args.what == "revoke":
            person = cli_session.require(svc, decide=True)
            if not person.is_supervisor:
                raise StaffError("只有科室负责人可以撤销已配对的系统",
                                 "only a supervisor can revoke a paired system")
            pairings.revoke(args.client_id, person)
            emit(args, {"revoked": args.client_id},
                 lambda: print(f"已撤销 / revoked: {args.client_id}"))
            return EXIT_OK
        return _list(args, pairings)
    finally:
        svc.close()


def _list(args: argparse.Namespace, pairings: Pairings) -> int:
    clients = pairings.clients()
    rows = [{"client_id": c.client_id, "origin": c.origin, "system": c.system,
             "approved_by": c.approved_by, "clerk": c.clerk,
             "created_at": dt.datetime.fromtimestamp(c.created_at, dt.UTC)
             .isoformat(timespec="seconds")} for c in clients]

    def plain() -> None:
        if not rows:
            print("没有已配对的系统 / no paired systems")
        for r in rows:
            print("\t".join([r["client_id"], r["origin"] or "(程序 / program)", r["system"],
                             r["approved_by"], r["clerk"], r["created_at"]]))

    emit(args, rows, plain)
    return EXIT_OK

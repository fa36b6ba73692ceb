"""``creditdesk sandbox keys add|list|revoke``: the platform operator's API keys.

Run against the database the server uses (same ``--db``, or the same ``--seed`` and
``--subjects`` for the default SQLite file); a running server sees a change from its next
request on, since it reads the key's row on every request (sandbox/keys.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict

from pydantic import ValidationError

from sandbox.keys import IssuedKey, KeyRefused, KeyStore


def configure(keys: argparse.ArgumentParser,
              data_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``keys`` actions, each with the server's ``data_options`` (--db, --seed, ...)."""
    sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="issue a key for a counter (shown once) / 签发窗口密钥")
    add.add_argument("--counter", required=True, help="the counter id the key acts as")
    add.add_argument("--department", default="绍兴市行政服务中心",
                     help="the counter's department (default 绍兴市行政服务中心)")
    add.add_argument("--label", default="", help="a note: which desk, who holds it")
    listing = sub.add_parser("list", help="list keys, never the secret / 列出密钥")
    revoke = sub.add_parser("revoke", help="revoke a key by its id / 吊销密钥")
    revoke.add_argument("key_id", metavar="ID", help="the key's id from 'keys list'")
    for action in (add, listing, revoke):
        action.add_argument("--json", action="store_true", help="print JSON")
        data_options(action)


def run(args: argparse.Namespace, db_url: str) -> int:
    """Do one keys action against ``db_url``; 2 on a refusal (said in Chinese and English)."""
    from sandbox.storage import create_all, make_engine

    engine = make_engine(db_url)
    try:
        create_all(engine)  # a new database gets its tables; an older one, the new columns
        store = KeyStore(engine)
        if args.keys_command == "add":
            return _add(store, args)
        if args.keys_command == "list":
            _print_list(store.list(), args.json)
            return 0
        try:
            revoked = store.revoke(args.key_id)
        except KeyRefused as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(asdict(revoked), ensure_ascii=False))
        else:
            print(f"已吊销 / revoked {revoked.key_id} ({revoked.counter_id}) "
                  f"{revoked.revoked_at}")
        return 0
    finally:
        engine.dispose()


def _add(store: KeyStore, args: argparse.Namespace) -> int:
    from sandbox.schemas import CounterIn

    try:
        counter = CounterIn(counter=args.counter, department=args.department)
    except ValidationError:
        print("错误 / error: 窗口编号只能含字母、数字和 ._:- ，部门名称不超过64字 / the counter "
              "id takes letters, digits and ._:- only; the department at most 64 characters",
              file=sys.stderr)
        return 2
    key, issued = store.issue(counter.counter, counter.department, args.label[:128])
    if args.json:
        print(json.dumps({**asdict(issued), "api_key": key}, ensure_ascii=False))
    else:
        print(f"密钥编号 / key id: {issued.key_id}  窗口 / counter: {issued.counter_id}")
        print(f"API key (shown once / 仅显示一次): {key}")
    return 0


def _print_list(keys: list[IssuedKey], as_json: bool) -> None:
    if as_json:
        print(json.dumps([{**asdict(k), "active": k.active} for k in keys],
                         ensure_ascii=False, indent=2))
        return
    if not keys:
        print("没有密钥 / no keys: creditdesk sandbox keys add --counter ID")
        return
    for k in keys:
        state = f"吊销 revoked {k.revoked_at}" if k.revoked_at else "有效 active"
        print(f"{k.key_id}  {k.counter_id}  {k.department}  {state}  "
              f"签发 issued {k.created_at or '-'}  {k.label}")

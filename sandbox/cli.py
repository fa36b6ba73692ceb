"""``creditdesk sandbox serve|samples|keys``: run the reference platform, list its samples,
issue and revoke its API keys (sandbox/keys_cli.py)."""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from pathlib import Path

from desktop.cli.main import Command
from sandbox import calendar_cli, keys_cli


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = sub.add_parser("serve", help="serve the reference platform / 启动参考平台")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default loopback)")
    serve.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    _data_options(serve)
    serve.add_argument("--api-key", help="a start key for the demo counter SX-DEMO-01 "
                       "(default: generate one, shown once)")
    serve.add_argument("--pilot", action="store_true",
                       help="no start key (keys come from 'sandbox keys add') and no test "
                       "calls that change the platform / 试点：只用签发的密钥")
    serve.add_argument("--cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--key", metavar="FILE", help="the certificate's private key (PEM)")
    samples = sub.add_parser("samples", help="sample subjects per verdict / 各结论示例主体")
    _data_options(samples)
    samples.add_argument("--json", action="store_true", help="print JSON (the only format)")
    keys = sub.add_parser("keys", help="API keys per counter / 窗口接口密钥")
    keys_cli.configure(keys, _data_options)
    calendar = sub.add_parser("calendar", help="publish holiday years / 发布节假日安排")
    calendar_cli.configure(calendar, _data_options)


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file per data set)")
    parser.add_argument("--seed", type=int, default=1, help="data set seed (default 1)")
    parser.add_argument(
        "--subjects",
        type=int,
        default=20_000,
        help="number of subjects to generate (default 20000)",
    )


def _progress(done: int, total: int) -> None:
    print(f"\r生成数据 / generating {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    if args.subjects < 1:
        print("错误 / error: --subjects 至少为1 / must be at least 1", file=sys.stderr)
        return 2
    if args.sandbox_command == "keys":
        from sandbox.server import default_db_url

        return keys_cli.run(args, args.db or default_db_url(args.seed, args.subjects))
    if args.sandbox_command == "calendar":
        from sandbox.server import default_db_url

        return calendar_cli.run(args, args.db or default_db_url(args.seed, args.subjects))
    from sandbox.server import SandboxServer  # the web stack loads only for these commands

    if args.sandbox_command == "samples":
        server = SandboxServer(
            db_url=args.db, seed=args.seed, subjects=args.subjects, progress=_progress
        )
        server.prepare()
        print(
            json.dumps(
                server.platform.samples().model_dump(mode="json"), ensure_ascii=False, indent=2
            )
        )
        return 0
    if not _is_loopback(args.host):
        print(
            f"注意 / note: 在非回环地址 {args.host} 上提供服务 / serving beyond loopback",
            file=sys.stderr,
        )
    refused = _refuse_serve(args)
    if refused:
        print(f"错误 / error: {refused}", file=sys.stderr)
        return 2
    server = SandboxServer(
        db_url=args.db,
        seed=args.seed,
        subjects=args.subjects,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        progress=_progress,
        log_level="warning",
        ssl_certfile=args.cert,
        ssl_keyfile=args.key,
        pilot=args.pilot,
    )

    def ready(s: SandboxServer) -> None:
        if s.key_generated:
            print(f"API key (shown once / 仅显示一次): {s.api_key}", flush=True)
        if s.pilot and not any(k.active for k in s.platform.keys.list()):
            print("注意 / note: 尚无有效密钥 / no key in force: "
                  "creditdesk sandbox keys add --counter ID", file=sys.stderr, flush=True)
        print(
            f"CreditDesk sandbox listening on {s.url} "
            f"(seed {s.seed}, {s.summary.subjects:,} subjects)",
            flush=True,
        )

    try:
        server.serve_forever(ready)
    except KeyboardInterrupt:
        pass
    return 0


def _refuse_serve(args: argparse.Namespace) -> str | None:
    """Why these serve options cannot go together (Chinese / English), or None."""
    if args.pilot and args.api_key is not None:
        return "试点平台不用启动密钥 / --pilot takes no --api-key (use 'sandbox keys add')"
    if bool(args.cert) != bool(args.key):
        return "--cert 与 --key 须一起给出 / --cert and --key go together"
    for path in (args.cert, args.key):
        if path and not Path(path).is_file():
            return f"找不到文件 / no such file: {path}"
    return None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


SANDBOX = Command("sandbox", "reference credit platform / 参考信用平台", _configure, _run)

"""``creditdesk sandbox serve|samples``: run the reference platform or list its samples."""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys

from desktop.cli.main import Command


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = sub.add_parser("serve", help="serve the reference platform / 启动参考平台")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default loopback)")
    serve.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    _data_options(serve)
    serve.add_argument("--api-key", help="accept this key (default: generate one, shown once)")
    samples = sub.add_parser("samples", help="sample subjects per verdict / 各结论示例主体")
    _data_options(samples)
    samples.add_argument("--json", action="store_true", help="print JSON (the only format)")


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
    from sandbox.server import SandboxServer  # the web stack loads only for this command

    if args.subjects < 1:
        print("错误 / error: --subjects 至少为1 / must be at least 1", file=sys.stderr)
        return 2
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
    server = SandboxServer(
        db_url=args.db,
        seed=args.seed,
        subjects=args.subjects,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        progress=_progress,
        log_level="warning",
    )

    def ready(s: SandboxServer) -> None:
        if s.key_generated:
            print(f"API key (shown once / 仅显示一次): {s.api_key}", flush=True)
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


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


SANDBOX = Command("sandbox", "reference credit platform / 参考信用平台", _configure, _run)

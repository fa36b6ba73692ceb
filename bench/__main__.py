"""The benchmark suite: ``python -m bench [--quick] [--only NAME ...] [--json FILE]``.

Runs each figure (ours against a baseline doing the bare minimum of the same work, in the
same run), prints the table and writes the rows to ``--json FILE``. A full run (no
``--only``, no ``--quick``) in which every figure ran also rewrites the whole table in
docs/BENCHMARKS.md, with the run's date, machine and duration; ``--only`` and ``--quick``
never write it (``--doc`` with them is refused), so the table always shows one run.
``--no-doc`` keeps a full run from writing it. Exit status: 0 when every figure ran,
whether or not it met its target; 1 when a figure failed to run (CI runs ``--quick`` as a
smoke test on that).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from bench.core import Bench, Row
from bench.doc import DOC, update_doc

# --only name -> "module:function", in the order of the table.
FIGURES = {
    "online": "bench.fig_client:online",
    "naive": "bench.fig_client:naive",
    "offline": "bench.fig_client:offline",
    "batch": "bench.fig_client:batch",
    "hostile": "bench.fig_files:hostile",
    "sync": "bench.fig_sync:sync",
    "delta": "bench.fig_sync:delta",
    "cold_start": "bench.fig_gui:cold_start",
    "gui_stall": "bench.fig_gui:gui_stall",
    "report": "bench.fig_docs:report",
    "log_browser": "bench.fig_docs:log_browser",
    "memory": "bench.fig_gui:memory",
    "audit_verify": "bench.fig_docs:audit_verify",
    "faults": "bench.fig_faults:faults",
    "load": "bench.fig_load:load",
}


def _figure(name: str):
    module, function = FIGURES[name].split(":")
    return getattr(importlib.import_module(module), function)


def format_table(rows: list[Row]) -> str:
    """The rows as a plain-text table for the terminal."""
    head = ("figure", "ours", "baseline", "ratio", "target", "pass")
    lines = [head] + [(r.figure, f"{r.ours:g} {r.unit}",
                       "" if r.baseline is None else f"{r.baseline:g} {r.unit}",
                       "" if r.ratio is None else f"{r.ratio:g}", r.target,
                       {True: "pass", False: "FAIL", None: ""}[r.passed]) for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))
                     for line in lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, fewer repeats (under 3 minutes): a smoke run")
    parser.add_argument("--only", nargs="+", choices=list(FIGURES), metavar="NAME",
                        help=f"run only these figures: {', '.join(FIGURES)}")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the rows as JSON")
    parser.add_argument("--doc", action=argparse.BooleanOptionalAction, default=None,
                        help=f"rewrite the table in {DOC}: only a full run (no --only, no "
                             "--quick) may, and does unless --no-doc")
    args = parser.parse_args(argv)
    full = not args.quick and not args.only
    if args.doc and not full:
        parser.error("--doc: the table is written only by a full run (no --only, no --quick), "
                     "so that all its rows come from one run")
    names = args.only or list(FIGURES)
    bench = Bench(quick=args.quick)
    rows: list[Row] = []
    errors: list[str] = []
    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    try:
        for name in names:
            began = time.perf_counter()
            print(f"… {name}", file=sys.stderr, flush=True)
            try:
                made = _figure(name)(bench)
            except Exception:  # noqa: BLE001 - one broken figure must not hide the others
                errors.append(name)
                traceback.print_exc()
                continue
            for row in made:
                row.key = name
            rows += made
            print(f"  {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr,
                  flush=True)
    finally:
        bench.close()
    seconds = time.perf_counter() - started
    print(format_table(rows))
    print(f"\n{len(rows)} rows in {seconds:.0f} s; "
          f"{sum(r.passed is False for r in rows)} targets missed; "
          f"{len(errors)} figures failed to run{': ' + ', '.join(errors) if errors else ''}")
    if args.json:
        args.json.write_text(json.dumps([r.as_json() for r in rows], ensure_ascii=False,
                                        indent=2) + "\n", encoding="utf-8")
    if full and args.doc is not False:
        if errors:
            print(f"{DOC.name} left as it was: a full run writes it only when every figure ran",
                  file=sys.stderr)
        else:
            update_doc(rows, started=started_at, seconds=seconds)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""The suite's table in docs/BENCHMARKS.md, with the machine and the date it ran on.

The rows of the last run are kept in docs/benchmarks.json (so ``--only`` can replace its
figures' rows and keep the rest); the table between the two markers in BENCHMARKS.md is
written from them. Everything outside the markers (profiles, causes, older figures) is
written by hand and left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from bench.core import Row

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
ROWS = ROOT / "docs" / "benchmarks.json"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def machine() -> dict:
    """Cores, memory, Python, Qt and OS of this machine."""
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {pyside} (Qt {qVersion()})"
    except ImportError:
        qt = "PySide6 not installed"
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cores": os.cpu_count(), "memory": memory,
            "python": sys.version.split()[0], "qt": qt, "os": platform.platform()}


def _cell(value: float | None, unit: str) -> str:
    return "" if value is None else f"{value:,.6g} {unit}"


def table(rows: list[dict]) -> str:
    """The Markdown table of ``rows`` (``Row.as_json`` dicts)."""
    lines = ["| figure | ours | baseline (same run) | ratio | target | met | note |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r["pass"]]
        ratio = "" if r["ratio"] is None else f"{r['ratio']:g}"
        lines.append(f"| {r['figure']} | {_cell(r['ours'], r['unit'])} | "
                     f"{_cell(r['baseline'], r['unit'])} | {ratio} | {r['target']} | {met} | "
                     f"{r.get('note', '')} |")
    return "\n".join(lines)


def update_doc(rows: list[Row], *, replace_only: set[str] | None, quick: bool,
               seconds: float) -> None:
    """Keep ``rows`` (all of them, or in place of the ``replace_only`` figures' rows) and
    rewrite the table in BENCHMARKS.md."""
    new = [r.as_json() for r in rows]
    kept = {"rows": [], "runs": {}}
    if ROWS.exists():
        kept = json.loads(ROWS.read_text(encoding="utf-8"))
    if replace_only is not None:
        order = [k for k in _figure_order() if k in replace_only or
                 any(r["key"] == k for r in kept["rows"])]
        by_key = {k: [r for r in kept["rows"] if r["key"] == k] for k in order}
        for key in replace_only:
            by_key[key] = [r for r in new if r["key"] == key]
        merged = [r for k in order for r in by_key.get(k, [])]
    else:
        merged = new
    today = dt.date.today().isoformat()
    runs = kept.get("runs", {})
    for key in {r["key"] for r in new}:
        runs[key] = {"date": today, "quick": quick}
    ROWS.write_text(json.dumps({"machine": machine(), "rows": merged, "runs": runs},
                               ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    m = machine()
    dates = sorted({v["date"] for v in runs.values()})
    sizes = "quick sizes" if any(v["quick"] for v in runs.values()) else "full sizes"
    block = "\n".join([
        START,
        "## The suite: `python -m bench`",
        "",
        f"Machine: {m['cores']} cores, {m['memory']}, Python {m['python']}, {m['qt']}, "
        f"{m['os']}. Run on {', '.join(dates)} at {sizes} "
        f"(last run {seconds / 60:.1f} min). Written by `python -m bench`; do not edit "
        "between the markers.",
        "",
        table(merged),
        END,
    ])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{block}\n{rest}"
    DOC.write_text(text, encoding="utf-8")


def _figure_order() -> list[str]:
    from bench.__main__ import FIGURES

    return list(FIGURES)

"""The suite's table in docs/BENCHMARKS.md: written by one full run, and by nothing else.

A full ``python -m bench`` (every figure, full sizes) keeps its rows and the run itself
(start in UTC, duration, machine) in docs/benchmarks.json and writes the table between the
two markers in BENCHMARKS.md from them, replacing the whole table: every row there comes
from the one run its header names. ``--only`` and ``--quick`` runs never write either
file (``bench/__main__.py`` refuses ``--doc`` with them). Everything outside the markers
(profiles, causes, older figures) is written by hand and left alone.
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


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or "CPU model not known"


def machine() -> dict:
    """Cores, memory, CPU model, Python, Qt and OS of this machine."""
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
    return {"cores": os.cpu_count(), "memory": memory, "cpu": cpu_model(),
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


def update_doc(rows: list[Row], *, started: dt.datetime, seconds: float) -> None:
    """Keep the rows of a full run that started at ``started`` and took ``seconds`` in
    docs/benchmarks.json, and rewrite the table in BENCHMARKS.md from them (all of it)."""
    run = {"started": started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
           "minutes": round(seconds / 60, 1), "machine": machine()}
    data = {"run": run, "rows": [r.as_json() for r in rows]}
    ROWS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_doc(data)


def header(run: dict) -> str:
    """The line above the table: the one run every row comes from, and its machine."""
    m = run["machine"]
    return (f"One full run of `python -m bench` (every figure, full sizes), started "
            f"{run['started']}, {run['minutes']} min, on {m['cores']} cores ({m['cpu']}), "
            f"{m['memory']} memory, Python {m['python']}, {m['qt']}, {m['os']}. Every row "
            "below comes from that run: only a full run writes this table (`--only` and "
            "`--quick` never do). Do not edit between the markers.")


def write_doc(data: dict) -> None:
    """Rewrite the table between the markers in BENCHMARKS.md from ``data`` (as kept in
    docs/benchmarks.json); the rest of the file is left alone."""
    block = "\n".join([
        START,
        "## The suite: `python -m bench`",
        "",
        header(data["run"]),
        "",
        table(data["rows"]),
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

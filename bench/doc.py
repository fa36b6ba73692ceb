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
    runs = dict(kept.get("runs", {})) if replace_only is not None else {}
    if replace_only is not None:
        order = [k for k in _figure_order() if k in replace_only or
                 any(r["key"] == k for r in kept["rows"])]
        by_key = {k: [r for r in kept["rows"] if r["key"] == k] for k in order}
        for key in replace_only:
            by_key[key] = [r for r in new if r["key"] == key]
        merged = [r for k in order for r in by_key.get(k, [])]
    else:
        merged = new
    now = dt.datetime.now().astimezone()
    started = now - dt.timedelta(seconds=seconds)
    this_run = {"date": started.date().isoformat(),
                "started": started.strftime("%Y-%m-%d %H:%M UTC%z"),
                "quick": quick, "minutes": round(seconds / 60, 1), "machine": machine()}
    for key in {r["key"] for r in new}:
        runs[key] = this_run
    shown = {r["key"] for r in merged}
    runs = {k: v for k, v in runs.items() if k in shown}
    data = {"machine": machine(), "rows": merged, "runs": runs}
    ROWS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_doc(data)


def _machine_text(m: dict) -> str:
    return f"{m['cores']} cores, {m['memory']}, Python {m['python']}, {m['qt']}, {m['os']}"


def _machine_line(runs: list[dict], last: dict | None) -> str:
    recorded = {_machine_text(r["machine"]) for r in runs if "machine" in r}
    if len(recorded) == 1 and all("machine" in r for r in runs):
        return f"Machine: {recorded.pop()}."
    if recorded:
        return "Machines of the runs: " + "; ".join(sorted(recorded)) + "."
    if last:  # runs from before each recorded its machine: only the last one's is known
        return f"Machine of the last run: {_machine_text(last)}; earlier runs' not recorded."
    return "Machine: not recorded."


def header(data: dict, order: list[str]) -> str:
    """The line above the table: which run each figure's rows come from, and the machine.

    ``data["runs"]`` maps a figure to its run (``date``, ``quick`` and, where recorded,
    ``started``, ``minutes``, ``machine``). Figures whose run did not record ``started``
    are told apart by date only: they may come from more than one run that day.
    """
    runs = data["runs"]
    groups: dict[tuple, list[str]] = {}
    for key in order:
        r = runs[key]
        groups.setdefault((r.get("started"), r["date"], r["quick"]), []).append(key)
    parts = []
    for (started, date, quick), keys in groups.items():
        sizes = "quick sizes" if quick else "full sizes"
        if started:
            when = f"one run started {started}, {sizes}, {runs[keys[0]]['minutes']} min"
        else:
            when = (f"one or more runs on {date}, {sizes} (their start times were not "
                    "recorded, so which run each of these figures came from is not known)")
        parts.append((keys, when))
    machine_line = _machine_line([runs[k] for k in order], data.get("machine"))
    if len(parts) == 1:
        source = f"Every row: {parts[0][1]}."
    else:
        source = ("The rows come from more than one run (a run with `--only NAME` replaces "
                  "its figures' rows and keeps the others): " +
                  "; ".join(f"{', '.join(keys)}: {when}" for keys, when in parts) + ".")
    return f"{machine_line} {source} Written by `python -m bench`; do not edit between " \
           "the markers."


def write_doc(data: dict) -> None:
    """Rewrite the table between the markers in BENCHMARKS.md from ``data`` (as kept in
    docs/benchmarks.json); the rest of the file is left alone."""
    order = [k for k in _figure_order() if k in data["runs"]]
    block = "\n".join([
        START,
        "## The suite: `python -m bench`",
        "",
        header(data, order),
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


def _figure_order() -> list[str]:
    from bench.__main__ import FIGURES

    return list(FIGURES)

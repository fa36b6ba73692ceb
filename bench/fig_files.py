"""Figures of the batch file reader (issue 18).

- ``hostile``: every hostile workbook of tests/reliability/hostile_files.py (the issue's
  800 MB shared-strings bomb at full size, a 190 MB rows bomb, a 40 MB cell, lying sizes,
  nested and thousand-member archives, a CSV named .xlsx, no zip, a truncated zip) given
  to the real ``creditdesk batch`` in a child process; the worst refusal time and the
  worst peak RSS (VmHWM of that child as it exits). Baseline: the same command
  refusing a .pdf by its name, which reads nothing (the CLI's own start and exit).
  Targets from the issue: refused in under 2 s and under 200 MB, each.
"""

from __future__ import annotations

import statistics

from bench.core import Bench, Row


def hostile(bench: Bench) -> list[Row]:
    from tests.reliability.hostile_files import batch_in_child
    from tests.reliability.hostile_files import hostile as cases

    repeat = bench.size(1, 5)
    work = bench.work / "hostile"
    work.mkdir(parents=True, exist_ok=True)
    pdf = work / "名单.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    runs, base = {}, []
    for name, build in cases(full=not bench.quick).items():
        source = build(work / f"{name}.xlsx")
        got = []
        with bench.child_environ():  # the CLI children run in the run's temp folder
            for _ in range(repeat):  # each run beside a baseline run: the same load on both
                got.append(batch_in_child(source, work))
                base.append(batch_in_child(pdf, work))
        if any(run.code != 2 for run in got):
            raise RuntimeError(f"{name} was not refused: {got[0].err}")
        runs[name] = (statistics.median(r.seconds for r in got), max(r.peak_mb for r in got),
                      source.stat().st_size)
        source.unlink()
    base_s = statistics.median(r.seconds for r in base)
    base_mb = max(r.peak_mb for r in base)
    slow = max(runs, key=lambda n: runs[n][0])
    big = max(runs, key=lambda n: runs[n][1])
    listed = ", ".join(f"{n} {s:.2f} s / {m:.0f} MiB ({size / 1024:,.0f} KB)"
                       for n, (s, m, size) in runs.items())
    return [
        Row(f"hostile workbook refused: slowest ({slow})", round(runs[slow][0], 3),
            round(base_s, 3), "s", "< 2 s", runs[slow][0] < 2,
            note=f"whole `creditdesk batch` child (start, refuse, exit), median of {repeat}; "
                 f"baseline: the same command refusing a .pdf by its name; every file: "
                 f"{listed}"),
        Row(f"hostile workbook refused: peak RSS ({big})", round(runs[big][1]),
            round(base_mb), "MiB", "< 200 MiB", runs[big][1] < 200,
            note="VmHWM of the child as it exits; baseline: the .pdf refusal"),
    ]

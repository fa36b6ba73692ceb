"""The supervisor's log browser on a large log: ``desktop.audit.query.page`` vs bare SQL.

``python -m bench.log_browser [--entries 1000000] [--repeat 5] [--no-write]``

Builds a cache file of ``--entries`` audit rows by bulk insert (rows shaped like real
entries with a realistic mix of clerks, items, events, verdicts, sources and subjects;
the chain fields ``salt``, ``commitment``, ``prev_hash`` and ``hash`` are DUMMY values, so
the file does not verify: appending a million entries through ``append_audit`` one HMAC
at a time would only slow the setup). Then times the first page and each filter's first
page (median of ``--repeat`` runs) against a bare ``SELECT ... WHERE ... ORDER BY seq DESC
LIMIT 200`` on the same file, and the same through the real log browser widget
(``bench.log_browser_window``: opening it, applying a filter, until the rows are in the
table), prints a table and writes it to docs/BENCHMARKS.md under "Log browser".
Targets: first page shown < 300 ms, a filter applied < 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from desktop.audit.export import CST
from desktop.audit.query import LogFilter, page
from local_cache.db import FILE_NAME, open_engine
from local_cache.protect import Protector

DATA_KEY = b"log-browser-benchmark-data-key-0123456789"
PERSON = "11010519491231002X"  # a valid resident number, one of the subjects in the log
CLERKS = [f"clerk{i:02d}" for i in range(12)] + ["sup01", "sup02"]
ITEMS = [f"ITEM_{i:02d}" for i in range(20)]
VERDICTS = ["clear"] * 70 + ["alert"] * 12 + ["restrict"] * 8 + ["prohibit"] * 5 + \
    ["incentive"] * 5
EVENTS = (["check"] * 55 + ["action.terminated"] * 3 + ["action.proceeded"] * 6
          + ["action.overridden"] * 1 + ["action.fast_tracked"] * 4
          + ["action.commitment_fulfilled"] * 3 + ["action.commitment_breached"] * 1
          + ["intercept.shown"] * 5 + ["alert.acknowledged"] * 6 + ["report.printed"] * 6
          + ["sign_in"] * 4 + ["sign_out"] * 3 + ["lock"] * 1 + ["unlock"] * 1
          + ["export"] * 1)
WITH_SUBJECT = {"check", "intercept.shown", "alert.acknowledged", "report.printed"}
SUBJECTS = 20_000
SECONDS_PER_ENTRY = 30.0  # a year of a busy desk per million entries
COLUMNS = ("seq", "at", "counter", "clerk", "event", "subject_key", "subject_masked", "item",
           "verdict", "source", "details", "salt", "commitment", "prev_hash", "hash", "purged")


def generate(data_dir: Path, entries: int, protector: Protector, seed: int = 5) -> dict:
    """Fill a fresh cache in ``data_dir`` with ``entries`` rows; returns facts for queries."""
    open_engine(data_dir).dispose()  # the migrated schema, with its indexes
    rnd = random.Random(seed)
    keys = [protector.index(PERSON)] + [protector.index(f"S{i:08d}") for i in range(SUBJECTS)]
    start = time.time() - entries * SECONDS_PER_ENTRY
    conn = sqlite3.connect(data_dir / FILE_NAME)
    conn.execute("PRAGMA synchronous=OFF")
    sql = f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

    def rows(lo: int, hi: int):
        for seq in range(lo, hi):
            event = rnd.choice(EVENTS)
            subject = event in WITH_SUBJECT or event.startswith("action.")
            key = rnd.choice(keys) if subject else None
            masked = (PERSON[:6] + "*" * 8 + PERSON[14:]) if key == keys[0] else (
                f"91330000MA{seq % 10**8:08d}" if key else None)
            yield (seq, start + seq * SECONDS_PER_ENTRY, "SX-DEMO-01", rnd.choice(CLERKS),
                   event, key, masked, rnd.choice(ITEMS) if subject else None,
                   rnd.choice(VERDICTS) if subject else None,
                   ("offline" if rnd.random() < 0.1 else "platform") if event == "check"
                   else None, json.dumps({"check_id": f"C-{seq}"}) if subject else "{}",
                   "00" * 16, "11" * 32, "22" * 32, "33" * 32, 0)

    for lo in range(1, entries + 1, 50_000):
        with conn:
            conn.executemany(sql, rows(lo, min(lo + 50_000, entries + 1)))
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    middle = dt.datetime.fromtimestamp(start + entries // 2 * SECONDS_PER_ENTRY, CST).date()
    return {"day": middle, "person_key": keys[0]}


def cases(facts: dict) -> list[tuple[str, LogFilter, str, tuple]]:
    """(figure, our filter, baseline WHERE, baseline parameters)."""
    day = facts["day"]
    lo = dt.datetime.combine(day, dt.time(), CST).timestamp()
    return [
        ("first page", LogFilter(), "1", ()),
        ("clerk", LogFilter(clerk="clerk03"), "clerk = ?", ("clerk03",)),
        ("item", LogFilter(item="ITEM_07"), "item = ?", ("ITEM_07",)),
        ("event", LogFilter(event="check"), "event = ?", ("check",)),
        ("event prefix", LogFilter(event="action."), "event LIKE ?", ("action.%",)),
        ("verdict", LogFilter(verdict="prohibit"), "verdict = ?", ("prohibit",)),
        ("source", LogFilter(source="offline"), "source = ?", ("offline",)),
        ("subject", LogFilter(subject=PERSON), "subject_key = ?", (facts["person_key"],)),
        ("one day", LogFilter(start=day, end=day), "at >= ? AND at < ?", (lo, lo + 86400)),
        ("clerk + verdict", LogFilter(clerk="clerk03", verdict="prohibit"),
         "clerk = ? AND verdict = ?", ("clerk03", "prohibit")),
    ]


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(data_dir: Path, protector: Protector, facts: dict, repeat: int) -> list[dict]:
    """Median first-page times, ours and baseline, per figure."""
    engine = open_engine(data_dir)
    raw = sqlite3.connect(data_dir / FILE_NAME)
    select = ("SELECT seq, at, counter, clerk, event, item, verdict, source, subject_masked, "
              "details, purged FROM audit WHERE {} ORDER BY seq DESC LIMIT 200")
    out = []
    for figure, flt, where, params in cases(facts):
        ours = _median_ms(lambda flt=flt: page(engine, protector, flt), repeat)
        base = _median_ms(lambda w=where, p=params: raw.execute(select.format(w), p).fetchall(),
                          repeat)
        target = 300 if figure == "first page" else 500
        out.append({"figure": figure, "ours": ours, "baseline": base,
                    "ratio": ours / base if base else float("inf"), "target": target})
    raw.close()
    engine.dispose()
    return out


def table(rows: list[dict], entries: int) -> str:
    """The Markdown section for docs/BENCHMARKS.md."""
    lines = [
        "## Log browser (supervisor review issue)", "",
        f"`python -m bench.log_browser --entries {entries}`", "",
        f"A cache file of {entries:,} audit entries made by bulk insert (a realistic mix of "
        "14 clerks, 20 items, 19 events, verdicts, 10% offline checks, 20,001 subjects; the "
        "chain fields are dummy values, so that file does not verify). Each figure is the "
        "median of 5 first pages of 200 rows through `desktop.audit.query.page` (filter "
        "parsing, the day-to-seq lookup, row conversion) against a bare `SELECT ... WHERE "
        "... ORDER BY seq DESC LIMIT 200` on the same file, run on "
        f"{dt.date.today().isoformat()}.", "",
        "\"window\" is what the supervisor waits for: from opening the browser (first page) "
        "or applying a filter (`LogBrowser.apply_filter`) to the page's rows in the table, "
        "through the window's task runner (offscreen Qt; opening also starts the count and "
        "the filter lists' queries on the runner). The ratio is window / baseline.", "",
        "| figure | window ms | query ms | baseline ms | ratio | target ms | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        window = r.get("window", r["ours"])
        lines.append(f"| {r['figure']} | {window:.1f} | {r['ours']:.1f} | "
                     f"{r['baseline']:.1f} | {window / r['baseline']:.1f} | < {r['target']} | "
                     f"{'yes' if window < r['target'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def write_docs(section: str, path: Path = Path("docs/BENCHMARKS.md")) -> None:
    """Replace (or append) the "Log browser" section."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"## Log browser.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip("\n")
    path.write_text(text + "\n\n" + section, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Generate, measure, print, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not touch the docs")
    parser.add_argument("--no-window", action="store_true", help="only the query layer")
    args = parser.parse_args(argv)
    protector = Protector(DATA_KEY)
    with tempfile.TemporaryDirectory(prefix="creditdesk-logbench-") as tmp:
        t0 = time.perf_counter()
        facts = generate(Path(tmp), args.entries, protector)
        print(f"generated {args.entries:,} entries in {time.perf_counter() - t0:.1f} s")
        rows = measure(Path(tmp), protector, facts, args.repeat)
        if not args.no_window:
            from bench.log_browser_window import measure_window

            shown = measure_window(Path(tmp), protector,
                                   [(f, flt) for f, flt, _, _ in cases(facts)[1:]],
                                   args.repeat)
            for row in rows:
                row["window"] = shown[row["figure"]]
    section = table(rows, args.entries)
    print(section)
    if not args.no_write:
        write_docs(section)


if __name__ == "__main__":
    main()

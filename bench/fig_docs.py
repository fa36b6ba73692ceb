"""Figures of the documents and the log: the credit report PDF, the log browser, verify.

``report``
    One credit report (12 records, two pages) and ``N`` reports in a row (100; quick: 20)
    through ``desktop.reports.pdf.render_credit_report``, against ``bench.reports.bare``:
    the same text on the same pages (the same headings, rows, measures and notes in the
    same embedded CJK font, sizes and column widths) laid out by a plain reportlab
    ``SimpleDocTemplate`` of ``Paragraph`` and ``Table`` objects, with none of ours (no
    line-breaking rule, masking, deferred ``第 x 页 / 共 y 页`` footer: its footer has no
    total) and no QR code. ``bench.reports.same_pages`` checks that both PDFs have the same
    pages with the same text (the figure fails otherwise). "One report" is the median of
    15 (quick: 5) warm renders each, ours and the baseline interleaved; "N in a row" is
    the total, the better of two blocks each. Target: ratio <= 1.5, ours including its QR
    code. A third row is the QR code alone, encoded and drawn on a page: ours
    (``desktop.reports.qr.QrSquares``) against reportlab's ``QrCodeWidget`` in a
    ``Drawing`` (median of 15, quick: 5; no target).

``log_browser``
    A cache file of 1,000,000 audit entries (quick: 100,000) made by
    ``bench.log_browser.generate`` (bulk insert, realistic mix, dummy chain fields), built
    once and kept in the system temp folder between runs (keyed by size, the migrated
    schema and the generator's source; about a minute to build at full size). Ours is the
    real window path (``bench.log_browser_window``: opening ``ui.supervisor.log_browser.LogBrowser``
    until the first page is in the table, and applying the clerk + verdict filter until
    its page is in), median of 3 runs; the baseline is a bare ``SELECT ... WHERE ...
    ORDER BY seq DESC LIMIT 200`` with the same filter on the same file. Targets are
    absolute (first page < 300 ms, a filter < 500 ms); the ratio is shown for reference.

``audit_verify``
    ``desktop.audit.verify.verify`` (with the anchors of every 50th entry) over a log of 100,000
    entries (quick: 10,000). The first 500 entries are appended by the real path
    (``local_cache.store.append_audit``, one transaction each); the rest by a bulk path that
    computes the same fields with the real chain code (``local_cache.chain``) and inserts
    them in batches, so the whole log genuinely verifies. The baseline reads the same rows
    with a raw ``sqlite3`` cursor and takes one SHA-256 per row over its stored bytes (the
    fields joined): the least an integrity pass over the log costs. Median of 3 runs.
    Target: ratio <= 3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.core import Bench, Row, best_of, ms, timed

DATA_KEY = b"bench-figure-docs-data-key-0123456789abcdef"
REPORT_TARGET = 1.5
VERIFY_TARGET = 3.0
REAL_APPENDS = 500  # entries appended through store.append_audit before the bulk path


# -- report ------------------------------------------------------------------------------


def report(bench: Bench) -> list[Row]:
    """One credit report, and N in a row, vs bare reportlab drawing the same pages; the QR
    code alone, ours vs reportlab's widget."""
    from bench.reports import bare, qr_bare, qr_ours, same_pages, sample_report
    from desktop.reports.pdf import render_credit_report

    data = sample_report()
    repeat, row_of = bench.size(5, 15), bench.size(20, 100)
    ours, base = lambda: render_credit_report(data), lambda: bare(data, qr=False)
    pages = same_pages(data, ours(), base())  # raises unless the same pages; also warms up
    # Interleaved, so a burst of load from elsewhere falls on both sides alike.
    one: dict = {ours: [], base: []}
    for _ in range(repeat):
        for fn in (ours, base):
            one[fn] += timed(lambda f: f(), [fn])
    many: dict = {ours: [], base: []}
    for _ in range(2):  # two blocks each, the better one counts
        for fn in (ours, base):
            many[fn].append(sum(timed(lambda f: f(), [fn] * row_of)))
    qr: dict = {qr_ours: [], qr_bare: []}
    for _ in range(repeat):
        for fn in qr:
            qr[fn] += timed(fn, [data.qr_payload])
    ours_one, base_one = statistics.median(one[ours]), statistics.median(one[base])
    ours_many, base_many = min(many[ours]), min(many[base])
    target = f"ratio <= {REPORT_TARGET}"
    both = (f"ours: render_credit_report, QR code included; baseline: the same text on the "
            f"same {pages} pages, plain SimpleDocTemplate, no QR, footer without total")
    return [
        Row("credit report PDF, one (12 records)", ms(ours_one), ms(base_one), "ms", target,
            ours_one / base_one <= REPORT_TARGET, note=f"{both}; median of {repeat}"),
        Row(f"credit report PDF, {row_of} in a row", round(ours_many, 3), round(base_many, 3),
            "s", target, ours_many / base_many <= REPORT_TARGET, note=both),
        Row("QR code of a report, encoded and drawn", ms(statistics.median(qr[qr_ours])),
            ms(statistics.median(qr[qr_bare])), "ms", "(for reference)", None,
            note=f"ours: QrSquares; baseline: QrCodeWidget in a Drawing; median of {repeat}"),
    ]


# -- log browser -------------------------------------------------------------------------


def _fingerprint() -> str:
    """What the cached log file depends on: the migrated schema (as SQLite holds it, read
    from a new empty cache) and the generator's source."""
    from local_cache.db import FILE_NAME, open_engine

    digest = hashlib.sha256(Path(__file__).with_name("log_browser.py").read_bytes())
    with tempfile.TemporaryDirectory(prefix="creditdesk-bench-schema-") as empty:
        open_engine(Path(empty)).dispose()
        conn = sqlite3.connect(Path(empty) / FILE_NAME)
        try:
            for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                       "ORDER BY type, name"):
                digest.update(sql.encode())
        finally:
            conn.close()
    return digest.hexdigest()[:12]


def _log_file(entries: int, protector) -> tuple[Path, dict, str]:
    """The folder of a cache with ``entries`` generated entries, built once per fingerprint
    (in the system temp folder, reused by later runs); facts for the queries; a note."""
    from bench.log_browser import generate

    base = Path(tempfile.gettempdir())
    folder = base / f"creditdesk-bench-log-n{entries}-{_fingerprint()}"
    facts_file = folder / "facts.json"
    if facts_file.exists():
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        facts["day"] = dt.date.fromisoformat(facts["day"])
        return folder, facts, "file reused from an earlier run"
    for stale in base.glob(f"creditdesk-bench-log-n{entries}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # other fingerprints, half-built files
    building = Path(tempfile.mkdtemp(prefix=f"creditdesk-bench-log-n{entries}-building-"))
    started = time.perf_counter()
    facts = generate(building, entries, protector)
    built = time.perf_counter() - started
    (building / "facts.json").write_text(json.dumps(
        {"day": facts["day"].isoformat(), "person_key": facts["person_key"]}), encoding="utf-8")
    building.rename(folder)
    return folder, facts, f"file built in {built:.0f} s (kept for later runs)"


def log_browser(bench: Bench) -> list[Row]:
    """First page and one filter through the log browser window vs a bare SELECT."""
    from bench.log_browser import cases
    from bench.log_browser_window import measure_window
    from local_cache.db import FILE_NAME
    from local_cache.protect import Protector

    entries, repeat = bench.size(100_000, 1_000_000), 3
    protector = Protector(DATA_KEY)
    folder, facts, built = _log_file(entries, protector)
    chosen = {c[0]: c for c in cases(facts)}
    first, filt = chosen["first page"], chosen["clerk + verdict"]
    shown = measure_window(folder, protector, [(filt[0], filt[1])], repeat)
    raw = sqlite3.connect(folder / FILE_NAME)
    select = ("SELECT seq, at, counter, clerk, event, item, verdict, source, subject_masked, "
              "details, purged FROM audit WHERE {} ORDER BY seq DESC LIMIT 200")
    try:
        base = {name: best_of(lambda w=where, p=params: raw.execute(select.format(w), p)
                              .fetchall(), repeat)
                for name, _flt, where, params in (first, filt)}
    finally:
        raw.close()
    size = f"{entries:,} entries"
    return [
        Row(f"log browser, first page ({size})", round(shown["first page"], 1),
            ms(base["first page"]), "ms", "< 300 ms", shown["first page"] < 300,
            note=f"window open to rows shown; {built}"),
        Row(f"log browser, filter clerk + verdict ({size})", round(shown[filt[0]], 1),
            ms(base[filt[0]]), "ms", "< 500 ms", shown[filt[0]] < 500,
            note="apply_filter to rows shown"),
    ]


# -- audit verify ------------------------------------------------------------------------


_EVENTS = ["check"] * 6 + ["report.printed", "action.proceeded", "sign_in", "alert.acknowledged"]
_ITEMS = [f"ITEM_{i:02d}" for i in range(20)]
_VERDICTS = ["clear"] * 7 + ["alert", "restrict", "prohibit"]
_COLUMNS = ("seq", "at", "counter", "clerk", "event", "subject_key", "subject_masked", "item",
            "verdict", "source", "details", "salt", "commitment", "prev_hash", "hash", "purged")


def _append_real(engine, protector, n: int, rnd: random.Random) -> None:
    from local_cache.store import append_audit

    for _ in range(n):
        event = rnd.choice(_EVENTS)
        subject = event != "sign_in"
        with engine.begin() as conn:
            append_audit(conn, protector, counter="BENCH-01", clerk=f"clerk{rnd.randrange(12):02d}",
                         event=event, subject_id=f"S{rnd.randrange(20_000):08d}" if subject
                         else None, masked="91330000MA2BX3KQ7W" if subject else None,
                         item=rnd.choice(_ITEMS) if subject else None,
                         verdict=rnd.choice(_VERDICTS) if subject else None,
                         source="platform" if event == "check" else None,
                         details={"check_id": f"C-{rnd.randrange(10**9)}"} if subject else None)


def _append_bulk(path: Path, protector, upto: int, rnd: random.Random) -> None:
    """Entries after the head up to ``upto``, chained with the real chain code."""
    from local_cache import chain

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    seq, prev = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    keys = [protector.index(f"S{i:08d}") for i in range(2_000)]
    sql = f"INSERT INTO audit ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * 16)})"
    now = time.time() - upto * 30.0
    while seq < upto:
        batch = []
        for seq in range(seq + 1, min(seq + 20_000, upto) + 1):  # noqa: B020 - resumes seq
            event = rnd.choice(_EVENTS)
            subject = event != "sign_in"
            at = now + seq * 30.0
            public = {"seq": seq, "at": repr(at), "counter": "BENCH-01",
                      "clerk": f"clerk{rnd.randrange(12):02d}", "event": event,
                      "item": rnd.choice(_ITEMS) if subject else None,
                      "verdict": rnd.choice(_VERDICTS) if subject else None,
                      "source": "platform" if event == "check" else None}
            personal = {"subject_key": rnd.choice(keys) if subject else None,
                        "subject_masked": "91330000MA2BX3KQ7W" if subject else None,
                        "details": json.dumps({"check_id": f"C-{seq}"} if subject else {},
                                              ensure_ascii=False, sort_keys=True)}
            salt = os.urandom(16).hex()
            commit = chain.commitment(salt, personal)
            digest = chain.entry_hash(protector.chain_key, prev, public, commit)
            batch.append((seq, at, "BENCH-01", public["clerk"], event,
                          personal["subject_key"], personal["subject_masked"],
                          public["item"], public["verdict"], public["source"],
                          personal["details"], salt, commit, prev, digest, 0))
            prev = digest
        with conn:
            conn.executemany(sql, batch)
    conn.close()


def _bare_hash(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        sha = hashlib.sha256
        for row in conn.execute("SELECT * FROM audit ORDER BY seq"):
            sha("\x1f".join(map(str, row)).encode()).digest()
    finally:
        conn.close()


def audit_verify(bench: Bench) -> list[Row]:
    """``desktop.audit.verify.verify`` over a genuinely chained log vs bare SHA-256 of its rows."""
    from desktop.audit.verify import verify
    from local_cache.db import FILE_NAME, open_engine
    from local_cache.protect import Protector

    entries = bench.size(10_000, 100_000)
    protector = Protector(DATA_KEY)
    folder = bench.work / "audit-verify"
    engine = open_engine(folder)
    rnd = random.Random(11)
    started = time.perf_counter()
    _append_real(engine, protector, REAL_APPENDS, rnd)
    real = time.perf_counter() - started
    _append_bulk(folder / FILE_NAME, protector, entries, rnd)
    with engine.connect() as conn:
        anchors = dict(conn.exec_driver_sql(
            "SELECT seq, hash FROM audit WHERE seq % 50 = 0").fetchall())
        runs = []
        for _ in range(4):
            t0 = time.perf_counter()
            result = verify(conn, protector, anchors)
            runs.append(time.perf_counter() - t0)
            if not result.ok or result.entries != entries:
                raise AssertionError(f"the benchmark log does not verify: {result}")
        ours = statistics.median(runs[1:])
    engine.dispose()
    base = best_of(lambda: _bare_hash(folder / FILE_NAME), 3)
    return [Row(f"audit verify, {entries:,} entries", round(ours, 3), round(base, 3), "s",
                f"ratio <= {VERIFY_TARGET:g}", ours / base <= VERIFY_TARGET,
                note=f"{len(anchors)} anchors checked; first {REAL_APPENDS} entries by "
                     f"append_audit ({ms(real / REAL_APPENDS):g} ms each), rest bulk")]

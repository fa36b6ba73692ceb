"""Printed documents: our credit report and commitment letter vs a bare reportlab document.

``python -m bench.reports [--repeat 100]``

The baseline builds the same tables (same rows, same CJK font) in a plain
``SimpleDocTemplate`` with no styling, QR code, numbering or page footer: the least a
PDF of that content costs. Both are built in the same run, warm, one after the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from desktop.reports.fonts import register_cjk_font
from desktop.reports.pdf import (
    CommitmentData,
    ReportData,
    render_commitment_letter,
    render_credit_report,
)

KINDS = ("blacklist", "serious_illegal", "business_abnormality", "red_list")


def sample_report(records: int = 12) -> ReportData:
    """A realistic organisation with ``records`` records across the four lists."""
    rows = [
        {
            "id": f"R-{i:05d}",
            "kind": KINDS[i % 4],
            "field": "tax",
            "department": "国家税务总局绍兴市柯桥区税务局",
            "basis": "《重大税收违法失信主体信息公布管理办法》",
            "listed_on": "2026-03-14",
            "expires_on": "2029-03-14",
            "state": "active",
        }
        for i in range(records)
    ]
    return ReportData(
        report_no="SX-DEMO-01-20261128-0001",
        verification_code="7KQ2-M9XD-P4",
        qr_payload="CREDITDESK-REPORT SX-DEMO-01-20261128-0001 7KQ2-M9XD-P4",
        checked_at=dt.datetime(2026, 11, 28, 6, 5, tzinfo=dt.UTC),
        item_code="GOV_PROCUREMENT",
        item_name="政府采购供应商资格审查",
        subject_name="绍兴市柯桥区华锦纺织有限公司",
        subject_masked_id="91330603MA2BX3KQ7W",
        subject_kind="organisation",
        district="柯桥区",
        verdict="prohibit",
        measures=[
            {
                "kind": "prohibit",
                "text": "禁止参与政府采购",
                "basis": "《合作备忘录》",
                "record_id": "R-00000",
            }
        ],
        records=rows,
        grade={"letter": "C", "score": 66},
        warnings=[{"level": "yellow", "point": "欠缴税款", "since": "2026-01-02"}],
        related=[],
        source="platform",
        snapshot_age_hours=None,
        counter="SX-DEMO-01",
        clerk="张敏",
    )


def sample_letter() -> CommitmentData:
    """A commitment letter with two missing materials."""
    return CommitmentData(
        letter_no="SX-DEMO-01-20261128-0002",
        verification_code="Q3HT-7WZC-2M",
        qr_payload="CREDITDESK-COMMITMENT SX-DEMO-01-20261128-0002 Q3HT-7WZC-2M",
        issued_at=dt.datetime(2026, 11, 28, 6, 20, tzinfo=dt.UTC),
        applicant_name="绍兴市柯桥区华锦纺织有限公司",
        applicant_masked_id="91330603MA2BX3KQ7W",
        applicant_kind="organisation",
        item_code="FOOD_LICENCE",
        item_name="食品经营许可",
        department="绍兴市柯桥区市场监督管理局",
        missing_materials=["食品安全管理制度", "从业人员健康证明"],
        due_days=5,
        due_date=dt.date(2026, 12, 5),
        commitment_text="本单位承诺……" * 8,
        counter="SX-DEMO-01",
        clerk="张敏",
    )


def bare(data: ReportData) -> bytes:
    """The same tables in a plain document: the baseline."""
    font, _bold, _embedded = register_cjk_font()
    style = ParagraphStyle("p", fontName=font, fontSize=9)
    out = io.BytesIO()
    header = ["认定部门", "领域", "列入日期", "有效期至", "状态", "记录编号", "认定依据"]
    rows = [header] + [
        [
            Paragraph(str(r[k] or ""), style)
            for k in ("department", "field", "listed_on", "expires_on", "state", "id", "basis")
        ]
        for r in data.records
    ]
    story = [
        Paragraph(f"{data.subject_name} {data.report_no}", style),
        Table(rows, repeatRows=1),
        Table(
            [
                [m["kind"], Paragraph(m["text"], style), Paragraph(m["basis"], style)]
                for m in data.measures
            ]
        ),
    ]
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def _time(fn, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return time.perf_counter() - started


def run(repeat: int) -> list[dict]:
    """Each figure with its same-run baseline."""
    report, letter = sample_report(), sample_report(40)
    for fn in (
        lambda: render_credit_report(report),
        lambda: bare(report),
        lambda: render_commitment_letter(sample_letter()),
    ):
        fn()  # warm-up: fonts registered, modules loaded
    rows = []
    for name, ours, base, n in (
        (
            "one credit report (12 records)",
            lambda: render_credit_report(report),
            lambda: bare(report),
            1,
        ),
        (
            "one credit report (40 records, 3 pages)",
            lambda: render_credit_report(letter),
            lambda: bare(letter),
            1,
        ),
        (
            "one commitment letter",
            lambda: render_commitment_letter(sample_letter()),
            lambda: bare(report),
            1,
        ),
        (
            f"{repeat} credit reports in a row",
            lambda: render_credit_report(report),
            lambda: bare(report),
            repeat,
        ),
    ):
        o, b = _time(ours, n), _time(base, n)
        rows.append(
            {
                "figure": name,
                "ours_s": round(o, 4),
                "baseline_s": round(b, 4),
                "ratio": round(o / b, 2),
            }
        )
    return rows


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    print(json.dumps(run(parser.parse_args().repeat), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Lines on paper (issue 20, items 8b and 8c): the verification code is never wrapped,
whatever the length of the other fields, and no line starts with a closing mark.

Real PDFs are rendered and read back: pypdfium2 gives each character's box (the code's
characters must share one baseline), pypdf the text line by line.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2
import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from desktop.reports.code import new_code
from desktop.reports.fonts import styles
from desktop.reports.lines import CANNOT_START, OneLine, Para
from desktop.reports.pdf import extract_text, render_commitment_letter, render_credit_report
from tests.unit.test_report_pdf import sample_letter, sample_report

CLOSING = "》）」』】〕〉，。、；：！？”’"
# A basis as the catalogue writes them: titles in 《》, a clause, closing marks in a row.
BASIS = "《关于对失信主体实施联合惩戒的合作备忘录》，《浙江省公共信用信息管理条例》）。"


def baselines(pdf: bytes, needle: str) -> list[set[float]]:
    """For every place ``needle`` is printed, the bottoms of its characters' (font) boxes."""
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        text = page.get_textpage()
        search = text.search(needle)
        while (hit := search.get_next()) is not None:
            start, count = hit
            found.append({round(text.get_charbox(i, loose=True)[1], 1)
                          for i in range(start, start + count)
                          if text.get_text_range(i, 1).strip()})
    return found


LONG = dict(
    subject_name="绍兴市柯桥区" + "华锦纺织印染服装进出口贸易" * 12 + "有限公司",
    counter="SX-" + "K" * 61, clerk="欧阳" + "敏" * 40,
    case_no="BIZ-" + "9" * 60, system="绍兴市一体化政务服务平台" * 5,
    item_name="公众聚集场所投入使用、营业前消防安全检查" * 4,
)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("fields", [{}, LONG], ids=["usual", "every-field-very-long"])
def test_the_verification_code_is_printed_on_one_line(lang, fields):
    for _ in range(3):
        code = new_code()
        report = render_credit_report(replace(sample_report(), verification_code=code,
                                              **fields), lang)
        letter_fields = {k: v for k, v in fields.items() if k in ("counter", "clerk",
                                                                  "case_no", "system",
                                                                  "item_name")}
        letter = render_commitment_letter(replace(sample_letter(), verification_code=code,
                                                  **letter_fields), lang)
        for pdf in (report, letter):
            found = baselines(pdf, code)
            assert len(found) == 1, found  # printed once, whole (a split code is not found)
            assert len(found[0]) == 1, found  # one baseline: one line
            assert any(line.strip() == code for line in extract_text(pdf).splitlines())


def test_text_that_must_stay_whole_gets_smaller_rather_than_broken():
    text = "CODE-" + "X" * 70
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, leftMargin=80 * mm, rightMargin=80 * mm)
    doc.build([OneLine(text, styles().small)])
    found = baselines(out.getvalue(), text)
    assert len(found) == 1 and len(found[0]) == 1


def line_texts(paragraph, width: float) -> list[str]:
    """The lines a laid-out paragraph drew, as text."""
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return ["".join(words) for _space, words in lines]
    return ["".join(frag.text for frag in line.words) for line in lines]


@pytest.mark.parametrize("cjk", [True, False], ids=["chinese", "english"])
def test_no_line_starts_with_a_closing_mark(cjk):
    style = styles(cjk=cjk).cell
    orphans_before = 0
    for pad in range(40):  # moves the marks across the line's end, one character at a time
        text = "依" * pad + BASIS
        width = 50 * mm
        theirs = line_texts(Paragraph(text, style), width)
        orphans_before += sum(1 for line in theirs[1:] if line[:1] in CLOSING)
        ours = line_texts(Para(text, style), width)
        assert "".join(ours) == text  # nothing lost or doubled
        assert not [line for line in ours[1:] if line[:1] in CANNOT_START], ours
        assert all(line.strip() for line in ours)
    assert orphans_before > 0  # the text does hit the edge: reportlab's own breaking fails


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_printed_line_starts_with_a_closing_mark(lang):
    for pad in range(0, 30, 1):
        basis = "依" * pad + BASIS
        measures = [{"kind": "prohibit", "text": "禁止参与政府采购", "basis": basis,
                     "record_id": "BL-2026-00318"}]
        records = [{**sample_report().records[0], "basis": basis}]
        pdf = render_credit_report(replace(sample_report(), measures=measures,
                                           records=records), lang)
        text = extract_text(pdf)
        assert "".join(text.split()).count("".join(BASIS.split())) == 2
        starts = [line for line in text.splitlines()
                  if line.strip() and line.strip()[0] in CLOSING]
        assert starts == [], (pad, starts)


def test_latin_words_and_record_ids_stay_whole_in_english():
    style = styles(cjk=False).cell
    lines = line_texts(Para("Serious illegal and dishonest enterprises BL-2026-00318", style),
                       30 * mm)
    words = " ".join(lines).split()
    assert words == ["Serious", "illegal", "and", "dishonest", "enterprises", "BL-2026-00318"]

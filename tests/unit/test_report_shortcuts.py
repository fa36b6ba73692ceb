"""The report's shortcuts print what reportlab's own path prints.

The QR code's mask is chosen by counting penalty points faster than reportlab does, plain
text skips reportlab's markup parser, and a paragraph keeps its lines for a width: each
is checked here against reportlab's own result, on many inputs.
"""

from __future__ import annotations

import random
import string
from xml.sax.saxutils import escape

import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRUtil

from desktop.reports.fonts import styles
from desktop.reports.lines import Para, plain
from desktop.reports.qr import encode, lost_points


class _Symbol:
    def __init__(self, modules: list[list[bool]]) -> None:
        self.modules = modules


def test_penalty_points_are_reportlabs_on_random_symbols() -> None:
    rnd = random.Random(21)
    for _ in range(200):
        size = rnd.choice([21, 25, 29, 33, 41, 57])
        dark = rnd.random()
        modules = [[rnd.random() < dark for _ in range(size)] for _ in range(size)]
        assert lost_points(modules) == QRUtil.getLostPoint(_Symbol(modules))


def test_the_qr_code_is_the_one_reportlabs_widget_encodes() -> None:
    rnd = random.Random(7)
    alphabet = string.ascii_uppercase + string.digits + "- :/"
    for _ in range(60):
        payload = "CREDITDESK-REPORT " + "".join(
            rnd.choice(alphabet) for _ in range(rnd.randint(4, 150)))
        widget = QrCodeWidget(payload, barLevel="M").qr
        widget.make()
        ours = encode(payload)
        assert (ours.version, ours.modules) == (widget.version, widget.modules), payload


TEXTS = ["绍兴市柯桥区华锦纺织有限公司", "  两端  有空格  ", "制表\t符", "全角　空格　（一）",
         "不换行\u00a0空格", "a  b   c", "《办法》第五条，", "R-2026-00318",
         "A < B & C > D", "第一行\n第二行", "", "   ", "Hua Jin Textile Co., Ltd."]


@pytest.mark.parametrize("cjk", [True, False])
@pytest.mark.parametrize("text", TEXTS)
def test_plain_text_makes_the_paragraph_the_parser_makes(cjk: bool, text: str) -> None:
    s = styles(cjk=cjk)
    for style in (s.body, s.cell, s.head, s.title, s.small):
        ours = plain(text, style)
        parsed = Para(escape(text).replace("\n", "<br/>"), style)
        assert ours.text == parsed.text
        assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in parsed.frags]
        for width in (40, 120, 400):
            assert ours.wrap(width, 1000) == parsed.wrap(width, 1000)
            assert _lines(ours) == _lines(parsed)


def test_a_paragraph_is_broken_again_for_another_width() -> None:
    text = "根据下列联合惩戒措施，本申请不予受理。" * 4
    style = styles().body
    kept = Para(escape(text), style)
    for width in (60, 300, 60, 150, 300):
        fresh = Para(escape(text), style)
        assert kept.wrap(width, 1000) == fresh.wrap(width, 1000)
        assert _lines(kept) == _lines(fresh)


def _lines(para: Para) -> list[tuple[str, float]]:
    return [("".join(w.text for w in line.words), round(line.extraSpace, 6))
            for line in para.blPara.lines]

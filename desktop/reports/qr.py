"""The QR code printed on reports and letters: encoded once, drawn as one filled path.

Encoded by reportlab's ``QrCodeWidget`` (level M); drawn with the widget's layout (dark
runs of modules, a 4-module quiet zone) straight onto the canvas, which is about half the
cost of the widget in a ``Drawing``. Of the eight masks, the one reportlab would choose
is chosen, its penalty points counted on rows of text and bit masks rather than lists of
booleans (``lost_points``): the same symbol, in a fraction of the time.
"""

from __future__ import annotations

import re

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRCode
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from desktop.reports.fonts import QR_COLUMN


class QrSquares(Flowable):
    """A QR code drawn as reportlab's ``QrCodeWidget`` draws it (the same dark runs of
    modules as filled rectangles, a 4-module quiet zone, ``size`` square), encoded once
    and drawn straight on the canvas as one filled path: the widget inside a ``Drawing``
    encodes twice (bounds, then drawing), makes a shape object per run of dark modules and
    formats every coordinate through reportlab's number formatting."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.width = self.height = size
        self.qr = encode(payload)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        # In module units (scaled by the size of a module), every corner is an integer:
        # the runs go into the page as literal "x y w 1 re" operators, filled at once.
        border, n = 4, self.qr.getModuleCount()  # QrCodeWidget.barBorder
        runs = []
        for r, row in enumerate(self.qr.modules):
            y, c = n + border - r - 1, 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    runs.append(f"{start + border} {y} {c - start} 1 re")
                else:
                    c += 1
        canv = self.canv
        canv.saveState()
        box = self.height / (n + 2 * border)
        canv.scale(box, box)
        canv.setFillColorRGB(0, 0, 0)
        canv.addLiteral("\n".join(runs) + "\nf")
        canv.restoreState()


def encode(payload: str) -> QRCode:
    """``payload`` encoded as ``QrCodeWidget(payload, barLevel="M")`` encodes it: the same
    version, the same mask (the first of least penalty), the same modules."""
    qr = QrCodeWidget(payload, barLevel="M").qr
    if qr.version is None:
        qr.version = qr.calculate_version()
    points = []
    for mask in range(8):
        qr.makeImpl(True, mask)
        points.append(lost_points(qr.modules))
    qr.makeImpl(False, points.index(min(points)))
    return qr


_RUN = re.compile("0{5,}|1{5,}")
_FINDER = "10111010000"  # the finder-like pattern reportlab looks for (one direction)
_BITS = str.maketrans({0: "0", 1: "1"})


def lost_points(modules: list[list[bool]]) -> int:
    """reportlab's penalty of a masked symbol (``QRUtil.getLostPoint``), counted the same
    way: a run of L >= 5 like modules in a row or column costs L - 2; a 2x2 block of like
    modules 3; the finder-like pattern 40, sought left to right along rows only, without
    overlap and not at the last place (as reportlab does: its column pass compares tuples
    with a list and never matches); the dark share 10 per 5 % away from half."""
    n = len(modules)
    rows = [bytes(row).decode("latin-1").translate(_BITS) for row in modules]
    cols = ["".join(col) for col in zip(*rows, strict=True)]
    points = sum(len(run) - 2 for line in (*rows, *cols) for run in _RUN.findall(line))
    full = (1 << n) - 1
    ints = [int(row, 2) for row in rows]
    for upper, lower in zip(ints, ints[1:], strict=False):
        same_down = ~(upper ^ lower) & full  # the module below is alike
        same_right = ~(upper ^ (upper >> 1)) & (full >> 1)  # the next one along is alike
        points += 3 * (same_down & (same_down >> 1) & same_right).bit_count()
    last = n - len(_FINDER)  # reportlab stops one place short of the end
    for row in rows:
        at = row.find(_FINDER)
        while 0 <= at < last:
            points += 40
            at = row.find(_FINDER, at + len(_FINDER))
    dark = sum(row.count("1") for row in rows)
    return points + 10 * (abs(100 * dark // (n * n) - 50) // 5)


def qr_block(payload: str, captions: list[Flowable], size: float = 30 * mm) -> Table:
    """A QR code of ``payload`` with its captions below, centred in the heading's QR column."""
    block = Table([[QrSquares(payload, size)], *([c] for c in captions)],
                  colWidths=[QR_COLUMN - 4 * mm])
    block.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return block

"""The QR code printed on reports and letters: encoded once, drawn as one filled path.

Encoded by reportlab's ``QrCodeWidget`` (level M); drawn with the widget's layout (dark
runs of modules, a 4-module quiet zone) straight onto the canvas, which is about half the
cost of the widget in a ``Drawing``.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
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
        self.qr = QrCodeWidget(payload, barLevel="M").qr
        self.qr.make()

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


def qr_block(payload: str, captions: list[Flowable], size: float = 30 * mm) -> Table:
    """A QR code of ``payload`` with its captions below, centred in the heading's QR column."""
    block = Table([[QrSquares(payload, size)], *([c] for c in captions)],
                  colWidths=[QR_COLUMN - 4 * mm])
    block.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return block

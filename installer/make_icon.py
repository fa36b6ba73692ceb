"""Draw the app icon (resources/icons/creditdesk.png 256 px and creditdesk.ico) with Qt.

``python installer/make_icon.py``: a blue rounded square with a white shield and a green
tick (a checked credit record). Run again only to change the design; the files are kept
in the repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1565c0"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    shield = QPainterPath(QPointF(128 * s, 40 * s))
    shield.lineTo(200 * s, 68 * s)
    shield.cubicTo(200 * s, 150 * s, 172 * s, 196 * s, 128 * s, 220 * s)
    shield.cubicTo(84 * s, 196 * s, 56 * s, 150 * s, 56 * s, 68 * s)
    shield.closeSubpath()
    p.setBrush(QColor("white"))
    p.drawPath(shield)
    pen = QPen(QColor("#2e7d32"), 22 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    tick = QPainterPath(QPointF(92 * s, 130 * s))
    tick.lineTo(120 * s, 158 * s)
    tick.lineTo(168 * s, 104 * s)
    p.drawPath(tick)
    p.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    ok = draw(256).save(str(OUT / "creditdesk.png"))
    ok &= draw(48).save(str(OUT / "creditdesk.ico"))  # Qt's ico plugin; Windows scales it
    print(OUT / "creditdesk.png", OUT / "creditdesk.ico", "written" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

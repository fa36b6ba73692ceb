"""Where the printed documents break their lines.

reportlab's own Chinese line breaking (``wordWrap="CJK"``) breaks between any two
characters and lets at most one closing mark hang past the line's end; two in a row
("》，", "）。") or a mark it does not know ("》", "，") start the next line. Its word
wrapping (English labels) splits a long Chinese run anywhere as well. ``Para`` is a
paragraph that breaks by one rule in both languages:

* never before a closing mark (``CANNOT_START``: 》）」』】〕〉，。、；：！？…”’ and their
  ASCII kin): the character before it goes down with it, so a line never starts with one;
* never after an opening mark (``CANNOT_END``: 《（「『【〔〈“‘ …): it goes down with what
  it opens;
* never inside a run of Latin letters and digits (a word, a number, a record id), unless
  the run alone is wider than the line;
* anywhere else between two characters of Chinese text, and at spaces.

A line is filled as far as it fits, then broken at the last place the rule allows.
``OneLine`` is text that is never broken at all (the verification code).
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

CANNOT_START = frozenset("》）」』】〕〉］｝〗〙，。、；：！？…‥”’％‰℃·・ー々"
                         ")]},.;:!?%")
CANNOT_END = frozenset(r"《（「『【〔〈［｛〖〘“‘＄￥(\[{$")


def _in_word(ch: str) -> bool:
    """A character of a Latin run (letters, digits, the joiners of codes and numbers)."""
    return bool(ch) and not ch.isspace() and ord(ch) < 0x2E80 and ch not in CANNOT_START \
        and ch not in CANNOT_END


def may_break(before: str, after: str) -> bool:
    """True when a line may end after ``before`` and the next start with ``after``."""
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if before.isspace() or after.isspace():
        return True
    return not (_in_word(before) and _in_word(after))


def break_at(text: str, start: int, overflow: int) -> int:
    """Where the line ``text[start:overflow]`` (``text[overflow]`` no longer fits) ends:
    the last allowed break at or before ``overflow``; without one, ``overflow`` itself,
    moved back past closing marks so the next line does not start with one."""
    for end in range(overflow, start, -1):
        if may_break(text[end - 1], text[end]):
            return end
    end = overflow
    while end > start + 1 and text[end] in CANNOT_START:
        end -= 1
    return end


def _is_break(glyph: cjkU) -> bool:
    return glyph == "" and hasattr(glyph.frag, "lineBreak")


class Para(Paragraph):
    """A paragraph broken into lines by this module's rule (in either language)."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab's name
        return self._by_rule(maxWidths)

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        return self._by_rule(width)

    def _by_rule(self, widths) -> ParaLines:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the rest of a paragraph split across pages: already broken
        widths = list(widths) if isinstance(widths, (list, tuple)) else [widths]
        glyphs: list[cjkU] = []
        for frag in self.frags:
            text = getattr(frag, "text", "") or ""
            if text:
                glyphs.extend(cjkU(ch, frag, "utf8") for ch in text)
            else:  # a <br/>, or an empty run
                glyphs.append(cjkU("", frag, "utf8"))
        calc = getattr(self, "autoLeading", getattr(self.style, "autoLeading", "")) \
            not in ("", "off")
        text = "".join(g or "\n" for g in glyphs)  # one character per glyph
        lines = []
        start = pos = 0
        used = 0.0

        def emit(end: int, forced: bool) -> None:
            width = widths[min(len(lines), len(widths) - 1)]
            part = glyphs[start:end]
            while part and not forced and part[-1] == " ":
                part = part[:-1]
            drawn = sum(g.width for g in part)
            lines.append(makeCJKParaLine(part, width, drawn, width - drawn, forced, calc))

        while pos < len(glyphs):
            glyph = glyphs[pos]
            if _is_break(glyph):
                emit(pos + 1, True)
                start = pos = pos + 1
                used = 0.0
                continue
            width = widths[min(len(lines), len(widths) - 1)]
            if used + glyph.width > width + _FUZZ and pos > start:
                end = break_at(text, start, pos)
                emit(end, False)
                start = pos = end
                while start < len(glyphs) and glyphs[start] == " ":
                    start = pos = start + 1
                used = 0.0
                continue
            used += glyph.width
            pos += 1
        if start < len(glyphs):
            emit(len(glyphs), False)
        return ParaLines(kind=1, lines=lines)


class OneLine(Flowable):
    """Text that is never broken (the verification code): one line, centred in the width it
    is given, its size reduced from the style's (down to ``MIN_SIZE``) until it fits. Drawn
    as text, so it is read back from the file like any other."""

    MIN_SIZE = 5.0

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.size = style.fontSize

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        natural = stringWidth(self.text, self.style.fontName, self.style.fontSize)
        self.size = self.style.fontSize
        if natural > avail_width > 0:
            self.size = max(self.MIN_SIZE, self.style.fontSize * avail_width / natural)
        self.width = avail_width
        self.height = self.style.leading * self.size / self.style.fontSize
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFont(self.style.fontName, self.size)
        canv.setFillColor(self.style.textColor)
        canv.drawCentredString(self.width / 2, (self.height - self.size) / 2 + 0.2 * self.size,
                               self.text)
        canv.restoreState()

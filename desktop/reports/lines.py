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
``OneLine`` is text that is never broken at all (the verification code). ``plain`` makes
the ``Para`` of plain text.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape

from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines, cleanBlockQuotedText
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


class _Widths(dict):
    """The advance width of each character in one font at one size, measured once."""

    def __init__(self, font: str, size: float) -> None:
        super().__init__()
        self.font, self.size = font, size

    def __missing__(self, ch: str) -> float:
        width = self[ch] = stringWidth(ch, self.font, self.size)
        return width


_WIDTHS: dict[tuple[str, float], tuple[object, _Widths]] = {}


def _widths(font: str, size: float) -> _Widths:
    """The width table of ``font`` at ``size``, kept while that name means the same font
    (a name registered again with another file starts a new table)."""
    key, face = (font, size), getFont(font)
    known = _WIDTHS.get(key)
    if known is None or known[0] is not face:
        known = _WIDTHS[key] = (face, _Widths(font, size))
    return known[1]


class Para(Paragraph):
    """A paragraph broken into lines by this module's rule (in either language).

    Lines come out as reportlab's own CJK lines (one run per style on a line); the lines
    of a width are kept, since a table wraps each cell twice (to size it, then to draw it).
    """

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab's name
        return self._by_rule(maxWidths)

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        return self._by_rule(width)

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self.__dict__.pop("_kept", None)  # splitting edits the lines' runs: break anew
        return super().split(availWidth, availHeight)

    def _by_rule(self, widths) -> ParaLines:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the rest of a paragraph split across pages: already broken
        widths = list(widths) if isinstance(widths, (list, tuple)) else [widths]
        kept = self.__dict__.get("_kept")
        if kept is not None and kept[0] == widths:
            return kept[1]
        lines = ParaLines(kind=1, lines=_break(self.frags, widths))
        self._kept = (widths, lines)
        return lines


_TEMPLATES: WeakKeyDictionary = WeakKeyDictionary()  # style -> the run of its plain text
_MARKUP = frozenset("<>&\n")


def plain(text: str, style: ParagraphStyle) -> Para:
    """The paragraph of plain ``text`` (printed as given, a line break kept): the same as
    ``Para`` of the text escaped (``\\n`` as ``<br/>``). Text with no markup character
    and no line break skips reportlab's markup parser: its one run is the style's (parsed
    once per style), holding the text with white space collapsed as the parser's cleaner
    collapses it."""
    cleaned = cleanBlockQuotedText(text)
    if not cleaned or not _MARKUP.isdisjoint(text) or getattr(style, "textTransform", None):
        return Para(escape(text).replace("\n", "<br/>"), style)
    template = _TEMPLATES.get(style)
    if template is None:
        template = _TEMPLATES[style] = Paragraph("x", style).frags[0]
    return Para(escape(cleaned), style, frags=[template.clone(text=cleaned)])


def _break(frags: list, widths: list[float]) -> list:
    """The lines of ``frags`` (reportlab's runs of one style: text and <br/>, no inline
    images) at ``widths``, by the rule."""
    owner: list[int] = []  # per glyph: the index of its run
    advance: list[float] = []  # per glyph: its width
    chars: list[str] = []  # the glyphs' characters; "\n" for a <br/> or an empty run
    hard: set[int] = set()  # where a <br/> ends a line
    for n, frag in enumerate(frags):
        text = getattr(frag, "text", "") or ""
        if text:
            table = _widths(frag.fontName, frag.fontSize)
            advance.extend([table[ch] for ch in text])
            owner.extend([n] * len(text))
        else:
            if hasattr(frag, "lineBreak"):
                hard.add(len(owner))
            text = "\n"
            advance.append(0.0)
            owner.append(n)
        chars.append(text)
    text = "".join(chars)
    lines: list = []
    start = pos = 0
    used = 0.0
    count = len(text)

    def emit(end: int, forced: bool) -> None:
        width = widths[min(len(lines), len(widths) - 1)]
        if not forced:
            while end > start and text[end - 1] == " ":
                end -= 1
        drawn = sum(advance[start:end])
        lines.append(_line(frags, owner, text, start, end, width, drawn, forced))

    while pos < count:
        if pos in hard:
            emit(pos + 1, True)
            start = pos = pos + 1
            used = 0.0
            continue
        width = widths[min(len(lines), len(widths) - 1)]
        glyph = advance[pos]
        if used + glyph > width + _FUZZ and pos > start:
            end = break_at(text, start, pos)
            emit(end, False)
            start = pos = end
            while start < count and text[start] == " ":
                start = pos = start + 1
            used = 0.0
            continue
        used += glyph
        pos += 1
    if start < count:
        emit(count, False)
    return lines


def _line(frags: list, owner: list[int], text: str, start: int, end: int, width: float,
          drawn: float, forced: bool) -> FragLine:
    """One line of glyphs ``start:end``, as ``makeCJKParaLine`` makes it: a run per style
    (neighbouring runs of the same style joined), the largest size, ascent and descent."""
    words: list = []
    size = ascent = descent = 0  # as reportlab starts them
    first: object = None
    pos = start
    while pos < end:
        n = owner[pos]
        stop = pos + 1
        while stop < end and owner[stop] == n:
            stop += 1
        frag = frags[n]
        piece = "" if not getattr(frag, "text", "") else text[pos:stop]
        up, down = getAscentDescent(frag.fontName, frag.fontSize)
        size, ascent, descent = max(size, frag.fontSize), max(ascent, up), min(descent, down)
        if first is not None and sameFrag(first, frag):
            words[-1].text += piece
        else:
            words.append(frag.clone(text=piece))
            first = frag
        pos = stop
    return FragLine(kind=1, extraSpace=width - drawn, wordCount=1, words=words,
                    fontSize=size, ascent=ascent, descent=descent, maxWidth=width,
                    currentWidth=drawn, lineBreak=forced)


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

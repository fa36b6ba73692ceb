"""Every PDF the desk writes holds standard Unicode for its Chinese text, whatever CJK font
the machine has: once with only Noto CJK (CFF outlines: reportlab cannot embed them and
falls back to the non-embedded CID font STSong-Light), once with only WenQuanYi Micro Hei
(TrueType: embedded). Each font set is a fontconfig file of its own; a child process
(tests/ui/pdf_fonts_child.py) writes the credit report, the commitment letter, the
supervisor's review summary and the closed-loop statistics through the app's code with
that file as ``$FONTCONFIG_FILE``, and the PDFs are read back here with pypdf.

Qt's own PDF engine, which drew the statistics before, mapped Noto's glyphs back to Kangxi
radicals (U+2F64 for 用), so "信用" could not be found in that PDF; the check for code
points in U+2E80-U+2FDF guards against such maps coming back.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.unit.test_report_pdf import TAX_BUREAU, sample_letter, sample_report

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("pdf_fonts_child.py")
LATIN = Path("/usr/share/fonts/truetype/dejavu")
FONT_SETS = {  # name: (font directory, the Debian package that installs it)
    "noto": (Path("/usr/share/fonts/opentype/noto"), "fonts-noto-cjk"),
    "wqy": (Path("/usr/share/fonts/truetype/wqy"), "fonts-wqy-microhei"),
}
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals

# Phrases each document really holds: its title, a table cell, a measure (or list) name.
PHRASES = {
    "report": ["公共信用信息核查报告", sample_report().subject_name, TAX_BUREAU,
               sample_report().measures[0]["text"], "信用记录"],
    "letter": ["信用承诺书", sample_letter().missing_materials[0], sample_letter().department,
               sample_letter().item_name],
    "review": ["审计日志查阅导出", "按事件统计", "工作人员", "全部日志"],
    "stats": ["信用核查闭环统计", "禁止3，限制1", "终止办理1，依法继续办理1", "触发措施",
              "依法继续办理"],
}


def fontconfig_file(folder: Path, fonts: Path) -> Path:
    """A fontconfig file offering only ``fonts`` and DejaVu, with a cache of its own."""
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <dir>{LATIN}</dir>
  <cachedir>{folder / "fc-cache"}</cachedir>
</fontconfig>
""", encoding="utf-8")
    return conf


@pytest.fixture(scope="module", params=sorted(FONT_SETS))
def written(request, tmp_path_factory) -> tuple[str, dict[str, Path]]:
    """(font set, {kind: PDF}) written by the child under that font set alone."""
    name = request.param
    fonts, package = FONT_SETS[name]
    for folder, needed in ((fonts, package), (LATIN, "fonts-dejavu-core")):
        if not folder.is_dir():
            pytest.fail(f"{folder} is missing: install the Debian package {needed} "
                        f"(apt-get install {needed})")
    folder = tmp_path_factory.mktemp(f"fonts-{name}")
    out = folder / "pdf"
    out.mkdir()
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(folder, fonts)),
               QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [
                   os.environ.get("PYTHONPATH")])]))
    env.pop("CREDITDESK_CJK_FONT", None)  # the font set decides, not a chosen file
    done = subprocess.run([sys.executable, str(CHILD), str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return name, {kind: out / f"{kind}.pdf" for kind in PHRASES}


def text_of(pdf: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def fonts_of(pdf: Path) -> dict[str, bool]:
    """{BaseFont: embedded} of every font the pages use."""
    found = {}
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            found[str(font["/BaseFont"])] = any(
                key in d.get_object() for d in descriptors if d is not None
                for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_chinese_text_comes_back_as_standard_code_points(written):
    name, pdfs = written
    for kind, pdf in pdfs.items():
        text = text_of(pdf)
        flat = re.sub(r"\s", "", text)
        for phrase in PHRASES[kind]:
            assert re.sub(r"\s", "", phrase) in flat, (name, kind, phrase)
        radicals = sorted({f"U+{ord(c):04X}" for c in text if ord(c) in RADICALS})
        assert not radicals, (name, kind, radicals)


def test_the_font_follows_the_machines_font_set(written):
    name, pdfs = written
    for kind, pdf in pdfs.items():
        fonts = fonts_of(pdf)
        wqy = [f for f, embedded in fonts.items() if "WenQuanYi" in f and embedded]
        if name == "wqy":  # TrueType: embedded, subset
            assert wqy and "/STSong-Light" not in fonts, (kind, fonts)
        else:  # CFF only: the documented fallback, not embedded
            assert fonts.get("/STSong-Light") is False and not wqy, (kind, fonts)
            assert not any("Noto" in f for f in fonts), (kind, fonts)

"""The window's languages: Simplified Chinese in the source, English as a translation.

Every window string is written in Chinese inside ``self.tr("...")`` or
``QCoreApplication.translate("Context", "...")``; ``resources/i18n/creditdesk_en.ts`` holds
the English. The default language, zh_CN, needs no translator of ours (only Qt's own, so
standard buttons read 取消 rather than Cancel).

Compiled ``.qm`` files are build products. When the one next to a ``.ts`` is missing or
older than it (a fresh checkout), :func:`install` compiles the ``.ts`` with lrelease into
the user's cache directory and loads it from there; without lrelease it stays in Chinese
and returns False.

    python -m ui.i18n update        # lupdate every ui/*.py into creditdesk_en.ts
    python -m ui.i18n build         # lrelease every .ts into a .qm next to it
    python -m ui.i18n untranslated  # source strings still without a translation
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from desktop.settings import FILE_NAME as SETTINGS_FILE

log = logging.getLogger(__name__)

DEFAULT = "zh_CN"  # the source language: no translator of ours needed
PREFIX = "creditdesk_"
NATIVE_NAMES = {"zh_CN": "简体中文", "en": "English"}  # each language in its own words
FALLBACK_MESSAGE = "界面翻译无法加载，继续以中文显示 / translations unavailable, showing Chinese"
_MARK = "creditdesk-i18n"  # objectName of the translators this module installs
_CACHE_DAYS = 30  # cached builds of other versions older than this are removed
_TOOL_TIMEOUT = 120  # seconds; lrelease of one file takes well under one
_current = DEFAULT  # the language install() last put in place
# Where a core message "中文 / English" turns English: a slash with a space after it, after
# a space or a full-width mark (a path's own slashes have no space after them).
_SEPARATOR = re.compile(r"(?:(?<=\s)|(?<=[\u3000-\u303f\uff00-\uffef]))/ ")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def menu_title() -> str:
    """The label of the language menu or setting, in the current language."""
    return QCoreApplication.translate("Language", "界面语言")


def native_name(lang: str) -> str:
    """``lang`` as its speakers write it (for a language menu: never translated)."""
    return NATIVE_NAMES.get(lang, lang)


def current() -> str:
    """The language the window is shown in (what :func:`install` last installed)."""
    return _current


def comma() -> str:
    """The comma between the items of a list, in the window's language ("，" in Chinese)."""
    return QCoreApplication.translate("Punctuation", "，")


def semicolon() -> str:
    """The semicolon between clauses, in the window's language ("；" in Chinese)."""
    return QCoreApplication.translate("Punctuation", "；")


def has_cjk(text: str) -> bool:
    """True when ``text`` holds a Chinese character or a CJK / full-width punctuation mark."""
    return _CJK.search(text) is not None


def said(exc: BaseException | str) -> str:
    """A core error (or a core text) as the window says it: the core raises "中文 / English"
    (FlowError, StaffError, PlatformError, ...). A Chinese window shows both, as the house
    rule asks of errors; an English one shows the English part alone (its ``en`` or
    ``message_en``, else what follows the separator). A text with no English part is shown
    as it is."""
    text = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    if _current == DEFAULT:
        return text
    for name in ("en", "message_en"):
        english = getattr(exc, name, None)
        if isinstance(english, str) and english:
            return english
    return english_part(text)


_CLAUSE_ENDS = "；，。;\n"


def english_part(text: str) -> str:
    """The English of a bilingual "中文 / English" text ("中文 / English，中文 / English"
    gives both English parts); the whole text when it has none."""
    cuts = [m for m in _SEPARATOR.finditer(text) if has_cjk(text[:m.start()])]
    parts = []
    for k, match in enumerate(cuts):
        end = len(text)
        if k + 1 < len(cuts):  # up to the Chinese that the next separator closes
            end = cuts[k + 1].start()
            # That Chinese starts after the last mark that ends a clause ("；", "，", ...)
            # when there is one (its own digits, "24 小时", stay with it); else after the
            # English's last character that is not Chinese.
            mark = max(text.rfind(c, match.end(), end) for c in _CLAUSE_ENDS)
            if mark >= 0:
                end = mark
            else:
                while end > match.end() and (text[end - 1].isspace()
                                             or has_cjk(text[end - 1])):
                    end -= 1
        parts.append(text[match.end():end].strip(" ,;"))
    english = ", ".join(p for p in parts if p)
    return english or text


def system_language(directory: Path | None = None) -> str:
    """The window language the system's locale asks for, among those available."""
    from PySide6.QtCore import QLocale

    names = [n.replace("-", "_") for n in QLocale.system().uiLanguages()] or [DEFAULT]
    langs = available(directory)
    for name in names:
        if name.startswith("zh"):
            return DEFAULT
        if name in langs or name.split("_")[0] in langs:
            return name if name in langs else name.split("_")[0]
    return DEFAULT


def start_language(data_dir: Path | None, directory: Path | None = None) -> str:
    """The language of what shows before the settings are opened (the progress window,
    a refused start): the ``language`` of ``settings.json`` read alone (nothing else of
    the file is checked; a file that cannot be read says nothing), else the system's."""
    if data_dir is not None:
        try:
            stored = json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        lang = stored.get("language") if isinstance(stored, dict) else None
        if isinstance(lang, str) and lang in available(directory):
            return lang
    return system_language(directory)


def i18n_dir() -> Path:
    """``resources/i18n`` of the installed package (source tree or site-packages)."""
    return Path(str(resources.files("resources"))) / "i18n"


def cache_dir() -> Path:
    """Where translations compiled at run time are kept."""
    return Path(platformdirs.user_cache_dir("creditdesk", appauthor=False)) / "i18n"


def available(directory: Path | None = None) -> list[str]:
    """Languages the window can show: zh_CN first, then every ``creditdesk_<lang>.ts``."""
    directory = directory or i18n_dir()
    found = {p.stem.removeprefix(PREFIX) for p in directory.glob(PREFIX + "*.ts")}
    found |= {p.stem.removeprefix(PREFIX) for p in directory.glob(PREFIX + "*.qm")}
    found.discard(DEFAULT)
    return [DEFAULT, *sorted(found)]


def find_tool(name: str) -> Path | None:
    """Qt's ``lupdate``/``lrelease`` as shipped in the PySide6 wheel, else from PATH.

    The wheel's own binary is found from the PySide6 package, so it works in a venv that
    was never activated (where the ``pyside6-lrelease`` script is not on PATH).
    """
    import PySide6

    exe = name + (".exe" if sys.platform == "win32" else "")
    bundled = Path(PySide6.__file__).resolve().parent / exe
    if bundled.is_file():
        return bundled
    for candidate in ("pyside6-" + name, name):
        found = shutil.which(candidate)
        if found:
            return Path(found)
    return None


def _run(tool: Path, args: Sequence[str]) -> None:
    subprocess.run([str(tool), *args], check=True, timeout=_TOOL_TIMEOUT,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def compile_ts(ts: Path, qm: Path) -> bool:
    """Compile ``ts`` into ``qm`` with lrelease (atomically); False if that is impossible."""
    tool = find_tool("lrelease")
    if tool is None:
        log.warning("lrelease not found: cannot compile %s", ts.name)
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    # Compile beside the target and rename: two windows starting at once never read half
    # a file.
    fd, tmp_name = tempfile.mkstemp(prefix=qm.stem + "-", suffix=".qm.tmp", dir=qm.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _run(tool, ["-silent", str(ts), "-qm", str(tmp)])
        tmp.chmod(0o644)  # mkstemp makes it private; a built .qm is shipped to everyone
        tmp.replace(qm)
    except (OSError, subprocess.SubprocessError) as exc:
        output = getattr(exc, "output", "") or ""
        log.warning("lrelease failed on %s: %s %s", ts.name, exc, output.strip())
        tmp.unlink(missing_ok=True)
        return False
    return True


def _current_qm(ts: Path, cache: Path) -> Path | None:
    """A .qm for ``ts`` that is up to date: the one beside it, else one in the cache."""
    beside = ts.with_suffix(".qm")
    if beside.exists() and (not ts.exists() or beside.stat().st_mtime >= ts.stat().st_mtime):
        return beside
    if not ts.exists():
        return None
    # Keyed by content, not age: installs of different versions may share one cache.
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    cached = cache / f"{ts.stem}-{digest}.qm"
    if cached.exists():
        return cached
    if not compile_ts(ts, cached):
        return None
    _forget_old(cached)
    return cached


def _forget_old(kept: Path) -> None:
    """Remove cached builds of earlier versions not refreshed for a month."""
    stem = kept.stem.rsplit("-", 1)[0]
    month_ago = kept.stat().st_mtime - _CACHE_DAYS * 86400
    for old in kept.parent.glob(f"{stem}-*.qm"):
        try:
            if old != kept and old.stat().st_mtime < month_ago:
                old.unlink()
        except OSError:
            pass  # another window may be doing the same


def _remove_ours(app: QCoreApplication) -> None:
    for translator in app.findChildren(QTranslator):
        if translator.objectName() == _MARK:
            app.removeTranslator(translator)
            translator.setObjectName("")  # gone for the next search, before deleteLater
            translator.deleteLater()


def _install_file(app: QCoreApplication, path: Path) -> bool:
    translator = QTranslator(app)
    translator.setObjectName(_MARK)
    if translator.load(str(path)) and app.installTranslator(translator):
        return True
    translator.setParent(None)
    return False


def _install_qt(app: QCoreApplication, lang: str) -> None:
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    qtbase = qt_dir / f"qtbase_{lang}.qm"
    if not (qtbase.exists() and _install_file(app, qtbase)):
        log.debug("no Qt translation for %s in %s", lang, qt_dir)


def install(app: QCoreApplication, lang: str, *, directory: Path | None = None,
            cache: Path | None = None) -> bool:
    """Show the window in ``lang``: replaces whatever this function installed before.

    Qt then sends every widget a ``LanguageChange`` event. Returns False (and logs a
    warning) when ``lang`` cannot be loaded; the window is then left in Chinese.
    """
    global _current
    _remove_ours(app)
    _current = DEFAULT
    if lang == DEFAULT:
        _install_qt(app, DEFAULT)
        return True
    directory = directory or i18n_dir()
    qm = _current_qm(directory / f"{PREFIX}{lang}.ts", cache or cache_dir())
    if qm is None or not _install_file(app, qm):
        log.warning("translation %s unavailable; showing zh_CN", lang)
        _install_qt(app, DEFAULT)
        return False
    _install_qt(app, lang)
    _current = lang
    return True


# --- maintenance commands: python -m ui.i18n update | build | untranslated ---


def ui_sources(root: Path) -> list[Path]:
    """Every Python module of the window (``ui/**/*.py``)."""
    return sorted((root / "ui").rglob("*.py"))


def update(root: Path, prune: bool = False) -> Path:
    """Extract the strings of ``ui/*.py`` into ``creditdesk_en.ts``, keeping translations."""
    tool = find_tool("lupdate")
    if tool is None:
        raise RuntimeError("lupdate not found (it comes with PySide6-Essentials)")
    ts = root / "resources" / "i18n" / f"{PREFIX}en.ts"
    ts.parent.mkdir(parents=True, exist_ok=True)
    # No source locations: line numbers would churn the file on every edit elsewhere.
    args = ["-silent", "-locations", "none", "-source-language", DEFAULT,
            "-target-language", "en", *map(str, ui_sources(root)), "-ts", str(ts)]
    if prune:
        args.insert(0, "-no-obsolete")
    _run(tool, args)
    return ts


def build(directory: Path) -> list[Path]:
    """Compile every ``.ts`` in ``directory`` into a ``.qm`` next to it."""
    built = []
    for ts in sorted(directory.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not compile_ts(ts, qm):
            raise RuntimeError(f"cannot compile {ts}")
        built.append(qm)
    return built


def untranslated(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every current message that has no finished translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            node = message.find("translation")
            kind = node.get("type", "") if node is not None else ""
            if kind in ("vanished", "obsolete"):
                continue  # no longer in the source
            text = "".join(node.itertext()) if node is not None else ""
            if kind == "unfinished" or not text.strip():
                missing.append((name, message.findtext("source", "")))
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ui.i18n``: maintain the translation files."""
    parser = argparse.ArgumentParser(prog="python -m ui.i18n", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="lupdate ui/*.py into resources/i18n/creditdesk_en.ts")
    up.add_argument("--prune", action="store_true", help="drop strings no longer in the source")
    sub.add_parser("build", help="lrelease every .ts into a .qm next to it")
    un = sub.add_parser("untranslated", help="list source strings without a translation")
    un.add_argument("--check", action="store_true", help="exit 1 if any string is missing")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    directory = root / "resources" / "i18n"
    try:
        if args.command == "update":
            ts = update(root, prune=args.prune)
            print(f"{ts}: {len(untranslated(ts))} untranslated")
        elif args.command == "build":
            for qm in build(directory):
                print(qm)
        else:
            total = 0
            for ts in sorted(directory.glob("*.ts")):
                missing = untranslated(ts)
                total += len(missing)
                for context, source in missing:
                    print(f"{ts.name}\t{context}\t{source}")
            print(f"{total} untranslated", file=sys.stderr)
            return 1 if args.check and total else 0
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

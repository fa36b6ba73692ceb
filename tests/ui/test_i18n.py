"""Languages: English from the real .ts, back to Chinese, compiling on demand, no lrelease."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QDialogButtonBox

from ui import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "creditdesk_en.ts"


class Language(QObject):
    """Named as the context of ``ui.i18n.menu_title`` so ``self.tr`` looks up the same text."""


def finished_messages(ts: Path) -> list[tuple[str, str, str, str]]:
    """(context, source, comment, translation) of every finished message of ``ts``."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            node = message.find("translation")
            if node.get("type") or not (node.text or "").strip():
                continue
            found.append((context.findtext("name"), message.findtext("source"),
                          message.findtext("comment") or "", node.text))
    return found


def button_texts() -> list[str]:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    return [button.text() for button in box.buttons()]


@pytest.fixture
def i18n_copy(tmp_path):
    """The real .ts alone in a directory of its own (no .qm next to it)."""
    directory = tmp_path / "i18n"
    directory.mkdir()
    shutil.copy(TS, directory)
    return directory


@pytest.fixture
def back_to_chinese(qapp):
    yield
    i18n.install(qapp, "zh_CN")


def test_english_then_chinese_again(qapp, tmp_path, back_to_chinese):
    assert i18n.install(qapp, "en", cache=tmp_path / "cache")
    assert Language().tr("界面语言") == "Language"
    assert i18n.menu_title() == "Language"
    assert button_texts() == ["Cancel"]
    messages = finished_messages(TS)
    assert len(messages) >= 1
    for context, source, comment, english in messages:
        assert QCoreApplication.translate(context, source, comment or None) == english

    assert i18n.install(qapp, "zh_CN")
    assert Language().tr("界面语言") == "界面语言"
    assert i18n.menu_title() == "界面语言"
    assert button_texts() == ["取消"]  # Qt's own strings follow the language too


def test_switching_twice_leaves_one_translator(qapp, tmp_path, back_to_chinese):
    from PySide6.QtCore import QTranslator

    for _ in range(3):
        assert i18n.install(qapp, "en", cache=tmp_path / "cache")
    qapp.processEvents()
    ours = [t for t in qapp.findChildren(QTranslator) if t.objectName() == i18n._MARK]
    assert len(ours) == 2  # creditdesk_en and qtbase_en, not six


def test_build_compiles_every_ts_next_to_it(qapp, i18n_copy, back_to_chinese):
    built = i18n.build(i18n_copy)
    assert built == [i18n_copy / "creditdesk_en.qm"]
    assert built[0].stat().st_size > 0
    # The .qm beside the .ts is used as it is: an empty cache stays empty.
    cache = i18n_copy.parent / "cache"
    assert i18n.install(qapp, "en", directory=i18n_copy, cache=cache)
    assert i18n.menu_title() == "Language"
    assert not cache.exists()


def test_a_missing_qm_is_compiled_into_the_cache(qapp, i18n_copy, tmp_path, monkeypatch,
                                                 back_to_chinese):
    cache = tmp_path / "cache"
    cache.mkdir()
    old, recent = cache / "creditdesk_en-0000000000000000.qm", cache / "creditdesk_en-1.qm"
    old.write_bytes(b"an earlier version's build")
    recent.write_bytes(b"another install's build")
    os.utime(old, (old.stat().st_mtime - 40 * 86400,) * 2)
    assert i18n.install(qapp, "en", directory=i18n_copy, cache=cache)
    assert i18n.menu_title() == "Language"
    compiled = set(cache.glob("creditdesk_en-*.qm")) - {recent}
    assert len(compiled) == 1 and old not in compiled  # a month-old build was removed
    assert not list(i18n_copy.glob("*.qm"))  # the installed package is not written to
    # The next start loads the cached file without running lrelease again.
    monkeypatch.setattr(i18n, "compile_ts", lambda ts, qm: pytest.fail("compiled again"))
    i18n.install(qapp, "zh_CN")
    assert i18n.install(qapp, "en", directory=i18n_copy, cache=cache)
    assert i18n.menu_title() == "Language"


def test_a_qm_older_than_its_ts_is_not_used(qapp, i18n_copy, tmp_path, back_to_chinese):
    ts = i18n_copy / "creditdesk_en.ts"
    stale_ts = tmp_path / "stale.ts"
    stale_ts.write_text(ts.read_text(encoding="utf-8").replace(
        "<translation>Language</translation>", "<translation>OLD</translation>"),
        encoding="utf-8")
    qm = ts.with_suffix(".qm")
    assert i18n.compile_ts(stale_ts, qm)
    os.utime(qm, (ts.stat().st_mtime - 60,) * 2)
    assert i18n.install(qapp, "en", directory=i18n_copy, cache=tmp_path / "cache")
    assert i18n.menu_title() == "Language"
    # Newer than the .ts, the same file is taken as it is.
    os.utime(qm, (ts.stat().st_mtime + 60,) * 2)
    assert i18n.install(qapp, "en", directory=i18n_copy, cache=tmp_path / "cache")
    assert i18n.menu_title() == "OLD"


def test_without_lrelease_the_window_stays_chinese(qapp, i18n_copy, tmp_path, monkeypatch,
                                                   caplog, back_to_chinese):
    assert i18n.install(qapp, "en", cache=tmp_path / "cache")
    assert i18n.menu_title() == "Language"
    monkeypatch.setattr(i18n, "find_tool", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="ui.i18n"):
        assert i18n.install(qapp, "en", directory=i18n_copy, cache=tmp_path / "other") is False
    assert i18n.menu_title() == "界面语言"  # the English one installed before is gone too
    assert button_texts() == ["取消"]
    assert "lrelease not found" in caplog.text


def test_an_unknown_language_is_refused(qapp, tmp_path, back_to_chinese):
    assert i18n.install(qapp, "fr", cache=tmp_path / "cache") is False
    assert i18n.menu_title() == "界面语言"


def test_available_languages(i18n_copy, tmp_path):
    assert i18n.available() == ["zh_CN", "en"]
    assert i18n.available(i18n_copy) == ["zh_CN", "en"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert i18n.available(empty) == ["zh_CN"]


def test_update_keeps_translations_and_adds_new_strings(tmp_path):
    (tmp_path / "ui").mkdir()
    ts = tmp_path / "resources" / "i18n" / "creditdesk_en.ts"
    ts.parent.mkdir(parents=True)
    shutil.copy(TS, ts)
    (tmp_path / "ui" / "panel.py").write_text(
        "from PySide6.QtCore import QCoreApplication, QObject\n\n"
        "class Panel(QObject):\n"
        "    def title(self):\n"
        "        return self.tr('新面板 %1')\n\n"
        "def menu_title():\n"
        "    return QCoreApplication.translate('Language', '界面语言')\n",
        encoding="utf-8")
    i18n.update(tmp_path)
    assert i18n.untranslated(ts) == [("Panel", "新面板 %1")]
    kept = {(c, s): t for c, s, _, t in finished_messages(ts)}
    assert kept[("Language", "界面语言")] == "Language"
    # Strings no longer in the source are kept aside (not counted), or dropped with --prune.
    i18n.update(tmp_path, prune=True)
    assert {c for c, _, _, _ in finished_messages(ts)} == {"Language"}


def test_the_untranslated_command_counts_what_is_missing():
    done = subprocess.run([sys.executable, "-m", "ui.i18n", "untranslated", "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    missing = i18n.untranslated(TS)
    assert done.stderr.strip().endswith(f"{len(missing)} untranslated")
    assert done.returncode == (1 if missing else 0)
    assert len(done.stdout.splitlines()) >= len(missing)


def test_the_english_part_of_a_text_with_digits_in_its_next_chinese_clause():
    from ui.i18n import english_part

    text = ("快照于 30.0 小时前同步 / synced 30.0 h ago；快照已超过 24 小时 / the snapshot is "
            "older than 24 h")
    assert english_part(text) == "synced 30.0 h ago, the snapshot is older than 24 h"
    assert english_part("无法读取 / cannot read") == "cannot read"

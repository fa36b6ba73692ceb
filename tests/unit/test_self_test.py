"""``creditdesk --self-test`` in a real process: every check passes on a whole install, and
a broken one (no CJK font to embed) exits non-zero and says which check failed."""

from __future__ import annotations

import os
import subprocess

from sandbox.process import creditdesk_script


def run_self_test(**env):
    return subprocess.run([creditdesk_script(), "--self-test"], capture_output=True, text=True,
                          encoding="utf-8", timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})


def test_a_whole_installation_passes_every_check():
    done = run_self_test()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in ("imports", "cache", "report", "print", "platform", "bridge", "CJK font",
                 "translations", "credit map"):
        assert any(line.startswith("✔ " + name) for line in lines), (name, lines)
    assert lines[-1] == "自检通过 / self-test passed"


def test_a_missing_font_fails_the_self_test_by_name(monkeypatch):
    # Uninstalling the machine's fonts is out of reach here, so the font search is pointed
    # at nothing in this process; every other check runs for real.
    from desktop.reports import fonts as report_fonts
    from ui import self_test

    monkeypatch.setattr(report_fonts, "_CANDIDATES", [])
    monkeypatch.setattr(report_fonts, "_fc_list", lambda: [])
    monkeypatch.setattr(report_fonts, "_registered", None)
    monkeypatch.delenv(report_fonts.ENV_FONT, raising=False)
    lines: list[str] = []
    assert self_test.run(lines.append) is False
    assert any(line.startswith("✘ CJK font") and "fonts-wqy-microhei" in line
               for line in lines), lines
    assert sum(line.startswith("✔ ") for line in lines) == 9  # every other check
    assert lines[-1] == "自检失败 / self-test FAILED"

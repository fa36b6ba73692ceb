"""Printed commitment letters are deleted from the temp folder a day after printing."""

from __future__ import annotations

import os
import time

from desktop.counter import temp_letters


def test_letters_older_than_a_day_are_swept_and_newer_kept(tmp_path):
    now = time.time()
    ages = {"old.pdf": temp_letters.KEEP_SECONDS + 60, "fresh.pdf": 3600,
            "just-printed.pdf": 0}
    for name, age in ages.items():
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4 letter")
        os.utime(path, (now - age, now - age))
    (tmp_path / "notes.txt").write_text("not a letter")
    os.utime(tmp_path / "notes.txt", (now - 10 * temp_letters.KEEP_SECONDS,) * 2)

    assert temp_letters.sweep(tmp_path, now=now) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.pdf", "just-printed.pdf",
                                                          "notes.txt"]
    assert temp_letters.sweep(tmp_path / "missing", now=now) == 0  # no folder yet: nothing


def test_the_default_letter_is_in_the_swept_folder():
    path = temp_letters.letter_path("chk-1")
    assert path.parent == temp_letters.folder() and path.name == "chk-1.pdf"

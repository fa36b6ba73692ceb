"""``creditdesk`` as a user runs it: the installed script, in a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.strategies import ric_check, uscc_check

RIC = "33060219900101123" + ric_check("33060219900101123")
USCC = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")


def creditdesk(*args: str) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).with_name("creditdesk")
    script = str(beside) if beside.exists() else shutil.which("creditdesk")
    assert script, "the creditdesk script is not installed (pip install -e .)"
    return subprocess.run(
        [script, *args], capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def test_version():
    from desktop import __version__

    done = creditdesk("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"creditdesk {__version__}"
    assert __version__ != "0+unknown"


def test_id_json_for_a_fifteen_digit_number():
    done = creditdesk("id", "330602900101123", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "kind": "resident_id",
        "normalized": RIC,
        "masked": "330602********" + RIC[14:],
        "converted_from_15": True,
    }


def test_id_json_for_a_full_width_credit_code():
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in USCC.lower())
    done = creditdesk("id", fullwidth, "--json")
    assert json.loads(done.stdout) == {
        "kind": "uscc", "normalized": USCC, "masked": USCC, "converted_from_15": False,
    }


@pytest.mark.parametrize("typed", [RIC, "330602900101123", f"身份证号码：{RIC}。"])
def test_plain_output_shows_a_resident_number_only_masked(typed):
    done = creditdesk("id", typed)
    assert done.returncode == 0, done.stderr
    assert RIC not in done.stdout and "19900101" not in done.stdout
    assert "330602********" + RIC[14:] in done.stdout
    assert "居民身份号码" in done.stdout and "resident identity number" in done.stdout


def test_plain_output_shows_a_credit_code_whole():
    done = creditdesk("id", USCC)
    assert USCC in done.stdout and "统一社会信用代码" in done.stdout


@pytest.mark.parametrize(
    ("typed", "zh", "en"),
    [
        ("12345", "长度错误", "wrong length"),
        (RIC[:17] + ("0" if RIC[17] != "0" else "1"), "校验位错误", "check character is wrong"),
        (USCC[:5] + "O" + USCC[6:], "第6位字符“O”", "'O' at position 6"),
    ],
)
def test_invalid_input_prints_the_reason_on_stderr_and_exits_2(typed, zh, en):
    done = creditdesk("id", typed)
    assert done.returncode == 2
    assert done.stdout == ""
    assert zh in done.stderr and en in done.stderr


def test_help_lists_id_and_gui():  # bare ``creditdesk`` opens the window instead
    done = creditdesk("--help")
    assert done.returncode == 0
    assert " id " in done.stdout and "gui" in done.stdout

"""The check channel: a real listener, senders in real separate processes, garbage on the wire,
and the link format."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket

from ui import single_instance
from ui.single_instance import LinkError, Listener, channel_name, parse_link

ROOT = Path(__file__).resolve().parents[2]
CODE = "91330602MA2BCDEF1X"
RESIDENT = "330602199001011234"

# What the launcher does: its own --data-dir, our options, then handoff.
SENDER = """
import argparse, sys
from ui import single_instance
parser = argparse.ArgumentParser()
parser.add_argument("--data-dir")
single_instance.add_arguments(parser)
print(single_instance.handoff(parser.parse_args(sys.argv[1:])))
"""

# A window that listens, then dies without closing its socket (os._exit skips cleanup),
# hangs, or keeps running.
CRASHING_WINDOW = """
import os, sys
from PySide6.QtCore import QCoreApplication
from ui.single_instance import Listener
app = QCoreApplication([])
listener = Listener(sys.argv[1])
assert listener.start()
print("listening", flush=True)
if sys.argv[2] == "crash":
    os._exit(1)
if sys.argv[2] == "hang":  # listening, but the event loop never runs: a hung window
    import time
    time.sleep(60)  # not a wait: the child stays alive and hung; the test kills it
app.exec()
"""


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "desk"


@pytest.fixture
def listener(qtbot, data_dir):
    listener = Listener(channel_name(data_dir))
    assert listener.start()
    yield listener
    listener.close()


def send_raw(qtbot, name: str, data: bytes) -> bytes:
    """Write ``data`` as a misbehaving sender would; what the listener answered."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    assert socket.waitForConnected(1000)
    socket.write(data)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState,
                    timeout=10000)
    return bytes(socket.readAll().data())


def test_a_check_from_another_process_reaches_the_window(qtbot, listener, data_dir):
    with qtbot.waitSignal(listener.check_requested, timeout=15000) as blocker:
        sender = spawn(SENDER, "--data-dir", str(data_dir), "--check", RESIDENT,
                       "--item", "FOOD_LICENCE")
    out, err = sender.communicate(timeout=15)
    assert blocker.args == [RESIDENT, "FOOD_LICENCE"]
    assert (sender.returncode, out.strip(), err) == (0, "True", "")


def test_a_link_from_another_process_reaches_the_window(qtbot, listener, data_dir):
    link = f"creditdesk://check?id={CODE}&item=GOV_PROCUREMENT"
    with qtbot.waitSignal(listener.check_requested, timeout=15000) as blocker:
        sender = spawn(SENDER, "--data-dir", str(data_dir), link)
    out, _ = sender.communicate(timeout=15)
    assert blocker.args == [CODE, "GOV_PROCUREMENT"]
    assert out.strip() == "True"


def test_a_start_without_a_check_brings_the_window_forward(qtbot, listener, data_dir):
    with qtbot.waitSignal(listener.activate_requested, timeout=15000):
        sender = spawn(SENDER, "--data-dir", str(data_dir))
    assert sender.communicate(timeout=15)[0].strip() == "True"


def test_without_a_window_handoff_returns_false(tmp_path):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    single_instance.add_arguments(parser)
    args = parser.parse_args(["--data-dir", str(tmp_path), "--check", CODE])
    assert single_instance.handoff(args) is False


def test_another_data_directory_is_another_window(qtbot, listener, tmp_path):
    other = spawn(SENDER, "--data-dir", str(tmp_path / "elsewhere"), "--check", CODE)
    assert other.communicate(timeout=15)[0].strip() == "False"
    assert channel_name(tmp_path / "desk") == listener.name
    assert channel_name(tmp_path / "elsewhere") != listener.name
    assert channel_name(tmp_path / "desk", demo=True) != listener.name


@pytest.mark.parametrize("garbage", [
    b"\xff\xfe not utf-8\n",
    b"not json\n",
    b"[1, 2]\n",
    b'{"item": "FOOD_LICENCE"}\n',
    b'{"check": ""}\n',
    b'{"check": 330602}\n',
    b'{"check": "330602\\u0000199001011234"}\n',
    b'{"check": "x", "item": "y", "run": "rm -rf /"}\n',
    b'{"check": "' + b"9" * 300 + b'"}\n',
])
def test_garbage_is_refused_and_the_listener_keeps_working(qtbot, listener, garbage):
    fired = []
    listener.check_requested.connect(lambda *args: fired.append(args))
    assert send_raw(qtbot, listener.name, garbage) == b"error\n"
    with qtbot.waitSignal(listener.check_requested, timeout=10000) as blocker:
        reply = send_raw(qtbot, listener.name, b'{"check": "%s"}\n' % CODE.encode())
    assert reply == b"ok\n"
    assert blocker.args == [CODE, ""]
    assert fired == [(CODE, "")]  # the garbage never fired the signal


def test_an_oversized_message_is_dropped_and_the_listener_keeps_working(qtbot, listener):
    fired = []
    listener.check_requested.connect(lambda *args: fired.append(args))
    huge = b'{"check": "' + b"9" * 10_000 + b'"}\n'
    assert send_raw(qtbot, listener.name, huge) == b""  # cut off, no answer
    with qtbot.waitSignal(listener.check_requested, timeout=10000):
        assert send_raw(qtbot, listener.name, b'{"check": "A", "item": "B"}\n') == b"ok\n"
    assert fired == [("A", "B")]


def test_a_silent_sender_is_dropped(qtbot, listener, monkeypatch):
    monkeypatch.setattr(single_instance, "IDLE_MS", 200)
    fresh = Listener(listener.name + "-idle")
    assert fresh.start()
    assert send_raw(qtbot, fresh.name, b'{"check": "no newline yet') == b""
    fresh.close()


def test_a_socket_left_by_a_crashed_window_is_taken_over(qtbot, tmp_path):
    name = channel_name(tmp_path / "crashed")
    crashed = spawn(CRASHING_WINDOW, name, "crash")
    assert crashed.communicate(timeout=15)[0].strip() == "listening"
    listener = Listener(name)
    assert listener.start()
    with qtbot.waitSignal(listener.check_requested, timeout=15000) as blocker:
        sender = spawn(SENDER, "--data-dir", str(tmp_path / "crashed"), "--check", CODE)
    assert sender.communicate(timeout=15)[0].strip() == "True"
    assert blocker.args == [CODE, ""]
    listener.close()


def test_a_live_window_is_not_displaced(qtbot, tmp_path):
    name = channel_name(tmp_path / "live")
    window = spawn(CRASHING_WINDOW, name, "stay")
    try:
        assert window.stdout.readline().strip() == "listening"
        assert Listener(name).start() is False
    finally:
        window.kill()
        window.communicate(timeout=15)


def test_a_hung_window_makes_handoff_exit_3(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(single_instance, "ANSWER_MS", 300)
    window = spawn(CRASHING_WINDOW, channel_name(tmp_path / "hung"), "hang")
    try:
        assert window.stdout.readline().strip() == "listening"
        parser = argparse.ArgumentParser()
        parser.add_argument("--data-dir")
        single_instance.add_arguments(parser)
        args = parser.parse_args(["--data-dir", str(tmp_path / "hung"), "--check", RESIDENT])
        with pytest.raises(SystemExit) as exited:
            single_instance.handoff(args)
    finally:
        window.kill()
        window.communicate(timeout=15)
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "没有接收" in err and "did not take the check" in err and RESIDENT not in err


@pytest.mark.parametrize("link, expected", [
    (f"creditdesk://check?id={CODE}&item=FOOD_LICENCE", (CODE, "FOOD_LICENCE")),
    (f"creditdesk://check?id={CODE}", (CODE, "")),
    (f"creditdesk://check/?id={CODE}", (CODE, "")),
    (f"CreditDesk://CHECK?item=A&id={CODE}", (CODE, "A")),
    (f"creditdesk:check?id={RESIDENT}", (RESIDENT, "")),
    ("creditdesk://check?id=%EF%BC%99%EF%BC%91%20x", ("９１ x", "")),  # kept as given
])
def test_good_links_are_accepted(link, expected):
    request = parse_link(link)
    assert (request.check, request.item) == expected


@pytest.mark.parametrize("link", [
    f"https://check?id={CODE}",
    f"creditdesk://report?id={CODE}",
    f"creditdesk://check/report?id={CODE}",
    "creditdesk://check?item=FOOD_LICENCE",
    "creditdesk://check?id=",
    f"creditdesk://check?id={CODE}&id=X",
    f"creditdesk://check?id={CODE}&cmd=delete",
    f"creditdesk://user:pw@check?id={CODE}",
    f"creditdesk://check:99?id={CODE}",
    f"creditdesk://check?id={CODE}#frag",
    "creditdesk://check?id=A%0AB",
    "creditdesk://check?id=" + "9" * 300,
    "",
])
def test_other_links_are_refused_in_both_languages(link):
    with pytest.raises(LinkError) as refused:
        parse_link(link)
    message = str(refused.value)
    assert has_chinese(message) and re.search(r"[a-z]{4}", message)
    assert CODE not in message  # the identifier is not echoed


def test_the_command_line_refuses_a_bad_link_with_exit_2(capsys):
    parser = argparse.ArgumentParser()
    single_instance.add_arguments(parser)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--url", f"creditdesk://report?id={RESIDENT}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "只能用于核查" in err and "can only ask for a check" in err
    assert RESIDENT not in err
    with pytest.raises(SystemExit):
        parser.parse_args(["--check", CODE, "--url", f"creditdesk://check?id={CODE}"])


def test_inconsistent_options_exit_2_before_any_window_is_asked(capsys, tmp_path):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    single_instance.add_arguments(parser)
    for argv in (["--item", "FOOD_LICENCE"],
                 [f"creditdesk://check?id={CODE}", "--item", "FOOD_LICENCE"]):
        with pytest.raises(SystemExit) as exited:
            single_instance.handoff(parser.parse_args(["--data-dir", str(tmp_path), *argv]))
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert has_chinese(err) and "--item" in err

"""One window per user and data directory, and the channel other programs hand checks to.

``creditdesk gui --check ID --item CODE`` (or a ``creditdesk://check?id=...&item=...``
link) first tries the local channel of a window already running on the same data
directory: if one answers, it gets the check as one JSON line and the new process exits.
Otherwise the launcher opens the window, which starts a :class:`Listener` on the channel.

The channel is a QLocalServer (a Unix socket or a Windows named pipe) open to this user
only. Identifiers travel as the caller gave them; the window validates them. They are
never logged: only that a check arrived.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import logging
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop.settings import default_data_dir

log = logging.getLogger(__name__)

SCHEME = "creditdesk"
MAX_MESSAGE = 4096  # bytes per JSON line, newline included
MAX_CHECK, MAX_ITEM = 256, 64  # characters; scanned text may wrap an identifier
CONNECT_MS, ANSWER_MS, IDLE_MS = 1000, 5000, 5000
ACK, REFUSED = b"ok\n", b"error\n"
EXIT_INVALID, EXIT_NO_ANSWER = 2, 3  # as the CLI's: invalid input, no answer


class LinkError(ValueError):
    """A link or check request that is refused; message in Chinese and English."""


@dataclass(frozen=True)
class CheckRequest:
    """A check another program asked for: the identifier and (optionally) the item code."""

    check: str
    item: str = ""

    def to_line(self) -> bytes:
        """The request as the one JSON line sent over the channel."""
        data = json.dumps({"check": self.check, "item": self.item or None}, ensure_ascii=False)
        return data.encode("utf-8") + b"\n"


def _text(value: object, name: str, limit: int, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise LinkError(f"缺少 {name} / {name} is required")
        return ""
    if not isinstance(value, str):
        raise LinkError(f"{name} 须为文本 / {name} must be text")
    if len(value) > limit:
        raise LinkError(f"{name} 过长（最多 {limit} 个字符）/ {name} longer than {limit}")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise LinkError(f"{name} 含控制字符 / {name} contains control characters")
    return value


def make_request(check: object, item: object = None) -> CheckRequest:
    """A :class:`CheckRequest` after the channel's checks (present, text, short, printable)."""
    return CheckRequest(_text(check, "id", MAX_CHECK, True), _text(item, "item", MAX_ITEM, False))


def parse_link(link: str) -> CheckRequest:
    """``creditdesk://check?id=...&item=...`` as a request; anything else is refused."""
    # The link is not echoed: it may carry a resident number, and stderr may end in a log.
    refused = "无法识别的链接 / not a CreditDesk check link"
    try:
        parts = urlsplit(link.strip())
        port = parts.port
    except ValueError:
        raise LinkError(refused) from None
    if parts.scheme != SCHEME:
        raise LinkError(f"链接须以 {SCHEME}:// 开头 / the link must start with {SCHEME}://")
    target = (parts.netloc.lower(), parts.path)
    # creditdesk://check?..., creditdesk://check/?... (added by some browsers), creditdesk:check?...
    if target not in {("check", ""), ("check", "/"), ("", "check"), ("", "/check")}:
        raise LinkError("链接只能用于核查（check）/ the link can only ask for a check")
    if parts.username or parts.password or port is not None or parts.fragment:
        raise LinkError(refused)
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise LinkError(refused) from None
    keys = [key for key, _ in pairs]
    unknown = sorted(set(keys) - {"id", "item"})
    if unknown:
        raise LinkError(f"链接含未知参数 {', '.join(unknown)} / unknown link parameters")
    if len(keys) != len(set(keys)):
        raise LinkError("链接参数重复 / a link parameter is repeated")
    values = dict(pairs)
    return make_request(values.get("id"), values.get("item"))


def _link_type(text: str) -> CheckRequest:
    try:
        return parse_link(text)
    except LinkError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--check``, ``--item``, ``--url`` and a positional link to the ``gui`` parser."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="ID",
                       help="核查此号码 / check this identifier (credit code or resident number)")
    group.add_argument("--url", metavar="LINK", type=_link_type,
                       help="creditdesk://check?id=...&item=... 链接 / link")
    group.add_argument("link", nargs="?", type=_link_type, metavar="creditdesk://...",
                       help="同 --url，供浏览器与桌面调用 / as --url, for browsers and desktops")
    parser.add_argument("--item", metavar="CODE",
                        help="办理事项代码，与 --check 同用 / business item code, with --check")


def request_from(args: argparse.Namespace) -> CheckRequest | None:
    """The check the command line asks for, or None; :class:`LinkError` if inconsistent."""
    link = getattr(args, "url", None) or getattr(args, "link", None)
    check, item = getattr(args, "check", None), getattr(args, "item", None)
    if link is not None:
        if item is not None:
            raise LinkError("事项请写在链接里，不用 --item / put item in the link, not --item")
        return link
    if check is None:
        if item is not None:
            raise LinkError("--item 须与 --check 同用 / --item needs --check")
        return None
    return make_request(check, item)


def channel_name(data_dir: Path | str | None = None, *, demo: bool = False) -> str:
    """The channel of this user's window on ``data_dir`` (the demo has one of its own)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment (some services)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    if demo:
        where = "\0demo"
    else:
        where = os.path.normcase(str(Path(data_dir or default_data_dir()).expanduser().resolve()))
    digest = hashlib.sha256(f"{user}\0{where}".encode()).hexdigest()[:16]
    return f"creditdesk-{digest}"


def name_for(args: argparse.Namespace) -> str:
    """:func:`channel_name` for the ``gui`` command's ``--data-dir`` and ``--demo``."""
    return channel_name(getattr(args, "data_dir", None), demo=bool(getattr(args, "demo", False)))


def _allow_foreground() -> None:
    # Windows lets only the foreground process raise a window; this process is the one
    # the user just started, so it passes that right on to the running window.
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY


def send(name: str, request: CheckRequest | None) -> bool | None:
    """Send ``request`` (None: just bring the window forward) to the window on ``name``.

    True when it took it, False when no window listens, None when one is there but did not
    take it in time (hung, or refused the message).
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    _allow_foreground()
    line = request.to_line() if request else b'{"activate": true}\n'
    socket.write(line)
    socket.flush()
    answer = b""
    while len(answer) < len(ACK) and b"\n" not in answer:
        if not socket.waitForReadyRead(ANSWER_MS):
            break
        answer += bytes(socket.readAll().data())
    socket.abort()
    return True if answer == ACK else None


def handoff(args: argparse.Namespace) -> bool:
    """Give the check on the command line to a window already running; True if one took it.

    False: no window runs on this data directory, the caller opens one. A refused link or
    inconsistent options exit 2, a window that does not answer exits 3 (both with a message
    on stderr), as the CLI's exit codes.
    """
    try:
        request = request_from(args)
    except LinkError as exc:
        print(f"creditdesk gui: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None
    result = send(name_for(args), request)
    if result is None:
        print("creditdesk gui: 已运行的受理窗口没有接收这次核查 / "
              "the running window did not take the check", file=sys.stderr)
        raise SystemExit(EXIT_NO_ANSWER)
    return result


class Listener(QObject):
    """The running window's end of the channel: emits the checks other programs send."""

    check_requested = Signal(str, str)
    """A check arrived: identifier and item code ("" when none), as the sender gave them."""
    activate_requested = Signal()
    """Another start of the window on this data directory: bring the window forward."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def start(self) -> bool:
        """Listen; False when another live window holds the channel.

        A socket left by a crashed window (nobody answers on it) is removed first.
        """
        # Ask first: with socket options Qt listens through a rename that would silently
        # replace a live window's socket, and a Windows pipe name takes several servers.
        if self._live():
            log.info("another window already listens on %s", self.name)
            return False
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning("cannot listen on %s: %s", self.name, self._server.errorString())
        return False

    def _live(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        live = probe.waitForConnected(CONNECT_MS)
        probe.abort()
        return live

    def close(self) -> None:
        """Stop listening (the window is closing)."""
        self._server.close()

    def is_listening(self) -> bool:
        """True while the channel is open."""
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            _Connection(self._server.nextPendingConnection(), self)

    def _received(self, line: bytes) -> bool:
        """Handle one message line; True if it was a valid request."""
        request, activate = self._parse(line)
        # Emitted once the answer is on its way: a modal dialog opened by the check must
        # not keep the sender waiting.
        if request is not None:
            log.info("check request received on the channel")  # never the identifier
            QTimer.singleShot(0, self, lambda: self.check_requested.emit(
                request.check, request.item))
        elif activate:
            QTimer.singleShot(0, self, self.activate_requested.emit)
        return request is not None or activate

    @staticmethod
    def _parse(line: bytes) -> tuple[CheckRequest | None, bool]:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("ignored a message on the check channel that is not JSON")
            return None, False
        if not isinstance(message, dict):
            log.warning("ignored a message on the check channel that is not an object")
            return None, False
        if message.get("activate") is True and set(message) == {"activate"}:
            return None, True
        if not set(message) <= {"check", "item"}:
            log.warning("ignored a message on the check channel with unknown fields")
            return None, False
        try:
            return make_request(message.get("check"), message.get("item")), False
        except LinkError:
            log.warning("ignored an invalid check request on the channel")
            return None, False


class _Connection(QObject):
    """One sender: reads one line of at most MAX_MESSAGE bytes, answers, hangs up.

    Every signal goes to this object's own methods, so nothing calls into a socket that
    is being destroyed along with the listener.
    """

    def __init__(self, socket: QLocalSocket, listener: Listener) -> None:
        super().__init__(listener)  # no Python reference back: a cycle would leave the
        # listener to the garbage collector, which may then run inside a Qt destructor
        self._buffer = bytearray()
        self._done = False
        self._socket = socket
        socket.setParent(self)
        socket.setReadBufferSize(MAX_MESSAGE)  # Qt itself buffers no more than one message
        # A sender that connects and says nothing is dropped, so it cannot hold a slot.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._drop)
        self._timer.start(IDLE_MS)
        socket.readyRead.connect(self._read)
        socket.disconnected.connect(self.deleteLater)
        self._read()  # data may have arrived with the connection

    def _drop(self) -> None:
        self._done = True
        self._socket.abort()
        self.deleteLater()

    def _read(self) -> None:
        if self._done:
            return  # one message per connection; anything after it is not read
        try:
            self._buffer += bytes(self._socket.read(MAX_MESSAGE - len(self._buffer)).data())
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) >= MAX_MESSAGE:
                    log.warning("dropped an oversized message on the check channel")
                    self._drop()
                return
            self._done = True
            self._timer.stop()
            listener = self.parent()
            ok = isinstance(listener, Listener) and listener._received(bytes(self._buffer[:end]))
            self._socket.write(ACK if ok else REFUSED)
            self._socket.disconnectFromServer()
        except Exception:  # a sender must never take the window down
            log.exception("error on the check channel")
            self._drop()

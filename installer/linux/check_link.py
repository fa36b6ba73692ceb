"""Does the unpacked .deb's menu entry take creditdesk:// links? Run by check-deb.sh.

    python installer/linux/check_link.py ROOT      # ROOT: the .deb unpacked by dpkg-deb -x

The desktop entry must declare ``x-scheme-handler/creditdesk`` and carry ``%u`` in its Exec
line. That line is then run as a desktop runs it for a link (``%u`` replaced by the link,
the program taken from ROOT), with a stand-in for a window already running on the desk:
a plain Unix socket on the desk's channel that reads one line and answers ``ok``. The
installed app must hand the link's identifier and item over as that line and exit 0;
an invalid link must be refused with exit 2 before anything is sent. Exit status 0 when
all holds, 1 with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCHEME = "x-scheme-handler/creditdesk"
CHECK, ITEM = "91330602MA2BCDEF1X", "GOV_PROCUREMENT"
LINK = f"creditdesk://check?id={CHECK}&item={ITEM}"  # the & must survive as one argument
BAD_LINK = f"creditdesk://check?id={CHECK}&colour=red"  # an unknown parameter
TIMEOUT = 60  # seconds: the bundle unpacks and loads Qt before it connects


class Failed(Exception):
    """What does not hold."""


def entry(root: Path) -> dict[str, str]:
    """The [Desktop Entry] group of the unpacked menu entry, key by key."""
    values: dict[str, str] = {}
    group = None
    path = root / "usr/share/applications/creditdesk.desktop"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            group = line
        elif group == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def command(root: Path, values: dict[str, str], link: str) -> list[str]:
    """The Exec line with ``%u`` replaced by ``link``, its program inside ``root``."""
    if SCHEME not in values.get("MimeType", "").split(";"):
        raise Failed(f"the desktop entry does not declare {SCHEME}: "
                     f"MimeType={values.get('MimeType', '(none)')}")
    argv = shlex.split(values.get("Exec", ""))
    if argv.count("%u") != 1:
        raise Failed(f"the Exec line does not pass the link (%u): Exec={values.get('Exec')}")
    program = root / argv[0].lstrip("/")
    if not os.access(program, os.X_OK):
        raise Failed(f"the Exec line's program is not in the package: {argv[0]}")
    return [str(program)] + [link if a == "%u" else a for a in argv[1:]]


def run(argv: list[str], env: dict[str, str], server: socket.socket) -> tuple[int, str, str]:
    """Run the app; answer ``ok`` to the line it sends, if it connects. (exit code, stderr,
    the line received or "")."""
    app = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    received = ""
    server.settimeout(0.2)  # accept() wakes up to notice the app has exited
    deadline = time.monotonic() + TIMEOUT
    try:
        while app.poll() is None and time.monotonic() < deadline:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(TIMEOUT)
                data = b""
                while b"\n" not in data and len(data) < 4096:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                received = data.decode("utf-8")
                conn.sendall(b"ok\n")
        _, err = app.communicate(timeout=TIMEOUT)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    return app.returncode, err.decode("utf-8", "replace"), received


def check(root: Path) -> None:
    """Raise :class:`Failed` unless the menu entry hands a link to the desk's window."""
    values = entry(root)
    good, bad = command(root, values, LINK), command(root, values, BAD_LINK)
    with tempfile.TemporaryDirectory(prefix="creditdesk-link-") as temp:
        # The app's environment, as check-deb.sh gives it to --self-test; the channel's
        # name follows the user and the data directory (under HOME), so it is computed
        # here under the same environment.
        env = {"PATH": "/usr/bin:/bin", "HOME": str(Path(temp) / "home"), "TMPDIR": temp,
               "QT_QPA_PLATFORM": "offscreen"}
        for name in ("LOGNAME", "USER", "LNAME", "USERNAME", "XDG_DATA_HOME"):
            os.environ.pop(name, None)
        os.environ.update(env)
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from ui.single_instance import channel_name  # the source tree's, as built

        path = Path(temp) / channel_name()  # Qt puts a relative name in TMPDIR
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(path))
            server.listen(4)
            code, err, line = run(good, env, server)
            if code != 0 or not line:
                raise Failed(f"the link was not handed over (exit {code}): {err.strip()}")
            if json.loads(line) != {"check": CHECK, "item": ITEM}:
                raise Failed(f"the window was handed {line.strip()!r}, not the link's values")
            code, err, line = run(bad, env, server)
            if code != 2 or line or "/" not in err:
                raise Failed(f"an invalid link gave exit {code} (expected 2, nothing sent, "
                             f"a bilingual message): {err.strip()}")
    print(f"link: the menu entry declares {SCHEME}; its Exec line handed "
          f"{LINK} to the running window; an invalid link was refused (exit 2)")


def main() -> int:
    """Exit 0 when the unpacked package takes links as it should."""
    try:
        check(Path(sys.argv[1]))
    except Failed as exc:
        print(f"check_link: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The OS keyring of a counter PC, for the window figures: a private D-Bus session bus with
an unlocked GNOME Keyring (the Secret Service a UOS or Kylin desktop has), all in the
bench's temp folder.

``KeyringSession(folder)`` starts ``dbus-daemon`` (a bus of its own, listening on a
socket in ``folder``, no service activation, so nothing of the system starts on it) and
``gnome-keyring-daemon --foreground --unlock --components=secrets`` on that bus, with
``HOME``, ``XDG_DATA_HOME``, ``XDG_CONFIG_HOME`` and ``XDG_RUNTIME_DIR`` in ``folder``:
the keyring file it makes (``login``, unlocked with a password of this run) is the
bench's, never the user's. ``env(base)`` is ``base`` plus those variables (and without
the ``CREDITDESK_API_KEY`` / ``CREDITDESK_DATA_KEY`` stand-ins), for every child that
should see the keyring, the baseline included. ``close()`` stops both daemons.

``python -m bench.keyring_session setup DIR SETTINGS_JSON STAFF PASSWORD`` (run with that
environment) makes a desk the way an installation does: settings saved, a supervisor and
a clerk added; opening the cache makes the data key, which ``SecretStore`` stores in the
keyring. ``store_api_key`` then runs ``creditdesk login`` (``python -m desktop login``)
with the key on its standard input, as the counter's administrator would type it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

STAND_INS = ("CREDITDESK_API_KEY", "CREDITDESK_DATA_KEY")
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class KeyringUnavailable(RuntimeError):
    """GNOME Keyring cannot run here; says why (the figure then fails, it never falls back
    to the environment stand-ins)."""


def missing() -> str | None:
    """Why a keyring session cannot start here, or None."""
    for tool, package in (("dbus-daemon", "dbus-daemon"),
                          ("gnome-keyring-daemon", "gnome-keyring")):
        if shutil.which(tool) is None:
            return (f"{tool} is not installed (apt-get install -y --no-install-recommends "
                    f"{package})")
    return None


class KeyringSession:
    """A private session bus and an unlocked GNOME Keyring in ``folder`` (see the module)."""

    def __init__(self, folder: Path, timeout: float = 20) -> None:
        why = missing()
        if why:
            raise KeyringUnavailable(f"no GNOME Keyring for the window figures: {why}")
        self.folder = folder
        dirs = {name: folder / name for name in ("home", "data", "config", "run")}
        for path in dirs.values():
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        socket = dirs["run"] / "bus"
        (folder / "bus.conf").write_text(_BUS_CONFIG.format(socket=socket), encoding="utf-8")
        self.vars = {"HOME": str(dirs["home"]), "XDG_DATA_HOME": str(dirs["data"]),
                     "XDG_CONFIG_HOME": str(dirs["config"]),
                     "XDG_RUNTIME_DIR": str(dirs["run"])}
        self._children: list[subprocess.Popen] = []
        try:
            self._start(folder, timeout)
        except BaseException:
            self.close()
            raise

    def _start(self, folder: Path, timeout: float) -> None:
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={folder / 'bus.conf'}", "--nofork",
             "--print-address=1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=self.env(os.environ))
        self._children.append(bus)
        address = bus.stdout.readline().strip()  # printed once the bus listens
        if not address:
            raise KeyringUnavailable(f"dbus-daemon did not start (exit {bus.wait(5)})")
        self.vars["DBUS_SESSION_BUS_ADDRESS"] = address
        log = (folder / "gnome-keyring.log").open("w", encoding="utf-8")
        keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, text=True,
            env=self.env(os.environ))
        log.close()
        self._children.append(keyring)
        keyring.stdin.write(secrets.token_urlsafe(16))  # this run's keyring password
        keyring.stdin.close()
        self._wait_for_service(keyring, timeout)

    def _wait_for_service(self, keyring: subprocess.Popen, timeout: float) -> None:
        """Until the Secret Service name is on the bus (polled: there is no signal to wait
        on from outside the bus)."""
        from jeepney import DBus, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        deadline = time.monotonic() + timeout
        with open_dbus_connection(bus=self.vars["DBUS_SESSION_BUS_ADDRESS"]) as conn:
            ask = new_method_call(DBus(), "NameHasOwner", "s", ("org.freedesktop.secrets",))
            while not conn.send_and_get_reply(ask).body[0]:
                if keyring.poll() is not None:
                    log = (self.folder / "gnome-keyring.log").read_text(errors="replace")
                    raise KeyringUnavailable(f"gnome-keyring-daemon exited "
                                             f"({keyring.returncode}): {log[-500:]}")
                if time.monotonic() > deadline:
                    raise KeyringUnavailable(f"no Secret Service on the bus after {timeout} s")
                time.sleep(0.05)  # paces the poll

    def env(self, base) -> dict:
        """``base`` with this session's variables, without the key stand-ins."""
        env = {k: v for k, v in base.items() if k not in STAND_INS}
        env.update(self.vars)
        return env

    def close(self) -> None:
        """Stop the keyring daemon, then the bus."""
        for child in reversed(self._children):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(10)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        self._children.clear()


def store_api_key(data_dir: Path, api_key: str, env: dict, cwd: Path) -> None:
    """``creditdesk login --data-dir DIR`` with ``api_key`` typed on its standard input.
    A new session has no controlling terminal, so ``getpass`` reads standard input."""
    done = subprocess.run([sys.executable, "-m", "desktop", "login", "--data-dir",
                           str(data_dir)], input=api_key + "\n", env=env, cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          start_new_session=True)
    if done.returncode or "stored in the OS keyring" not in done.stdout:
        raise RuntimeError(f"creditdesk login failed ({done.returncode}): "
                           f"{done.stdout[-1000:]} {done.stderr[-1000:]}")


def setup(data_dir: Path, settings: dict, staff_id: str, password: str) -> None:
    """A desk in ``data_dir`` with its data key in the keyring (this process's)."""
    from desktop.bootstrap import bootstrap
    from desktop.staff import accounts as staff
    from desktop.staff.credentials import DATA_KEY

    if any(os.environ.get(name) for name in STAND_INS):
        raise SystemExit("the key stand-ins are set: the keyring would not be used")
    svc = bootstrap(data_dir)
    try:
        if not svc.secrets.keyring_usable():
            raise SystemExit("no usable keyring backend in this session")
        svc.settings.save(**settings)
        boss = staff.add(svc.engine, "bench-sup", "基准科长", "supervisor", password, None)
        staff.add(svc.engine, staff_id, "基准受理员", "clerk", password, boss)
        if not svc.secrets.get(DATA_KEY):
            raise SystemExit("the data key did not reach the keyring")
    finally:
        svc.close()


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(Path(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4], sys.argv[5])

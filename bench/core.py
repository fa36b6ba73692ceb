"""What every figure of the benchmark suite shares: rows, sizes, timing, the run's places.

A figure is a function ``figure(bench: Bench) -> list[Row]``: it measures ours and a
baseline doing the bare minimum of the same work, in the same run, and says whether its
target holds. ``Bench`` hands out what figures need (sizes for ``--quick`` or the full
run, a temp folder, reference platforms on loopback started once and shared, desks) and
cleans up after the run.

Every child process of a run (windows, CLI commands, the platform, the load client) gets
``Bench.child_env()``: its temp folder and XDG folders are inside the run's own temp
folder, so its single-instance channel (a Unix socket in Qt's temp path, i.e. $TMPDIR),
default data directory, config and caches are the run's own. A ``creditdesk gui --demo``
the same user runs beside the bench is never handed a bench window's start, and the bench
never reads or writes that user's desk. The big platform data files stay in the system's
temp folder (``sandbox.server.default_db_url``), so they are made once, not every run.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

KEY = "bench-key-0123456789"
ITEM = "GOV_PROCUREMENT"


@dataclass
class Row:
    """One line of the table (and one object of ``--json``).

    ``ours`` and ``baseline`` are in ``unit``; ``ratio`` is ours / baseline unless the
    figure says otherwise in ``target``; ``passed`` is None where the figure has no target.
    """

    figure: str
    ours: float
    baseline: float | None
    unit: str
    target: str
    passed: bool | None
    ratio: float | None = None
    note: str = ""
    key: str = ""  # the --only name of the figure that made the row

    def __post_init__(self) -> None:
        if self.ratio is None and self.baseline:
            ratio = self.ours / self.baseline
            self.ratio = round(ratio, 3 if ratio < 1 else 2)  # 0.103 is not 0.1

    def as_json(self) -> dict:
        """``figure``, ``ours``, ``baseline``, ``ratio``, ``target``, ``pass`` (+ unit, note)."""
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data


def percentile(samples: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``samples``, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn: Callable, items: Iterable) -> list[float]:
    """Seconds ``fn(item)`` took, per item."""
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - started)
    return out


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` timed calls of ``fn`` (seconds), after one warm-up call."""
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def free_port() -> int:
    """A loopback port nothing listens on at this moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ms(seconds: float) -> float:
    """Seconds to milliseconds, rounded for the table."""
    return round(seconds * 1000, 3)


@dataclass
class Bench:
    """One run of the suite: sizes, temp folder, shared platforms, cleanup."""

    quick: bool
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="creditdesk-bench-")))
    _platforms: dict = field(default_factory=dict)
    _closers: list = field(default_factory=list)

    def size(self, quick, full):
        """``quick`` for ``--quick``, else ``full``."""
        return quick if self.quick else full

    def child_env(self, **extra: str) -> dict[str, str]:
        """The environment of a child process of this run: this process's, with TMPDIR
        (and TEMP, TMP) and XDG_RUNTIME_DIR / XDG_DATA_HOME / XDG_CONFIG_HOME /
        XDG_CACHE_HOME inside ``work/env``, then ``extra``.

        The user's session bus is not passed on (no DBUS_SESSION_BUS_ADDRESS, and the
        runtime dir is the run's own), so no child reaches the user's keyring: children
        that need a keyring get the run's private one (``bench.keyring_session``), the
        others key stand-ins.
        """
        env = dict(os.environ)
        home = self.work / "env"
        places = {"TMPDIR": "tmp", "XDG_RUNTIME_DIR": "runtime", "XDG_DATA_HOME": "data",
                  "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache"}
        for name, sub in places.items():
            folder = home / sub
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)  # Qt refuses a runtime dir others can read
            env[name] = str(folder)
        env["TEMP"] = env["TMP"] = env["TMPDIR"]  # what Windows' temp path reads
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return {**env, **extra}

    @contextlib.contextmanager
    def child_environ(self) -> Iterator[None]:
        """``os.environ`` as ``child_env()`` while the block runs, for helpers that start
        their child with this process's environment (``sandbox.process.spawn``, the
        hostile-file runner); restored afterwards. Only for code that starts children:
        this process's own temp folder was fixed when the run began."""
        tempfile.gettempdir()  # fixed before the change: default_db_url stays where it was
        saved = dict(os.environ)
        os.environ.update(self.child_env())
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def platform(self, subjects: int, seed: int = 1):
        """A reference platform process on loopback with ``subjects`` subjects, started once
        per run (its data file is kept in the system's temp folder between runs: see
        ``sandbox.server.default_db_url``), in this run's child environment."""
        from sandbox.process import spawn
        from sandbox.server import default_db_url

        if (seed, subjects) not in self._platforms:
            db_url = default_db_url(seed, subjects)  # before the child's TMPDIR applies
            with self.child_environ():
                child = spawn(db_url, seed=seed, subjects=subjects, api_key=KEY, timeout=1800)
            self._platforms[seed, subjects] = child
            self._closers.append(child.stop)
        return self._platforms[seed, subjects]

    def secrets(self):
        """Key stand-ins for a desk of this run (the keyring is not used by benchmarks)."""
        from desktop.staff.credentials import SecretStore

        data_key = base64.b64encode(os.urandom(32)).decode()
        return SecretStore(environ={"CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": data_key})

    def desk(self, name: str, platform_url: str, **settings):
        """A desk's services on a new data directory of this run, closed at the end."""
        from desktop.bootstrap import bootstrap

        svc = bootstrap(self.work / name, {"platform_url": platform_url, "deadline": 30.0,
                                           **settings}, secrets=self.secrets())
        self._closers.append(svc.close)
        return svc

    def close(self) -> None:
        """Stop what the run started and remove its temp folder."""
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - cleanup goes on whatever one closer does
                pass
        self._closers.clear()
        self._platforms.clear()
        shutil.rmtree(self.work, ignore_errors=True)

"""The reference platform's services, wired once and shared by the routes (``Platform``)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete

from sandbox import credit
from sandbox import schemas as control
from sandbox.faults import FaultInjector
from sandbox.feedback import AnchorStore, Counters, DeskKeyStore, FeedbackStore
from sandbox.keys import Counter, KeyStore
from sandbox.lists import ListVersions
from sandbox.samples import find_samples
from sandbox.storage import anchors, create_all, desk_keys
from sandbox.witness import WitnessBook

__all__ = ["Counter", "Platform"]

@dataclass
class Platform:
    """The platform's services, wired once and shared by the routes."""

    engine: Engine
    injector: FaultInjector = field(default_factory=FaultInjector)
    counters: Counters = field(default_factory=Counters)
    retention_floor_days: int = 180  # the six months the Cybersecurity Law asks for
    # A pilot (``serve --pilot``): the /sandbox/ calls that change the platform (extra
    # counters' keys, faults, list mutations) are refused; keys come from the operator.
    pilot: bool = False

    def __post_init__(self) -> None:
        create_all(self.engine)  # a platform file from an older version gains new tables
        self.versions = ListVersions(self.engine)
        self.feedback = FeedbackStore(self.engine, self.counters)
        self.anchors = AnchorStore(self.engine)
        self.desk_keys = DeskKeyStore(self.engine)
        self.witness = WitnessBook(self.engine)
        self.keys = KeyStore(self.engine)
        self._swept_on: dt.date | None = None
        self._samples: control.SamplesOut | None = None
        self._lock = threading.Lock()

    def add_key(self, key: str, counter_id: str, department: str, label: str = "") -> None:
        """Let ``key`` in as ``counter_id``; only its SHA-256 is stored."""
        self.keys.add(key, counter_id, department, label)

    def forget_counter(self, counter_id: str) -> None:
        """Drop the anchors and signing keys held for ``counter_id`` (the demo starts a
        fresh desk under the same counter on a platform file kept between runs)."""
        with self.engine.begin() as conn:
            conn.execute(delete(anchors).where(anchors.c.counter_id == counter_id))
            conn.execute(delete(desk_keys).where(desk_keys.c.counter_id == counter_id))
        self.witness.forget(counter_id)

    def close(self) -> None:
        """Store the witnessed heads not stored yet (the server is stopping)."""
        self.witness.close()

    def counter_for(self, key: str) -> Counter | None:
        """The counter owning ``key``, or None (unknown or revoked: read, never cached)."""
        return self.keys.counter_for(key)

    def sweep(self) -> None:
        """Expire records whose day has come, once per day at most."""
        on = credit.today()
        with self._lock:
            if self._swept_on != on:
                self.versions.sweep_expired(on)
                self._swept_on = on

    def samples(self) -> control.SamplesOut:
        """Sample subjects per verdict (computed once per process)."""
        with self._lock:
            if self._samples is None:
                self._samples = find_samples(self.engine, credit.today())
            return self._samples

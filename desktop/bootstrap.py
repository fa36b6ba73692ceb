"""Wiring: build the desk's services once and hand them to whoever runs (CLI, window).

No module reaches for a global; everything the services need is passed in here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.events import EventBus, FeedbackQueued
from desktop.settings import Settings, default_data_dir
from desktop.staff.credentials import SecretStore

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from desktop.batch.service import BatchService
    from desktop.counter.check_service import CheckService
    from desktop.platform.client import PlatformClient
    from desktop.platform.outbox import Outbox
    from desktop.platform.sync import SyncService
    from local_cache.protect import Protector

# Each service's module is imported when the service is first built: the window's first
# frame (the sign-in dialog) needs none of them, and a command loads only what it uses.

_BUILD = threading.RLock()  # re-entrant: building one service may build another


class _service(cached_property):  # noqa: N801 - used as a decorator
    """Built once on first use; the lock keeps two threads from building it twice."""

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with _BUILD:
            return super().__get__(instance, owner)


@dataclass
class Services:
    """The desk's services, built lazily: a command that needs no platform opens none."""

    settings: Settings
    secrets: SecretStore
    _closers: list = field(default_factory=list)
    events: EventBus = field(default_factory=EventBus)  # what the core tells listeners

    @_service
    def engine(self) -> Engine:
        """The migrated cache file, handed out only once the data key is known to be
        this data directory's (``desktop.staff.desk_key.unlock``): with another key every
        command and the window refuse before writing anything."""
        from desktop.staff import desk_key
        from local_cache.db import open_engine, when_rows_queued

        engine = open_engine(self.settings.data_dir)
        self._closers.append(engine.dispose)
        when_rows_queued(engine, lambda rows: self.events.publish(FeedbackQueued(rows)))
        self.__dict__["protector"] = desk_key.unlock(engine, self.secrets)
        return engine

    @_service
    def protector(self) -> Protector:
        """Seals personal data with the data directory's data key (checked as the cache
        opens)."""
        self.engine  # noqa: B018 - opening the cache checks the key and sets the protector
        return self.__dict__["protector"]

    @_service
    def client(self) -> PlatformClient:
        """The platform client, with the counter's API key."""
        from desktop.platform.client import ClientSettings, PlatformClient

        s = self.settings
        client = PlatformClient(
            ClientSettings(
                base_url=s["platform_url"],
                api_key=self.secrets.api_key(),
                connect_timeout=s["connect_timeout"],
                read_timeout=s["read_timeout"],
                deadline=s["deadline"],
                ca_bundle=s["ca_bundle"] or None,
                use_system_trust=s["use_system_trust"],
                proxy=s["proxy"] or None,
            ),
            head=self.audit_head,
        )
        self._closers.append(client.close)
        return client

    @_service
    def checks(self) -> CheckService:
        """Online checks with offline fallback."""
        from desktop.counter.check_service import CheckService

        return CheckService(
            self.engine,
            self.protector,
            _Lazy(self, "client"),
            counter=self.settings["counter_id"],
            clerk=self.settings["clerk_id"],
            stale_hours=self.settings["stale_hours"],
            offline_max_days=self.settings["offline_max_days"],
            department=lambda: self.settings["department"],
        )

    @_service
    def sync(self) -> SyncService:
        """List sync into the snapshot."""
        from desktop.platform.sync import SyncService

        return SyncService(
            self.engine,
            self.protector,
            _Lazy(self, "client"),
            page_size=self.settings["sync_page"],
            alert_days=self.settings["alert_days"],
            events=self.events,
            department=lambda: self.settings["department"],
            counter=lambda: self.settings["counter_id"],
            clerk=lambda: self.settings["clerk_id"],
        )

    @_service
    def outbox(self) -> Outbox:
        """The feedback outbox: one for the process (the runtime's sender uses it), stamping
        each row with the counter and clerk of the moment it is recorded."""
        from desktop.platform.outbox import Outbox

        settings = self.settings
        return Outbox(
            self.engine,
            self.protector,
            counter=lambda: settings["counter_id"],
            clerk=lambda: settings["clerk_id"],
            events=self.events,
        )

    @_service
    def batch(self) -> BatchService:
        """Batch checks of a table of applicants."""
        from desktop.batch.service import BatchService

        return BatchService(self.engine, self.protector, _Lazy(self, "client"),
                            counter=self.settings["counter_id"], clerk=self.settings["clerk_id"],
                            checks=self.checks)

    @_service
    def reports(self):  # -> ReportService
        """Credit reports and commitment letters."""
        from desktop.reports.service import ReportService

        return ReportService(self.engine, self.protector, counter=self.settings["counter_id"],
                             clerk=self.settings["clerk_id"],
                             verify_base=self.settings["verify_url"]
                             or self.settings["platform_url"], events=self.events)

    @_service
    def runtime(self):  # -> DeskRuntime: the sender and timed jobs (the window starts it)
        from desktop.runtime import DeskRuntime

        return DeskRuntime(self)

    def audit_head(self) -> tuple[int, str]:
        """The chain head ``(seq, hash)`` as committed now: every platform call carries it.

        A fresh connection, so it never sees a unit of work still open elsewhere; one
        indexed read of the newest row."""
        from local_cache import store

        with self.engine.connect() as conn:
            return store.audit_head(conn)

    def sign_in(self, clerk_id: str) -> None:
        """Act as ``clerk_id`` from now on: services that stamp the clerk are rebuilt."""
        self.settings.set_override("clerk_id", clerk_id)
        for name in ("checks", "batch", "reports"):  # the outbox reads the clerk itself
            self.__dict__.pop(name, None)

    def close(self) -> None:
        """Stop the runtime (if it was started), then release connections and files."""
        runtime = self.__dict__.get("runtime")
        if runtime is not None:
            runtime.stop()
        while self._closers:
            self._closers.pop()()


class _Lazy:
    """Stands in for a service attribute until first used (an offline check needs no key)."""

    def __init__(self, owner: Services, name: str) -> None:
        self._owner, self._name = owner, name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(self._owner, self._name), attr)


def lazy_client(services: Services) -> PlatformClient:
    """The platform client, built on first use: a desk without an API key yet can start a
    sender that fails its passes (and backs off) until the key is stored."""
    return _Lazy(services, "client")  # type: ignore[return-value]


def bootstrap(
    data_dir: Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    secrets: SecretStore | None = None,
) -> Services:
    """Build the services for ``data_dir`` (platformdirs default) with setting overrides."""
    settings = Settings(data_dir or default_data_dir(), overrides)
    return Services(settings, secrets or SecretStore())

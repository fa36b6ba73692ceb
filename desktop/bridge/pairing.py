"""Pairing a business system with the bridge, and knowing it again by its token.

A page (its Origin) or a program (no Origin) asks to be paired and shows a 6-digit code;
the window shows the same code, and the clerk and a supervisor who is not the clerk
approve it (four eyes). The caller then collects its token once. Only
``protector.index(token)`` is stored (a keyed HMAC; the key is in the keyring), and every
row carries a MAC over its fields under the same key, so a row written into the SQLite
file by hand, or one whose origin was edited, authenticates nobody. Pending pairings live
in memory (the window's process) and expire after ``PENDING_S``.

Nobody may ask unless the window allows it: the clerk opens pairing for a while
(``open_for``, entry ``bridge.pairing_opened``); while it is closed a request is refused
(``pairing_closed``) and the window is not asked. While open, one request per origin (a
program counts as the origin "") and ``MAX_PENDING`` in all may wait.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from desktop.bridge.model import PairingOut
from desktop.events import EventBus, PairingRequested
from desktop.staff.accounts import Staff
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector
from local_cache.tables import bridge_clients

log = logging.getLogger(__name__)

PENDING_S = 300.0  # a pairing not approved within 5 minutes expires
KEEP_S = 3600.0  # answered pairings are remembered this long for the caller's poll
MAX_PENDING, MAX_PER_HOUR = 3, 10
MAX_OPEN_S = 600.0  # the longest the window may leave pairing open at once


class PairingError(ValueError):
    """A refused pairing action; ``status`` is the HTTP status the bridge answers with."""

    def __init__(self, zh: str, en: str, code: str, status: int = 409) -> None:
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en, self.status = code, zh, en, status


@dataclass(frozen=True)
class Client:
    """A paired caller. ``origin`` is "" for a program (it sends no Origin header)."""

    client_id: str
    origin: str
    system: str
    approved_by: str
    clerk: str
    created_at: float


@dataclass
class Pending:
    """A pairing asked for: shown in the window with its code until answered."""

    pairing_id: str
    code: str
    origin: str = ""
    system: str = ""
    requested_at: float = 0.0
    state: str = "pending"  # pending | approved | refused | expired
    token: str | None = None  # held from approval until collected once
    answered_at: float = 0.0


def _mac_input(row) -> str:
    fields = [row["client_id"], row["token_index"], row["origin"], row["system"],
              row["approved_by"], row["clerk"], repr(float(row["created_at"])),
              None if row["revoked_at"] is None else repr(float(row["revoked_at"])),
              row["revoked_by"]]
    return "bridge_clients\x00" + json.dumps(fields, ensure_ascii=False)


class Pairings:
    """Pairing requests (memory) and paired clients (table ``bridge_clients``)."""

    def __init__(self, engine: Engine, protector: Protector, *,
                 counter: Callable[[], str] | str = "",
                 clock: Callable[[], float] = time.time,
                 events: EventBus | None = None) -> None:
        self._engine, self._protector = engine, protector
        self._events = events  # told of each request (PairingRequested): the window asks
        self._counter = counter if callable(counter) else (lambda: counter)
        self._clock = clock
        self._lock = threading.Lock()
        self._pairings: dict[str, Pending] = {}
        self._asked: deque[float] = deque()
        self._open_until = 0.0

    # ------------------------------------------------------------------ the window allows it

    def open_for(self, seconds: float, by: Staff) -> float:
        """Accept pairing requests for ``seconds`` (at most ``MAX_OPEN_S``) from now, opened
        by ``by`` (entry ``bridge.pairing_opened``); the time (``clock``, epoch seconds) it
        stays open until."""
        seconds = max(0.0, min(float(seconds), MAX_OPEN_S))
        with self._lock:
            until = self._clock() + seconds
            with UnitOfWork(self._engine) as uow:
                self._log(uow.conn, by.staff_id, "bridge.pairing_opened",
                          {"seconds": seconds, "until": until})
                uow.commit()
            self._open_until = until
        return until

    def open_until(self) -> float:
        """When pairing closes again (epoch seconds), or 0 when it is closed."""
        with self._lock:
            return self._open_until if self._clock() < self._open_until else 0.0

    def close(self) -> None:
        """Stop accepting pairing requests now (those already waiting stay until answered)."""
        with self._lock:
            self._open_until = 0.0

    # ------------------------------------------------------------------ asking, answering

    def request(self, origin: str, system: str) -> Pending:
        """A new pending pairing with its code. ``PairingError``: status 403
        ``pairing_closed`` unless the window opened pairing (``open_for``); status 429
        ``too_many_pairings`` when this origin already waits, ``MAX_PENDING`` wait in all,
        or ``MAX_PER_HOUR`` were asked in the last hour."""
        now = self._clock()
        with self._lock:
            if now >= self._open_until:
                raise PairingError(
                    "柜台尚未允许新的配对：请柜台人员在窗口中点“允许新的配对”",
                    "the desk does not accept pairing now: ask the clerk to allow pairing in "
                    "the window", "pairing_closed", 403)
            self._expire(now)
            while self._asked and self._asked[0] <= now - 3600:
                self._asked.popleft()
            waiting = [p for p in self._pairings.values() if p.state == "pending"]
            if any(p.origin == origin for p in waiting):
                raise PairingError("该来源已有一个配对请求在等待批准，请先在窗口中处理",
                                   "a pairing request from this origin is already waiting for "
                                   "approval in the window", "too_many_pairings", 429)
            if len(waiting) >= MAX_PENDING or len(self._asked) >= MAX_PER_HOUR:
                raise PairingError("配对请求过多，请稍后再试", "too many pairing requests; "
                                   "try again later", "too_many_pairings", 429)
            self._asked.append(now)
            pending = Pending(secrets.token_urlsafe(12), f"{secrets.randbelow(10**6):06d}",
                              origin, system, now)
            self._pairings[pending.pairing_id] = pending
        if self._events is not None:
            self._events.publish(PairingRequested(pending.pairing_id, system, origin,
                                                  pending.code))
        return Pending(**vars(pending))

    def pending(self) -> list[Pending]:
        """Pairings waiting for the clerk and a supervisor, oldest first."""
        with self._lock:
            self._expire(self._clock())
            return [Pending(**{**vars(p), "token": None}) for p in self._pairings.values()
                    if p.state == "pending"]

    def approve(self, pairing_id: str, clerk: Staff, supervisor: Staff) -> Client:
        """Four eyes: ``supervisor`` must be a supervisor and not ``clerk``. Stores the
        client (entry ``bridge.paired``); the token waits for the caller to collect it."""
        if not supervisor.is_supervisor:
            raise PairingError("批准人必须是科室负责人", "the approver must be a supervisor",
                               "not_supervisor")
        if supervisor.staff_id == clerk.staff_id:
            raise PairingError("批准人不能是经办人本人", "the approver cannot be the clerk "
                               "at the desk", "same_person")
        with self._lock:
            pending = self._waiting(pairing_id)
            token = secrets.token_urlsafe(32)
            row = {"client_id": secrets.token_hex(6), "token_index": self._protector.index(token),
                   "origin": pending.origin, "system": pending.system,
                   "approved_by": supervisor.staff_id, "clerk": clerk.staff_id,
                   "created_at": self._clock(), "revoked_at": None, "revoked_by": None}
            row["mac"] = self._protector.index(_mac_input(row))
            with UnitOfWork(self._engine) as uow:
                uow.conn.execute(insert(bridge_clients), row)
                self._log(uow.conn, clerk.staff_id, "bridge.paired",
                          {"client_id": row["client_id"], "origin": pending.origin,
                           "system": pending.system, "approved_by": supervisor.staff_id})
                uow.commit()
            pending.state, pending.token, pending.answered_at = "approved", token, self._clock()
        return _client(row)

    def refuse(self, pairing_id: str, by: Staff) -> None:
        """Refuse a pending pairing (entry ``bridge.pairing_refused``)."""
        with self._lock:
            pending = self._waiting(pairing_id)
            with UnitOfWork(self._engine) as uow:
                self._log(uow.conn, by.staff_id, "bridge.pairing_refused",
                          {"origin": pending.origin, "system": pending.system})
                uow.commit()
            pending.state, pending.answered_at = "refused", self._clock()

    def collect(self, pairing_id: str, origin: str) -> PairingOut:
        """The pairing's state for its caller; the token appears on the first read after
        approval only, and only to the origin that asked."""
        with self._lock:
            self._expire(self._clock())
            pending = self._pairings.get(pairing_id)
            if pending is None:
                raise PairingError("没有这个配对请求", "no such pairing", "unknown_pairing", 404)
            if pending.origin != origin:
                raise PairingError("来源与配对请求不一致", "the origin does not match the "
                                   "pairing request", "origin_mismatch", 403)
            token, pending.token = pending.token, None
            return PairingOut(pairing_id=pairing_id, state=pending.state, token=token)

    # ------------------------------------------------------------------ paired clients

    def lookup(self, token: str) -> Client | None:
        """The live client this token was given to, whatever origin sends it."""
        if not token:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(select(bridge_clients).where(
                bridge_clients.c.token_index == self._protector.index(token))).mappings().first()
        return self._live(row)

    def authenticate(self, token: str, origin: str) -> Client | None:
        """The client, when ``token`` is live and sent from its own origin ("" = none)."""
        client = self.lookup(token)
        return client if client is not None and client.origin == origin else None

    def clients(self) -> list[Client]:
        """Live clients, oldest first (rows failing their MAC are left out and logged)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(bridge_clients).order_by(
                bridge_clients.c.created_at)).mappings().all()
        return [c for c in map(self._live, rows) if c is not None]

    def allowed_origins(self) -> set[str]:
        """The origins of live clients (programs, which send none, excluded)."""
        return {c.origin for c in self.clients() if c.origin}

    def revoke(self, client_id: str, by: Staff) -> None:
        """Withdraw a client's token at once (entry ``bridge.revoked``)."""
        with UnitOfWork(self._engine) as uow:
            row = uow.conn.execute(select(bridge_clients).where(
                bridge_clients.c.client_id == client_id)).mappings().first()
            if self._live(row) is None:
                raise PairingError("没有这个已配对的系统", "no such paired client",
                                   "unknown_client", 404)
            values = {**row, "revoked_at": self._clock(), "revoked_by": by.staff_id}
            values["mac"] = self._protector.index(_mac_input(values))
            uow.conn.execute(update(bridge_clients)
                             .where(bridge_clients.c.client_id == client_id)
                             .values(revoked_at=values["revoked_at"],
                                     revoked_by=values["revoked_by"], mac=values["mac"]))
            self._log(uow.conn, by.staff_id, "bridge.revoked",
                      {"client_id": client_id, "origin": row["origin"], "system": row["system"]})
            uow.commit()

    # ------------------------------------------------------------------ inside

    def _live(self, row) -> Client | None:
        if row is None:
            return None
        expected = self._protector.index(_mac_input(row))
        if not secrets.compare_digest(expected, row["mac"]):
            log.warning("bridge_clients row %s fails its MAC: ignored", row["client_id"][:32])
            return None
        return None if row["revoked_at"] is not None else _client(row)

    def _waiting(self, pairing_id: str) -> Pending:
        self._expire(self._clock())
        pending = self._pairings.get(pairing_id)
        if pending is None or pending.state != "pending":
            raise PairingError("配对请求不存在或已处理、已过期", "the pairing request is "
                               "unknown, answered or expired", "not_pending", 404)
        return pending

    def _expire(self, now: float) -> None:
        for key, p in list(self._pairings.items()):
            if p.state == "pending" and now - p.requested_at > PENDING_S:
                p.state, p.answered_at = "expired", now
            if p.state != "pending" and now - p.answered_at > PENDING_S:
                p.token = None  # never collected: nobody gets it now
            if p.state != "pending" and now - p.answered_at > KEEP_S:
                del self._pairings[key]

    def _log(self, conn, clerk: str, event: str, details: dict) -> None:
        store.append_audit(conn, self._protector, counter=self._counter(), clerk=clerk,
                           event=event, details=details)


def _client(row) -> Client:
    return Client(row["client_id"], row["origin"], row["system"], row["approved_by"],
                  row["clerk"], float(row["created_at"]))

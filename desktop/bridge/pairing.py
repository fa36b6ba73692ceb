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
program counts as the origin "") and ``MAX_PENDING`` in all may wait, and each origin may
ask ``MAX_PER_HOUR`` times an hour (counts start again when the clerk opens pairing). An
approval closes pairing: one pairing per allowing. A sign-out closes it too (``close``).

Live clients are also known in memory by their token's keyed index (loaded at start,
kept on approval and revocation), so the gate knows whose bucket a call draws on without
reading the file, and a token that fails costs no lookup. A revocation is for good: the
client ids of the log's ``bridge.revoked`` entries (the hash-chained log, where deleting
an entry breaks the chain) are refused whatever their row in ``bridge_clients`` says, so
restoring a revoked client's old row (its MAC was valid once) brings it back for nobody.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from desktop.bridge.model import PairingOut
from desktop.events import EventBus, PairingRequested
from desktop.staff.accounts import Staff
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector
from local_cache.tables import audit, bridge_clients

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
        self._asked: defaultdict[str, deque[float]] = defaultdict(deque)  # origin -> times
        self._open_until = 0.0
        # Memory (under _lock): live clients by token index, and revoked client ids with
        # the last log entry read for them.
        self._live_index: dict[str, Client] = {}
        self._revoked: set[str] = set()
        self._revoked_seq = 0
        self._load()

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
            self._asked.clear()  # the clerk allows it anew: the hour's counts start again
        return until

    def open_until(self) -> float:
        """When pairing closes again (epoch seconds), or 0 when it is closed."""
        with self._lock:
            return self._open_until if self._clock() < self._open_until else 0.0

    def close(self) -> None:
        """Stop accepting pairing requests now (those already waiting stay until answered):
        after an approval, and when the clerk signs out."""
        with self._lock:
            self._open_until = 0.0

    # ------------------------------------------------------------------ asking, answering

    def request(self, origin: str, system: str) -> Pending:
        """A new pending pairing with its code. ``PairingError``: status 403
        ``pairing_closed`` unless the window opened pairing (``open_for``); status 429
        ``too_many_pairings`` when this origin already waits, ``MAX_PENDING`` wait in all,
        or this origin asked ``MAX_PER_HOUR`` times in the last hour."""
        now = self._clock()
        with self._lock:
            if now >= self._open_until:
                raise PairingError(
                    "柜台尚未允许新的配对：请柜台人员在窗口中点“允许新的配对”",
                    "the desk does not accept pairing now: ask the clerk to allow pairing in "
                    "the window", "pairing_closed", 403)
            self._expire(now)
            for key in list(self._asked):
                times = self._asked[key]
                while times and times[0] <= now - 3600:
                    times.popleft()
                if not times:
                    del self._asked[key]
            waiting = [p for p in self._pairings.values() if p.state == "pending"]
            if any(p.origin == origin for p in waiting):
                raise PairingError("该来源已有一个配对请求在等待批准，请先在窗口中处理",
                                   "a pairing request from this origin is already waiting for "
                                   "approval in the window", "too_many_pairings", 429)
            if len(waiting) >= MAX_PENDING or len(self._asked.get(origin, ())) >= MAX_PER_HOUR:
                raise PairingError("配对请求过多，请稍后再试", "too many pairing requests; "
                                   "try again later", "too_many_pairings", 429)
            self._asked[origin].append(now)
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
        client (entry ``bridge.paired``); the token waits for the caller to collect it.
        Pairing closes: the next one needs the clerk to allow it again."""
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
            client = _client(row)
            self._live_index[row["token_index"]] = client
            self._open_until = 0.0  # one pairing per allowing
        return client

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

    def live_client(self, token: str) -> str | None:
        """The client id of ``token`` when it is known live in memory (no file read: the
        gate's rate key). ``lookup`` still decides."""
        if not token:
            return None
        index = self._protector.index(token)
        with self._lock:
            client = self._live_index.get(index)
        return client.client_id if client is not None else None

    def live_origins(self) -> set[str]:
        """The origins of the clients known live in memory (programs excluded)."""
        with self._lock:
            return {c.origin for c in self._live_index.values() if c.origin}

    def lookup(self, token: str) -> Client | None:
        """The live client this token was given to, whatever origin sends it. Only a token
        known live in memory is looked up in the file; its row must pass its MAC, not be
        revoked, and its client must have no ``bridge.revoked`` entry in the log (one
        written by another process, e.g. ``creditdesk bridge revoke``, is read here)."""
        if not token:
            return None
        index = self._protector.index(token)
        with self._lock:
            if index not in self._live_index:
                return None
        with self._engine.connect() as conn:
            row = conn.execute(select(bridge_clients).where(
                bridge_clients.c.token_index == index)).mappings().first()
            self._read_revoked(conn)
        client = self._live(row)
        if client is None:
            with self._lock:
                self._live_index.pop(index, None)
        return client

    def authenticate(self, token: str, origin: str) -> Client | None:
        """The client, when ``token`` is live and sent from its own origin ("" = none)."""
        client = self.lookup(token)
        return client if client is not None and client.origin == origin else None

    def clients(self) -> list[Client]:
        """Live clients, oldest first (rows failing their MAC are left out and logged)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(bridge_clients).order_by(
                bridge_clients.c.created_at)).mappings().all()
            self._read_revoked(conn)
        return [c for c in map(self._live, rows) if c is not None]

    def allowed_origins(self) -> set[str]:
        """The origins of live clients (programs, which send none, excluded)."""
        return {c.origin for c in self.clients() if c.origin}

    def revoke(self, client_id: str, by: Staff) -> None:
        """Withdraw a client's token at once and for good (entry ``bridge.revoked``)."""
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
        with self._lock:
            self._revoked.add(client_id)
            self._live_index = {k: c for k, c in self._live_index.items()
                                if c.client_id != client_id}

    # ------------------------------------------------------------------ inside

    def _load(self) -> None:
        """Revoked client ids from the log, then the live clients by token index."""
        with self._engine.connect() as conn:
            self._read_revoked(conn)
            rows = conn.execute(select(bridge_clients)).mappings().all()
        live = {row["token_index"]: c for row in rows if (c := self._live(row)) is not None}
        with self._lock:
            self._live_index = live

    def _read_revoked(self, conn) -> None:
        """Add the client ids of ``bridge.revoked`` entries not read yet."""
        with self._lock:
            since = self._revoked_seq
        rows = conn.execute(select(audit.c.seq, audit.c.details)
                            .where(audit.c.event == "bridge.revoked")
                            .where(audit.c.seq > since).order_by(audit.c.seq)).all()
        found = set()
        for seq, details in rows:
            since = max(since, seq)
            try:
                client_id = json.loads(details or "{}").get("client_id")
            except (ValueError, AttributeError):
                client_id = None
            if isinstance(client_id, str):
                found.add(client_id)
        with self._lock:
            self._revoked |= found
            self._revoked_seq = max(self._revoked_seq, since)

    def _live(self, row) -> Client | None:
        if row is None:
            return None
        expected = self._protector.index(_mac_input(row))
        if not secrets.compare_digest(expected, row["mac"]):
            log.warning("bridge_clients row %s fails its MAC: ignored", row["client_id"][:32])
            return None
        with self._lock:
            revoked = row["client_id"] in self._revoked
        if revoked and row["revoked_at"] is None:
            log.warning("bridge_clients row %s was revoked (log) but its row says live: "
                        "refused", row["client_id"][:32])
        return None if revoked or row["revoked_at"] is not None else _client(row)

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

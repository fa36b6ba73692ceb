"""A real bridge for tests: the real app on 127.0.0.1 (a free port), a real desk (SQLite
file, Protector from a data key, staff accounts), and a stand-in for the counter window.

``StandInDesk`` stands in for the Qt window, which the lead's window tests cover: its
``hand_in`` returns at once and, on a thread of its own (as the window's GUI thread
would), tells the registry the check is queued; the test then moves it on through
``desk.run(...)`` on that same thread.
"""

from __future__ import annotations

import datetime as dt
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from desktop.bootstrap import Services, bootstrap
from desktop.bridge.audit import desk_audit
from desktop.bridge.guard import TokenBuckets
from desktop.bridge.pairing import Client, Pairings
from desktop.bridge.registry import BridgeChecks
from desktop.bridge.server import BridgeServer, build_app
from desktop.counter.check_service import CheckOutcome
from desktop.platform import schemas
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore

PERSON = "330602199001011231"  # a valid resident number (ISO 7064 check character)
ORIGIN_A, ORIGIN_B = "http://zwfw.example.gov.cn", "http://other.example.gov.cn"
BOSS, CLERK = "boss-01", "clerk-01"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StandInDesk:
    """Stands in for the counter window (see the module text): one thread runs what the
    window would run on its GUI thread, in order."""

    def __init__(self, checks: BridgeChecks, *, answer: bool = True) -> None:
        self.checks, self.answer = checks, answer
        self.refusal: tuple[str, str, str] | None = None  # (zh, en, code): refuse every check
        self.handed: list = []  # the requests that reached the "window"
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="stand-in-gui")
        self._thread.start()

    def hand_in(self, handle: str, request) -> None:
        """As the window: take the request; its queue position is told from the GUI thread."""
        self.handed.append(request)
        if self.refusal is not None:
            self.run(lambda: self.checks.refused(handle, *self.refusal))
        elif self.answer:
            position = len(self.handed)
            self.run(lambda: self.checks.queued(handle, position))

    def run(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the stand-in GUI thread, after what was asked before."""
        self._jobs.put(job)

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job()

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=5)


def outcome(check_id: str, verdict: str, *, identifier: str = PERSON) -> CheckOutcome:
    """A check's outcome as the check service returns it (a person under one measure)."""
    measures = [] if verdict == "clear" else [schemas.MatchedMeasure(
        code="M-01", kind=verdict, text="限制参与政府采购", basis="《政府采购法》第二十二条",
        record_id="R-1")]
    return CheckOutcome(
        check_id=check_id, item="GOV_PROCUREMENT", verdict=verdict, measures=measures,
        subject=schemas.SubjectOut(id=identifier, kind="person", name="张三"), records=[],
        source="platform", as_of=dt.datetime.now(dt.UTC))


@dataclass
class Rig:
    """A running bridge and what it runs on."""

    services: Services
    checks: BridgeChecks
    pairings: Pairings
    desk: StandInDesk
    server: BridgeServer
    boss: staff.Staff
    clerk: staff.Staff
    buckets: TokenBuckets
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return self.server.url

    def http(self, origin: str = "", token: str = "", **headers: str) -> httpx.Client:
        """A client sending ``origin`` (none when empty) and ``token`` as a bearer."""
        sent = dict(headers)
        if origin:
            sent["Origin"] = origin
        if token:
            sent["Authorization"] = f"Bearer {token}"
        client = httpx.Client(base_url=self.url, headers=sent, timeout=15)
        self.clients.append(client)
        return client

    def allow_pairing(self, seconds: float = 120.0) -> float:
        """What the clerk's "允许新的配对" button does: pairing open for ``seconds``."""
        return self.pairings.open_for(seconds, self.clerk)

    def pair(self, origin: str, system: str = "街道综合受理系统") -> tuple[Client, str]:
        """Pair ``origin`` the way a page does: the clerk allows pairing (unless it is open),
        the page asks, the clerk and a supervisor approve, the page collects its token."""
        if not self.pairings.open_until():
            self.allow_pairing()
        asked = self.http(origin).post("/v1/pairings", json={"system": system})
        assert asked.status_code == 202, asked.text
        pairing_id = asked.json()["pairing_id"]
        client = self.pairings.approve(pairing_id, self.clerk, self.boss)
        token = self.http(origin).get(f"/v1/pairings/{pairing_id}").json()["token"]
        assert token
        return client, token

    def audit_rows(self, event: str = "bridge.call") -> list[dict]:
        import json

        with self.services.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT seq, clerk, event, subject_key, subject_masked, item, details "
                "FROM audit WHERE event = ? ORDER BY seq", (event,)).mappings().all()
        return [{**r, "details": json.loads(r["details"])} for r in rows]

    def close_http(self) -> None:
        """Close the test's HTTP clients (their connections end)."""
        while self.clients:
            self.clients.pop().close()

    def close(self) -> None:
        self.close_http()
        self.server.stop()
        self.desk.stop()
        self.services.close()


def start_rig(root: Path, *, answer: bool = True, answer_wait: float = 5.0,
              ping_s: float = 15.0, linger_s: float = 1800.0,
              buckets: TokenBuckets | None = None) -> Rig:
    """A desk in ``root`` with a supervisor and a clerk, and its bridge listening."""
    services = bootstrap(root, {"counter_id": "SX-BRIDGE-01", "clerk_id": CLERK},
                         secrets=SecretStore(memory=True))
    boss = staff.add(services.engine, BOSS, "王科长", "supervisor", "boss-password-1", None)
    clerk = staff.add(services.engine, CLERK, "李受理", "clerk", "clerk-password-1", boss)
    checks = BridgeChecks()
    checks.attach(services.events)
    pairings = Pairings(services.engine, services.protector,
                        counter=lambda: services.settings["counter_id"])
    desk = StandInDesk(checks, answer=answer)
    buckets = buckets or TokenBuckets()
    port = free_port()
    app = build_app(checks, pairings, desk, desk_audit(services), port,
                    answer_wait=answer_wait, ping_s=ping_s, linger_s=linger_s, buckets=buckets)
    server = BridgeServer(app, port).start()
    return Rig(services, checks, pairings, desk, server, boss, clerk, buckets)


def sse_events(response: httpx.Response):
    """``(event, data)`` pairs of a text/event-stream, comments (pings) as ``(":", text)``."""
    import json

    event, data = None, []
    for line in response.iter_lines():
        if line.startswith(":"):
            yield ":", line[1:].strip()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and event is not None:
            yield event, json.loads("\n".join(data))
            event, data = None, []

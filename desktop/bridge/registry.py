"""What the bridge knows of each check it handed to the window, in memory (one per process).

The server adds a check (``new``) and hands it in; the window then reports where it is
(``queued``, ``started``, ``verdict``, ``failed``, ``refused``, ``left``, ``cancel_all``), and
the core's events (``CheckDecided``, ``ReportPrinted`` on ``Services.events``) bring the
decision and the report number. Every change reaches the handle's watchers (``watch``) on
the thread that made it. Thread-safe. Only masked identifiers are kept.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.bridge.model import (
    CheckIn,
    CheckState,
    Decision,
    ErrorBody,
    Measure,
    Subject,
    VerdictOut,
)
from desktop.events import CheckDecided, EventBus, ReportPrinted
from desktop.identifiers import IdentifierError, IdentifierKind, mask, parse_identifier

MAX_HANDLES = 500
# Decisions the desk infers when the clerk moves on; one recorded a moment later wins.
INFERRED = ("standard", "undecided")
FORGET_AFTER_S = 24 * 3600

Watcher = Callable[[CheckState], None]


@dataclass
class _Entry:
    client_id: str
    state: CheckState
    changed: float  # monotonic, for forgetting
    watchers: list[Watcher] = field(default_factory=list)
    claimed: bool = False  # the window has taken it (``claim``): too late to refuse for time


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _subject_of(raw: str) -> Subject | None:
    try:
        parsed = parse_identifier(raw)
    except IdentifierError:
        return None
    kind = "person" if parsed.kind is IdentifierKind.RESIDENT_ID else "organization"
    return Subject(masked=parsed.masked, kind=kind)


class BridgeChecks:
    """The checks handed in over the bridge, by handle."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._by_check: dict[str, str] = {}  # check_id -> handle, learned in verdict()
        self._clock = clock

    # ------------------------------------------------------------------ the server's side

    def new(self, body: CheckIn, client) -> str:
        """A new check for ``client`` (a ``pairing.Client``), state ``submitted``."""
        handle = secrets.token_urlsafe(12)
        state = CheckState(handle=handle, case_no=body.case_no,
                           system=client.system, state="submitted",
                           subject=_subject_of(body.id), item=body.item, updated_at=_now())
        with self._lock:
            self._forget()
            self._entries[handle] = _Entry(client.client_id, state, self._clock())
        return handle

    def get(self, handle: str, client) -> CheckState | None:
        """The check's state, or None when unknown or another client's."""
        with self._lock:
            entry = self._entries.get(handle)
            if entry is None or entry.client_id != client.client_id:
                return None
            return entry.state

    def watch(self, handle: str, callback: Watcher) -> Callable[[], None]:
        """Call ``callback(state)`` on every change of ``handle`` (on the changing thread);
        returns the unsubscribe."""
        with self._lock:
            entry = self._entries.get(handle)
            if entry is not None:
                entry.watchers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if entry is not None and callback in entry.watchers:
                    entry.watchers.remove(callback)

        return unsubscribe

    # ------------------------------------------------------------------ the window's side

    def queued(self, handle: str, position: int) -> None:
        """Waits behind the check in progress, ``position`` (1-based) in the queue."""
        self._change(handle, lambda s: s.state in ("submitted", "queued"),
                     state="queued", queue_position=position)

    def started(self, handle: str) -> None:
        """The window is checking it."""
        self._change(handle, lambda s: s.state in ("submitted", "queued"),
                     state="checking", queue_position=None)

    def verdict(self, handle: str, outcome, step: str) -> None:
        """The verdict arrived (``outcome``: a ``CheckOutcome``); ``step`` is the dialog it
        calls for. A verdict calling for nothing (``none``) is decided at once."""
        subject = outcome.subject
        person = str(subject.kind) == "person"
        # A measure matched by several records of the subject is one measure to the caller.
        once = [m for i, m in enumerate(outcome.measures)
                if m.code not in {n.code for n in outcome.measures[:i]}]
        view = VerdictOut(
            check_id=outcome.check_id, verdict=str(outcome.verdict), step=step,
            measures=[Measure(code=m.code, kind=str(m.kind), text=m.text, basis=m.basis)
                      for m in once],
            source=outcome.source, as_of=outcome.as_of)
        changes: dict = {
            "state": "awaiting_decision", "queue_position": None, "verdict": view,
            "subject": Subject(masked=mask(subject.id),
                               kind="person" if person else "organization",
                               name=None if person else (subject.name or None)),
        }
        if step == "none":
            changes.update(state="decided", decision=Decision(action="none", at=_now()))
        with self._lock:
            if handle in self._entries:
                self._by_check[outcome.check_id] = handle
        self._change(handle, lambda s: not s.final, **changes)

    def failed(self, handle: str, zh: str, en: str) -> None:
        """The check could not be made (no answer, an unknown item)."""
        self._change(handle, lambda s: not s.final, state="failed", queue_position=None,
                     error=ErrorBody(code="check_failed", zh=zh, en=en))

    def refused(self, handle: str, zh: str, en: str, code: str = "refused") -> None:
        """The window did not take the check (queue full, nobody signed in: ``code``
        ``not_signed_in``); it never started. The server's refusal for time (``code``
        ``desk_unavailable``) does nothing once the window has claimed the check: the
        window is running it, and the caller hears so."""
        with self._lock:
            entry = self._entries.get(handle)
            if code == "desk_unavailable" and entry is not None and entry.claimed:
                return
            self._change(handle, lambda s: s.state in ("submitted", "queued"),
                         state="refused", queue_position=None,
                         error=ErrorBody(code=code, zh=zh, en=en))

    def claim(self, handle: str) -> bool:
        """The window takes ``handle`` now: True while it is still ``submitted`` and not
        refused (atomically, against the server's refusal for time); False otherwise,
        and the window must not run it."""
        with self._lock:
            entry = self._entries.get(handle)
            if entry is None or entry.claimed or entry.state.state != "submitted":
                return False
            entry.claimed = True
            return True

    def left(self, handle: str) -> None:
        """The clerk moved on from the answer without recording a decision: an incentive
        without a fast track was accepted the ``standard`` way; anything else (a restrict
        dialog backed out of, an alert passed over) is ``undecided``, which a business
        system must not take as leave to accept."""
        with self._lock:
            entry = self._entries.get(handle)
            verdict = entry.state.verdict if entry is not None else None
        action = "standard" if verdict is not None and verdict.step == "fast_track" \
            else "undecided"
        self._change(handle, lambda s: s.state == "awaiting_decision", state="decided",
                     decision=Decision(action=action, at=_now()))

    def final(self, handle: str) -> bool:
        """Whether ``handle`` is unknown or already final (e.g. refused after the window
        did not take it in time: the window must not run it late)."""
        with self._lock:
            entry = self._entries.get(handle)
            return entry is None or entry.state.final

    def cancel_all(self) -> None:
        """The window is closing: every check not final is cancelled."""
        with self._lock:
            handles = [h for h, e in self._entries.items() if not e.state.final]
        for handle in handles:
            self._change(handle, lambda s: not s.final, state="cancelled", queue_position=None)

    # ------------------------------------------------------------------ the core's events

    def attach(self, bus: EventBus) -> Callable[[], None]:
        """Follow decisions and printed reports on ``bus``; returns the unsubscribe."""
        return bus.subscribe(self._on_event)

    def _on_event(self, event) -> None:
        if isinstance(event, CheckDecided):
            handle = self._handle_of(event.check_id)
            if handle is not None:
                decision = Decision(action=event.action, at=_now(),
                                    approved_by=event.approved_by, letter_no=event.letter_no,
                                    due_date=event.due_date)
                self._change(handle, lambda s: s.state == "awaiting_decision" or (
                    s.state == "decided" and s.decision is not None
                    and s.decision.action in INFERRED), state="decided", decision=decision)
        elif isinstance(event, ReportPrinted):
            handle = self._handle_of(event.check_id)
            if handle is not None:
                self._change(handle, lambda s: s.verdict is not None, report_no=event.number)

    def _handle_of(self, check_id: str) -> str | None:
        with self._lock:
            return self._by_check.get(check_id)

    # ------------------------------------------------------------------ inside

    def _change(self, handle: str, allowed: Callable[[CheckState], bool], **values) -> None:
        with self._lock:
            entry = self._entries.get(handle)
            if entry is None or not allowed(entry.state):
                return
            entry.state = entry.state.model_copy(update={**values, "updated_at": _now()})
            entry.changed = self._clock()
            state, watchers = entry.state, list(entry.watchers)
        for callback in watchers:
            callback(state)

    def _forget(self) -> None:
        """Drop handles unchanged for a day; keep at most ``MAX_HANDLES`` - 1 before a new
        one by dropping final ones, the busiest client's oldest first. A check still open
        is never dropped for room (the window's queue of 20 bounds how many are open)."""
        cutoff = self._clock() - FORGET_AFTER_S
        for handle in [h for h, e in self._entries.items() if e.changed < cutoff]:
            self._drop(handle)
        excess = len(self._entries) - (MAX_HANDLES - 1)
        if excess > 0:
            # The client holding the most handles gives up its final ones first, so one
            # caller's flood of refused checks cannot push out another's decided ones.
            held = Counter(e.client_id for e in self._entries.values())
            done = sorted((-held[e.client_id], e.changed, h)
                          for h, e in self._entries.items() if e.state.final)
            for *_order, handle in done[:excess]:
                self._drop(handle)

    def _drop(self, handle: str) -> None:
        entry = self._entries.pop(handle)
        if entry.state.verdict is not None:
            self._by_check.pop(entry.state.verdict.check_id, None)

"""The counter's flow, one applicant after another: which check runs, which waits.

A check reaches the counter from the lookup field (a scan), the Samples menu, another
program (``--check``, a ``creditdesk://`` link, the single-instance channel) or later a
bridge. Only one runs at a time, and only one decision is pending at a time: a request
handed in while a check runs or a dialog waits for the clerk is queued (at most
``MAX_QUEUE``) and starts when the previous decision finished.

    idle ──hand_in──▶ checking ──checked──▶ awaiting_decision ⇄ deciding
                          │                        │
                          └──check_failed──▶ done ◀┘ decided
    done ──next──▶ checking (the next queued request), or stays done

``checked`` moves to awaiting_decision when the verdict calls for a dialog (intercept,
confirm); the clerk opening the optional fast-track dialog does the same (``offered``).
``deciding`` is while a dialog's action is being recorded. Illegal moves raise
``IllegalMove``; the window never needs to guess. No Qt here.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass

from desktop.counter.check_service import CheckOutcome
from desktop.counter.flows import FlowError, Step, step_for
from desktop.identifiers import mask

MAX_QUEUE = 20  # requests waiting behind the current one; more are refused
DIALOG_STEPS = (Step.INTERCEPT, Step.CONFIRM)  # a verdict that puts a dialog up by itself


class Phase(enum.StrEnum):
    """Where the counter is."""

    IDLE = "idle"
    CHECKING = "checking"
    AWAITING_DECISION = "awaiting_decision"
    DECIDING = "deciding"
    DONE = "done"


@dataclass(frozen=True)
class Request:
    """One check asked for: the normalised identifier, the item, where it came from
    (``scan``, ``samples``, ``channel``, ``bridge``, ...), the case number and calling
    system, if the caller has them, and the bridge's handle for a check a business system
    asked for over the local bridge (``desktop.bridge``)."""

    identifier: str
    item: str
    source: str = "scan"
    case_no: str = ""
    system: str = ""
    handle: str = ""

    @property
    def masked(self) -> str:
        """The identifier as it may be shown (a resident number without its birth date)."""
        return mask(self.identifier)

    def __repr__(self) -> str:  # an accidental print shows no birth date
        return f"Request({self.masked!r}, {self.item!r}, {self.source!r})"


class QueueFull(FlowError):
    """``MAX_QUEUE`` requests already wait; this one is refused (nothing queued)."""


class IllegalMove(RuntimeError):
    """A move the flow does not allow from its phase (a programming error)."""


class CounterFlow:
    """The state machine of one counter window."""

    def __init__(self, max_queue: int = MAX_QUEUE) -> None:
        self.phase = Phase.IDLE
        self.current: Request | None = None
        self.max_queue = max_queue
        self._queue: deque[Request] = deque()

    @property
    def queued(self) -> tuple[Request, ...]:
        """The requests waiting, first first."""
        return tuple(self._queue)

    @property
    def free(self) -> bool:
        """Nothing runs and no decision is pending."""
        return self.phase in (Phase.IDLE, Phase.DONE)

    def _require(self, move: str, *phases: Phase) -> None:
        if self.phase not in phases:
            raise IllegalMove(f"{move} from {self.phase}")

    def hand_in(self, request: Request, *, wait: bool = False) -> bool:
        """True: ``request`` is the current check now (checking); False: it was queued.
        With ``wait`` it is queued even when the counter is free (nobody signed in, or an
        answer on screen still to be read)."""
        if self.free and not self._queue and not wait:
            self.current, self.phase = request, Phase.CHECKING
            return True
        if len(self._queue) >= self.max_queue:
            raise QueueFull(f"已有 {self.max_queue} 位申请人排队待核查，请稍后再试",
                            f"{self.max_queue} checks are already queued; try again later")
        self._queue.append(request)
        return False

    def checked(self, outcome: CheckOutcome) -> Step:
        """The check's answer came: the step it calls for."""
        self._require("checked", Phase.CHECKING)
        step = step_for(outcome)
        self.phase = Phase.AWAITING_DECISION if step in DIALOG_STEPS else Phase.DONE
        return step

    def check_failed(self) -> None:
        """The check ended without an answer: done, the queue goes on."""
        self._require("check_failed", Phase.CHECKING)
        self.phase = Phase.DONE

    def offered(self) -> None:
        """The clerk opened an optional dialog (fast-track) for the answer on screen."""
        self._require("offered", Phase.IDLE, Phase.DONE)
        self.phase = Phase.AWAITING_DECISION

    def deciding(self, busy: bool) -> None:
        """A dialog's action is being recorded (``busy``), or no longer."""
        if busy:
            self._require("deciding", Phase.AWAITING_DECISION, Phase.DECIDING)
            self.phase = Phase.DECIDING
        else:
            self._require("decision recorded", Phase.AWAITING_DECISION, Phase.DECIDING)
            self.phase = Phase.AWAITING_DECISION

    def decided(self) -> None:
        """The dialog finished (with a decision or, where allowed, without)."""
        self._require("decided", Phase.AWAITING_DECISION, Phase.DECIDING)
        self.phase = Phase.DONE

    def next(self) -> Request | None:
        """The next queued request, now checking; None when nothing waits."""
        self._require("next", Phase.IDLE, Phase.DONE)
        if not self._queue:
            self.current = None
            return None
        self.current, self.phase = self._queue.popleft(), Phase.CHECKING
        return self.current

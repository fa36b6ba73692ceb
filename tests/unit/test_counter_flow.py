"""The counter's state machine (``desktop.counter.state_machine``), without Qt: one check at a time,
one pending decision at a time, the rest queued in order, bounded, and nothing lost."""

from __future__ import annotations

import pytest

from desktop.counter.check_service import CheckOutcome
from desktop.counter.flows import FlowError, Step
from desktop.counter.state_machine import (
    CounterFlow,
    IllegalMove,
    Phase,
    QueueFull,
    Request,
)
from desktop.platform.schemas import Verdict

PERSON = "330602199001011234"  # the shape of a resident number (not validated here)


def outcome(verdict: str) -> CheckOutcome:
    """An answer with only its verdict (all the flow reads)."""
    return CheckOutcome.model_construct(verdict=Verdict(verdict))


def req(n: int, source: str = "channel") -> Request:
    return Request(f"91330000MA2{n:07d}", "GOV_PROCUREMENT", source)


def test_a_request_starts_at_once_when_the_counter_is_free():
    flow = CounterFlow()
    assert flow.phase is Phase.IDLE and flow.free
    assert flow.hand_in(req(1, "scan")) is True
    assert flow.phase is Phase.CHECKING and flow.current == req(1, "scan")
    assert flow.queued == ()


@pytest.mark.parametrize(("verdict", "step", "phase"), [
    ("prohibit", Step.INTERCEPT, Phase.AWAITING_DECISION),
    ("restrict", Step.CONFIRM, Phase.AWAITING_DECISION),
    ("alert", Step.ACKNOWLEDGE, Phase.DONE),
    ("incentive", Step.FAST_TRACK, Phase.DONE),
    ("clear", Step.NONE, Phase.DONE),
])
def test_the_answer_names_the_step_and_only_dialogs_wait_for_a_decision(verdict, step, phase):
    flow = CounterFlow()
    flow.hand_in(req(1))
    assert flow.checked(outcome(verdict)) is step
    assert flow.phase is phase


def test_checks_handed_in_during_a_decision_wait_and_come_one_after_another():
    flow = CounterFlow()
    flow.hand_in(req(0))
    flow.checked(outcome("prohibit"))
    assert [flow.hand_in(req(n)) for n in (1, 2, 3)] == [False, False, False]
    assert flow.queued == (req(1), req(2), req(3))
    assert flow.phase is Phase.AWAITING_DECISION and flow.current == req(0)
    flow.deciding(True)
    assert flow.phase is Phase.DECIDING
    assert flow.hand_in(req(4)) is False  # queued while the decision is recorded, too
    flow.decided()
    answered = []
    while (nxt := flow.next()) is not None:
        assert flow.phase is Phase.CHECKING
        answered.append(nxt)
        flow.checked(outcome("restrict" if len(answered) % 2 else "clear"))
        if flow.phase is Phase.AWAITING_DECISION:
            with pytest.raises(IllegalMove):
                flow.next()  # never a second check while a decision is pending
            flow.decided()
    assert answered == [req(1), req(2), req(3), req(4)]
    assert flow.phase is Phase.DONE and flow.current is None and flow.queued == ()


def test_a_failed_check_is_done_and_the_queue_goes_on():
    flow = CounterFlow()
    flow.hand_in(req(0))
    flow.hand_in(req(1))
    flow.check_failed()
    assert flow.phase is Phase.DONE
    assert flow.next() == req(1) and flow.phase is Phase.CHECKING


def test_while_checking_a_new_request_queues_behind_it():
    flow = CounterFlow()
    flow.hand_in(req(0))
    assert flow.hand_in(req(1)) is False
    flow.checked(outcome("clear"))
    assert flow.hand_in(req(2)) is False  # done, but req(1) waits first: order is kept
    assert [flow.next(), flow.queued] == [req(1), (req(2),)]


def test_the_queue_is_bounded_and_refuses_in_both_languages():
    flow = CounterFlow(max_queue=3)
    flow.hand_in(req(0))
    for n in (1, 2, 3):
        flow.hand_in(req(n))
    with pytest.raises(QueueFull) as refused:
        flow.hand_in(req(4))
    assert isinstance(refused.value, FlowError)
    assert "排队" in refused.value.zh and "queued" in refused.value.en
    assert flow.queued == (req(1), req(2), req(3))  # the refused one is not queued


def test_the_optional_fast_track_dialog_is_a_pending_decision():
    flow = CounterFlow()
    flow.hand_in(req(0))
    assert flow.checked(outcome("incentive")) is Step.FAST_TRACK
    flow.offered()
    assert flow.phase is Phase.AWAITING_DECISION
    assert flow.hand_in(req(1)) is False
    flow.deciding(True)
    flow.deciding(False)  # recorded; the dialog stays open (print again, save as PDF)
    assert flow.phase is Phase.AWAITING_DECISION
    flow.decided()
    assert flow.next() == req(1)


@pytest.mark.parametrize("move", ["checked", "check_failed", "decided", "deciding"])
def test_moves_that_do_not_fit_the_phase_raise(move):
    flow = CounterFlow()
    call = {"checked": lambda: flow.checked(outcome("clear")),
            "check_failed": flow.check_failed, "decided": flow.decided,
            "deciding": lambda: flow.deciding(True)}[move]
    with pytest.raises(IllegalMove):
        call()  # idle: nothing to answer, nothing to decide
    assert flow.phase is Phase.IDLE


def test_illegal_moves_while_checking_and_deciding():
    flow = CounterFlow()
    flow.hand_in(req(0))
    for call in (flow.next, flow.offered, flow.decided, lambda: flow.deciding(True)):
        with pytest.raises(IllegalMove):
            call()
    flow.checked(outcome("prohibit"))
    for call in (flow.next, flow.offered, flow.check_failed,
                 lambda: flow.checked(outcome("clear"))):
        with pytest.raises(IllegalMove):
            call()
    assert flow.phase is Phase.AWAITING_DECISION


def test_a_request_prints_masked():
    request = Request(PERSON, "GOV_PROCUREMENT", "channel")
    assert PERSON not in repr(request) and request.masked in repr(request)
    assert request.masked.startswith("330602") and request.masked.endswith("1234")


def test_a_request_told_to_wait_is_queued_even_at_a_free_counter():
    flow = CounterFlow()
    assert flow.hand_in(req(1), wait=True) is False
    assert flow.phase is Phase.IDLE and [r.identifier for r in flow.queued] == [req(1).identifier]
    assert flow.next().identifier == req(1).identifier and flow.phase is Phase.CHECKING

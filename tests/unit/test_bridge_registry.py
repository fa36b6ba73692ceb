"""The bridge's registry of checks (desktop/bridge/registry.py), without a server: who sees
which handle, what each window call and core event does, and how long handles are kept."""

from __future__ import annotations

import datetime as dt
import threading

from desktop.bridge import registry as reg
from desktop.bridge.model import CheckIn
from desktop.bridge.pairing import Client
from desktop.counter.check_service import CheckOutcome
from desktop.events import CheckDecided, EventBus, ReportPrinted
from desktop.platform import schemas

PERSON, ORG = "330602199001011231", "91330602MA2BCDEF0M"
A = Client("a1", "http://a.example", "受理系统", "boss", "clerk", 0.0)
B = Client("b2", "http://b.example", "其他系统", "boss", "clerk", 0.0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _outcome(check_id: str, verdict: str = "prohibit", subject: str = PERSON,
             kind: str = "person", name: str = "张三") -> CheckOutcome:
    return CheckOutcome(check_id=check_id, item="GOV_PROCUREMENT", verdict=verdict,
                        measures=[], records=[], source="offline",
                        subject=schemas.SubjectOut(id=subject, kind=kind, name=name),
                        as_of=dt.datetime.now(dt.UTC))


def _new(checks: reg.BridgeChecks, client: Client = A, **body) -> str:
    return checks.new(CheckIn(id=PERSON, item="GOV_PROCUREMENT", **body), client)


def test_a_handle_is_its_clients_only_and_keeps_no_raw_identifier():
    checks = reg.BridgeChecks()
    handle = _new(checks, case_no="C-1")
    state = checks.get(handle, A)
    assert (state.state, state.case_no, state.system) == ("submitted", "C-1", "受理系统")
    assert state.subject.masked == "330602********1231"
    assert checks.get(handle, B) is None and checks.get("nope", A) is None
    assert PERSON not in repr(checks.__dict__) and PERSON not in state.model_dump_json()


def test_window_calls_move_the_state_and_unknown_handles_are_ignored():
    checks, bus = reg.BridgeChecks(), EventBus()
    checks.attach(bus)
    seen: list[str] = []
    handle = _new(checks)
    checks.watch(handle, lambda s: seen.append(s.state))
    for call in (lambda h: checks.queued(h, 3), checks.started,
                 lambda h: checks.verdict(h, _outcome("c1"), "intercept")):
        call("unknown")  # a no-op
        call(handle)
    checks.started(handle)  # not from awaiting_decision: ignored
    bus.publish(CheckDecided("other-check", "terminated"))  # not ours
    bus.publish(CheckDecided("c1", "terminated"))
    bus.publish(ReportPrinted("c1", "R-1"))
    assert seen == ["queued", "checking", "awaiting_decision", "decided", "decided"]
    state = checks.get(handle, A)
    assert (state.decision.action, state.report_no) == ("terminated", "R-1")


def test_an_organisation_keeps_its_name_a_person_never():
    checks = reg.BridgeChecks()
    person, org = _new(checks), _new(checks)
    checks.verdict(person, _outcome("p"), "intercept")
    checks.verdict(org, _outcome("o", subject=ORG, kind="organisation", name="某某公司"),
                   "intercept")
    assert checks.get(person, A).subject.name is None
    assert checks.get(org, A).subject.model_dump() == {
        "masked": ORG, "kind": "organization", "name": "某某公司"}


def test_refused_failed_left_and_cancelled():
    checks = reg.BridgeChecks()
    refused, failed, left, open_ = (_new(checks) for _ in range(4))
    checks.refused(refused, "排队已满", "queue full")
    checks.failed(failed, "无法核查", "no answer")
    checks.verdict(left, _outcome("i", "incentive"), "fast_track")
    checks.left(left)
    checks.cancel_all()
    got = {h: checks.get(h, A) for h in (refused, failed, left, open_)}
    assert [s.state for s in got.values()] == ["refused", "failed", "decided", "cancelled"]
    assert got[refused].error.model_dump() == {"code": "refused", "zh": "排队已满",
                                               "en": "queue full"}
    assert got[left].decision.action == "standard"


def test_handles_are_forgotten_after_a_day_and_final_ones_make_room_never_open_ones():
    clock = Clock()
    checks = reg.BridgeChecks(clock=clock)
    old = _new(checks)
    clock.now = reg.FORGET_AFTER_S + 1
    fresh = _new(checks)
    assert checks.get(old, A) is None and checks.get(fresh, A) is not None
    checks.verdict(fresh, _outcome("f", "clear"), "none")  # final: the first to go
    handles = []
    for i in range(reg.MAX_HANDLES):
        clock.now += 1
        handles.append(_new(checks))
        if i < 10:  # ten of them are answered (clear: final at once)
            checks.verdict(handles[-1], _outcome(f"c{i}", "clear"), "none")
    assert len(checks._entries) == reg.MAX_HANDLES
    assert checks.get(fresh, A) is None and all(checks.get(h, A) for h in handles)
    clock.now += 1
    _new(checks)
    assert checks.get(handles[0], A) is None  # the oldest final one made room
    assert all(checks.get(h, A) for h in handles[10:])  # no open check was dropped
    for _ in range(20):  # only open checks left besides nine final: those go, then it grows
        clock.now += 1
        _new(checks)
    assert all(checks.get(h, A) for h in handles[10:])
    assert not any(checks.get(h, A) for h in handles[:10])


def test_moving_on_without_a_decision_is_standard_only_for_an_incentive():
    checks = reg.BridgeChecks()
    bus = EventBus()
    checks.attach(bus)
    incentive, restrict, alert = _new(checks), _new(checks), _new(checks)
    checks.verdict(incentive, _outcome("i", "incentive"), "fast_track")
    checks.verdict(restrict, _outcome("r", "restrict"), "confirm")
    checks.verdict(alert, _outcome("a", "alert"), "acknowledge")
    for handle in (incentive, restrict, alert):
        checks.left(handle)
    assert [checks.get(h, A).decision.action for h in (incentive, restrict, alert)] == [
        "standard", "undecided", "undecided"]
    # Ctrl+K recorded on the runner lands just after the next scan: the recorded wins.
    bus.publish(CheckDecided("a", "acknowledged"))
    assert checks.get(alert, A).decision.action == "acknowledged"
    bus.publish(CheckDecided("a", "terminated"))  # a recorded decision is never replaced
    assert checks.get(alert, A).decision.action == "acknowledged"
    assert checks.final(alert) and checks.final("unknown-handle")
    assert not checks.final(_new(checks))


def test_watchers_hear_changes_from_any_thread_until_they_unsubscribe():
    checks = reg.BridgeChecks()
    handle = _new(checks)
    heard: list[str] = []
    unsubscribe = checks.watch(handle, lambda s: heard.append(s.state))
    worker = threading.Thread(target=checks.started, args=(handle,))
    worker.start()
    worker.join()
    unsubscribe()
    checks.verdict(handle, _outcome("x"), "confirm")
    assert heard == ["checking"]


def test_a_measure_matched_by_two_records_reaches_the_caller_once():
    checks = reg.BridgeChecks()
    handle = _new(checks)

    def matched(code: str, record: str) -> schemas.MatchedMeasure:
        return schemas.MatchedMeasure(code=code, kind="prohibit", text=f"措施 {code}",
                                      basis="依据", record_id=record)

    outcome = _outcome("m").model_copy(update={"measures": [
        matched("JUDGMENT-P", "r1"), matched("TAX-P", "r2"), matched("JUDGMENT-P", "r3")]})
    checks.verdict(handle, outcome, "intercept")
    assert [m.code for m in checks.get(handle, A).verdict.measures] == ["JUDGMENT-P", "TAX-P"]


def test_the_window_claims_a_check_atomically_against_the_refusal_for_time():
    checks = reg.BridgeChecks()
    late, taken = _new(checks), _new(checks)
    checks.refused(late, "超时", "timed out", code="desk_unavailable")  # the server gave up
    assert checks.claim(late) is False  # the window must not run it now
    assert checks.claim(taken) is True and checks.claim(taken) is False  # once
    checks.refused(taken, "超时", "timed out", code="desk_unavailable")  # too late: claimed
    assert checks.get(taken, A).state == "submitted"
    checks.refused(taken, "排队已满", "queue full")  # the window's own refusal still counts
    assert checks.get(taken, A).state == "refused"
    assert checks.claim("unknown") is False


def test_one_clients_flood_gives_up_its_own_final_checks_first():
    clock = Clock()
    checks = reg.BridgeChecks(clock=clock)
    kept = _new(checks, B)
    checks.verdict(kept, _outcome("b", "clear"), "none")  # B's decided check, the oldest
    for _ in range(reg.MAX_HANDLES + 50):  # A floods with checks the window refuses
        clock.now += 1
        handle = _new(checks, A)
        checks.refused(handle, "排队已满", "queue full")
    assert checks.get(kept, B) is not None and checks.get(kept, B).state == "decided"
    assert len(checks._entries) == reg.MAX_HANDLES

"""A check through the local bridge, against the real server on 127.0.0.1 and a real desk.

``bridge_rig.StandInDesk`` stands in for the Qt window (the lead's window tests cover the
window): it reports the check queued from its own "GUI" thread, and the test moves the
check on there, as the window's driver would; decisions and reports arrive as the core's
events (``CheckDecided``, ``ReportPrinted``) published on the desk's bus.
"""

from __future__ import annotations

import logging

import pytest

from desktop.bridge import routes
from desktop.bridge.server import document
from desktop.events import CheckDecided, ReportPrinted
from desktop.identifiers import mask
from tests.integration.bridge_rig import ORIGIN_A, PERSON, outcome, sse_events, start_rig
from tests.waiting import wait_until

CHECK = {"id": PERSON, "item": "GOV_PROCUREMENT", "case_no": "ZJ-2026-0001"}


@pytest.fixture
def rig(tmp_path):
    rig = start_rig(tmp_path / "desk")
    yield rig
    rig.close()


def _posted(rig, token: str, body: dict = CHECK) -> dict:
    answer = rig.http(ORIGIN_A, token).post("/v1/checks", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()


def test_the_event_stream_follows_the_check_to_the_decision_and_the_report(rig):
    _, token = rig.pair(ORIGIN_A, "街道综合受理系统")
    posted = _posted(rig, token)
    assert (posted["state"], posted["queue_position"]) == ("queued", 1)
    assert posted["subject"] == {"masked": mask(PERSON), "kind": "person", "name": None}
    assert (posted["case_no"], posted["system"]) == ("ZJ-2026-0001", "街道综合受理系统")
    handle, bus = posted["handle"], rig.services.events
    request = rig.desk.handed[0]
    assert (request.identifier, request.item, request.source, request.case_no,
            request.handle) == (PERSON, "GOV_PROCUREMENT", "bridge", "ZJ-2026-0001", handle)
    steps = [
        lambda: rig.checks.started(handle),
        lambda: rig.checks.verdict(handle, outcome("chk-1", "prohibit"), "intercept"),
        lambda: bus.publish(CheckDecided("chk-1", "overridden", approved_by="boss-01")),
        lambda: bus.publish(ReportPrinted("chk-1", "XY-2026-000123")),
    ]
    seen, raw = [], []
    with rig.http(ORIGIN_A, token).stream("GET", f"/v1/checks/{handle}/events") as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream)
        for step in [None, *steps]:
            if step is not None:
                rig.desk.run(step)  # on the stand-in GUI thread, like the window
            kind, state = next(e for e in events if e[0] != ":")
            assert kind == "state"
            seen.append(state)
            raw.append(repr(state))
    assert [s["state"] for s in seen] == ["queued", "checking", "awaiting_decision",
                                          "decided", "decided"]
    verdict = seen[2]["verdict"]
    assert (verdict["check_id"], verdict["verdict"], verdict["step"]) == (
        "chk-1", "prohibit", "intercept")
    assert [m["code"] for m in verdict["measures"]] == ["M-01"]
    assert seen[2]["subject"] == {"masked": mask(PERSON), "kind": "person", "name": None}
    assert seen[3]["decision"]["action"] == "overridden"
    assert seen[3]["decision"]["approved_by"] == "boss-01"
    assert seen[3]["report_no"] is None and seen[4]["report_no"] == "XY-2026-000123"
    assert PERSON not in "".join(raw) and "张三" not in "".join(raw)
    # The state the stream ended with is what a GET answers.
    got = rig.http(ORIGIN_A, token).get(f"/v1/checks/{handle}").json()
    assert got == seen[-1]


def test_a_clear_verdict_is_decided_at_once_and_an_incentive_left_is_standard(rig):
    _, token = rig.pair(ORIGIN_A)
    clear, incentive, fast = (_posted(rig, token)["handle"] for _ in range(3))
    rig.desk.run(lambda: rig.checks.verdict(clear, outcome("chk-c", "clear"), "none"))
    rig.desk.run(lambda: rig.checks.verdict(incentive, outcome("chk-i", "incentive"),
                                            "fast_track"))
    rig.desk.run(lambda: rig.checks.left(incentive))
    rig.desk.run(lambda: rig.checks.verdict(fast, outcome("chk-f", "incentive"), "fast_track"))
    rig.desk.run(lambda: rig.services.events.publish(CheckDecided(
        "chk-f", "fast_tracked", letter_no="CN-2026-0007", due_date="2026-12-31")))
    page = rig.http(ORIGIN_A, token)
    with page.stream("GET", f"/v1/checks/{fast}/events") as stream:  # waits for the last
        states = (s for k, s in sse_events(stream) if k == "state")
        last = next(s for s in states if s["state"] == "decided")
    assert (last["decision"]["action"], last["decision"]["letter_no"],
            last["decision"]["due_date"]) == ("fast_tracked", "CN-2026-0007", "2026-12-31")
    assert page.get(f"/v1/checks/{clear}").json()["decision"]["action"] == "none"
    assert page.get(f"/v1/checks/{incentive}").json()["decision"]["action"] == "standard"


def test_a_second_check_during_a_pending_decision_is_queued_then_cancelled_on_close(rig):
    _, token = rig.pair(ORIGIN_A)
    first, second = _posted(rig, token), _posted(rig, token)
    assert (first["queue_position"], second["queue_position"]) == (1, 2)
    rig.desk.run(lambda: rig.checks.started(first["handle"]))
    rig.desk.run(rig.checks.cancel_all)
    page = rig.http(ORIGIN_A, token)
    with page.stream("GET", f"/v1/checks/{second['handle']}/events") as stream:
        states = (s for k, s in sse_events(stream) if k == "state")
        assert next(s for s in states if s["state"] != "queued")["state"] == "cancelled"
    assert page.get(f"/v1/checks/{first['handle']}").json()["state"] == "cancelled"


def test_an_invalid_identifier_or_body_is_422_and_never_reaches_the_window(rig):
    _, token = rig.pair(ORIGIN_A)
    page = rig.http(ORIGIN_A, token)
    wrong = PERSON[:-1] + ("2" if PERSON[-1] != "2" else "3")  # check character wrong
    for body in ({**CHECK, "id": wrong}, {**CHECK, "id": "12345"},
                 {"item": "GOV_PROCUREMENT"}, {**CHECK, "case_no": "A\x07B"},
                 {**CHECK, "case_no": "9" * 65}, {**CHECK, "extra": wrong}):
        answer = page.post("/v1/checks", json=body)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["zh"] and error["en"]
        assert wrong not in answer.text and PERSON not in answer.text
    assert rig.desk.handed == []


def test_a_case_number_the_check_would_refuse_is_422_before_the_window(rig):
    _, token = rig.pair(ORIGIN_A)
    page = rig.http(ORIGIN_A, token)
    for case_no in ("ZJ-2026-\u202e1000", "ZJ\u200b-0001", "ZJ\u2028-0001"):  # bidi, invisible
        answer = page.post("/v1/checks", json={**CHECK, "case_no": case_no})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == {"code": "invalid_case_no", "zh": "案号含控制字符",
                                          "en": "the case number has control characters"}
        assert case_no not in answer.text
    assert rig.desk.handed == []
    # Blanks around a number are dropped, as the check itself does.
    assert _posted(rig, token, {**CHECK, "case_no": "  ZJ-2026-0001 "})["case_no"] == \
        "ZJ-2026-0001"


def test_the_system_is_always_the_paired_one(rig):
    _, token = rig.pair(ORIGIN_A, "街道综合受理系统")
    page = rig.http(ORIGIN_A, token)
    other = page.post("/v1/checks", json={**CHECK, "system": "另一个系统"})
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "system_mismatch" and error["zh"] and error["en"]
    assert "另一个系统" not in other.text
    assert rig.desk.handed == []
    for system in ("", "街道综合受理系统"):
        assert _posted(rig, token, {**CHECK, "system": system})["system"] == "街道综合受理系统"
    assert [r.system for r in rig.desk.handed] == ["街道综合受理系统"] * 2


def test_a_window_that_refuses_gives_409_and_one_that_does_not_answer_503(tmp_path):
    rig = start_rig(tmp_path / "desk", answer=False, answer_wait=0.5)
    try:
        _, token = rig.pair(ORIGIN_A)
        page = rig.http(ORIGIN_A, token)
        silent = page.post("/v1/checks", json=CHECK)
        assert silent.status_code == 503, silent.text
        assert silent.json()["error"]["zh"] and silent.json()["error"]["en"]
        rig.desk.refusal = ("排队已满（20 件），请稍后再试", "the queue is full (20)", "refused")
        full = page.post("/v1/checks", json=CHECK)
        assert full.status_code == 409
        assert full.json()["error"] == {"code": "refused", "zh": "排队已满（20 件），请稍后再试",
                                        "en": "the queue is full (20)"}
        rig.desk.refusal = ("请先登录", "nobody is signed in", "not_signed_in")
        assert page.post("/v1/checks", json=CHECK).status_code == 503
    finally:
        rig.close()


def test_every_call_is_logged_and_the_raw_identifier_is_nowhere(rig, caplog):
    caplog.set_level(logging.DEBUG)
    _, token = rig.pair(ORIGIN_A)  # two calls: ask, collect
    page = rig.http(ORIGIN_A, token)
    handle = _posted(rig, token)["handle"]
    rig.desk.run(lambda: rig.checks.verdict(handle, outcome("chk-9", "restrict"), "confirm"))
    with page.stream("GET", f"/v1/checks/{handle}/events") as stream:
        next(s for k, s in sse_events(stream) if k == "state" and s["verdict"])
    calls = [
        (page.get(f"/v1/checks/{handle}"), 200),
        (page.get("/v1/health"), 200),
        (rig.http(ORIGIN_A).post("/v1/checks", json=CHECK), 401),
        (rig.http(ORIGIN_A, token, Host="evil.example:1").get(f"/v1/checks/{handle}"), 403),
        (page.get("/v1/checks/unknown"), 404),
        (page.post("/v1/checks", json={**CHECK, "id": PERSON[:-1]}), 422),
    ]
    assert [a.status_code for a, _ in calls] == [s for _, s in calls]
    entries = rig.audit_rows()
    # The paired client's calls are an entry each; the unpaired caller's 401 and the
    # foreign Host's 403 are counted in ``bridge.refused`` entries instead.
    answered = [s for _, s in calls if s not in (401, 403)]
    assert len(entries) == 2 + 1 + 1 + len(answered)
    assert [e["details"]["status"] for e in entries] == [202, 200, 202, 200] + answered
    post = entries[2]
    assert post["details"] == {
        "method": "POST", "route": "/v1/checks", "status": 202, "origin": ORIGIN_A,
        "client_id": post["details"]["client_id"], "system": "街道综合受理系统",
        "handle": handle, "case_no": "ZJ-2026-0001"}
    assert post["details"]["client_id"] == rig.pairings.clients()[0].client_id
    assert (post["subject_masked"], post["item"], post["subject_key"], post["clerk"]) == (
        mask(PERSON), "GOV_PROCUREMENT", None, "clerk-01")
    assert entries[3]["details"]["route"] == "/v1/checks/{handle}/events"
    assert entries[4]["details"]["route"] == "/v1/checks/{handle}"
    # An unknown handle is the caller's text: the template is logged, not the handle.
    unknown = entries[6]["details"]
    assert (unknown["status"], unknown["route"]) == (404, "/v1/checks/{handle}")
    assert "handle" not in unknown
    refused = rig.audit_rows("bridge.refused")
    assert sorted((e["details"]["kind"], e["details"]["status"], e["details"]["count"])
                  for e in refused) == [("host_not_allowed", 403, 1), ("token_missing", 401, 1)]
    # The raw number: not in the log table, not anywhere in the cache file, not in the logs.
    with rig.services.engine.connect() as conn:
        table = repr(conn.exec_driver_sql("SELECT * FROM audit").all())
    assert mask(PERSON) in table and PERSON not in table
    rig.close_http()
    rig.server.stop()
    data_dir = rig.services.settings.data_dir
    for path in data_dir.glob("creditdesk.sqlite*"):
        assert PERSON.encode() not in path.read_bytes(), path.name
    assert PERSON not in caplog.text and PERSON[:-1] not in caplog.text


def test_health_the_served_document_and_the_browser_client(rig, tmp_path, monkeypatch):
    page = rig.http()
    health = page.get("/v1/health").json()
    assert health["service"] == "creditdesk-bridge" and health["api"] == 1
    assert page.get("/openapi.json").json() == document()
    assert routes.script_path().parts[-2:] == ("bridge", "creditdesk-bridge.js")
    assert routes.script_path().parent.parent.joinpath("fonts.txt").exists()  # the package
    shipped = tmp_path / "creditdesk-bridge.js"
    shipped.write_text("export const hello = '你好';\n", encoding="utf-8")
    monkeypatch.setattr(routes, "script_path", lambda: shipped)
    served = rig.http("http://not-paired.example").get("/creditdesk-bridge.js")
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/javascript; charset=utf-8"
    assert served.content == shipped.read_bytes()
    monkeypatch.setattr(routes, "script_path", lambda: tmp_path / "missing.js")
    missing = page.get("/creditdesk-bridge.js")
    assert missing.status_code == 404
    assert missing.json()["error"]["zh"] and missing.json()["error"]["en"]


def test_the_stream_pings_and_ends_a_while_after_the_final_state(tmp_path):
    rig = start_rig(tmp_path / "desk", ping_s=0.2, linger_s=1.0)
    try:
        _, token = rig.pair(ORIGIN_A)
        handle = _posted(rig, token)["handle"]
        seen = []
        with rig.http(ORIGIN_A, token).stream("GET", f"/v1/checks/{handle}/events") as stream:
            for kind, data in sse_events(stream):  # ends when the server closes the stream
                seen.append(kind if kind == ":" else data["state"])
                if seen.count(":") == 2 and "decided" not in seen:
                    rig.desk.run(lambda: rig.checks.verdict(handle, outcome("chk-p", "clear"),
                                                            "none"))
        assert seen[0] == "queued" and seen.count("decided") == 1
        assert seen.index(":") < seen.index("decided")
        assert ":" in seen[seen.index("decided"):]  # pinged while lingering, then ended
    finally:
        rig.close()


def test_a_client_holds_at_most_four_event_streams(rig):
    import contextlib

    client, token = rig.pair(ORIGIN_A)
    handle = _posted(rig, token)["handle"]
    page = rig.http(ORIGIN_A, token)
    slots = rig.server.app.state.slots
    with contextlib.ExitStack() as open_streams:
        streams = [open_streams.enter_context(page.stream("GET", f"/v1/checks/{handle}/events"))
                   for _ in range(4)]
        assert [s.status_code for s in streams] == [200] * 4
        fifth = page.get(f"/v1/checks/{handle}/events")
        assert fifth.status_code == 429
        assert fifth.json()["error"]["code"] == "too_many_streams"
        assert fifth.json()["error"]["zh"] and fifth.json()["error"]["en"]
        streams[0].close()  # the page closes one: its slot comes back
        wait_until(lambda: slots.open(client.client_id) <= 3, 10, "the closed stream's slot")
        with page.stream("GET", f"/v1/checks/{handle}/events") as again:
            assert again.status_code == 200
    assert [(e["details"]["route"], e["details"]["status"]) for e in rig.audit_rows()
            if e["details"]["route"].endswith("/events")] == [
        ("/v1/checks/{handle}/events", s) for s in (200, 200, 200, 200, 429, 200)]


def test_stopping_the_server_ends_an_open_stream(rig):
    _, token = rig.pair(ORIGIN_A)
    handle = _posted(rig, token)["handle"]
    with rig.http(ORIGIN_A, token).stream("GET", f"/v1/checks/{handle}/events") as stream:
        events = sse_events(stream)
        assert next(events)[1]["state"] == "queued"
        rig.server.stop()
        # The stream ended: no more events, no error. A stream the stop did not end would
        # be cut by uvicorn's graceful-shutdown timeout mid-body (httpx raises
        # RemoteProtocolError here) or still be open (ReadTimeout after 15 s).
        assert list(events) == []

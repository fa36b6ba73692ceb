"""The reference business page (examples/business-system) in real headless chromium, end to
end: page → creditdesk-bridge.js → the local bridge → the real counter window (offscreen)
→ the reference platform → the clerk's decision in the window → the page.

The test is the clerk: it allows pairing in the window (窗口 → 已连接的业务系统…),
approves the page's pairing in the window's pairing dialog with a supervisor's
credentials, terminates an intercept in the intercept dialog, and in the second case
fast-tracks in the fast-track dialog. What it asserts is what the people at
the two screens see: the same code on both sides, the red intercept and the green offer
on the page while the clerk decides, then the decision, with "受理 / Accept" enabled only
when the desk allows it. With CREDITDESK_SCREENSHOTS=1 the page is saved as
docs/screenshots/bridge-intercept.png and bridge-fast-track.png.

The page's static server and the bridge are each on their own loopback port, so the page
is a cross-origin caller exactly as a department's system is.
"""

from __future__ import annotations

import gc
import json
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QApplication
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from desktop.identifiers import mask
from local_cache.tables import audit
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.e2e.conftest import requested_urls
from tests.ui.desks import allow_pairing, bridged_window, free_port
from tests.ui.test_counter_queue import intercept_up
from tests.ui.test_dialogs import approve
from tests.ui.test_main_window import WAIT, scan
from ui.app import install_language
from ui.bridge.host import BridgeHost
from ui.bridge.pairing_dialog import PairingDialog
from ui.counter.confirm_dialog import ConfirmDialog
from ui.counter.fast_track_dialog import FastTrackDialog

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEFAULT_PORT = 27150  # the bridge's documented default, and the page's


@pytest.fixture(autouse=True)
def in_chinese_and_collected_here(qapp):
    install_language(qapp, "zh_CN")
    yield
    gc.collect()


@pytest.fixture
def desk(qtbot, ctx):
    """The counter window with its bridge listening on a free port: (window, host, base URL)."""
    with bridged_window(qtbot, ctx) as (window, host, base):
        yield window, host, base


# ---------------------------------------------------------------- the page, as read by a person

def element(browser, element_id: str):
    return browser.find_element(By.ID, element_id)


def result(browser) -> tuple[str, str]:
    """(kind of the desk's panel, its text as shown); ("", "") while no panel shows."""
    panel = element(browser, "desk-result")
    if not panel.is_displayed():
        return "", ""
    return panel.get_attribute("data-kind") or "", panel.text


def accept_enabled(browser) -> bool:
    return element(browser, "accept").is_enabled()


def open_page(qtbot, browser, page_url: str, base: str) -> None:
    """The page, pointed at this test's bridge, with its script loaded from the bridge."""
    browser.get(f"{page_url}?bridge={base}")
    qtbot.waitUntil(lambda: bool(browser.find_element(By.TAG_NAME, "body")
                                 .get_attribute("data-bridge")), timeout=WAIT)
    assert "首次核查时配对" in element(browser, "bridge-status").text
    assert not accept_enabled(browser)


def send_to_desk(browser, sample, case_no: str) -> None:
    """Type the applicant, pick the item, type the case number, "送柜台核查"."""
    for field, text in (("applicant-id", sample.id), ("case-no", case_no)):
        element(browser, field).send_keys(Keys.CONTROL, "a")  # over what is there
        element(browser, field).send_keys(Keys.DELETE, text)
    Select(element(browser, "item")).select_by_value(sample.item)
    element(browser, "check").click()


def approve_pairing(qtbot, browser, page_url: str) -> None:
    """The code on the page is the one in the window's dialog; a supervisor approves."""
    qtbot.waitUntil(lambda: element(browser, "pairing").is_displayed()
                    and bool(element(browser, "pairing-code").text), timeout=WAIT)
    on_page = element(browser, "pairing-code").text
    assert "请柜台人员和科室负责人在窗口中核对配对码后批准" in element(browser, "pairing").text
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PairingDialog),
                    timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    assert dialog.code.text().replace(" ", "") == on_page and len(on_page) == 6
    assert page_url.rstrip("/") in dialog.info.text()  # the page's origin, for the clerk
    dialog.approval.staff_id.setText(SUPERVISOR)
    dialog.approval.password.setText(SUPERVISOR_PASSWORD)
    dialog.approval.approve_button.click()
    qtbot.waitUntil(dialog.approve_button.isEnabled, timeout=WAIT)
    dialog.approve_button.click()
    qtbot.waitUntil(lambda: not element(browser, "pairing").is_displayed(), timeout=WAIT)


def screenshot(browser, name: str) -> None:
    if os.environ.get("CREDITDESK_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(SHOTS / name))


def bridge_calls(ctx) -> list[tuple[str | None, dict]]:
    """(masked subject, details) of the desk's ``bridge.call`` log entries."""
    with ctx.services.engine.connect() as conn:
        rows = conn.execute(select(audit.c.subject_masked, audit.c.details)
                            .where(audit.c.event == "bridge.call")
                            .order_by(audit.c.seq)).all()
    return [(masked, json.loads(details)) for masked, details in rows]


# ---------------------------------------------------------------- the two cases

def test_an_intercept_shows_red_on_the_page_and_terminate_keeps_accept_disabled(
        qtbot, desk, ctx, browser, page_url, samples):
    window, _host, base = desk
    sample = next(s for s in samples.prohibit if s.kind == "person")
    open_page(qtbot, browser, page_url, base)
    allow_pairing(qtbot, window)  # the clerk opens pairing for two minutes
    send_to_desk(browser, sample, "SX-2026-00017")
    approve_pairing(qtbot, browser, page_url)

    dialog = intercept_up(qtbot, window)
    assert window.outcome.subject.id == sample.id
    qtbot.waitUntil(lambda: result(browser)[0] == "intercept", timeout=WAIT)
    _kind, text = result(browser)
    assert "禁止受理" in text and "柜台已拦截，等待柜台决定" in text
    assert mask(sample.id) in text and "SX-2026-00017" in text
    assert sample.id not in text  # the bridge sent the masked number only
    # and, as in the desk's own field, the typed number now shows masked on the page
    assert element(browser, "applicant-id").get_attribute("value") == mask(sample.id)
    assert all(m.text in text for m in window.outcome.measures)
    assert not accept_enabled(browser)  # the clerk is still deciding

    dialog.terminate_button.click()
    qtbot.waitUntil(lambda: result(browser)[0] == "terminated", timeout=WAIT)
    qtbot.waitUntil(lambda: window.last_decision is not None, timeout=WAIT)  # dialog closed
    assert window.last_decision.action == "terminated"
    _kind, text = result(browser)
    assert "已终止受理" in text and "Terminated at the desk" in text
    assert not accept_enabled(browser)
    screenshot(browser, "bridge-intercept.png")

    # Every bridge call is in the desk's log: the case number, the masked number, never
    # the raw one.
    calls = bridge_calls(ctx)
    posted = [(m, d) for m, d in calls if d["method"] == "POST" and d["route"] == "/v1/checks"]
    assert [(m, d["status"], d.get("case_no")) for m, d in posted] == [
        (mask(sample.id), 202, "SX-2026-00017")]
    assert all(sample.id not in json.dumps(d, ensure_ascii=False) for _m, d in calls)
    # The page's own calls carry its Origin (the script tag's plain GET carries none).
    assert {d["origin"] for _m, d in calls if d["route"] != "/creditdesk-bridge.js"} == {
        page_url.rstrip("/")}


def test_a_fast_track_offer_shows_green_and_the_letter_reaches_the_page(
        qtbot, desk, ctx, browser, page_url, samples, tmp_path):
    window, _host, base = desk
    sample = next(s for s in samples.incentive if s.kind == "organisation")
    open_page(qtbot, browser, page_url, base)
    allow_pairing(qtbot, window)  # the clerk opens pairing for two minutes
    send_to_desk(browser, sample, "SX-2026-00018")
    approve_pairing(qtbot, browser, page_url)

    qtbot.waitUntil(lambda: window.outcome is not None
                    and window.fast_track_action.isEnabled(), timeout=WAIT)
    qtbot.waitUntil(lambda: result(browser)[0] == "offer", timeout=WAIT)
    _kind, text = result(browser)
    assert "守信激励" in text and "可容缺快办，等待柜台办理" in text and "SX-2026-00018" in text
    assert not accept_enabled(browser)  # offered, not yet decided

    window.fast_track_action.trigger()  # F8
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), FastTrackDialog)
                    and QApplication.activeModalWidget().plan is not None, timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    next(box for box in dialog.materials.values() if box.isEnabled()).setChecked(True)
    dialog.path.setText(str(tmp_path / "letter.pdf"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.decision is not None and dialog.done_button.isEnabled(),
                    timeout=WAIT)
    done = dialog.decision
    dialog.done_button.click()

    qtbot.waitUntil(lambda: result(browser)[0] == "fast-tracked", timeout=WAIT)
    _kind, text = result(browser)
    assert "容缺受理" in text and "Fast-tracked" in text
    assert done.letter_no in text and done.due_date.isoformat() in text
    qtbot.waitUntil(lambda: accept_enabled(browser), timeout=WAIT)
    screenshot(browser, "bridge-fast-track.png")

    element(browser, "accept").click()
    qtbot.waitUntil(lambda: element(browser, "accepted").is_displayed(), timeout=WAIT)
    assert "已受理，案号 SX-2026-00018" in element(browser, "accepted").text
    assert not accept_enabled(browser)  # accepted once


def test_an_override_names_the_supervisor_and_a_check_waits_its_turn_on_the_page(
        qtbot, desk, ctx, browser, page_url, samples):
    window, _host, base = desk
    person = next(s for s in samples.prohibit if s.kind == "person")
    organisation = next(s for s in samples.prohibit if s.kind == "organisation")
    clear = samples.clear[0]
    open_page(qtbot, browser, page_url, base)
    allow_pairing(qtbot, window)  # the clerk opens pairing for two minutes
    send_to_desk(browser, person, "SX-2026-00019")
    approve_pairing(qtbot, browser, page_url)

    # The clerk overrides the intercept with a supervisor's approval: the page may accept
    # and names who approved.
    dialog = intercept_up(qtbot, window)
    qtbot.waitUntil(lambda: result(browser)[0] == "intercept", timeout=WAIT)
    dialog.override_button.click()
    dialog.reason.setPlainText("申请人已履行全部义务，名单尚未更新")
    dialog.ground.setText("《行政许可法》第三十八条")
    approve(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
    dialog.confirm_override.click()
    qtbot.waitUntil(lambda: result(browser)[0] == "overridden", timeout=WAIT)
    _kind, text = result(browser)
    assert "依法继续办理" in text and f"批准人 Approved by\n{SUPERVISOR}" in text
    qtbot.waitUntil(lambda: accept_enabled(browser), timeout=WAIT)
    qtbot.waitUntil(lambda: window.last_decision is not None, timeout=WAIT)

    # The clerk is deciding on someone scanned at the counter: the page's next applicant
    # waits, shown with its place in line, and accept stays off until its turn is decided.
    scan(qtbot, window, organisation.id, organisation.item)
    dialog = intercept_up(qtbot, window)
    send_to_desk(browser, clear, "SX-2026-00020")
    qtbot.waitUntil(lambda: result(browser)[0] == "queued", timeout=WAIT)
    _kind, text = result(browser)
    assert "排队等候柜台" in text and "本件排第 1 位" in text
    assert not accept_enabled(browser)
    assert QApplication.activeModalWidget() is dialog  # no second dialog over the first

    dialog.terminate_button.click()
    qtbot.waitUntil(lambda: result(browser)[0] == "clear", timeout=WAIT)
    _kind, text = result(browser)
    assert "无信用限制，可以受理" in text and "SX-2026-00020" in text
    assert window.outcome.subject.id == clear.id
    qtbot.waitUntil(lambda: accept_enabled(browser), timeout=WAIT)


def test_a_restrict_the_clerk_backs_out_of_leaves_accept_disabled_as_undecided(
        qtbot, desk, browser, page_url, samples):
    window, _host, base = desk
    sample = samples.restrict[0]
    open_page(qtbot, browser, page_url, base)
    allow_pairing(qtbot, window)
    send_to_desk(browser, sample, "SX-2026-00022")
    approve_pairing(qtbot, browser, page_url)

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ConfirmDialog),
                    timeout=WAIT)
    qtbot.waitUntil(lambda: result(browser)[0] == "restrict", timeout=WAIT)
    assert not accept_enabled(browser)
    QApplication.activeModalWidget().cancel_button.click()  # 返回: the clerk records nothing

    qtbot.waitUntil(lambda: result(browser)[0] == "undecided", timeout=WAIT)
    _kind, text = result(browser)
    assert "柜台未记录决定" in text and "No decision recorded at the desk" in text
    assert "请勿受理" in text and "do not accept" in text and "SX-2026-00022" in text
    assert not accept_enabled(browser)


PAIRING_CLOSED = (  # the bridge's words (BRIDGE_SPEC2), shown by the page as they come
    "柜台尚未允许新的配对：请柜台人员在窗口中点“允许新的配对”",
    "the desk does not accept pairing now: ask the clerk to allow pairing in the window")


def test_the_page_says_pairing_is_closed_until_the_clerk_allows_it(
        qtbot, desk, browser, page_url, samples):
    window, host, base = desk
    sample = samples.clear[0]
    open_page(qtbot, browser, page_url, base)
    send_to_desk(browser, sample, "SX-2026-00021")  # pairing not allowed in the window

    qtbot.waitUntil(lambda: element(browser, "desk-message").get_attribute("data-code")
                    == "pairing_closed", timeout=WAIT)
    kind, text = result(browser)
    assert kind == "error" and "未能与柜台配对" in text
    assert PAIRING_CLOSED[0] in text and PAIRING_CLOSED[1] in text  # both languages
    status = element(browser, "bridge-status").text
    assert "允许新的配对" in status and "allow pairing in the window" in status
    assert not element(browser, "pairing").is_displayed()  # no code: nothing to compare
    assert not accept_enabled(browser)
    # and the desk shows nothing: no pairing dialog, nothing pending, no check
    assert host.pairings.pending() == [] and host.dialog is None
    assert not isinstance(QApplication.activeModalWidget(), PairingDialog)
    assert window.outcome is None

    # Once the clerk allows pairing, the same page pairs and checks on its next try.
    allow_pairing(qtbot, window)
    element(browser, "check").click()
    approve_pairing(qtbot, browser, page_url)
    qtbot.waitUntil(lambda: result(browser)[0] == "clear", timeout=WAIT)
    assert "SX-2026-00021" in result(browser)[1]
    qtbot.waitUntil(lambda: accept_enabled(browser), timeout=WAIT)


@pytest.mark.xdist_group("bridge-port-27150")  # binds the default port
@pytest.mark.parametrize("served_from, asked", [
    ("127.0.0.1", "https://evil.example"),
    # A page served from anywhere but 127.0.0.1 (a department's server; here "localhost")
    # takes no ?bridge= at all, not even a loopback port another program might hold.
    ("localhost", "http://127.0.0.1:{free}"),
], ids=["foreign-address", "page-not-on-127.0.0.1"])
def test_a_bridge_address_the_page_may_not_take_is_ignored_and_the_script_comes_from_the_default(
        qtbot, ctx, browser, page_url, served_from, asked):
    """A ``?bridge=`` the page may not take must not decide where it loads its script (and
    would send its token): the page says it ignored it and uses http://127.0.0.1:27150, here
    served by the desk's bridge on its default port."""
    page_url = page_url.replace("127.0.0.1", served_from)
    asked = asked.format(free=free_port())
    with socket.socket() as probe:  # a clear message rather than a timeout
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            pytest.fail(f"port {DEFAULT_PORT} is in use (a desk running here?): this test "
                        "serves the page's default bridge address")
    ctx.services.settings.set_override("bridge_port", DEFAULT_PORT)
    host = BridgeHost(ctx, lambda: None)  # no window needed: the page only loads the script
    with qtbot.waitSignal(host.listening, timeout=WAIT):
        host.start()
    try:
        requested_urls(browser)  # drop what the fresh browser fetched before the page
        browser.get(f"{page_url}?bridge={asked}")
        qtbot.waitUntil(lambda: element(browser, "bridge-status").get_attribute("data-kind")
                        == "ready", timeout=WAIT)
        urls = requested_urls(browser)
    finally:
        host.stop()

    default = f"http://127.0.0.1:{DEFAULT_PORT}"
    assert element(browser, "bridge-note").is_displayed()
    note = element(browser, "bridge-note").text
    assert "已忽略地址参数 bridge" in note and "ignored the bridge parameter" in note
    assert default in note
    assert "首次核查时配对" in element(browser, "bridge-status").text  # the desk's script ran
    assert f"{default}/creditdesk-bridge.js" in urls
    # nothing but the page's own server and the default bridge was asked for anything
    assert {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in urls} == {
        page_url.rstrip("/"), default}
    # the desk served it: its log counts the script's GET (answered calls of callers
    # without a token are summarised per kind, bridge.served)
    with ctx.services.engine.connect() as conn:
        served = [json.loads(d) for d in conn.execute(
            select(audit.c.details).where(audit.c.event == "bridge.served")).scalars()]
    assert [(d["status"], d["count"]) for d in served
            if d["kind"] == "GET /creditdesk-bridge.js"] == [(200, 1)]


def test_the_client_reads_an_event_stream_cut_anywhere(browser):
    """creditdesk-bridge.js's stream parser, in chromium: any line ending, data split over
    lines, comments (pings), and the bytes cut at every position into two chunks."""
    script = (Path(__file__).resolve().parents[2] / "resources" / "bridge"
              / "creditdesk-bridge.js").read_text(encoding="utf-8")
    browser.get("about:blank")
    browser.execute_script(script)
    stream = (': ping\r\n\r\nevent: state\r\ndata: {"state":\r\ndata:  "queued"}\r\n\r\n'
              'event: other\ndata: x\n\n: ping\n\nevent: state\rdata: {"state": "案"}\r\r'
              'data: no event name\n\n')
    events = browser.execute_script("""
        const text = arguments[0], seen = [];
        for (let cut = 0; cut <= text.length; cut++) {
            const got = [];
            const parser = new CreditDeskBridge.EventParser((type, data) => got.push([type, data]));
            parser.push(text.slice(0, cut));
            parser.push(text.slice(cut));
            seen.push(JSON.stringify(got));
        }
        return seen;""", stream)
    expected = [["state", '{"state":\n "queued"}'], ["other", "x"], ["state", '{"state": "案"}'],
                ["message", "no event name"]]
    assert set(events) == {json.dumps(expected, ensure_ascii=False,
                                   separators=(",", ":"))}


def test_the_client_polls_when_the_desk_has_too_many_streams_and_undecided_is_no_accept(
        browser, page_url):
    """creditdesk-bridge.js in chromium, against a bridge stood in by fetch() inside the page:
    refused a stream with ``too_many_streams`` it reads the state by polling until decided;
    it sends no ``system`` of its own (the bridge uses the paired one); ``mayAccept`` is
    false for terminated and undecided."""
    script = (Path(__file__).resolve().parents[2] / "resources" / "bridge"
              / "creditdesk-bridge.js").read_text(encoding="utf-8")
    browser.get(f"{page_url}no-such-page")  # an http origin, so localStorage works
    browser.execute_script(script)
    seen = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const base = "http://127.0.0.1:1", calls = [], bodies = [];
        const state = (name, action) => ({handle: "h", state: name, case_no: "", system: "S",
            queue_position: null, subject: null, item: "I", verdict: null, report_no: null,
            error: null, updated_at: "t",
            decision: action ? {action: action, at: "t", approved_by: null, letter_no: null,
                                due_date: null} : null});
        const answer = (status, body) => new Response(JSON.stringify(body), {status: status,
            headers: {"Content-Type": "application/json"}});
        let polls = 0;
        window.fetch = async (url, init) => {
            calls.push(((init && init.method) || "GET") + " " + url.slice(base.length));
            if (init && init.body) bodies.push(JSON.parse(init.body));
            if (url.endsWith("/v1/checks")) return answer(202, state("checking"));
            if (url.endsWith("/events")) return answer(429, {error: {code: "too_many_streams",
                zh: "z", en: "e"}});
            polls += 1;
            return answer(200, polls < 3 ? state("awaiting_decision") : state("decided",
                                                                             "undecided"));
        };
        localStorage.setItem("creditdesk-bridge-token:" + base, "token");
        const desk = CreditDeskBridge({base: base, system: "S", pollInterval: 5});
        const run = desk.check({id: "x", item: "I", follow: false});
        const may = ["terminated", "undecided", "proceeded", "none"].map(
            a => CreditDeskBridge.mayAccept(state("decided", a)));
        may.push(CreditDeskBridge.mayAccept(state("awaiting_decision")));
        run.decision.then(
            s => done({action: s.decision.action, calls: calls, bodies: bodies, may: may}),
            e => done({error: e.code, calls: calls}));""")
    assert seen.get("error") is None, seen
    assert seen["action"] == "undecided"
    assert seen["calls"][:2] == ["POST /v1/checks", "GET /v1/checks/h/events"]
    assert seen["calls"][2:] == ["GET /v1/checks/h"] * 3  # polled until decided, then stopped
    assert [b["system"] for b in seen["bodies"]] == [""]
    assert seen["may"] == [False, False, True, True, False]

/*
 * The reference acceptance form: sends the applicant to the CreditDesk counter window
 * through the local bridge and keeps "受理 / Accept" disabled until the desk has decided.
 * Plain script, no build step. The bridge's base URL is http://127.0.0.1:27150. Only a
 * page that is itself served from 127.0.0.1 (a developer's copy, the tests) takes another
 * port with ?bridge=http://127.0.0.1:PORT; a page served from the department's own server
 * ignores ?bridge= altogether, with a note on the page, so that a link can never make it
 * load a script, and hand over its token, from another program's port.
 */
(function () {
  "use strict";

  var SYSTEM = "街道综合受理系统";
  var DEFAULT_BASE = "http://127.0.0.1:27150";
  var asked = new URLSearchParams(location.search).get("bridge");
  var BASE = loopbackBase(asked) || DEFAULT_BASE;

  // "http://127.0.0.1:PORT" (PORT 1..65535, digits only, an optional trailing "/") when
  // this page itself is served from 127.0.0.1, else null.
  function loopbackBase(text) {
    if (location.hostname !== "127.0.0.1") return null;
    var m = /^http:\/\/127\.0\.0\.1:([0-9]{1,5})\/?$/.exec(text || "");
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) return null;
    return "http://127.0.0.1:" + Number(m[1]);
  }

  var $ = function (id) { return document.getElementById(id); };
  var form = $("acceptance");
  var checkButton = $("check");
  var acceptButton = $("accept");
  var desk = null;
  var run = null;
  var lastCheck = null;

  var PAIRING_CODES = ["pairing_closed", "pairing_refused", "pairing_expired",
    "pairing_collected", "too_many_pairings"];
  var VERDICT = {
    prohibit: ["禁止受理", "Prohibited", "intercept"],
    restrict: ["限制受理", "Restricted", "restrict"],
    alert: ["提示", "Alert", "alert"],
    incentive: ["守信激励", "Incentive", "offer"],
    clear: ["未发现信用记录", "No credit record", "clear"],
  };
  var WAITING = {
    intercept: ["柜台已拦截，等待柜台决定", "Intercepted at the desk; waiting for the clerk's decision"],
    confirm: ["等待柜台确认", "Waiting for the clerk to confirm"],
    acknowledge: ["等待柜台知悉提示", "Waiting for the clerk to acknowledge the alert"],
    fast_track: ["可容缺快办，等待柜台办理", "Fast track offered; waiting for the desk"],
    none: ["等待柜台", "Waiting for the desk"],
  };
  var ACTION = {
    terminated: ["已终止受理", "Terminated at the desk"],
    overridden: ["依法继续办理（负责人批准）", "Overridden with a supervisor's approval"],
    proceeded: ["柜台确认继续办理", "Proceeded by the clerk"],
    fast_tracked: ["容缺受理", "Fast-tracked"],
    acknowledged: ["柜台已知悉提示", "Alert acknowledged by the clerk"],
    standard: ["按一般程序办理", "Standard procedure"],
    undecided: ["柜台未记录决定", "No decision recorded at the desk"],
    none: ["无信用限制，可以受理", "No credit restriction; you may accept"],
  };

  function both(zh, en) {
    var span = document.createElement("span");
    span.appendChild(document.createTextNode(zh + " "));
    var e = document.createElement("span");
    e.className = "en";
    e.textContent = en;
    span.appendChild(e);
    return span;
  }

  function put(el, zh, en) {
    el.textContent = "";
    if (zh || en) el.appendChild(both(zh, en));
  }

  function status(zh, en, kind) {
    var el = $("bridge-status");
    put(el, zh, en);
    el.dataset.kind = kind || "";
  }

  function panel(kind, zh, en) {
    var el = $("desk-result");
    el.hidden = false;
    el.className = "panel panel-" + kind;
    el.dataset.kind = kind;
    put($("desk-result-title"), zh, en);
    put($("desk-subject"), "", "");
    put($("desk-message"), "", "");
    $("desk-measures").textContent = "";
    $("desk-decision").textContent = "";
    $("desk-decision").hidden = true;
  }

  function decisionRow(zh, en, value) {
    var list = $("desk-decision");
    list.hidden = false;
    var dt = document.createElement("dt");
    dt.appendChild(both(zh, en));
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function showError(error) {
    var pairing = PAIRING_CODES.indexOf(error.code) >= 0;
    panel("error", pairing ? "未能与柜台配对" : "柜台未能完成核查",
      pairing ? "Could not pair with the desk" : "The desk could not complete the check");
    put($("desk-message"), error.zh || "", error.en || "");
    $("desk-message").dataset.code = error.code || "";
  }

  function showSubject(state) {
    var s = state.subject;
    if (!s) return;
    // As the desk's own field does: once the desk has the number, the field shows it
    // masked (the screen faces the counter); unchanged, it still means the same applicant.
    var field = $("applicant-id");
    if (lastCheck && field.value.trim() === lastCheck.id) {
      field.value = s.masked;
      lastCheck.masked = s.masked;
    }
    var text = s.masked + (s.name ? "  " + s.name : "");
    if (state.case_no) text += "  ·  案号 Case " + state.case_no;
    $("desk-subject").textContent = text;
  }

  function showMeasures(verdict) {
    var list = $("desk-measures");
    (verdict.measures || []).forEach(function (m) {
      var li = document.createElement("li");
      li.textContent = m.text + (m.basis ? "（" + m.basis + "）" : "");
      list.appendChild(li);
    });
  }

  function render(state) {
    acceptButton.disabled = true;
    var v = state.verdict;
    if (state.state === "submitted" || state.state === "checking") {
      panel("checking", "柜台核查中…", "Checking at the desk…");
      return;
    }
    if (state.state === "queued") {
      panel("queued", "排队等候柜台", "Queued at the desk");
      put($("desk-message"), "柜台正在处理上一位申请人，本件排第 " + state.queue_position + " 位",
        "the clerk is deciding on an earlier applicant; this one is number " +
        state.queue_position + " in the queue");
      $("desk-message").dataset.position = String(state.queue_position);
      return;
    }
    if (state.state === "awaiting_decision" && v) {
      var words = VERDICT[v.verdict] || VERDICT.clear;
      var wait = WAITING[v.step] || WAITING.none;
      panel(words[2], words[0], words[1]);
      showSubject(state);
      put($("desk-message"), wait[0], wait[1]);
      showMeasures(v);
      return;
    }
    if (state.state === "decided" && state.decision) {
      renderDecision(state);
      return;
    }
    if (state.error) showError(state.error);
  }

  function renderDecision(state) {
    var d = state.decision;
    var v = state.verdict || {verdict: "clear"};
    var words = ACTION[d.action] || [d.action, d.action];
    var kind = {
      terminated: "terminated", overridden: "overridden", fast_tracked: "fast-tracked",
      proceeded: "restrict", acknowledged: "alert", standard: "clear", none: "clear",
      undecided: "undecided",
    }[d.action] || "undecided";
    panel(kind, words[0], words[1]);
    showSubject(state);
    var verdict = VERDICT[v.verdict] || VERDICT.clear;
    if (d.action === "undecided") {
      put($("desk-message"), "柜台未作出决定，请勿受理；请柜台人员重新核查（核查结果：" +
        verdict[0] + "）", "the clerk moved on without a decision: do not accept; ask for " +
        "the check again (verdict: " + verdict[1] + ")");
    } else {
      put($("desk-message"), "核查结果：" + verdict[0], "Verdict: " + verdict[1]);
    }
    showMeasures(v);
    if (d.approved_by) decisionRow("批准人", "Approved by", d.approved_by);
    if (d.letter_no) decisionRow("承诺书编号", "Letter no.", d.letter_no);
    if (d.due_date) decisionRow("补正期限", "Due date", d.due_date);
    if (state.report_no) decisionRow("信用报告编号", "Report no.", state.report_no);
    acceptButton.disabled = !window.CreditDeskBridge.mayAccept(state);
  }

  function showPairing(code) {
    $("pairing").hidden = false;
    $("pairing-code").textContent = code;
  }

  async function ensurePaired() {
    if (desk.paired()) return;
    status("等待柜台批准配对", "Waiting for the desk to approve the pairing", "pairing");
    try {
      await desk.pair({onCode: showPairing});
    } finally {
      $("pairing").hidden = true;
    }
    status("已与柜台配对", "Paired with the desk", "ready");
  }

  async function sendToDesk(event) {
    event.preventDefault();
    var id = $("applicant-id").value.trim();
    if (lastCheck && lastCheck.masked && id === lastCheck.masked) id = lastCheck.id;
    if (!id) {
      showError({code: "empty", zh: "请填写申请人证件号码", en: "Enter the applicant's ID"});
      $("applicant-id").focus();
      return;
    }
    if (run) run.close();
    acceptButton.disabled = true;
    $("accepted").hidden = true;
    checkButton.disabled = true;
    lastCheck = {id: id, caseNo: $("case-no").value.trim()};
    try {
      await ensurePaired();
      panel("checking", "已送柜台", "Sent to the desk");
      run = desk.check({id: id, item: $("item").value, caseNo: lastCheck.caseNo,
        onState: render});
      await run.decision;
    } catch (error) {
      showError(error);
      if (error.code === "pairing_closed") {
        status("未配对：请柜台人员先在窗口中允许新的配对，再送核查",
          "Not paired: ask the clerk to allow pairing in the window, then check again", "error");
      } else if (!desk.paired()) {
        status("未配对", "Not paired", "error");
      }
    } finally {
      checkButton.disabled = false;
    }
  }

  function accept() {
    var note = $("accepted");
    put(note, "已受理" + (lastCheck && lastCheck.caseNo ? "，案号 " + lastCheck.caseNo : ""),
      "Accepted" + (lastCheck && lastCheck.caseNo ? ", case " + lastCheck.caseNo : ""));
    note.hidden = false;
    acceptButton.disabled = true;
  }

  function start() {
    desk = window.CreditDeskBridge({base: BASE, system: SYSTEM});
    form.addEventListener("submit", sendToDesk);
    acceptButton.addEventListener("click", accept);
    // The script came from the bridge, so the desk is there. /v1/health answers a page's
    // origin only once it is paired (CORS is open to approved origins and to pairing).
    document.body.dataset.bridge = "loaded";
    if (!desk.paired()) {
      status("柜台已连接，首次核查时配对（柜台人员须先在窗口中允许新的配对）",
        "Desk found; pairing on the first check (the clerk allows pairing in the window first)",
        "ready");
      return;
    }
    desk.health().then(function () {
      status("已与柜台连接", "Connected to the desk", "ready");
    }, function (error) {
      status(error.zh, error.en, "error");
    });
  }

  if (asked !== null && loopbackBase(asked) === null) {
    var note = $("bridge-note");
    put(note, "已忽略地址参数 bridge（仅在本机 127.0.0.1 上打开的页面接受 http://127.0.0.1:端口），" +
      "使用本机柜台 " + DEFAULT_BASE, "ignored the bridge parameter (only a page opened from " +
      "127.0.0.1 takes http://127.0.0.1:PORT); using the desk on this computer, " + DEFAULT_BASE);
    note.hidden = false;
  }
  document.body.dataset.base = BASE;

  var script = document.createElement("script");
  script.src = BASE + "/creditdesk-bridge.js";
  script.onload = start;
  script.onerror = function () {
    status("无法连接柜台（柜台窗口是否已打开？）", "Cannot reach the desk (is the counter window open?)",
      "error");
    checkButton.disabled = true;
  };
  document.head.appendChild(script);
})();

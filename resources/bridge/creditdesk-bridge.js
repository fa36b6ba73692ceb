/*
 * creditdesk-bridge.js: the browser client of the CreditDesk local bridge.
 *
 * Plain ES2017, no dependencies, no build step; load it as a classic script:
 *   <script src="http://127.0.0.1:27150/creditdesk-bridge.js"></script>
 * It defines one global, CreditDeskBridge. The HTTP API it speaks is described in
 * docs/INTEGRATION.md ("The local bridge") and docs/bridge-api.json.
 *
 *   const desk = CreditDeskBridge({base: "http://127.0.0.1:27150", system: "街道综合受理系统"});
 *   if (!desk.paired()) await desk.pair({onCode: code => show(code)});
 *   const run = desk.check({id, item: "GOV_PROCUREMENT", caseNo: "2026-0001",
 *                           onState: state => render(state)});
 *   const final = await run.decision;          // state "decided"; final.decision.action ...
 *   acceptButton.disabled = !CreditDeskBridge.mayAccept(final);
 *
 * Errors are CreditDeskBridge.Error objects with {code, zh, en, status}.
 */
(function (root) {
  "use strict";

  var FINAL = ["decided", "failed", "refused", "cancelled"];
  var STATES = ["submitted", "queued", "checking", "awaiting_decision"].concat(FINAL);
  var TOKEN_KEY = "creditdesk-bridge-token:";
  // Decisions on which a business system must not accept: the clerk terminated, or moved on
  // without recording any decision.
  var NO_ACCEPT = ["terminated", "undecided"];
  var FOLLOW_MS = 30 * 60 * 1000;  // how long a report number may still arrive after the decision

  class BridgeError extends Error {
    constructor(code, zh, en, status) {
      super(zh + " / " + en);
      this.name = "CreditDeskBridgeError";
      this.code = code;
      this.zh = zh;
      this.en = en;
      this.status = status || 0;
      this.retryAfter = null;
    }
  }

  var OWN_ERRORS = {
    unreachable: ["无法连接柜台桥接服务（柜台窗口是否已打开？）",
      "Cannot reach the desk bridge (is the counter window open?)"],
    bad_answer: ["柜台桥接服务的应答无法识别", "The desk bridge gave an answer that cannot be read"],
    not_paired: ["本系统尚未与柜台配对", "This system is not paired with the desk yet"],
    pairing_refused: ["柜台拒绝了配对请求", "The desk refused the pairing request"],
    pairing_expired: ["配对请求已过期，请重新配对", "The pairing request expired; pair again"],
    pairing_collected: ["配对令牌已被领取，请重新配对",
      "The pairing token was already collected; pair again"],
    not_allowed: ["柜台不再接受本系统的请求（配对已撤销？），请重新配对",
      "The desk no longer accepts this system (pairing revoked?); pair again"],
    stream_lost: ["与柜台的连接中断", "The connection to the desk was lost"],
    failed: ["柜台核查失败", "The check failed at the desk"],
    refused: ["柜台未受理此次核查", "The desk did not take this check"],
    cancelled: ["柜台窗口已关闭，核查已取消", "The desk window closed; the check was cancelled"],
    aborted: ["已停止等待柜台", "Stopped waiting for the desk"],
  };

  function ownError(code, status) {
    var words = OWN_ERRORS[code];
    return new BridgeError(code, words[0], words[1], status);
  }

  function wait(ms) {
    // Pacing between polls and reconnects, not synchronisation.
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function storage() {
    try { return root.localStorage || null; } catch (e) { return null; }
  }

  // An error response: {"error": {"code", "zh", "en"}}; anything else becomes bad_answer.
  async function errorFrom(response) {
    var error = null;
    try {
      var body = await response.json();
      var e = body && body.error;
      if (e && typeof e.code === "string") {
        error = new BridgeError(e.code, String(e.zh || ""), String(e.en || ""), response.status);
      }
    } catch (ignored) { /* not JSON: fall through */ }
    if (!error) error = ownError("bad_answer", response.status);
    var retry = response.headers.get("Retry-After");
    if (retry) error.retryAfter = Number(retry);
    return error;
  }

  /*
   * Server-Sent Events parser for a fetch() body. Lines end in \n, \r\n or \r; a blank
   * line dispatches the event; lines starting ":" are comments (the bridge's pings).
   */
  function EventParser(onEvent) {
    this.onEvent = onEvent;
    this.rest = "";
    this.type = "";
    this.data = [];
  }
  EventParser.prototype.push = function (text) {
    var buffer = this.rest + text;
    var start = 0;
    for (var i = 0; i < buffer.length; i++) {
      var ch = buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      if (ch === "\r" && i + 1 === buffer.length) break;  // maybe half of \r\n: wait
      this.line(buffer.slice(start, i));
      if (ch === "\r" && buffer[i + 1] === "\n") i++;
      start = i + 1;
    }
    this.rest = buffer.slice(start);
  };
  EventParser.prototype.line = function (line) {
    if (line === "") {
      if (this.data.length) this.onEvent(this.type || "message", this.data.join("\n"));
      this.type = "";
      this.data = [];
      return;
    }
    if (line[0] === ":") return;
    var colon = line.indexOf(":");
    var field = colon < 0 ? line : line.slice(0, colon);
    var value = colon < 0 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
  };

  function CreditDeskBridge(options) {
    if (!(this instanceof CreditDeskBridge)) return new CreditDeskBridge(options);
    options = options || {};
    this.base = String(options.base || "http://127.0.0.1:27150").replace(/\/+$/, "");
    this.system = options.system ? String(options.system) : "";
    this.pollInterval = options.pollInterval || 1000;
    this.reconnects = options.reconnects == null ? 5 : options.reconnects;
  }

  CreditDeskBridge.Error = BridgeError;
  CreditDeskBridge.FINAL_STATES = FINAL.slice();
  CreditDeskBridge.STATES = STATES.slice();
  CreditDeskBridge.EventParser = EventParser;
  CreditDeskBridge.NO_ACCEPT = NO_ACCEPT.slice();

  /* Whether the desk's word allows the business system to accept: decided, and neither
   * terminated nor undecided. */
  CreditDeskBridge.mayAccept = function (state) {
    return !!(state && state.state === "decided" && state.decision &&
              NO_ACCEPT.indexOf(state.decision.action) < 0);
  };

  var proto = CreditDeskBridge.prototype;

  proto.token = function () {
    var store = storage();
    return store ? store.getItem(TOKEN_KEY + this.base) : null;
  };

  proto.paired = function () { return !!this.token(); };

  proto.forget = function () {
    var store = storage();
    if (store) store.removeItem(TOKEN_KEY + this.base);
  };

  proto._fetch = async function (method, path, body, needsToken, signal) {
    var headers = {"Accept": "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (needsToken) {
      var token = this.token();
      if (!token) throw ownError("not_paired", 401);
      headers["Authorization"] = "Bearer " + token;
    }
    var response;
    try {
      response = await fetch(this.base + path, {
        method: method, headers: headers, signal: signal, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if (e && e.name === "AbortError") throw ownError("aborted");
      if (needsToken && await this._answersAnyOrigin()) {
        // The bridge is there but the browser refused its answer (CORS): this origin is no
        // longer on the desk's list, so the token is dead too.
        this.forget();
        throw ownError("not_allowed", 403);
      }
      throw ownError("unreachable");
    }
    if (!response.ok) {
      var error = await errorFrom(response);
      if (needsToken && response.status === 401) this.forget();  // revoked or unknown token
      throw error;
    }
    return response;
  };

  // The pairing endpoints answer every origin: a 404 for a made-up pairing proves that the
  // bridge is up even when a browser hides its other answers from this page.
  proto._answersAnyOrigin = async function () {
    try {
      await fetch(this.base + "/v1/pairings/-", {cache: "no-store"});
      return true;
    } catch (e) {
      return false;
    }
  };

  proto._json = async function (method, path, body, needsToken, signal) {
    var response = await this._fetch(method, path, body, needsToken, signal);
    try { return await response.json(); } catch (e) { throw ownError("bad_answer"); }
  };

  /* GET /v1/health: {"service": "creditdesk-bridge", "api": 1, "version": "..."}. */
  proto.health = function () { return this._json("GET", "/v1/health"); };

  /*
   * Pair this page's origin with the desk. onCode(code, pairingId) is called as soon as the
   * desk has given the 6-digit code (show it: the clerk compares it in the window); then the
   * request is polled until the clerk and a supervisor approve it (resolves with the token,
   * also kept in localStorage for this base URL), refuse it or it expires (rejects).
   * The desk takes pairing requests only while the clerk has allowed them in the window
   * (two minutes); otherwise this rejects at once with code "pairing_closed".
   */
  proto.pair = async function (opts) {
    opts = opts || {};
    var system = opts.system || this.system;
    var started = await this._json("POST", "/v1/pairings", {system: system}, false, opts.signal);
    if (opts.onCode) opts.onCode(started.code, started.pairing_id);
    var path = "/v1/pairings/" + encodeURIComponent(started.pairing_id);
    for (;;) {
      await wait(opts.pollInterval || this.pollInterval);
      if (opts.signal && opts.signal.aborted) throw ownError("aborted");
      var now = await this._json("GET", path, undefined, false, opts.signal);
      if (opts.onState) opts.onState(now.state);
      if (now.state === "pending") continue;
      if (now.state === "approved") {
        if (!now.token) throw ownError("pairing_collected");
        var store = storage();
        if (store) store.setItem(TOKEN_KEY + this.base, now.token);
        return now.token;
      }
      if (now.state === "refused") throw ownError("pairing_refused", 403);
      throw ownError("pairing_expired", 410);
    }
  };

  /*
   * Hand a check to the desk: {id, item, caseNo, system} plus callbacks. Returns a run:
   *   run.decision   Promise: resolves with the CheckState once it is "decided" (check
   *                  CreditDeskBridge.mayAccept(state): "terminated" and "undecided" mean
   *                  do not accept); rejects with a CreditDeskBridge.Error on failed /
   *                  refused / cancelled or an HTTP error (401, 403, 409, 422, 429, 503 ...);
   *   run.handle     Promise of the bridge's handle;
   *   run.state      the last CheckState seen;
   *   run.close()    stop listening (the check itself goes on at the desk).
   * Callbacks: onState(state) for every state, and one per state: onSubmitted, onQueued,
   * onChecking, onAwaitingDecision, onDecided, onFailed, onRefused, onCancelled; onReport(no,
   * state) when a report number arrives. After the decision the stream stays open (a report
   * may be printed later) until run.close() or opts.follow === false.
   */
  proto.check = function (opts) {
    var self = this;
    var controller = new AbortController();
    var run = {state: null, closed: false};
    var settle = {};
    run.decision = new Promise(function (resolve, reject) {
      settle.resolve = resolve;
      settle.reject = reject;
    });
    run.decision.catch(function () { /* handled by the caller; no unhandled rejection */ });
    var handleSettle = {};
    run.handle = new Promise(function (resolve, reject) {
      handleSettle.resolve = resolve;
      handleSettle.reject = reject;
    });
    run.handle.catch(function () {});
    run.close = function () {
      run.closed = true;
      controller.abort();
    };
    var settled = false;
    var lastSeen = "";

    function fail(error) {
      if (!settled) { settled = true; settle.reject(error); }
      handleSettle.reject(error);
    }

    function see(state) {
      var key = JSON.stringify(state);
      if (key === lastSeen) return;
      var previous = run.state;
      lastSeen = key;
      run.state = state;
      if (opts.onState) opts.onState(state);
      var name = "on" + state.state.split("_").map(function (w) {
        return w[0].toUpperCase() + w.slice(1);
      }).join("");
      if (typeof opts[name] === "function") opts[name](state);
      if (state.report_no && opts.onReport && (!previous || previous.report_no !== state.report_no)) {
        opts.onReport(state.report_no, state);
      }
      if (settled) return;
      if (state.state === "decided") {
        settled = true;
        settle.resolve(state);
        if (opts.follow === false) run.close();
      } else if (FINAL.indexOf(state.state) >= 0) {
        var e = state.error;
        fail(e ? new BridgeError(e.code, e.zh, e.en, 0) : ownError(state.state));
        run.close();
      }
    }

    async function listen(handle) {
      var path = "/v1/checks/" + encodeURIComponent(handle) + "/events";
      var attempts = 0;
      while (!run.closed) {
        var gotSomething = false;
        try {
          var response = await self._fetch("GET", path, undefined, true, controller.signal);
          var parser = new EventParser(function (type, data) {
            if (type !== "state") return;
            var state;
            try { state = JSON.parse(data); } catch (e) { return; }
            gotSomething = true;
            see(state);
          });
          var reader = response.body.getReader();
          var decoder = new TextDecoder("utf-8");
          for (;;) {
            var part = await reader.read();
            if (part.done) break;
            parser.push(decoder.decode(part.value, {stream: true}));
          }
        } catch (error) {
          if (run.closed) return;
          if (error instanceof BridgeError && error.code === "too_many_streams") {
            // The desk has as many streams open as it allows (4 per client, 32 in all):
            // the check goes on; read its state by polling instead.
            await poll(handle);
            return;
          }
          if (error instanceof BridgeError && error.status === 429) {
            await wait(1000 * (error.retryAfter || 1));  // pacing: the desk asked us to wait
            continue;
          }
          if (error instanceof BridgeError && error.status && error.status !== 503) {
            fail(error);  // 401 / 403 / 404: retrying cannot help
            return;
          }
        }
        if (run.closed) return;
        var final = run.state && FINAL.indexOf(run.state.state) >= 0;
        if (final) return;  // the bridge ended the stream after its final state's time
        attempts = gotSomething ? 0 : attempts + 1;
        if (attempts > self.reconnects) {
          fail(ownError("stream_lost"));
          return;
        }
        await wait(Math.min(1000 * attempts, 5000));
      }
    }

    // GET /v1/checks/{handle} every pollInterval until final; after the decision every 5 s
    // (for a report number) until run.close(), follow === false or 30 minutes.
    async function poll(handle) {
      var path = "/v1/checks/" + encodeURIComponent(handle);
      var failures = 0;
      var decidedAt = 0;
      while (!run.closed) {
        try {
          see(await self._json("GET", path, undefined, true, controller.signal));
          failures = 0;
        } catch (error) {
          if (run.closed) return;
          var transient = error instanceof BridgeError &&
            (!error.status || error.status === 429 || error.status === 503);
          if (!transient || ++failures > self.reconnects) {
            fail(transient ? ownError("stream_lost") : error);
            return;
          }
        }
        if (run.closed || !run.state) return;
        if (run.state.state !== "decided" && FINAL.indexOf(run.state.state) >= 0) return;
        if (run.state.state === "decided") {
          decidedAt = decidedAt || Date.now();
          if (Date.now() - decidedAt > FOLLOW_MS) return;
        }
        // Pacing between polls, not synchronisation.
        await wait(decidedAt ? 5000 : self.pollInterval * Math.max(1, failures));
      }
    }

    (async function () {
      // system "" = the name this client was paired as (a different name is refused with
      // 422 system_mismatch), so it is sent only when the caller names one.
      var body = {id: String(opts.id || ""), item: String(opts.item || ""),
        case_no: String(opts.caseNo || ""), system: String(opts.system || "")};
      var first;
      try {
        first = await self._json("POST", "/v1/checks", body, true, controller.signal);
      } catch (error) {
        fail(error);
        return;
      }
      handleSettle.resolve(first.handle);
      see(first);
      var more = FINAL.indexOf(first.state) < 0 || first.state === "decided";
      if (more && !run.closed) await listen(first.handle);
    })();

    return run;
  };

  root.CreditDeskBridge = CreditDeskBridge;
})(typeof window !== "undefined" ? window : this);

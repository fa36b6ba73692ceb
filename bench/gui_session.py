"""Child process of the ``gui_stall`` and ``memory`` figures: a counter window at work.

``python -m bench.gui_session setup SETTINGS_JSON API_KEY WORK_DIR`` makes the desk in
``WORK_DIR`` (SETTINGS: ``platform_url`` the sandbox, its counter and department; a
supervisor and a clerk account), as an installed desk is made once; then
``python -m bench.gui_session SETTINGS_JSON API_KEY WORK_DIR BATCH_FILE LATENCY_MS`` opens it
as a desk starts every day (its schema current, so no migration code is loaded). The data
key comes from ``BENCH_DATA_KEY`` in both, the API key from the command line (no keyring).

Offscreen Qt, the clerk signed in (``desktop.staff.session``, as the sign-in dialog does);
nothing of the sandbox or the demo is imported, so the peak is the window's own. The
counter window as ``ui.app`` opens it (its CJK font, the interpreter's switch interval,
idle lock, garbage collection on the GUI thread; after its first frame the desk runtime,
the local bridge, start-up objects frozen). A 10 ms
PreciseTimer on the GUI thread records every gap between its ticks while the window does,
in turn:

- ``idle``: nothing, for 2 s (what the machine's load alone does to the heartbeat);
- ``batch``: Ctrl+B's batch window checks BATCH_FILE (the .xlsx list of distinct subjects
  that ``bench.fig_gui._batch_file`` wrote) for GOV_PROCUREMENT, from ``start()`` to the
  result drawn (+300 ms);
- ``sync``: F5 (``sync_now``) from an empty snapshot, to the report shown (+300 ms);
- ``check``: a check of a clear sample subject while the platform holds every ``/v1/``
  answer LATENCY_MS (``POST /sandbox/faults {"latency_ms": ...}``), to the card (+300 ms).

The event loop runs throughout (a nested ``QEventLoop``, as ``ui.app`` does at start-up),
never ``processEvents`` with sleeps. Prints one JSON line: per phase the longest gap, the
99th percentile gap, ticks, seconds, and the peak RSS (KiB) after start-up and each phase.
With ``BENCH_GUI_TRACE=1`` it also writes to stderr each phase's worst gaps (split by the
kernel's schedstat into time on a core, queued for one and asleep), every garbage
collection over 2 ms and every GUI-thread Python call over 20 ms (for finding a stall's
cause; the hook slows that thread); ``BENCH_GUI_TRACE=sched`` all but the calls, without
the hook. ``BENCH_GUI_PHASES=batch,batch,sync`` (say) runs only those phases.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

from bench.gui_start import peak_rss_kib

ITEM = "GOV_PROCUREMENT"
CLERK, PASSWORD = "bench-clerk", "bench-clerk-pass"
_BASE = [0]  # the profiler's stack depth inside run_until's loop.exec (see _trace_slow)


def _trace_slow() -> list:
    """With ``BENCH_GUI_TRACE=1``: every Python call the event loop makes on this (the GUI)
    thread, as (start, seconds, code). Slows the GUI thread's Python code (a profiler
    hook), so only for finding a stall's cause."""
    calls: list = []  # every call at the loop's depth: (start, seconds, code)
    stack: list = []
    base = _BASE

    def hook(frame, event, _arg) -> None:
        if event == "call":
            stack.append((time.perf_counter(), frame))
        elif event == "return" and stack:
            began, called = stack.pop()
            if len(stack) == base[0]:
                code = called.f_code
                calls.append((began, time.perf_counter() - began, code))

    sys.setprofile(hook)
    _BASE.append(stack)  # run_until reads the depth it waits at
    return calls


_COLLECTIONS: list = []  # with a trace: (start, seconds, generation, on the GUI thread)


def _trace_collections() -> None:
    """Record every garbage collection over 2 ms: which generation, on which thread."""
    gui = threading.get_ident()
    began: dict = {}

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            began[threading.get_ident()] = time.perf_counter(), time.thread_time()
        elif (start := began.pop(threading.get_ident(), None)) is not None:
            took = time.perf_counter() - start[0]
            if took > 0.002:
                _COLLECTIONS.append((start[0], took, time.thread_time() - start[1],
                                     info["generation"], info["collected"],
                                     threading.get_ident() == gui))

    gc.callbacks.append(callback)


def _where(code) -> str:
    return f"{code.co_filename.rpartition('/wt/')[2]}:{code.co_firstlineno}:{code.co_name}"


def _report_trace(name: str, started: float, ticks: list[float], calls: list,
                  sched: list[tuple[int, int]]) -> None:
    """To stderr: the phase's five worst gaps, each with the GUI thread's time on a core,
    waiting for one (the kernel's schedstat: the machine's load) and asleep (waiting for
    the interpreter lock, as the event loop is due every 10 ms), the Python time in it and
    its costliest functions; then every single call over 20 ms."""
    queued = (sched[-1][1] - sched[0][1]) / 1e6
    late = sum(max(0.0, (ticks[i + 1] - ticks[i]) * 1000 - 10
                   - (sched[i + 1][0] - sched[i][0] + sched[i + 1][1] - sched[i][1]) / 1e6)
               for i in range(len(ticks) - 1))
    sys.stderr.write(f"{name}: {len(ticks) - 1} ticks; in all queued {queued:.0f} ms, asleep "
                     f"past the 10 ms period {late:.0f} ms\n")
    gaps = sorted(range(len(ticks) - 1), key=lambda i: ticks[i] - ticks[i + 1])[:5]
    for i in gaps:
        a, b = ticks[i], ticks[i + 1]
        cpu, queued = ((sched[i + 1][0] - sched[i][0]) / 1e6, (sched[i + 1][1] - sched[i][1]) / 1e6)
        sys.stderr.write(f"{name}: gap {(b - a) * 1000:.0f} ms at {a - started:.3f} s: on a core "
                         f"{cpu:.0f} ms, queued {queued:.0f} ms, asleep "
                         f"{(b - a) * 1000 - cpu - queued:.0f} ms\n")
        inside: dict = {}
        for began, took, code in calls:
            if a <= began < b:
                n, total = inside.get(code, (0, 0.0))
                inside[code] = (n + 1, total + took)
        python = sum(t for _, t in inside.values())
        top = sorted(inside.items(), key=lambda kv: -kv[1][1])[:3]
        sys.stderr.write(f"    Python {python * 1000:.0f} ms: " + ", ".join(
                             f"{_where(c)} x{n} {t * 1000:.0f} ms" for c, (n, t) in top) + "\n")
    for began, took, cpu, generation, collected, on_gui in _COLLECTIONS:
        if began >= started:
            sys.stderr.write(f"  collection at {began - started:.3f} s: generation {generation}, "
                             f"{took * 1000:.0f} ms ({cpu * 1000:.0f} ms on a core, {collected} "
                             f"collected) on the {'GUI' if on_gui else 'a runner'} thread\n")
    _COLLECTIONS.clear()
    for began, took, code in calls:
        if began >= started and took > 0.02:
            sys.stderr.write(f"  slow call at {began - started:.3f} s: "
                             f"{took * 1000:.0f} ms {_where(code)}\n")
    calls.clear()


def _secrets(api_key: str):
    from desktop.staff.credentials import SecretStore

    return SecretStore(environ={"CREDITDESK_API_KEY": api_key,
                                "CREDITDESK_DATA_KEY": os.environ["BENCH_DATA_KEY"]})


def setup(settings: dict, api_key: str, work: Path) -> None:
    """The desk of the session, made once (migrations, accounts) in its own process."""
    from desktop.bootstrap import bootstrap
    from desktop.staff import accounts as staff

    services = bootstrap(work / "desk", settings, secrets=_secrets(api_key))
    try:
        boss = staff.add(services.engine, "bench-sup", "基准科长", "supervisor", PASSWORD, None)
        staff.add(services.engine, CLERK, "基准受理员", "clerk", PASSWORD, boss)
    finally:
        services.close()


def main(settings: dict, api_key: str, work: Path, path: Path, latency_ms: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import httpx
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from desktop.bootstrap import bootstrap
    from desktop.staff import session
    from ui.app import CounterWindows, cjk_font_family, open_bridge
    from ui.context import DeskContext
    from ui.event_loop import GuiThreadCollector, after_first_frame, favour_gui_thread
    from ui.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    family = cjk_font_family()  # as ui.app.run: the CJK font of resources/fonts.txt
    if family:
        app.setFont(QFont(family, app.font().pointSize()))
    favour_gui_thread()
    collector = GuiThreadCollector(app)
    url = settings["platform_url"]
    headers = {"Authorization": f"Bearer {api_key}"}
    answer = httpx.get(f"{url}/sandbox/samples", headers=headers, timeout=600)
    # plain JSON: the sandbox's schemas would import FastAPI into the window's peak
    clear_id = answer.raise_for_status().json()["clear"][0]["id"]

    services = bootstrap(work / "desk", settings, secrets=_secrets(api_key))
    runner = TaskRunner()
    ctx = DeskContext(services, runner)
    ctx.sign_in(session.sign_in(services, CLERK, PASSWORD))
    windows = CounterWindows(app, ctx)
    window = windows.window
    window.show()
    bridge = []  # as ui.app: after the first frame the runtime, the bridge, the freeze
    after_first_frame(window, services.runtime.start,
                      lambda: bridge.append(open_bridge(ctx, windows)), collector.freeze)

    trace = os.environ.get("BENCH_GUI_TRACE", "")
    slow = ([] if trace == "sched" else _trace_slow()) if trace else None
    if trace:
        _trace_collections()
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    sched: list[tuple[int, int]] = []  # with a trace: the GUI thread's schedstat per tick
    if slow is None:
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    else:
        stat = open(f"/proc/self/task/{threading.get_native_id()}/schedstat", "rb")  # noqa: SIM115

        def tick() -> None:
            ticks.append(time.perf_counter())
            stat.seek(0)
            sched.append(tuple(map(int, stat.read().split()[:2])))

        heartbeat.timeout.connect(tick)
    heartbeat.start()

    def run_until(done, timeout: float, then_ms: int = 0) -> None:
        """Run the event loop until ``done()``, then ``then_ms`` more."""
        loop = QEventLoop()
        deadline = time.monotonic() + timeout
        state = {"until": None}

        def poll() -> None:
            if state["until"] is None and (done() or time.monotonic() > deadline):
                state["until"] = time.monotonic() + then_ms / 1000
            if state["until"] is not None and time.monotonic() >= state["until"]:
                loop.quit()

        watch = QTimer()
        watch.timeout.connect(poll)
        watch.start(20)
        if len(_BASE) > 1:
            _BASE[0] = len(_BASE[1])
        loop.exec()
        watch.stop()
        if not done():
            raise TimeoutError(f"gave up waiting after {timeout} s")

    def phase(name: str, begin, done, timeout: float) -> dict:
        ticks.clear()
        sched.clear()
        (tick if slow is not None else lambda: ticks.append(time.perf_counter()))()
        started = time.perf_counter()
        begin()
        run_until(done, timeout)
        seconds = time.perf_counter() - started
        if slow is not None:
            sys.stderr.write(f"{name}: done after {seconds:.2f} s\n")
        run_until(lambda: True, 5, then_ms=300)  # the result drawn
        gaps = sorted(b - a for a, b in zip(ticks, ticks[1:], strict=False))
        if slow is not None:
            _report_trace(name, started, ticks, slow, sched)
        return {"phase": name, "max_ms": round(gaps[-1] * 1000, 1),
                "p99_ms": round(gaps[int(0.99 * (len(gaps) - 1))] * 1000, 1),
                "ticks": len(gaps), "seconds": round(seconds, 2), "maxrss": peak_rss_kib()}

    result: dict = {"start_maxrss": 0, "phases": []}
    run_until(lambda: window.item_picker.count() > 0, 60, then_ms=500)
    result["start_maxrss"] = peak_rss_kib()

    # the machine's own noise: the window doing nothing for 2 s
    idle_until = time.monotonic() + 2
    result["phases"].append(phase("idle", lambda: None, lambda: time.monotonic() > idle_until,
                                  10))

    # BENCH_GUI_PHASES=batch,sync (say) runs only those (profiling; the figures need all)
    wanted = os.environ.get("BENCH_GUI_PHASES", "batch,sync,check").split(",")

    # (a) the batch window ("batch" named n times: n runs of the same file, one window)
    for _ in range(wanted.count("batch")):
        window.open_batch()
        batch = window.batch_window
        run_until(lambda: batch.item_picker.count() > 0, 60)  # noqa: B023 - waited for here
        batch.item_picker.set_code(ITEM)
        loaded: list = []
        batch.loaded.connect(loaded.append)
        batch.load(path)
        run_until(lambda: bool(loaded), 120)  # noqa: B023
        finished: list = []
        batch.finished.connect(finished.append)
        info = phase("batch", batch.start, lambda: bool(finished), 1200)  # noqa: B023
        info["checked"] = finished[0].checked
        result["phases"].append(info)
        batch.close()

    # (b) F5: sync from an empty snapshot
    if "sync" in wanted:
        synced: list = []
        ctx.events.synced.connect(synced.append)
        info = phase("sync", window.sync_now, lambda: window.sync_action.isEnabled(), 3600)
        info["entries"] = synced[0].entries if synced else None
        result["phases"].append(info)

    # (c) a check while the platform takes LATENCY_MS to answer
    if "check" in wanted:
        httpx.post(f"{url}/sandbox/faults", json={"latency_ms": latency_ms}, headers=headers,
                   timeout=30).raise_for_status()
        try:
            info = phase("check", lambda: window.run_check(clear_id, ITEM),
                         lambda: not window.checking, 120)
        finally:
            httpx.post(f"{url}/sandbox/faults", json={}, headers=headers,
                       timeout=30).raise_for_status()
        info["source"] = window.outcome.source if window.outcome else None
        result["phases"].append(info)

    heartbeat.stop()
    if bridge and bridge[0] is not None:
        bridge[0].stop()
    window.close()
    runner.wait(30000)
    services.runtime.stop()
    services.close()
    collector.stop()
    result["end_maxrss"] = peak_rss_kib()
    return result


if __name__ == "__main__" and sys.argv[1] == "setup":
    setup(json.loads(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
elif __name__ == "__main__":
    got = main(json.loads(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]),
               int(sys.argv[5]))
    sys.stdout.write("RESULT " + json.dumps(got) + "\n")
    sys.stdout.flush()

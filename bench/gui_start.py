"""Child process of the ``cold_start`` and ``memory`` figures: start a window, say when it
is ready for input, close it.

``python -m bench.gui_start bare``: the baseline, a bare PySide6 process (QApplication, a
QMainWindow whose central widget is one focused QLineEdit, shown).

``python -m bench.gui_start demo``: ``creditdesk gui --demo`` through ``ui.launcher.main``
(the CLI parser, the demo platform and desk, the counter window).

``python -m bench.gui_start bare-demo``: the demo's baseline: the demo platform, desk and
two weeks of history made as ``--demo`` makes them (``sandbox.demo.start_demo``,
``sandbox.demo_history.write_history``), then the bare window.

``python -m bench.gui_start desk DIR``: ``creditdesk gui --data-dir DIR`` (its keys in
the keyring session the parent started, ``bench/keyring_session.py``); the
sign-in dialog is filled from ``BENCH_STAFF`` / ``BENCH_PASSWORD`` as soon as its fields
take typing (the staff-id field focused and enabled in the shown dialog, and the event loop
round once after that: ``SIGNIN`` is printed then) and submitted by its own button at once
(typed ahead: the dialog signs in when the desk has opened and its accounts are read).

Ready means: the window is shown, its input field (the counter window's lookup field) has
keyboard focus, and the event loop has come round once after that. The line ``READY
<peak RSS KiB>`` is printed; the parent times spawn to that line. The window is then
closed the way a clerk closes it, so the process cleans up after itself. Nothing here
changes the start path: the only addition is a slot on ``QApplication.focusChanged``,
connected inside ``ui.app.run`` (Qt is not imported before the real path imports it).
"""

from __future__ import annotations

import os
import resource
import sys


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def peak_rss_kib() -> int:
    """Peak resident set of this process in KiB: ``VmHWM``, which starts afresh at exec.
    (``ru_maxrss`` survives exec on Linux: a child forked from a bench process that had
    grown would report the parent's size.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _watch(app, is_ready, on_sign_in=None) -> None:
    """Print READY once ``is_ready(widget)`` holds for the widget that got focus."""
    from PySide6.QtCore import QTimer

    done = []

    def ready(window) -> None:
        if done:
            return
        done.append(1)
        _say(f"READY {peak_rss_kib()}")
        window.close()

    def changed(_old, new) -> None:
        if new is None or done:
            return
        if on_sign_in is not None and on_sign_in(new):
            return
        if is_ready(new) and new.window().isVisible():
            window = new.window()
            QTimer.singleShot(0, lambda: ready(window))  # once the loop runs again

    app.focusChanged.connect(changed)


def bare() -> int:
    """The baseline: QApplication + QMainWindow with a focused line edit, shown."""
    from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    field = QLineEdit()
    window.setCentralWidget(field)
    window.resize(960, 760)
    field.setFocus()
    _watch(app, lambda w: w is field)
    window.show()
    return app.exec()


def bare_demo() -> int:
    """The demo's data made as ``--demo`` does, then the bare window; the demo is removed."""
    from sandbox.demo import start_demo
    from sandbox.demo_history import write_history

    demo = start_demo()
    try:
        write_history(demo)
        return bare()
    finally:
        demo.stop()


def creditdesk(args: list[str]) -> int:
    """``creditdesk gui ARGS`` through the real entry point, in its own import order (Qt
    loads while the parser is built); the watch is connected to the QApplication that
    ``ui.app.run`` makes, before anything is shown."""
    from ui import launcher

    def is_lookup(widget) -> bool:
        module = sys.modules.get("ui.counter.main_window")  # not imported here: the window does
        window = widget.window()
        return module is not None and isinstance(window, module.MainWindow) and (
            widget is window.lookup)

    typed = []

    def sign_in(widget) -> bool:
        module = sys.modules.get("ui.session.sign_in_dialog")
        dialog = widget.window()
        if module is None or not isinstance(dialog, module.SignInDialog) or (
                widget is not dialog.staff_id):
            return False
        if not typed and widget.isEnabled() and dialog.isVisible():
            typed.append(1)
            from PySide6.QtCore import QTimer

            def usable() -> None:  # the loop came round once: the fields take typing
                _say("SIGNIN")
                dialog.staff_id.setText(os.environ["BENCH_STAFF"])
                dialog.password.setText(os.environ["BENCH_PASSWORD"])
                dialog.sign_in_button.click()  # before the desk is open, it waits for it

            QTimer.singleShot(0, usable)
        return True

    real_gui = launcher._run_gui

    def run_gui(parsed) -> int:
        from ui import app

        real_run = app._run

        def run(qapp, *rest):
            _watch(qapp, is_lookup, sign_in)
            return real_run(qapp, *rest)

        app._run = run
        return real_gui(parsed)

    launcher._run_gui = run_gui
    return launcher.main(["gui", *args])


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    if mode == "bare":
        sys.exit(bare())
    if mode == "bare-demo":
        sys.exit(bare_demo())
    if mode == "demo":
        sys.exit(creditdesk(["--demo"]))
    sys.exit(creditdesk(["--data-dir", sys.argv[2]]))

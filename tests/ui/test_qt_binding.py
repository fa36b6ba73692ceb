"""The Qt binding itself: PySide6-Essentials 6.12.0 dropped a reference to ``True`` on every
``Signal.emit()``, and a process aborted ("bool_dealloc") after a few hundred emits, that
is within minutes of a desk's day (the task runner emits twice per task). pyproject.toml
keeps that version out; this test fails on any binding with the same fault."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_many_signal_emits_from_the_gui_and_worker_threads_keep_the_process_alive():
    script = textwrap.dedent("""
        import sys, threading
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class Source(QObject):
            plain = Signal()
            carrying = Signal(object)
        source = Source()
        got = []
        source.carrying.connect(got.append)
        emits = 5 * sys.getrefcount(True) + 5 * sys.getrefcount(None)
        for _ in range(emits):
            source.plain.emit()
            source.carrying.emit(None)
        def worker():
            for _ in range(emits):
                source.plain.emit()
                source.carrying.emit(True)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        app.processEvents()
        print(len(got) == 2 * emits)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"

"""Start the Qt application: the desk (or the demo), sign-in, the counter window.

Slow start-up work runs on a plain worker thread; the window itself never waits. On a
desk, opening and migrating the cache and reaching the keyring start on that thread as
soon as the sign-in dialog has drawn its first frame (its fields take typing from then
on; it reads the accounts once the desk is open); the demo's platform is made while a
small progress window shows.
Only what the first frame needs is imported before it: the services' modules load on
that thread, the counter window's after sign-in. A missing keyring, or a data key that is
not the data directory's (``desktop.staff.desk_key``: nothing is written then), is said
in a dialog (the sign-in dialog closes) and the program exits with 4 (as the CLI does),
never with a traceback. These windows show
before the settings are opened: they speak the ``language`` of settings.json read alone,
or the system's language on a first run and in the demo (``ui.i18n.start_language``); the
core's message is shown in Chinese and English, or in English alone in English.

Once the window has drawn its first frame (``after_first_frame``), the desk runtime
(``desktop.runtime``: the outbox sender, the scheduled sync, anchors, retention) starts,
once for the process, then the local bridge (``ui.bridge.host``) starts listening for
business systems on 127.0.0.1 (its web framework loads on the runner), then start-up's
objects are frozen out of the garbage collector's sight. The bridge stops when the window
closes; the runtime after the event loop and the runner's last jobs end, anchoring the log
head on its way out.

The log file (``desktop.logfile``) is opened in the data directory before the desk is
(the demo's once it is made), and closed before the demo's folder is removed;
``ui.crash`` takes the exception hooks while the window runs.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from desktop import logfile
from desktop.bootstrap import bootstrap
from desktop.settings import SettingsError, default_data_dir
from desktop.staff.credentials import SecretsUnavailable
from ui.context import DeskContext
from ui.event_loop import GuiThreadCollector, after_first_frame, favour_gui_thread
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.bootstrap import Services

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_REFUSED = 0, 1, 2, 4
# The start-up strings are QApplication.translate("CreditDeskApp", "…") with the context
# spelled out, so that ``python -m ui.i18n update`` (pyside6-lupdate) finds them.


def cjk_font_family() -> str | None:
    """The first installed family of resources/fonts.txt (a CJK-capable font), or None."""
    try:
        listed = resources.files("resources").joinpath("fonts.txt").read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):
        return None
    installed = set(QFontDatabase.families())
    for line in listed.splitlines():
        name = line.split("[")[0].strip()
        if name and not name.startswith("#") and name in installed:
            return name
    return None


def install_language(app: QApplication, lang: str) -> None:
    """The translator of ``ui.i18n`` (when that module is there)."""
    if importlib.util.find_spec("ui.i18n") is not None:
        from ui import i18n

        i18n.install(app, lang)


def _start_language(data_dir: Path | None) -> str:
    if importlib.util.find_spec("ui.i18n") is None:
        return "zh_CN"
    from ui import i18n

    return i18n.start_language(data_dir)


def _said(exc: BaseException) -> str:
    """A core error in the window's language (``ui.i18n.said``)."""
    from ui.i18n import said

    return said(exc)


def _in_background(app: QApplication, label: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on a plain thread with a busy progress window; return or raise its result."""
    box: dict[str, Any] = {}
    loop = QEventLoop()

    def work() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread
            box["error"] = exc

    progress = QProgressDialog(label, "", 0, 0)
    progress.setCancelButton(None)
    progress.setWindowTitle(QApplication.translate("CreditDeskApp", "一窗受理信用核查 CreditDesk"))
    progress.setAccessibleName(label)
    progress.setMinimumDuration(300)
    thread = threading.Thread(target=work, name="creditdesk-start", daemon=True)
    watch = QTimer()
    watch.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    thread.start()
    watch.start(30)
    loop.exec()
    watch.stop()
    thread.join()
    progress.close()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def _refuse(message: str, code: int) -> int:
    title = QApplication.translate("CreditDeskApp", "无法启动 CreditDesk")
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setAccessibleName(QApplication.translate("CreditDeskApp", "无法启动"))
    box.exec()
    return code


def _open_log(data_dir: Path) -> None:
    """The data directory's log file (``desktop.logfile``); a folder that cannot hold
    it does not stop the window."""
    try:
        logfile.setup(data_dir)
    except OSError as exc:
        log.warning("no log file in %s: %s", data_dir, exc.strerror or type(exc).__name__)


def _open_desk(services: Services) -> Services:
    """Open the cache and reach the keyring before anyone signs in (a worker thread)."""
    from desktop.counter.adoption import check_adopted
    from desktop.settings_record import notice_outside_changes

    try:
        services.engine  # noqa: B018 - opens and migrates the cache file here, not in a slot
        services.protector  # noqa: B018 - reaches the keyring: SecretsUnavailable surfaces now
        notice_outside_changes(services)  # settings.json edited behind the desk's back
        check_adopted(services)  # another counter than the adopted one: refused before sign-in
    except BaseException:
        services.close()
        raise
    return services


# The core modules the counter window and the desk runtime load (the platform client,
# the check and sign-in services), imported on the start-up thread while the clerk types
# in the sign-in dialog, not on the GUI thread once they have signed in. No Qt in them.
_WINDOW_CORE = ("desktop.staff.session", "desktop.runtime", "desktop.counter.check_service",
                "desktop.counter.flows", "desktop.counter.commitments")


def _opening(services: Services) -> tuple[Future, threading.Thread]:
    """``_open_desk(services)`` on a plain thread (the caller starts it: once the sign-in
    dialog has drawn its first frame), then the window's core modules imported there.
    The sign-in dialog's first job (on the runner) waits for the desk to open before
    reading the accounts; the GUI thread waits for neither until the event loop has
    ended."""
    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(_open_desk(services))
        except BaseException as exc:  # noqa: BLE001 - handed to the sign-in dialog
            future.set_exception(exc)
            return
        for name in _WINDOW_CORE:
            importlib.import_module(name)

    return future, threading.Thread(target=work, name="creditdesk-start", daemon=True)


def _refused(exc: BaseException) -> int:
    """A start that cannot go on, said in a dialog; the exit code the CLI would give."""
    from desktop.counter.adoption import CounterMismatch

    if isinstance(exc, SecretsUnavailable | CounterMismatch):
        log.warning("start refused: %s", type(exc).__name__)
        return _refuse(_said(exc), EXIT_REFUSED)
    if isinstance(exc, SettingsError):
        log.warning("start refused: the settings file cannot be used")
        return _refuse(_said(exc), EXIT_INVALID)
    log.error("the desk did not start", exc_info=exc)
    failed = QApplication.translate("CreditDeskApp", "启动失败：%1")
    return _refuse(failed.replace("%1", _said(exc)), EXIT_FAILED)


def _start_demo():
    from desktop.staff import session
    from sandbox.demo import CLERK, CLERK_PASSWORD, start_demo
    from sandbox.demo_history import write_history

    demo = start_demo()
    write_history(demo)  # two weeks of counter work, for the supervisor's area
    return demo, session.sign_in(demo.services, CLERK, CLERK_PASSWORD)


def run(argv: Sequence[str], demo: bool = False, data_dir: Path | None = None,
        check: tuple[str, str] | None = None, channel: str | None = None) -> int:
    """Create the application, sign in, show the counter window, run the event loop.

    ``check`` (identifier, item) is checked as soon as the window is up; ``channel`` is
    the single-instance channel the window listens on for checks from other programs.
    """
    app = QApplication.instance() or QApplication(list(argv))
    app.setApplicationName("CreditDesk")
    app.setOrganizationName("CreditDesk")
    # Before the settings open, the start-up windows speak the language setting read alone
    # (or the system's, on a first run and in the demo): ui.i18n.start_language.
    install_language(app, _start_language(None if demo else (data_dir or default_data_dir())))
    app.setApplicationDisplayName(QApplication.translate("CreditDeskApp", "一窗受理信用核查"))
    family = cjk_font_family()
    if family:
        app.setFont(QFont(family, app.font().pointSize()))
    favour_gui_thread()
    collector = GuiThreadCollector(app)
    try:
        return _run(app, demo, data_dir, check, channel, collector)
    finally:
        collector.stop()
        collector.deleteLater()


def _run(app: QApplication, demo: bool, data_dir: Path | None,
         check: tuple[str, str] | None, channel: str | None,
         collector: GuiThreadCollector) -> int:
    running_demo = opening = starting = None
    if not demo:
        _open_log(data_dir or default_data_dir())
    try:
        if demo:
            running_demo, person = _in_background(
                app, QApplication.translate("CreditDeskApp", "正在启动演示平台…"), _start_demo)
            services = running_demo.services
        else:
            services = bootstrap(data_dir)  # the settings file: a SettingsError is said now
            opening, starting = _opening(services)  # cache and keyring, while sign-in shows
            person = None
    except Exception as exc:  # noqa: BLE001 - said in a dialog, not a traceback
        return _refused(exc)
    _open_log(services.settings.data_dir)
    install_language(app, services.settings["language"])
    runner = TaskRunner()
    ctx = DeskContext(services, runner, demo=running_demo)
    from ui.crash import CrashHandler

    crashes = CrashHandler(services.settings.data_dir, runner, app)
    crashes.install()
    try:
        if person is not None:
            ctx.sign_in(person)
        else:
            from ui.session.sign_in_dialog import SignInDialog

            try:
                # The desk opens once the dialog's first frame is drawn: until then the
                # start-up thread's imports would hold the interpreter lock it needs.
                if SignInDialog.sign_in(ctx, None, opening=opening, made=lambda dialog:
                                        after_first_frame(dialog, starting.start)) is None:
                    return EXIT_OK
            except Exception as exc:  # noqa: BLE001 - opening the desk failed: said
                return _refused(exc)
        # the sender and timed jobs start once, whatever windows do: after the first frame
        return _run_window(app, ctx, check, channel, collector, later=(services.runtime.start,))
    finally:
        # The runner's last jobs finish (a decision being recorded, a sign-out entry);
        # then the sender and the timed jobs end and the log head, with those entries,
        # is anchored (or kept queued for the next start).
        if starting is not None and starting.ident is None:
            opening.cancel()  # closed before its first frame: the desk never began to open
        runner.wait(15000)
        if starting is not None and starting.ident is not None:
            starting.join()  # the desk opened (or failed) and its imports ended before it closes
            failed = opening.exception() if opening.done() and not opening.cancelled() else None
            if failed is not None:  # said in a dialog, unless the clerk cancelled first
                log.error("the desk did not open: %s: %s", type(failed).__name__, failed)
        services.runtime.stop()
        crashes.uninstall()
        crashes.deleteLater()
        if running_demo is not None:
            logfile.shutdown()  # the demo's folder (and the log in it) goes next
            running_demo.stop()
        else:
            services.close()


def _open_window(ctx: DeskContext):
    from ui.counter.main_window import MainWindow
    from ui.session.idle_lock import IdleLock

    window = MainWindow(ctx)
    window.set_idle_lock(IdleLock(ctx, window))
    return window


class CounterWindows:
    """The process's counter window; when the language changes it is rebuilt in the new
    language, same place and size, and the checks waiting in its queue go on in the new
    one. The desk runtime (sender, timed jobs) is not touched."""

    def __init__(self, app: QApplication, ctx: DeskContext) -> None:
        self.app, self.ctx = app, ctx
        self.window = _open_window(ctx)
        ctx.events.language_changed.connect(self.rebuild)

    def rebuild(self, lang: str) -> None:
        """Language changed: a fresh window in ``lang``; the old one closes."""
        install_language(self.app, lang)
        old = self.window
        waiting = old.counter.flow.queued  # checks handed in and not yet started
        new = _open_window(self.ctx)
        new.restoreGeometry(old.saveGeometry())
        self.window = new
        new.show()
        old.close()
        old.deleteLater()
        new.adopt_counter(ask=True)  # a key saved with the language: its counter is checked
        for request in waiting:  # they go on in the new window, in the same order
            new.counter.run_request(request)

    def close(self) -> None:
        """Stop following the language; the window goes (and its idle lock's filter)."""
        self.ctx.events.language_changed.disconnect(self.rebuild)
        self.window.deleteLater()


def _listen(app: QApplication, channel: str | None, windows: CounterWindows):
    """Take checks from other programs (``ui.single_instance``) into the current window."""
    if channel is None or importlib.util.find_spec("ui.single_instance") is None:
        return None
    from ui.single_instance import Listener

    listener = Listener(channel, app)
    if not listener.start():
        return None

    def forward(identifier: str, item: str) -> None:
        windows.window.run_check(identifier, item)

    def activate() -> None:
        window = windows.window
        window.showNormal()
        window.raise_()
        window.activateWindow()

    listener.check_requested.connect(forward)
    listener.activate_requested.connect(activate)
    return listener


def open_bridge(ctx: DeskContext, windows: CounterWindows):
    """The local bridge (``ui.bridge.host``) for business systems, when enabled."""
    if not ctx.services.settings["bridge_enabled"]:
        return None
    from ui.bridge.host import BridgeHost
    from ui.widgets import theme

    host = BridgeHost(ctx, lambda: windows.window)
    said = QApplication.translate("CreditDeskApp", "⚠ 本地接口未启动，业务系统无法送检：%1")
    host.unavailable.connect(lambda why: windows.window._say(said.replace("%1", why),
                                                             theme.CAUTION))
    host.start()
    return host


def _run_inspection(app: QApplication, ctx: DeskContext, collector: GuiThreadCollector,
                    later: Sequence[Callable[[], object]] = ()) -> int:
    """An inspector's window: the supervision view, no counter, no bridge, no channel (a
    check handed in has no counter to go to)."""
    from ui.session.idle_lock import IdleLock
    from ui.supervisor.inspection_window import InspectionWindow

    window = InspectionWindow(ctx)
    window.set_idle_lock(IdleLock(ctx, window))
    window.show()
    after_first_frame(window, *later, collector.freeze)
    app.setQuitOnLastWindowClosed(True)
    code = app.exec()
    window.deleteLater()
    return code


def _run_window(app: QApplication, ctx: DeskContext, check: tuple[str, str] | None,
                channel: str | None, collector: GuiThreadCollector,
                later: Sequence[Callable[[], object]] = ()) -> int:
    """The window; after its first frame, ``later`` (the runtime's start), the bridge and
    the collector's freeze, one per loop turn."""
    if ctx.user is not None and ctx.user.is_inspector:
        return _run_inspection(app, ctx, collector, later)
    windows = CounterWindows(app, ctx)
    listener = _listen(app, channel, windows)
    windows.window.show()
    bridge = None

    def start_bridge() -> None:
        nonlocal bridge
        bridge = open_bridge(ctx, windows)

    after_first_frame(windows.window, *later, start_bridge, collector.freeze)
    if check is not None:
        QTimer.singleShot(0, lambda: windows.window.run_check(*check, source="check"))
    app.setQuitOnLastWindowClosed(True)
    code = app.exec()
    if bridge is not None:
        bridge.stop()
    if listener is not None:
        listener.close()
    windows.close()
    return code


def current_window():
    """The counter window on screen (for the single-instance channel), or None."""
    from ui.counter.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None

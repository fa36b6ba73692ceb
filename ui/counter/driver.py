"""The counter window's half of the counter flow (``desktop.counter.state_machine``).

One check runs at a time and one decision is pending at a time. A check handed in from
the Samples menu, ``--check``, a link or the single-instance channel while a check runs or
a dialog waits for the clerk is validated at once (pure, instant), queued and shown as
queued (masked identifiers only); it starts when the previous decision finished, or, after
an answer that opens no dialog (alert, incentive, clear), when the clerk moves on (F6 or a
new scan), so every answer is seen before the next replaces it. The
lookup field + Enter while a check runs is refused as before (while a dialog is open the
window takes no input). The dialog a step opens comes from ``ui.counter.verdict_dialogs``; it is
opened with ``open()`` and reports through ``finished``; its ``busy_changed`` is the
flow's deciding / awaiting. Every check runs on ``ctx.runner``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from desktop.counter import flows
from desktop.counter.check_service import CheckOutcome
from desktop.counter.state_machine import CounterFlow, Phase, QueueFull, Request
from desktop.identifiers import IdentifierError, parse_identifier
from ui.counter.verdict_dialogs import DIALOGS
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.domain_words import identifier_kind_word

if TYPE_CHECKING:
    from ui.counter.main_window import MainWindow

QUEUE_SHOWN = 5  # masked identifiers listed in the queue line; the rest are counted


class CounterDriver(QObject):
    """Runs the window's checks through a ``CounterFlow``; ``dialogs`` maps a step to the
    dialog it opens (a test looking only at the card may empty it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.flow = CounterFlow()
        self.dialogs = dict(DIALOGS)
        self.dialog: DecisionDialog | None = None  # the one open, if any
        self._notes = ""
        self._shown: Request | None = None  # the request whose answer the card shows
        self.holding = False  # an answer without a dialog is on screen and checks wait: F6
        self.queue_label = QLabel()
        self.queue_label.setAccessibleName(self.tr("排队待核查"))
        self.queue_label.setWordWrap(True)
        self.queue_label.setTextFormat(Qt.TextFormat.PlainText)
        self.queue_label.setStyleSheet(theme.QUEUE_STYLE)
        self.queue_label.setVisible(False)

    # ------------------------------------------------------------------ handing in

    def run_check(self, identifier: str, item: str, source: str = "channel") -> None:
        """A check from elsewhere: at once when the counter is free, else queued."""
        self.run_request(Request(identifier, item, source))

    def run_request(self, request: Request) -> None:
        """``run_check`` for a whole request (a bridge check carries its handle, case
        number and system): validated here, then started or queued; a request refused
        here is told to the bridge, never silently dropped."""
        w = self.w
        if w.isMinimized():
            w.showNormal()
        w.activateWindow()
        try:
            subject = parse_identifier(request.identifier)
        except IdentifierError as exc:
            w._say(self.tr("✖ 号码无效：%1").replace("%1", said(exc)), theme.FAILURE)
            self._tell("refused", request, exc.zh, exc.en)
            return
        item = request.item or w.item_picker.current_code()
        if not item:
            w._say(self.tr("✖ 请先选择办理事项 / choose a business item"), theme.FAILURE)
            self._tell("refused", request, "请先选择办理事项", "choose a business item")
            return
        request = replace(request, identifier=subject.normalized, item=item)
        if self.flow.free and not self.flow.queued and self._may_replace():
            w.item_picker.set_code(item)
            self.flow.hand_in(request)  # free and nothing waits: it starts now
            self._start(request, self._notes_for(subject))
            return
        try:
            self.flow.hand_in(request, wait=True)
        except QueueFull as exc:
            w._say("✖ " + said(exc), theme.FAILURE)
            self._tell("refused", request, exc.zh, exc.en)
            return
        if self.flow.free and w.ctx.user is not None:
            self._hold()  # an alert not yet acknowledged is on screen: F6 moves on
        else:
            self._show_queue()  # starts when the decision is made, or after sign-in

    def _tell(self, what: str, request: Request | None, *args) -> None:
        """Tell the local bridge (``desktop.bridge``) what became of a check it handed in."""
        bridge = self.w.ctx.bridge
        if bridge is not None and request is not None and request.handle:
            getattr(bridge.checks, what)(request.handle, *args)

    def _may_replace(self) -> bool:
        """Whether a check handed in may replace the card now: someone is signed in and
        the card is not an alert still waiting for Ctrl+K."""
        return self.w.ctx.user is not None and not self.w.ack_action.isEnabled()

    def signed_out(self) -> None:
        """Nobody at the desk: what is queued stays with the counter (the applicants still
        wait) and starts for whoever signs in next, by F6."""
        self.holding = False
        self.w.next_action.setEnabled(False)
        for action in (self.w.print_action, self.w.save_pdf_action, self.w.ack_action,
                       self.w.fast_track_action):
            action.setEnabled(False)
        self._show_queue()

    def resume(self) -> None:
        """Someone signed in: checks that waited meanwhile are offered (F6)."""
        if self.flow.free and self.flow.queued:
            self._hold()

    def submit(self, source: str = "scan") -> None:
        """Enter: validate here, check on the runner; invalid input never leaves the desk."""
        w = self.w
        if not self.flow.free:
            w._say(self.tr("正在核查上一位申请人，请稍候"), theme.CAUTION)
            return
        item = w.item_picker.current_code()
        try:
            subject = parse_identifier(w.lookup.text())
        except IdentifierError as exc:
            w._say(self.tr("✖ 号码无效：%1").replace("%1", said(exc)), theme.FAILURE)
            w.lookup.selectAll()
            w.lookup.setFocus()
            return
        if not item:
            w._say(self.tr("✖ 请先选择办理事项 / choose a business item"), theme.FAILURE)
            w.item_picker.setFocus()
            return
        request = Request(subject.normalized, item, source)
        try:
            started = self.flow.hand_in(request)
        except QueueFull as exc:
            w._say("✖ " + said(exc), theme.FAILURE)
            return
        if started:
            self._start(request, self._notes_for(subject))
        elif self.holding:  # a scan while others wait: it joins them, the first one starts
            self.next_applicant()
        else:
            self._show_queue()

    def _notes_for(self, subject) -> str:
        """What the status line says about the number being checked (masked)."""
        notes = [f"{identifier_kind_word(subject.kind)} {subject.masked}"]
        if subject.converted_from_15:
            notes.append(self.tr("由15位旧号码转换"))
        if subject.extracted:
            notes.append(self.tr("从扫描内容中提取"))
        return " · ".join(notes)

    def _start(self, request: Request, notes: str) -> None:
        w = self.w
        # The card of the check before is replaced: an incentive left without a fast
        # track was accepted the standard way (the bridge tells its caller so).
        self._tell("left", self._shown)
        self._shown = request
        self._tell("started", request)
        self._notes = notes
        w._say(self.tr("正在核查 %1 …").replace("%1", notes), "")
        w.lookup.clear()  # ready for the next scan
        w.lookup.setFocus()
        w.checking = True
        w.check_button.setEnabled(False)
        svc = self.w.ctx.services
        w.ctx.runner.submit(svc.checks.check, request.identifier, request.item,
                            case_no=request.case_no, system=request.system,
                            done=self._checked, failed=self._check_failed)

    def _next(self) -> None:
        """The previous check is done: start the next queued one, if any."""
        self.holding = False
        self.w.next_action.setEnabled(False)
        request = self.flow.next()
        self._show_queue()
        if request is None:
            return
        self.w.item_picker.set_code(request.item)
        self._start(request, self._notes_for(parse_identifier(request.identifier)))

    def _hold(self) -> None:
        """An answer that opens no dialog (alert, incentive, clear) stays on screen while
        checks wait: the clerk reads it (Ctrl+K, F8) and moves on with F6 or a new scan."""
        self.holding = True
        self.w.next_action.setEnabled(True)
        self._show_queue()

    def next_applicant(self) -> None:
        """F6: the clerk is done with the answer on screen; the next queued check starts."""
        if self.holding and self.flow.free:
            self._next()

    def _show_queue(self) -> None:
        queued = self.flow.queued
        for position, request in enumerate(queued, 1):
            self._tell("queued", request, position)
        self.queue_label.setVisible(bool(queued))
        shown = "、".join(r.masked for r in queued[:QUEUE_SHOWN])
        if len(queued) > QUEUE_SHOWN:
            shown += "、…"
        text = (self.tr("排队待核查 %1 位：%2 / %1 checks queued")
                .replace("%1", str(len(queued))).replace("%2", shown))
        if self.holding:
            text += self.tr(" — 按 F6 核查下一位 / F6: next applicant")
        self.queue_label.setText(text)

    # ------------------------------------------------------------------ the answer

    def _checked(self, outcome: CheckOutcome) -> None:
        w = self.w
        step = self.flow.checked(outcome)
        self._tell("verdict", self.flow.current, outcome, step.value)
        w.checking = False
        w.check_button.setEnabled(True)
        w.outcome = outcome
        w.last_decision = None
        w.card.show_outcome(outcome, w.item_picker.name_of(outcome.item))
        w._say("✔ " + self._notes, "")
        w.status.set_platform(outcome.source == "platform")
        w.status.refresh()  # a check may have queued an audit anchor
        w.item_picker.remember(outcome.item)
        for action in (w.print_action, w.save_pdf_action):
            action.setEnabled(True)
        w.ack_action.setEnabled(step is flows.Step.ACKNOWLEDGE)
        w.fast_track_action.setEnabled(step is flows.Step.FAST_TRACK)
        w.lookup.setFocus()
        if self.flow.phase is Phase.AWAITING_DECISION:
            self._open(step, outcome)
        elif self.flow.queued:
            self._hold()
        else:
            self._next()

    def _check_failed(self, exc: BaseException) -> None:
        w = self.w
        self.flow.check_failed()
        self._tell("failed", self.flow.current, getattr(exc, "zh", str(exc)),
                   getattr(exc, "en", str(exc)))
        w.checking = False
        w.check_button.setEnabled(True)
        # The card still shows the applicant before: gone, so nothing acts on it by mistake.
        w.card.clear()
        w.outcome = None
        for action in (w.print_action, w.save_pdf_action, w.ack_action, w.fast_track_action):
            action.setEnabled(False)
        w._say(self.tr("✖ 无法核查：%1").replace("%1", said(exc)), theme.FAILURE)
        w.lookup.setFocus()
        if self.flow.queued:
            self._hold()  # the failure stays readable until the clerk moves on
        else:
            self._next()

    # ------------------------------------------------------------------ the dialogs

    def _open(self, step: flows.Step, outcome: CheckOutcome) -> None:
        """The step's dialog, window-modal; without one (a test's empty registry) the
        decision is done at once."""
        factory = self.dialogs.get(step)
        if factory is None:
            self.flow.decided()
            self._next()
            return
        dialog = factory(self.w.ctx, outcome, self.w)
        self.dialog = dialog
        dialog.busy_changed.connect(self.flow.deciding)
        dialog.finished.connect(lambda _r, s=step, d=dialog: self._finished(s, d))
        dialog.open()

    def _finished(self, step: flows.Step, dialog: DecisionDialog) -> None:
        w = self.w
        self.dialog = None
        self.flow.decided()
        w.last_decision = dialog.decision
        if dialog.decision is None and step is not flows.Step.FAST_TRACK:
            # Backed out with nothing recorded (Esc in the restrict dialog): the caller
            # over the bridge learns "undecided" now, not when the next applicant comes.
            self._tell("left", self._shown)
        if step is flows.Step.FAST_TRACK and dialog.decision is not None:
            w.fast_track_action.setEnabled(False)
            w.card.set_fast_tracked(dialog.decision.letter_no)
        dialog.deleteLater()
        w.activateWindow()
        w.lookup.setFocus()
        if step is flows.Step.FAST_TRACK and dialog.decision is None and self.flow.queued:
            self._hold()  # backed out of the offer: the card stays until the clerk moves on
        else:
            self._next()

    def fast_track(self) -> None:
        """F8: offer tolerance acceptance (容缺受理) for the incentive verdict on screen."""
        outcome = self.w.outcome
        if (outcome is None or flows.step_for(outcome) is not flows.Step.FAST_TRACK
                or not self.flow.free):
            return
        self.flow.offered()
        self._open(flows.Step.FAST_TRACK, outcome)

    def acknowledge(self) -> None:
        """Ctrl+K: the clerk has read the alert (logged on the runner)."""
        w = self.w
        outcome = w.outcome
        if outcome is None or flows.step_for(outcome) is not flows.Step.ACKNOWLEDGE:
            return
        w.ack_action.setEnabled(False)
        w.ctx.runner.submit(flows.acknowledge, w.ctx.services, outcome,
                            done=lambda _r: w.card.set_acknowledged(),
                            failed=lambda exc: w._say(self.tr("✖ 未能记录已阅：%1")
                                                      .replace("%1", said(exc)), theme.FAILURE))
        w.lookup.setFocus()

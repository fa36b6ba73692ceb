"""Which dialog a step of the counter flow opens: ``DIALOGS[step](ctx, outcome, parent)``.

The step comes from the core (``desktop.counter.flows.step_for``); each dialog's module is
imported only when it is first needed (the window starts without them). Every dialog here
is a ``ui.widgets.decision_dialog.DecisionDialog``: opened with ``open()``, it reports through
``finished``, and its ``decision`` is what the clerk chose (None: backed out or the
normal procedure).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.counter.check_service import CheckOutcome
from desktop.counter.flows import Step
from ui.context import DeskContext
from ui.widgets.decision_dialog import DecisionDialog

Factory = Callable[[DeskContext, CheckOutcome, QWidget], DecisionDialog]


def intercept(ctx: DeskContext, outcome: CheckOutcome, parent: QWidget) -> DecisionDialog:
    """Prohibit: terminate, or override with a supervisor's approval."""
    from ui.counter.intercept_dialog import InterceptDialog

    return InterceptDialog(ctx, outcome, parent)


def confirm(ctx: DeskContext, outcome: CheckOutcome, parent: QWidget) -> DecisionDialog:
    """Restrict: proceed with a reason, or terminate."""
    from ui.counter.confirm_dialog import ConfirmDialog

    return ConfirmDialog(ctx, outcome, parent)


def fast_track(ctx: DeskContext, outcome: CheckOutcome, parent: QWidget) -> DecisionDialog:
    """Incentive (offered, F8): tolerance acceptance with a commitment letter."""
    from ui.counter.fast_track_dialog import FastTrackDialog

    return FastTrackDialog(ctx, outcome, parent)


DIALOGS: dict[Step, Factory] = {Step.INTERCEPT: intercept, Step.CONFIRM: confirm,
                                Step.FAST_TRACK: fast_track}

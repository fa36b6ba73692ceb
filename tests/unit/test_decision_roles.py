"""Who may decide at the counter (desktop/counter/decision_rules.decides)."""

from __future__ import annotations

import pytest

from desktop.counter import decision_rules
from desktop.counter.flows import FlowError


@pytest.mark.parametrize(("role", "words"), [("service", "never decide"),
                                             ("inspector", "does not decide")])
def test_service_accounts_and_inspectors_never_decide(role, words):
    with pytest.raises(FlowError, match=words) as refused:
        decision_rules.decides(role)
    assert refused.value.zh  # said in Chinese too


@pytest.mark.parametrize("role", ["clerk", "supervisor"])
def test_clerks_and_supervisors_decide(role):
    decision_rules.decides(role)  # no refusal

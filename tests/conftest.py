"""Shared test setup: Qt offscreen, Hypothesis profiles."""

import os

from hypothesis import HealthCheck, settings

# Widgets are real but drawn offscreen; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI runs the same examples every time (a red build must be reproducible); locally the
# search varies from run to run and finds more over time.
settings.register_profile(
    "ci", derandomize=True, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config):
    """``pytest -m full`` runs the tests marked ``full`` at their full sizes (the same as
    ``CREDITDESK_FULL=1``); a plain ``pytest`` runs everything at the small sizes."""
    config.addinivalue_line(
        "markers", "full: has a full size (CREDITDESK_FULL=1 or -m full); small by default")
    if (config.getoption("markexpr", "") or "").strip() == "full":
        os.environ["CREDITDESK_FULL"] = "1"


def full_size() -> bool:
    """True when the full sizes were asked for."""
    return os.environ.get("CREDITDESK_FULL") == "1"

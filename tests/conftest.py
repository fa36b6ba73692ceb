"""Shared test setup: Qt offscreen, Hypothesis profiles."""

import os

import pytest
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


# pytest-timeout's limit for tests marked ``full`` (the default, 300 s, is in pyproject.toml):
# at their full sizes they build large platforms and run for many minutes.
FULL_TIMEOUT = 1800


@pytest.hookimpl(trylast=True)  # after the folders' hooks have added their ``full`` marks
def pytest_collection_modifyitems(config, items):
    """Tests marked ``full`` get the larger timeout, unless they set their own."""
    for item in items:
        if item.get_closest_marker("full") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(FULL_TIMEOUT))


def full_size() -> bool:
    """True when the full sizes were asked for."""
    return os.environ.get("CREDITDESK_FULL") == "1"

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

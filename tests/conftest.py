"""Shared test setup: Qt offscreen, Hypothesis profiles, a temp and XDG folder per
pytest-xdist worker."""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Widgets are real but drawn offscreen; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _worker_folders(worker: str) -> None:
    """Under pytest-xdist (``pytest`` runs with ``-n auto``) every worker gets a temp folder
    and XDG folders of its own, set here, as conftest is imported, before Qt starts or
    anything asks for the temp folder. Shared otherwise: the reference platform's data sets
    (``sandbox.server.default_db_url``, in the temp folder; tests add keys and feedback to
    them), the single-instance channels (Qt puts a QLocalServer's socket in the temp folder,
    and the demo's name is one per user), the letters folder (``creditdesk-letters``), the
    translation cache (XDG cache). The folders are kept from run to run, so each worker
    generates a data set once, as a serial run does in the temp folder. Child processes
    (``creditdesk sandbox serve``, the window's children) inherit them."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    root = Path(tempfile.gettempdir()) / f"creditdesk-xdist-{user}" / worker
    for name, variable in (("tmp", "TMPDIR"), ("cache", "XDG_CACHE_HOME"),
                           ("data", "XDG_DATA_HOME"), ("config", "XDG_CONFIG_HOME"),
                           ("state", "XDG_STATE_HOME")):
        folder = root / name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ[variable] = str(folder)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again


if os.environ.get("PYTEST_XDIST_WORKER"):
    _worker_folders(os.environ["PYTEST_XDIST_WORKER"])

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
    # pytest-xdist's own (``--dist loadgroup``): the tests of one group run on one worker,
    # one after another. Declared here too, so ``-p no:xdist`` runs without a warning.
    config.addinivalue_line(
        "markers", "xdist_group(name): run on the same worker as the group's other tests")
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

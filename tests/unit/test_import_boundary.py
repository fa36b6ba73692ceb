"""The core (desktop/, local_cache/) must never import Qt, and imports point one way.

The contracts live in pyproject.toml ([tool.importlinter]) and are checked with
import-linter, which reads every import statement, including ones inside functions.
These tests run the real check on the real tree, then prove it bites: they copy the
tree, add a Qt import to the core, and watch the same check fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("desktop", "local_cache", "ui", "sandbox")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on ``tree`` in a fresh process (packages found on its path first)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree, env=env, capture_output=True, text=True, timeout=300,
    )


def copy_tree(dest: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_real_tree_keeps_every_contract():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("where", "source", "contract"),
    [
        (("desktop", "platform"), "from desktop.counter import flows\n",
         "Talking to the platform knows nothing of what the desk does with the answers BROKEN"),
        (("desktop", "audit"), "def later():\n    from desktop.cli import main\n",
         "The headless commands are a top layer: no other core package imports them BROKEN"),
        (("ui", "supervisor"), "from ui.counter import main_window\n",
         "The supervisor's area and the batch window do not reach into the counter window "
         "BROKEN"),
        (("desktop", "events.py"), "def later():\n    from desktop.cli.main import main\n",
         "The headless commands are a top layer: no other core package imports them BROKEN"),
        (("desktop", "counter"), "import sandbox.catalog\n",
         "The core does not depend on the reference platform BROKEN"),
        (("sandbox",), "from ui import theme\n",
         "The reference platform and the demo import no Qt and nothing of the window BROKEN"),
    ],
)
def test_a_room_reaching_where_it_must_not_breaks_the_build(tmp_path, where, source, contract):
    tree = copy_tree(tmp_path)
    if where[-1].endswith(".py"):  # an existing module gains the import
        with tree.joinpath(*where).open("a", encoding="utf-8") as module:
            module.write("\n\n" + source)
    else:
        tree.joinpath(*where, "leak.py").write_text(source)
    done = lint_imports(tree)
    assert done.returncode != 0
    assert contract in done.stdout


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("desktop", "from PySide6.QtCore import QObject\n"),
        ("local_cache", "import PySide6.QtWidgets\n"),
        # Hidden inside a function, where a grep for module-level imports would miss it.
        ("desktop", "def later():\n    from PySide6 import QtGui\n    return QtGui\n"),
    ],
)
def test_adding_a_qt_import_to_the_core_breaks_the_build(tmp_path, package, source):
    tree = copy_tree(tmp_path)
    (tree / package / "leak.py").write_text(textwrap.dedent(source))
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "The core (desktop, local_cache) imports no Qt BROKEN" in done.stdout
    assert f"{package}.leak -> PySide6" in done.stdout


def test_the_core_importing_the_window_layer_breaks_the_build(tmp_path):
    tree = copy_tree(tmp_path)
    (tree / "local_cache" / "leak.py").write_text("import desktop.cli.main\n")
    (tree / "desktop" / "leak.py").write_text("from ui import launcher\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "ui -> desktop -> local_cache BROKEN" in done.stdout


def test_importing_every_core_module_loads_no_qt():
    # The run-time view of the same rule: nothing the core imports (third-party
    # libraries included) pulls Qt in behind its back.
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        for name in ("desktop", "local_cache"):
            package = importlib.import_module(name)
            for info in pkgutil.walk_packages(package.__path__, name + "."):
                if info.name != "desktop.__main__":
                    importlib.import_module(info.name)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
        print(loaded)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

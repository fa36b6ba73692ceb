"""The benchmark table in docs/BENCHMARKS.md comes from one full run, and says which: only
``python -m bench`` with no ``--only`` and no ``--quick`` writes it, whole, with the
run's start (UTC), machine and duration. Written into a temp copy (the real document and
docs/benchmarks.json are not touched); the suite runs stand-in figures defined here."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import bench.__main__ as suite
from bench import doc
from bench.core import Row

HAND = f"# Benchmarks\n\nBy hand.\n\n{doc.START}\nold\n{doc.END}\n\nAlso by hand.\n"


def first(_bench) -> list[Row]:
    return [Row("first figure", 1.0, 2.0, "ms", "ratio <= 1", True)]


def second(_bench) -> list[Row]:
    return [Row("second figure", 3.0, None, "s", "< 1 s", False)]


def broken(_bench) -> list[Row]:
    raise RuntimeError("this figure cannot run")


@pytest.fixture
def paths(tmp_path, monkeypatch):
    monkeypatch.setattr(doc, "DOC", tmp_path / "BENCHMARKS.md")
    monkeypatch.setattr(doc, "ROWS", tmp_path / "benchmarks.json")
    monkeypatch.setattr(suite, "DOC", tmp_path / "BENCHMARKS.md")
    monkeypatch.setattr(suite, "FIGURES", {"first": f"{__name__}:first",
                                           "second": f"{__name__}:second"})
    doc.DOC.write_text(HAND, encoding="utf-8")
    return tmp_path


def header_of(text: str) -> str:
    block = text.split(doc.START, 1)[1].split(doc.END, 1)[0]
    return next(line for line in block.splitlines() if line.startswith("One full run"))


def test_a_full_run_writes_the_whole_table_under_a_header_naming_that_run(paths):
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    assert suite.main([]) == 0
    after = dt.datetime.now(dt.UTC)
    text = doc.DOC.read_text(encoding="utf-8")
    line = header_of(text)
    started = dt.datetime.strptime(line.split("started ", 1)[1][:20], "%Y-%m-%d %H:%M UTC")
    assert before <= started.replace(tzinfo=dt.UTC) <= after, line
    machine = doc.machine()
    for fact in (f"{machine['cores']} cores", machine["cpu"], machine["memory"],
                 f"Python {machine['python']}", machine["qt"], machine["os"], " min"):
        assert fact in line, (fact, line)
    assert "Every row below comes from that run" in line
    assert "| first figure | 1 ms | 2 ms | 0.5 | ratio <= 1 | yes |" in text
    assert "| second figure | 3 s |  |  | < 1 s | **no** |" in text
    assert "By hand." in text and "Also by hand." in text and "\nold\n" not in text
    kept = json.loads(doc.ROWS.read_text(encoding="utf-8"))
    assert [r["figure"] for r in kept["rows"]] == ["first figure", "second figure"]


def test_the_next_full_run_replaces_every_row(paths, monkeypatch):
    assert suite.main([]) == 0
    monkeypatch.setattr(suite, "FIGURES", {"second": f"{__name__}:second"})
    assert suite.main([]) == 0
    text = doc.DOC.read_text(encoding="utf-8")
    assert "first figure" not in text and "| second figure |" in text


@pytest.mark.parametrize("args", [["--only", "first"], ["--quick"], ["--quick", "--only",
                                                                       "second"]])
def test_only_and_quick_runs_never_write_the_table(paths, args):
    assert suite.main(args) == 0
    assert doc.DOC.read_text(encoding="utf-8") == HAND
    assert not doc.ROWS.exists()


@pytest.mark.parametrize("args", [["--doc", "--only", "first"], ["--doc", "--quick"]])
def test_asking_an_only_or_quick_run_to_write_the_table_is_refused(paths, args, capsys):
    with pytest.raises(SystemExit) as exit_:
        suite.main(args)
    assert exit_.value.code == 2
    assert "only by a full run" in capsys.readouterr().err
    assert doc.DOC.read_text(encoding="utf-8") == HAND


def test_no_doc_keeps_a_full_run_from_writing(paths):
    assert suite.main(["--no-doc"]) == 0
    assert doc.DOC.read_text(encoding="utf-8") == HAND


def test_a_full_run_in_which_a_figure_failed_leaves_the_table(paths, monkeypatch, capsys):
    monkeypatch.setattr(suite, "FIGURES", {"first": f"{__name__}:first",
                                           "broken": f"{__name__}:broken"})
    assert suite.main([]) == 1
    assert doc.DOC.read_text(encoding="utf-8") == HAND
    assert "left as it was" in capsys.readouterr().err

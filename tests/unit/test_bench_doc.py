"""The benchmark table's header in docs/BENCHMARKS.md says which run each row comes from:
one run for a full run, and each run's figures once an ``--only`` run replaced some rows.
Written into a temp copy (the real document and docs/benchmarks.json are not touched)."""

from __future__ import annotations

import json

import pytest

from bench import doc
from bench.core import Row


@pytest.fixture
def paths(tmp_path, monkeypatch):
    monkeypatch.setattr(doc, "DOC", tmp_path / "BENCHMARKS.md")
    monkeypatch.setattr(doc, "ROWS", tmp_path / "benchmarks.json")
    (tmp_path / "BENCHMARKS.md").write_text(
        f"# Benchmarks\n\nBy hand.\n\n{doc.START}\nold\n{doc.END}\n\nAlso by hand.\n",
        encoding="utf-8")
    return tmp_path


def row(key: str, ours: float) -> Row:
    return Row(figure=f"{key} figure", ours=ours, baseline=None, unit="ms", target="< 1 s",
               passed=True, key=key)


def header_of(text: str) -> str:
    block = text.split(doc.START, 1)[1].split(doc.END, 1)[0]
    return next(line for line in block.splitlines() if line.startswith("Machine"))


def test_a_full_run_is_one_run_and_the_hand_written_text_stays(paths):
    doc.update_doc([row("online", 1.0), row("sync", 2.0)], replace_only=None, quick=False,
                   seconds=360)
    text = doc.DOC.read_text(encoding="utf-8")
    line = header_of(text)
    assert "Every row: one run started" in line and "full sizes, 6.0 min" in line, line
    assert "more than one run" not in line
    assert "By hand." in text and "Also by hand." in text and "\nold\n" not in text
    assert "| online figure | 1 ms |" in text and "| sync figure | 2 ms |" in text


def test_an_only_run_names_the_figures_of_each_run(paths, monkeypatch):
    doc.update_doc([row("online", 1.0), row("sync", 2.0)], replace_only=None, quick=False,
                   seconds=360)
    kept = json.loads(doc.ROWS.read_text(encoding="utf-8"))
    kept["runs"]["online"]["started"] = "2026-11-01 09:00 UTC+0800"  # an earlier full run
    kept["runs"]["sync"]["started"] = "2026-11-01 09:00 UTC+0800"
    doc.ROWS.write_text(json.dumps(kept), encoding="utf-8")
    doc.update_doc([row("sync", 3.0)], replace_only={"sync"}, quick=True, seconds=30)
    text = doc.DOC.read_text(encoding="utf-8")
    line = header_of(text)
    assert "The rows come from more than one run" in line, line
    assert "online: one run started 2026-11-01 09:00 UTC+0800, full sizes, 6.0 min" in line
    assert "sync: one run started" in line and "quick sizes, 0.5 min" in line, line
    assert "| sync figure | 3 ms |" in text and "| sync figure | 2 ms |" not in text
    assert "| online figure | 1 ms |" in text


def test_rows_from_runs_that_did_not_record_their_start_are_not_called_one_run(paths):
    # docs/benchmarks.json as written before runs recorded their start and machine.
    doc.ROWS.write_text(json.dumps({
        "machine": doc.machine(),
        "rows": [row("online", 1.0).as_json(), row("sync", 2.0).as_json()],
        "runs": {"online": {"date": "2026-11-29", "quick": False},
                 "sync": {"date": "2026-11-29", "quick": False}}}), encoding="utf-8")
    doc.write_doc(json.loads(doc.ROWS.read_text(encoding="utf-8")))
    line = header_of(doc.DOC.read_text(encoding="utf-8"))
    assert line.startswith("Machine of the last run:"), line
    assert "one or more runs on 2026-11-29" in line and "not known" in line, line
    assert "Every row: one run" not in line

"""The catalogue the desk ships with, written from this reference platform's catalogue.

``python -m sandbox.catalog_file`` writes ``resources/catalog.json`` (what
``GET /v1/catalog`` answers, as ``sandbox.credit.catalog_out`` builds it);
``python -m sandbox.catalog_file --check`` exits 1 when the file differs.
``tests/unit/test_shipped_catalogue.py`` fails on any drift between the two.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sandbox.credit import catalog_out

SHIPPED = Path(__file__).resolve().parent.parent / "resources" / "catalog.json"


def text() -> str:
    """The shipped file's text: the platform's catalogue, indented, Chinese unescaped."""
    return json.dumps(catalog_out().model_dump(mode="json"), ensure_ascii=False,
                      indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.catalog_file")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs")
    parser.add_argument("--path", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    wanted = text()
    if args.check:
        same = args.path.is_file() and args.path.read_text(encoding="utf-8") == wanted
        state = "up to date" if same else "differs: run python -m sandbox.catalog_file"
        print(f"{args.path}: {state}")
        return 0 if same else 1
    args.path.write_text(wanted, encoding="utf-8")
    print(f"written {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scanning bytes and texts for personal data and secrets (issues 8 and 17).

``needles`` names what must not appear (resident numbers in their 18- and 15-digit
forms, person names, keys and passwords); ``leaks`` finds them in files' bytes (UTF-8
and UTF-16); ``resident_numbers`` finds any 18-character resident number with a valid
check character (python-stdnum), known to the test or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from stdnum.cn import ric

_EIGHTEEN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def fifteen(number: str) -> str:
    """The old 15-digit form of an 18-digit resident number (no century, no check)."""
    return number[:6] + number[8:17]


def needles(numbers: Iterable[str] = (), names: Iterable[str] = (),
            secrets: Mapping[str, str] | None = None) -> dict[str, str]:
    """What to look for, with what it is: numbers in both forms, names of two or more
    characters, and ``secrets`` (text to its description; empty ones are left out)."""
    found: dict[str, str] = {}
    for n in numbers:
        found[n] = "resident number"
        found[fifteen(n)] = "resident number (15 digits)"
    found.update({n: "person name" for n in names if len(n) >= 2})
    found.update({k: what for k, what in (secrets or {}).items() if k})
    return found


def leaks(files: Mapping[str, bytes], wanted: Mapping[str, str]) -> list[tuple[str, str]]:
    """(file, what) for every needle found in a file's bytes, as UTF-8 or UTF-16-LE."""
    hits = []
    for name, data in files.items():
        for needle, what in wanted.items():
            if needle.encode("utf-8") in data or needle.encode("utf-16-le") in data:
                hits.append((str(name), what))
    return hits


def resident_numbers(text: str) -> list[str]:
    """Every 18-character resident number in ``text`` that has a valid check character
    and birth date (``stdnum.cn.ric``)."""
    return [m for m in _EIGHTEEN.findall(text) if ric.is_valid(m)]

"""Hypothesis strategies that build valid identifiers from random payloads.

Check characters are computed here independently of the code under test (ISO 7064
MOD 11-2 for resident numbers, the GB 32100 weights for credit codes), so a wrong
implementation cannot agree with itself.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from hypothesis import strategies as st

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _region_codes() -> list[str]:
    """Every county-level code in stdnum's region table (the same source as the code)."""
    codes = []
    province = ""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        else:
            codes.append(province + line.split()[0])
    return codes


REGIONS = _region_codes()
SHAOXING = [c for c in REGIONS if c.startswith("3306")]


def ric_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, as GB 11643-1999 defines it."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def uscc_check(first17: str) -> str:
    """GB 32100-2015 check character."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@st.composite
def resident_ids(draw, years=(1900, None)) -> str:
    """A valid 18-digit resident identity number."""
    low = dt.date(years[0], 1, 1)
    high = dt.date(years[1], 12, 31) if years[1] else dt.date.today()
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(min_value=low, max_value=high))
    seq = draw(st.integers(0, 999))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric_check(body)


@st.composite
def credit_codes(draw) -> str:
    """A valid unified social credit code with a random organisation-code payload."""
    authority = draw(st.sampled_from("123456789ANY"))
    entity_type = draw(st.sampled_from("123456789"))
    region = draw(st.sampled_from(REGIONS))
    payload = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    body = authority + entity_type + region + payload
    return body + uscc_check(body)


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def noisy(draw, code: str) -> str:
    """``code`` as a clerk or scanner might deliver it: full-width, lower-case, spaced,
    dashed, with zero-width characters."""
    out = []
    for ch in code:
        form = draw(st.sampled_from(["plain", "full", "lower", "full-lower"]))
        if "lower" in form:
            ch = ch.lower()
        if "full" in form:
            ch = _fullwidth(ch)
        out.append(ch)
        sep = draw(st.sampled_from(["", "", "", " ", "-", "\u3000", "\u200b", "\ufeff", "\t"]))
        out.append(sep)
    lead = draw(st.sampled_from(["", " ", "\u200b", "\r\n"]))
    return lead + "".join(out).rstrip("-")

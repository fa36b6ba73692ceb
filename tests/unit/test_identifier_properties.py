"""Property tests for identifier parsing over generated valid codes."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.identifiers import IdentifierError, IdentifierKind, Reason, parse_identifier
from tests.strategies import credit_codes, noisy, resident_ids

CODES = st.one_of(
    credit_codes().map(lambda c: (c, IdentifierKind.USCC)),
    resident_ids().map(lambda c: (c, IdentifierKind.RESIDENT_ID)),
)
SUBSTITUTES = string.digits + string.ascii_uppercase


def parse_as_the_clerk_would(text: str, kind: IdentifierKind):
    """Parse without a kind; a number valid in both registers (about 3 in 10,000 random
    resident numbers nationwide, none seen in Shaoxing's codes) is rejected as ambiguous
    and parsed again once the clerk has chosen the kind."""
    try:
        return parse_identifier(text)
    except IdentifierError as exc:
        if exc.reason is not Reason.AMBIGUOUS:
            raise
        return parse_identifier(text, kind=kind)


@given(CODES)
def test_every_generated_valid_code_is_accepted(case):
    code, kind = case
    parsed = parse_as_the_clerk_would(code, kind)
    assert (parsed.kind, parsed.normalized, parsed.converted_from_15) == (kind, code, False)
    assert parse_identifier(code, kind=kind).normalized == code


@given(CODES, st.data())
def test_noisy_forms_round_trip_through_the_normaliser(case, data):
    code, kind = case
    typed = data.draw(noisy(code))
    parsed = parse_as_the_clerk_would(typed, kind)
    assert parsed.normalized == code
    assert parsed.kind is kind


@given(CODES)
def test_every_single_character_substitution_is_rejected(case):
    code, kind = case
    for pos in range(18):
        for ch in SUBSTITUTES:
            if ch == code[pos]:
                continue
            typo = code[:pos] + ch + code[pos + 1 :]
            # As the kind it was, a one-character typo never validates.
            with pytest.raises(IdentifierError):
                parse_identifier(typo, kind=kind)
            # Without a kind, it is rejected, unless the typo happens to form a valid
            # code of the other register (then the window shows that other kind).
            try:
                other = parse_identifier(typo)
            except IdentifierError:
                continue
            assert other.kind is not kind, f"{typo!r} accepted as the same kind"


@given(resident_ids(years=(1900, 1999)))
def test_fifteen_digit_numbers_convert_to_the_right_eighteen(full):
    legacy = full[:6] + full[8:17]  # drop the century and the check digit
    parsed = parse_identifier(legacy)
    assert parsed.normalized == full
    assert parsed.kind is IdentifierKind.RESIDENT_ID
    assert parsed.converted_from_15 is True


SCANS = ["https://gsxt.example.cn/q?code={}&t=1", "统一社会信用代码：{} 名称：某某公司", "ID:{};"]


@given(CODES, st.sampled_from(SCANS))
def test_a_code_inside_a_scanned_string_is_found(case, template):
    code, kind = case
    parsed = parse_as_the_clerk_would(template.format(code), kind)
    assert (parsed.normalized, parsed.kind, parsed.extracted) == (code, kind, True)



@given(credit_codes(), st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY"))
def test_credit_code_check_character_agrees_with_stdnum(code, last):
    # The parser computes the check character itself (stdnum's cleaning was most of a
    # parse's time): a code is accepted exactly when its last character is stdnum's.
    from stdnum.cn import uscc

    expected = uscc.calc_check_digit(code[:17])
    try:
        parse_identifier(code[:17] + last, kind="uscc")
    except IdentifierError as exc:
        assert exc.reason is Reason.BAD_CHECK_CHARACTER
        assert last != expected and f"expected {expected}," in exc.en
    else:
        assert last == expected

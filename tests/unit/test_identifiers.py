"""Table-driven tests of identifier parsing: what the clerk sees for each input."""

from __future__ import annotations

import pytest

from desktop.identifiers import (
    IdentifierError,
    IdentifierKind,
    Reason,
    mask,
    normalize,
    parse_identifier,
)
from tests.strategies import ric_check, uscc_check

RIC = "33060219900101123" + ric_check("33060219900101123")
USCC = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")
USCC_2 = "91330603MA2XYW123" + uscc_check("91330603MA2XYW123")


@pytest.mark.parametrize(
    "typed",
    [
        USCC,
        USCC.lower(),
        " ".join([USCC[:4], USCC[4:8], USCC[8:]]),
        "-".join([USCC[:6], USCC[6:12], USCC[12:]]),
        "".join(chr(ord(c) + 0xFEE0) for c in USCC),  # full-width
        "\u200b" + USCC + "\u200d\n",
    ],
)
def test_typed_forms_of_a_credit_code_normalise_to_it(typed):
    parsed = parse_identifier(typed)
    assert parsed.kind is IdentifierKind.USCC
    assert parsed.normalized == USCC


def test_normalize_applies_nfkc_and_strips_noise():
    assert normalize("９１３３ ０６０２\u200b-ma") == "91330602MA"


@pytest.mark.parametrize(
    ("typed", "reason", "zh_part", "en_part"),
    [
        ("", Reason.EMPTY, "未输入", "nothing was entered"),
        ("12345", Reason.WRONG_LENGTH, "输入了5位", "5 characters entered"),
        (RIC + "7", Reason.WRONG_LENGTH, "输入了19位", "19 characters entered"),
        (USCC[:17] + "I", Reason.ILLEGAL_CHARACTER, "第18位字符“I”", "'I' at position 18"),
        ("B" + USCC[1:], Reason.ILLEGAL_CHARACTER, "第1位字符“B”", "'B' at position 1"),
        (RIC[:17] + "A", Reason.ILLEGAL_CHARACTER, "第18位字符“A”", "'A' at position 18"),
        (
            RIC[:17] + ("0" if RIC[17] != "0" else "1"),
            Reason.BAD_CHECK_CHARACTER,
            f"应为 {RIC[17]}",
            f"expected {RIC[17]}, found",
        ),
        (
            USCC[:17] + ("0" if USCC[17] != "0" else "1"),
            Reason.BAD_CHECK_CHARACTER,
            f"统一社会信用代码校验位错误：应为 {USCC[17]}",
            f"expected {USCC[17]}",
        ),
        ("330602199002301234", Reason.IMPOSSIBLE_BIRTH_DATE, "1990-02-30", "1990-02-30"),
        ("330602" + "20991231" + "1234", Reason.IMPOSSIBLE_BIRTH_DATE, "2099-12-31", "impossible"),
        ("990602199001011234", Reason.UNKNOWN_REGION, "990602", "unknown administrative region"),
        ("990602900101123", Reason.UNKNOWN_REGION, "990602", "990602"),
        ("330602901301123", Reason.IMPOSSIBLE_BIRTH_DATE, "1990-13-01", "1990-13-01"),
        (f"{USCC} {USCC_2}", Reason.SEVERAL_CODES, "2个不同的有效号码", "2 different valid codes"),
        ("https://example.cn/q?code=none&x=1", Reason.NO_CODE_FOUND, "没有找到", "no valid"),
    ],
)
def test_each_rejection_says_what_is_wrong_in_both_languages(typed, reason, zh_part, en_part):
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(typed)
    error = caught.value
    assert error.reason is reason
    assert zh_part in error.zh
    assert en_part in error.en
    assert str(error) == f"{error.zh} / {error.en}"


def test_a_rejection_never_repeats_a_whole_resident_number():
    typo = RIC[:17] + ("0" if RIC[17] != "0" else "1")
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(typo)
    assert RIC[:14] not in str(caught.value)


def test_a_code_glued_to_extra_typed_characters_is_a_wrong_length_not_a_guess():
    for typed in (USCC + "7", "A" + RIC, RIC + "12"):
        with pytest.raises(IdentifierError) as caught:
            parse_identifier(typed)
        assert caught.value.reason is Reason.WRONG_LENGTH
    # The same code as its own token among typed words is found.
    assert parse_identifier(f"NO {USCC} 2024").normalized == USCC


def test_two_valid_codes_in_a_scan_are_an_error_but_one_code_twice_is_not():
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(f"甲方 {USCC} 乙方 {RIC}")
    assert caught.value.reason is Reason.SEVERAL_CODES
    assert "330602********" in caught.value.zh  # the person's number is masked in the message
    assert parse_identifier(f"code={USCC}&again={USCC}").normalized == USCC


def test_fifteen_digit_number_is_converted_and_flagged():
    parsed = parse_identifier("330602900101123")
    assert parsed.normalized == RIC
    assert parsed.converted_from_15
    assert parsed.kind is IdentifierKind.RESIDENT_ID


def test_a_credit_code_of_fifteen_is_a_wrong_length_when_kind_is_uscc():
    with pytest.raises(IdentifierError) as caught:
        parse_identifier("330602900101123", kind="uscc")
    assert caught.value.reason is Reason.WRONG_LENGTH


def test_mask_hides_the_birth_date_and_keeps_credit_codes_whole():
    parsed = parse_identifier(RIC)
    assert parsed.masked == "330602********" + RIC[14:]
    assert "19900101" not in parsed.masked
    assert mask(RIC) == parsed.masked
    assert mask(USCC) == USCC
    # Accidental printing masks too.
    assert RIC not in str(parsed) and RIC not in repr(parsed)


def test_old_region_codes_are_accepted_whatever_the_birth_year():
    # 330602 (越城区) dates from 1983; people born before then carry it on re-issued cards.
    body = "33060219700101123"
    assert parse_identifier(body + ric_check(body)).kind is IdentifierKind.RESIDENT_ID


def test_a_number_valid_in_both_registers_is_ambiguous_until_the_kind_is_chosen():
    both = "511502200001010006"  # a resident number that is also a valid credit code
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(both)
    assert caught.value.reason is Reason.AMBIGUOUS
    assert "请选择主体类型" in caught.value.zh and "choose the kind" in caught.value.en
    assert parse_identifier(both, kind="resident_id").kind is IdentifierKind.RESIDENT_ID
    assert parse_identifier(both, kind="uscc").kind is IdentifierKind.USCC
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(f"https://example.cn/?id={both}")
    assert caught.value.reason is Reason.AMBIGUOUS


def test_every_shipped_sample_input_is_accepted():
    from importlib import resources

    text = resources.files("resources").joinpath("samples/identifiers.txt").read_text("utf-8")
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(samples) >= 5
    for line in samples:
        assert parse_identifier(line).normalized in (USCC, RIC)


def test_mask_of_a_string_keeps_an_all_digit_credit_code_whole():
    body = next(b for b in (f"9133060200656{n:04d}" for n in range(10_000))
                if uscc_check(b).isdigit())
    code = body + uscc_check(body)
    assert code.isdigit() and parse_identifier(code).kind is IdentifierKind.USCC
    assert mask(code) == code
    assert mask(RIC) == "330602********" + RIC[14:]


@pytest.mark.parametrize("typed", [
    "9\u0663110000MA0000000X",  # an Arabic-Indic three as the entity type
    "91\u066330602MA2BCDEF1X",  # ... in the region code
    "3301\u06630219900101234",  # ... in a resident number
])
def test_another_scripts_digit_is_refused_with_a_reason_not_a_crash(typed):
    # str.isdigit() takes these digits; the check-character tables do not know them.
    with pytest.raises(IdentifierError) as raised:
        parse_identifier(typed)
    said = str(raised.value)
    assert "\u0663" in said and " / " in said  # the character named, in both languages

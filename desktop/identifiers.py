"""Turn what a clerk types, pastes or scans into a validated subject identifier.

Two kinds of identifier reach the counter:

* the unified social credit code of an organisation (统一社会信用代码, GB 32100-2015);
* the resident identity number of a person (公民身份号码, GB 11643-1999), including the
  older 15-digit form, which is converted to 18 digits.

The resident number's check digit comes from python-stdnum (``stdnum.cn.ric``), the
credit code's is computed here by GB 32100-2015's rule (a property test holds it to
``stdnum.cn.uscc``); the region table is stdnum's ``cn/loc`` database. Everything else
here is the counter's own rules: normalisation of scanner and keyboard noise, pulling the
one code out of a longer scanned string, and rejections that say exactly what is wrong in
Chinese and English.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import operator
import re
import unicodedata
from dataclasses import dataclass, field

from stdnum import numdb
from stdnum.cn import ric as _ric

__all__ = [
    "IdentifierError",
    "IdentifierKind",
    "Reason",
    "SubjectId",
    "mask",
    "mask_in_text",
    "normalize",
    "parse_identifier",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 registration authority codes (登记管理部门代码), first character.
USCC_AUTHORITIES = frozenset("123456789ANY")
# Registrations made by central authorities carry the national code, not a county.
_NATIONAL_REGION = "100000"
_OLDEST_BIRTH_YEAR = 1880

# Dash-like characters that keyboards, word processors and scanners put between groups.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


class IdentifierKind(enum.StrEnum):
    """Which register an identifier belongs to."""

    USCC = "uscc"
    RESIDENT_ID = "resident_id"

    @property
    def label_zh(self) -> str:
        """The kind's name as the counter window shows it."""
        return {"uscc": "统一社会信用代码", "resident_id": "居民身份号码"}[self.value]

    @property
    def label_en(self) -> str:
        """The kind's name in English."""
        return {"uscc": "unified social credit code", "resident_id": "resident identity number"}[
            self.value
        ]


class Reason(enum.StrEnum):
    """Why an input is not a valid identifier (stable codes for tests and logs)."""

    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    ILLEGAL_CHARACTER = "illegal_character"
    BAD_CHECK_CHARACTER = "bad_check_character"
    IMPOSSIBLE_BIRTH_DATE = "impossible_birth_date"
    UNKNOWN_REGION = "unknown_region"
    AMBIGUOUS = "ambiguous"
    SEVERAL_CODES = "several_codes"
    NO_CODE_FOUND = "no_code_found"


class IdentifierError(ValueError):
    """An input that is not a valid identifier, with the reason in Chinese and English.

    ``str(error)`` is ``"<中文> / <English>"``. The message never repeats a whole resident
    number: it names the position and characters that are wrong.
    """

    def __init__(self, reason: Reason, zh: str, en: str, *, stage: int = 0) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh = zh
        self.en = en
        # How far validation got before failing; used to pick the more telling error
        # when neither kind fits.
        self.stage = stage


@dataclass(frozen=True, slots=True)
class SubjectId:
    """A validated identifier in its normalised 18-character form."""

    kind: IdentifierKind
    normalized: str = field(repr=False)
    converted_from_15: bool = False
    extracted: bool = False

    @property
    def masked(self) -> str:
        """The form to show on screen, in logs and in exports."""
        return mask(self)

    def __str__(self) -> str:
        # Printing an identifier by accident must not leak a resident number.
        return self.masked

    def __repr__(self) -> str:
        return f"SubjectId({self.kind.value}, {self.masked})"


def normalize(text: str) -> str:
    """Strip spaces, dashes, zero-width and control characters; NFKC; upper-case.

    Full-width ``９１３３`` becomes ``9133``, ``ａｂ`` becomes ``AB``.
    """
    if text.isascii() and text.isalnum():
        return text.upper()  # nothing to strip or fold: the common case, made cheap
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for ch in text:
        if ch.isspace() or ch in _DASHES:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue  # control, zero-width (Cf) and separators
        kept.append(ch)
    return "".join(kept).upper()


_RESIDENT_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_in_text(text: str) -> str:
    """Mask every valid resident identity number inside free text (a backstop for exports)."""
    return _RESIDENT_LIKE.sub(lambda m: mask(m.group(0).upper()), text)


def mask(subject: SubjectId | str) -> str:
    """Mask a resident identity number so its birth date (digits 7-14) never shows.

    ``330602199001011234`` becomes ``330602********1234``. A unified social credit code
    identifies an organisation, not a person, and is returned whole.
    """
    if isinstance(subject, SubjectId):
        kind, value = subject.kind, subject.normalized
    else:
        value = subject
        try:
            kind = parse_identifier(value).kind
        except IdentifierError:
            # Unknown or ambiguous: mask whatever could be a person's number.
            looks_personal = (
                len(value) == 18 and _digits(value[:17]) and value[17] in "0123456789X"
            )
            kind = IdentifierKind.RESIDENT_ID if looks_personal else IdentifierKind.USCC
    if kind is IdentifierKind.RESIDENT_ID:
        return value[:6] + "*" * 8 + value[14:]
    return value


def parse_identifier(text: str, kind: IdentifierKind | str | None = None) -> SubjectId:
    """Validate ``text`` and return the identifier it holds.

    ``kind`` restricts the answer to one register; without it both are tried. An 18-
    character string valid in both registers (very rare) is rejected as ambiguous, since
    guessing would check the wrong subject. A longer string (a URL or licence QR text)
    yields the one valid code inside it; two different codes in it are an error.

    Raises :class:`IdentifierError` with the reason in Chinese and English.
    """
    wanted = IdentifierKind(kind) if kind is not None else None
    value = normalize(text)
    if not value:
        raise IdentifierError(Reason.EMPTY, "未输入号码", "nothing was entered")
    if len(value) == 15 and wanted is not IdentifierKind.USCC:
        return _from_legacy_15(value)
    if len(value) == 18:
        return _from_18(value, wanted)
    if len(value) > 18:
        return _extract(text, wanted, len(value))
    raise _wrong_length(len(value), wanted)


def _from_18(value: str, wanted: IdentifierKind | None) -> SubjectId:
    kinds = [wanted] if wanted else [IdentifierKind.RESIDENT_ID, IdentifierKind.USCC]
    found: list[SubjectId] = []
    errors: list[IdentifierError] = []
    for k in kinds:
        try:
            found.append(_VALIDATORS[k](value))
        except IdentifierError as exc:
            errors.append(exc.with_traceback(None))  # no frame cycles left behind
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise IdentifierError(
            Reason.AMBIGUOUS,
            "该号码同时符合统一社会信用代码和居民身份号码规则，请选择主体类型后重试",
            "this number is valid both as a unified social credit code and as a resident "
            "identity number; choose the kind of subject and try again",
        )
    # Neither fits: report the error of the kind that got furthest, which is the kind
    # the clerk most likely meant (on a tie the resident number, tried first).
    raise max(errors, key=lambda e: e.stage)


def _validate_uscc(value: str) -> SubjectId:
    if value[0] not in USCC_AUTHORITIES:
        raise _illegal(value, 0, "登记管理部门代码", "registration authority code", stage=1)
    if value[1] not in "123456789":
        raise _illegal(value, 1, "机构类别代码", "entity type code", stage=1)
    for pos in range(2, 8):
        if value[pos] not in _DIGITS:
            raise _illegal(value, pos, "登记管理机关行政区划码", "region code", stage=1)
    region = value[2:8]
    if region != _NATIONAL_REGION and not _known_region(region):
        raise _unknown_region(region, stage=2)
    for pos in range(8, 18):
        if value[pos] not in USCC_ALPHABET:
            raise _illegal(value, pos, "统一社会信用代码", "unified social credit code", stage=3)
    _check_character(value, _uscc_check_character(value), IdentifierKind.USCC)
    return SubjectId(IdentifierKind.USCC, value)


def _validate_ric(value: str) -> SubjectId:
    for pos in range(17):
        if value[pos] not in _DIGITS:
            raise _illegal(value, pos, "居民身份号码", "resident identity number", stage=1)
    if not _known_region(value[:6]):
        raise _unknown_region(value[:6], stage=2)
    _check_birth_date(value[6:14])
    if value[17] not in "0123456789X":
        raise _illegal(value, 17, "居民身份号码校验位", "resident number check digit", stage=3)
    _check_character(value, _ric.calc_check_digit(value), IdentifierKind.RESIDENT_ID)
    return SubjectId(IdentifierKind.RESIDENT_ID, value)


_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# ASCII digits only: str.isdigit() also takes other scripts' digits (٣, ３ after folding
# is 3, but ٣ stays), which the check-character tables do not know.
_DIGITS = frozenset("0123456789")


def _digits(text: str) -> bool:
    return all(c in _DIGITS for c in text)

_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i % 31


def _uscc_check_character(value: str) -> str:
    """The check character of a code whose first 17 characters are in the alphabet
    (GB 32100-2015: weights 3**i mod 31, the character of 31 - sum mod 31). stdnum's
    ``calc_check_digit`` computes the same, after cleaning its input again: most of a
    parse's time."""
    total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, value[:17]), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total) % 31]


_VALIDATORS = {IdentifierKind.USCC: _validate_uscc, IdentifierKind.RESIDENT_ID: _validate_ric}


def _from_legacy_15(value: str) -> SubjectId:
    """Convert a first-generation 15-digit number (YYMMDD birth date) to 18 digits."""
    for pos, ch in enumerate(value):
        if ch not in _DIGITS:
            raise _illegal(value, pos, "15位身份号码", "15-digit identity number", stage=1)
    if not _known_region(value[:6]):
        raise _unknown_region(value[:6], stage=2)
    # First-generation cards were issued to people born in the 1900s only.
    body = value[:6] + "19" + value[6:]
    _check_birth_date(body[6:14])
    full = body + _ric.calc_check_digit(body + "0")
    return SubjectId(IdentifierKind.RESIDENT_ID, full, converted_from_15=True)


# Runs of characters that can belong to a code; separators between groups are allowed
# inside a run so that "9133 0602 ..." on a printed licence still counts as one run.
_RUN = re.compile(r"[0-9A-Z](?:[0-9A-Z]|[ \-]{1,2}(?=[0-9A-Z]))*")


def _extract(text: str, wanted: IdentifierKind | None, length: int) -> SubjectId:
    """Find the one valid 18-character code inside a longer scanned string.

    A code glued to other letters or digits (``<code>7``) is taken only from text that
    was plainly scanned (a URL, licence text); in plain typed characters it is a typo,
    and picking a valid code out of it would be a guess.
    """
    flat = unicodedata.normalize("NFKC", text).upper()
    flat = "".join(ch for ch in flat if unicodedata.category(ch) not in ("Cc", "Cf"))
    typed = bool(re.fullmatch(r"[0-9A-Z\s\-]*", flat))
    tokens = set(re.split(r"[^0-9A-Z]+", flat))
    found: dict[str, SubjectId] = {}
    ambiguous: IdentifierError | None = None
    for run in _RUN.findall(flat):
        compact = re.sub(r"[ \-]", "", run)
        for start in range(len(compact) - 17):
            window = compact[start : start + 18]
            try:
                subject = _from_18(window, wanted)
            except IdentifierError as exc:
                if exc.reason is Reason.AMBIGUOUS:
                    ambiguous = exc
                continue
            found.setdefault(subject.normalized, subject)
    if not found and ambiguous is not None:
        raise ambiguous
    if typed:
        # Keep whole tokens only; with none, the clerk typed a wrong length.
        found = {code: subject for code, subject in found.items() if code in tokens} or (
            found if len(found) > 1 else {}
        )
        if not found:
            raise _wrong_length(length, wanted)
    if not found:
        raise IdentifierError(
            Reason.NO_CODE_FOUND,
            "扫描内容中没有找到有效的统一社会信用代码或身份号码",
            "no valid unified social credit code or resident identity number was found in "
            "the scanned text",
        )
    if len(found) > 1:
        shown = "、".join(mask(s) for s in found.values())
        raise IdentifierError(
            Reason.SEVERAL_CODES,
            f"扫描内容中有{len(found)}个不同的有效号码（{shown}），请只输入申请人的号码",
            f"the scanned text holds {len(found)} different valid codes ({shown}); enter "
            "only the applicant's",
        )
    subject = next(iter(found.values()))
    return SubjectId(subject.kind, subject.normalized, subject.converted_from_15, extracted=True)


@functools.lru_cache(maxsize=8192)
def _known_region(code: str) -> bool:
    """True when ``code`` is an administrative division code that exists or existed.

    stdnum's ``get_birth_place`` also demands that the code was in force in the birth
    year; a person born in 1970 and registered after a 1983 re-coding has a code newer
    than their birth, so only existence is checked here. stdnum scans its table on every
    lookup (about 0.15 ms); there are about 3,500 codes, so the answers are kept.
    """
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def _check_birth_date(digits: str) -> None:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        born = _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        born = None
    if born is None or born.year < _OLDEST_BIRTH_YEAR or born > _dt.date.today():
        raise IdentifierError(
            Reason.IMPOSSIBLE_BIRTH_DATE,
            f"出生日期不可能（第7-14位为 {shown}）",
            f"impossible birth date (digits 7-14 read {shown})",
            stage=3,
        )


def _check_character(value: str, expected: str, kind: IdentifierKind) -> None:
    if value[17] != expected:
        raise IdentifierError(
            Reason.BAD_CHECK_CHARACTER,
            f"{kind.label_zh}校验位错误：应为 {expected}，实为 {value[17]}",
            f"{kind.label_en} check character is wrong: expected {expected}, found {value[17]}",
            stage=4,
        )


def _illegal(value: str, pos: int, part_zh: str, part_en: str, *, stage: int) -> IdentifierError:
    ch = value[pos]
    return IdentifierError(
        Reason.ILLEGAL_CHARACTER,
        f"第{pos + 1}位字符“{ch}”不能出现在{part_zh}中",
        f"character '{ch}' at position {pos + 1} is not allowed in a {part_en}",
        stage=stage,
    )


def _unknown_region(code: str, *, stage: int) -> IdentifierError:
    return IdentifierError(
        Reason.UNKNOWN_REGION,
        f"行政区划代码 {code} 不存在",
        f"unknown administrative region code {code}",
        stage=stage,
    )


def _wrong_length(length: int, wanted: IdentifierKind | None) -> IdentifierError:
    if wanted is IdentifierKind.USCC:
        need_zh, need_en = "18位", "18 characters"
    else:
        need_zh, need_en = "18位（旧身份证为15位）", "18 characters (15 for an old identity card)"
    return IdentifierError(
        Reason.WRONG_LENGTH,
        f"长度错误：输入了{length}位，应为{need_zh}",
        f"wrong length: {length} characters entered, {need_en} expected",
    )

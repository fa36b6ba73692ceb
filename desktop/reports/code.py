"""Verification codes (核验码) of printed documents, the URL their QR code holds, and what a
person hands the desk to verify one.

A code is 60 random bits written as 12 base32 characters in three groups (``7KQ2-M6XD-P4AB``
style). It is printed on the paper only; the platform keeps ``code_digest(number, code)``,
so it can tell a right code from a wrong one but can neither print it on new paper nor hand
it to an API reader. Nothing here reads the network, the database or the PDF renderer: the
reference platform (``sandbox``) imports it too.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

_NUMBER = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
_CODE = re.compile(r"^[A-Z2-7]{12}$")
# Characters that read alike on paper: a person typing 0 or 1 means O or I (base32 has neither).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class VerifyInputError(ValueError):
    """Input that is neither a verification URL, a report number nor a PDF; bilingual."""


@dataclass(frozen=True)
class VerifyTarget:
    """What to verify: a number with its code (from the QR or typed), or a PDF file."""

    number: str | None = None
    code: str | None = None
    path: Path | None = None


def new_code() -> str:
    """A fresh verification code: 60 random bits, ``XXXX-XXXX-XXXX``."""
    text = base64.b32encode(secrets.token_bytes(10)).decode()[:12]
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def normalize_code(code: str) -> str:
    """The code in capitals without separators; raises VerifyInputError when it cannot be one."""
    text = re.sub(r"[\s\-_.]", "", code or "").upper().translate(_LOOKALIKES)
    if not _CODE.match(text):
        raise VerifyInputError("核验码应为 12 位字母和数字（如 7KQ2-M6XD-P4AB）/ the verification "
                               "code is 12 letters and digits (e.g. 7KQ2-M6XD-P4AB)")
    return text


def code_digest(number: str, code: str) -> str:
    """What the platform stores for a code: hex SHA-256 of ``NUMBER\\nCODE`` (normalised).

    A code that cannot be one gets a digest no registration holds, so it reads as a
    mismatch rather than an error on the platform side.
    """
    try:
        text = normalize_code(code)
    except VerifyInputError:
        text = "!" + (code or "")
    return hashlib.sha256(f"{number}\n{text}".encode()).hexdigest()


def verification_url(base: str, number: str, code: str) -> str:
    """The URL printed in the QR code: ``{base}/verify/{number}?code={code}``."""
    return f"{base.rstrip('/')}/verify/{quote(number, safe='')}?code={quote(code, safe='-')}"


def masked_name(name: str, kind: str) -> str:
    """A name fit for a public page: an organisation's in full, a person's first character."""
    name = (name or "").strip()
    if kind != "person" or not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def parse_target(text: str, code: str | None = None) -> VerifyTarget:
    """Decide what a person handed the desk: the QR text (a verification URL), a report
    number (with ``code`` typed beside it), or a PDF file.

    A number without a code is returned with ``code=None``: the caller asks for the code
    (a number alone proves nothing: numbers are printed, guessable and sequential).
    """
    text = (text or "").strip()
    if not text:
        raise VerifyInputError("请扫描二维码、输入报告编号或选择 PDF / scan the QR code, type "
                               "the report number or choose a PDF")
    if re.match(r"^https?://", text, re.IGNORECASE):
        return _from_url(text, code)
    path = Path(text)
    if text.lower().endswith(".pdf") or path.is_file():
        if not path.is_file():
            raise VerifyInputError(f"找不到文件 {text} / no such file: {text}")
        return VerifyTarget(path=path)
    if not _NUMBER.match(text):
        raise VerifyInputError("报告编号只含字母、数字和 . _ : - / a report number has only "
                               "letters, digits and . _ : -")
    return VerifyTarget(number=text, code=normalize_code(code) if code else None)


def _from_url(text: str, typed: str | None) -> VerifyTarget:
    parts = urlsplit(text)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[-2] != "verify" or not _NUMBER.match(segments[-1]):
        raise VerifyInputError("这不是报告核验网址（…/verify/编号?code=核验码）/ not a report "
                               "verification URL (…/verify/NUMBER?code=CODE)")
    codes = parse_qs(parts.query).get("code") or ([typed] if typed else [])
    return VerifyTarget(number=segments[-1], code=normalize_code(codes[0]) if codes else None)

"""Verifying a printed report or letter: genuine, altered or unknown.

Three ways in, decided by ``desktop.reports.code.parse_target``: the QR text (a verification
URL holding number and code), a number with its typed code, or the PDF file. A number and
code are checked by the platform against the code's registered digest. A PDF is compared
byte for byte (SHA-256) with the registered file; its code, read from its text, is checked
as well when it can be read. A number alone is not enough: ``CodeNeeded``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from dataclasses import asdict, dataclass, field

from desktop.platform import schemas
from desktop.platform.client import PlatformClient
from desktop.reports.code import VerifyInputError, VerifyTarget, normalize_code, parse_target

_CST = dt.timezone(dt.timedelta(hours=8))
_NUMBER_IN_TEXT = re.compile(r"[A-Za-z0-9._:\-]+-\d{8}-\d{4}")
_CODE_IN_TEXT = re.compile(r"(?:核验码|Verification code)\s*([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})")

log = logging.getLogger(__name__)


class CodeNeeded(VerifyInputError):
    """A report number without its verification code."""

    def __init__(self, number: str) -> None:
        super().__init__(
            f"请同时提供核验码：report verify {number} --code 核验码（报告编号本身不能证明真伪）"
            f" / the verification code is needed: report verify {number} --code CODE (a "
            "number alone proves nothing)")


@dataclass(frozen=True)
class Verification:
    """The answer about one document."""

    number: str
    status: str  # genuine | altered | unknown
    message: str  # "中文 / English"
    facts: dict = field(default_factory=dict)  # what the platform registered, when genuine

    def as_dict(self) -> dict:
        """For ``--json``."""
        return asdict(self)


def verify(client: PlatformClient, text: str, code: str | None = None) -> Verification:
    """Verify what a person handed the desk (QR text, number + code, or PDF path).

    Raises ``VerifyInputError`` for input that cannot be verified (``CodeNeeded`` for a
    number alone), ``PlatformError`` when the platform cannot answer.
    """
    target = parse_target(text, code)
    if target.path is not None:
        return _verify_pdf(client, target.path.read_bytes())
    return verify_code(client, target)


def verify_code(client: PlatformClient, target: VerifyTarget) -> Verification:
    """Ask the platform whether ``target``'s code is the one registered with its number."""
    if target.number is None or not target.code:
        raise CodeNeeded(target.number or "")
    answer = client.verify_report(target.number, target.code)
    return _from_answer(answer)


def _from_answer(answer: schemas.ReportVerifyOut) -> Verification:
    number = answer.report_no
    if answer.status == "unknown":
        return Verification(number, "unknown", "平台没有登记该编号 / no report is registered "
                                               "under this number")
    if answer.status == "altered":
        return Verification(number, "altered", "编号已登记，但核验码不符：纸面可能被篡改或伪造 / "
                                               "the number is registered but the code does not "
                                               "match: the paper may be altered or forged")
    facts = answer.model_dump(mode="json", exclude={"status"})
    issued = answer.issued_at.astimezone(_CST).date().isoformat() if answer.issued_at else "?"
    summary = (f"{answer.subject_name or ''} {answer.subject_id or ''}, {answer.verdict}, "
               f"{answer.item_code} {answer.item_name or ''}, {issued}, {answer.counter}")
    return Verification(number, "genuine",
                        f"与平台登记一致 / matches the registration: {summary}", facts)


def _verify_pdf(client: PlatformClient, pdf: bytes) -> Verification:
    number, code = read_number_and_code(pdf)
    if number is None:
        return Verification("", "unknown", "文件中没有报告编号 / no report number in the file")
    registered = client.find_report(number)
    if registered is None:
        return Verification(number, "unknown", "平台没有登记该编号 / no report is registered "
                                               "under this number")
    if registered.digest != hashlib.sha256(pdf).hexdigest():
        return Verification(number, "altered",
                            "文件内容与登记的摘要不符：已被修改 / the file does not match "
                            "its registered digest: altered")
    # The file is the registered file, byte for byte; its printed code must then be the
    # registered code too, and the platform's answer brings the public facts.
    if code is None:
        return Verification(number, "genuine", "与平台登记的文件一致 / the file matches its "
                                               "registration")
    return _from_answer(client.verify_report(number, code))


def read_number_and_code(pdf: bytes) -> tuple[str | None, str | None]:
    """The report number (from the document title, which survives a damaged content
    stream, else from the text) and the printed verification code (from the text)."""
    import pypdf

    from desktop.reports.pdf import extract_text

    title, text = "", ""
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        title = str((reader.metadata or {}).get("/Title", ""))
    except Exception as exc:  # noqa: BLE001 - a damaged file: try the text next
        log.info("report verify: no PDF title read (%s); trying the text", type(exc).__name__)
    try:
        text = extract_text(pdf)
    except Exception as exc:  # noqa: BLE001 - no text: the number may still be in the title
        log.info("report verify: no PDF text read (%s); using the title", type(exc).__name__)
    number = None
    for source in (title, text):
        found = _NUMBER_IN_TEXT.search(source)
        if found:
            number = found.group(0)
            break
    code = _CODE_IN_TEXT.search(text)
    return number, normalize_code(code.group(1)) if code else None

"""What the platform answered, read strictly: the errors a call can end in, a 2xx body
validated against ``desktop.platform.schemas`` (or ``PlatformProtocolError``), a 4xx as
``PlatformRejected``, and answers that contradict themselves or the question refused.

Used by :mod:`desktop.platform.client`, which re-exports the error classes.
"""

from __future__ import annotations

import ssl
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from desktop.identifiers import IdentifierError, parse_identifier
from desktop.platform import schemas

M = TypeVar("M", bound=BaseModel)


class PlatformError(Exception):
    """Any failure of a platform call; ``str()`` is "中文 / English"."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


class PlatformUnavailable(PlatformError):
    """No usable answer in time: unreachable, too slow, 5xx/429 after retries, breaker open."""

    def __init__(self, message_zh: str, message_en: str, retry_after: float | None = None):
        super().__init__(message_zh, message_en)
        self.retry_after = retry_after


class CircuitOpen(PlatformUnavailable):
    """The breaker is open: the call was not sent."""


class PlatformRejected(PlatformError):
    """The platform answered and refused (4xx), with its error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        zh, _, en = message.partition(" / ")
        super().__init__(f"平台拒绝了请求（{status} {code}）：{zh}",
                         f"the platform refused the request ({status} {code}): {en or zh}")
        self.status, self.code, self.message = status, code, message


class VersionUnknown(PlatformRejected):
    """410 on list changes: the platform does not know that version; resync from 0."""


class PlatformProtocolError(PlatformError):
    """The answer is not what the contract says: not JSON, cut short, wrong shape."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"平台返回的数据无法解析：{detail}",
                         f"the platform's answer could not be read: {detail}")


class PlatformUntrusted(PlatformUnavailable):
    """The platform's TLS certificate was refused (unknown CA, expired, another host name).

    No answer, like any unavailability (the outbox keeps its messages for later), but not an
    outage: either the desk's trust settings are wrong or someone is in between. Never
    retried (the same certificate would be refused again, and there is no insecure second
    try), not counted by the circuit breaker, and not answered from the snapshot by the
    check service: the clerk must see that the platform was not trusted.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(f"平台证书未通过验证，已拒绝连接：{detail}。请检查 CA 证书设置",
                         f"the platform's certificate was refused: {detail}; "
                         "check the CA bundle setting")


def certificate_refusal(exc: BaseException) -> str:
    """Why the platform's certificate was refused, or "" when ``exc`` is no such failure."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"{seen.verify_message or 'certificate verify failed'} ({seen.reason})"
        seen = seen.__cause__ or seen.__context__
    return ""


def consistent(result: schemas.CreditResult, subject_id: str, item: str,
                kind: str | None) -> None:
    """An answer that contradicts itself or the question is no answer (PlatformProtocolError):
    shown as live, a "clear" beside a prohibit measure would let a listed applicant through."""
    if (result.subject.id == subject_id and len(subject_id) == 18 and subject_id.isascii()
            and subject_id.isalnum() and subject_id == subject_id.upper()):
        # Already in the normal form (a batch sends its ids so), which parsing would only
        # give back (or refuse, leaving it as asked): no need to parse it again.
        asked = subject_id
    else:
        try:
            asked = parse_identifier(subject_id, kind=kind).normalized  # as the platform keys it
        except IdentifierError:
            asked = subject_id
    if result.subject.id != asked or result.item != item:
        raise PlatformProtocolError("the answer is about another subject or item")
    strongest = max((m.kind for m in result.measures), key=lambda k: schemas.Verdict(k).strength,
                    default=None)
    expected = schemas.Verdict(strongest.value) if strongest else schemas.Verdict.CLEAR
    if result.verdict != expected:
        raise PlatformProtocolError(
            f"verdict {result.verdict.value} contradicts the measures ({expected.value})")


def consistent_batch(result: schemas.BatchResult, subject_ids: list[str], item: str) -> None:
    """A batch answer is one row per identifier asked, in order, each consistent in itself;
    one contradicting row makes the whole answer suspect (PlatformProtocolError)."""
    if len(result.results) != len(subject_ids):
        raise PlatformProtocolError(
            f"{len(result.results)} rows answered for {len(subject_ids)} asked")
    for position, (row, asked) in enumerate(zip(result.results, subject_ids, strict=True)):
        if row.index != position:
            raise PlatformProtocolError(f"row {position} answered as row {row.index}")
        if row.result is not None:
            try:
                consistent(row.result, asked, item, None)
            except PlatformProtocolError as exc:
                raise PlatformProtocolError(f"row {position}: {exc}") from None


def parse(model: type[M], response: httpx.Response, data: bytes) -> M:
    """The validated model, or PlatformProtocolError; never a partial object."""
    ctype = response.headers.get("Content-Type", "")
    if ctype.split(";")[0].strip().lower() != "application/json":
        raise PlatformProtocolError(f"content type {ctype[:60]!r} is not application/json")
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        # Summarised without input values: the answer carries personal data (PIPL).
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                          for e in exc.errors(include_url=False)[:3])
        raise PlatformProtocolError(where) from None


def rejected(response: httpx.Response, data: bytes) -> PlatformRejected:
    """A 4xx as PlatformRejected, with the platform's error code and message when given."""
    status = response.status_code
    try:
        error = schemas.ErrorBody.model_validate_json(data).error
        code, message = error.code, error.message
    except ValidationError:
        code, message = f"http_{status}", response.reason_phrase or f"HTTP {status}"
    if status == 401:
        code = "unauthorized"
    cls = VersionUnknown if status == 410 else PlatformRejected
    return cls(status, code, message[:500])

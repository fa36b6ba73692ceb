"""Printed documents that can be verified: numbering, digests, registration, verification.

A report number is unique per desk and day (``COUNTER-TAG-YYYYMMDD-NNNN``). The QR code and
the short verification code printed on the page carry the number and a digest of the
report's content; the SHA-256 of the finished PDF file is registered with the platform
(``POST /v1/reports``) through the outbox, so printing works offline and registration
follows when the platform is back. Verifying a PDF compares its SHA-256 with the
registered one: any changed byte reads as altered.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from desktop import schemas
from desktop.check_service import CheckOutcome
from desktop.identifiers import mask
from desktop.platform_client import PlatformClient
from desktop.report_pdf import (
    CommitmentData,
    ReportData,
    extract_text,
    render_commitment_letter,
    render_credit_report,
)
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector


@dataclass(frozen=True)
class Printed:
    """A document written to disk and queued for registration."""

    number: str
    verification_code: str
    sha256: str
    path: Path


@dataclass(frozen=True)
class Verification:
    """What the platform says about a report."""

    number: str
    status: str  # genuine | altered | unknown
    message: str  # "中文 / English"


def verification_code(content: dict) -> str:
    """A short code over the report's content: 12 base32 characters in three groups."""
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True,
                                       default=str).encode()).digest()
    code = base64.b32encode(digest).decode()[:12]
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


class ReportService:
    """Numbers, renders, records and verifies the documents of this desk."""

    def __init__(self, engine: Engine, protector: Protector, *, counter: str,
                 clerk: str) -> None:
        self._engine, self._protector = engine, protector
        self._counter, self._clerk = counter, clerk

    def next_number(self, uow: UnitOfWork, on: dt.date) -> str:
        """The next number of the day, inside the caller's transaction.

        ``COUNTER-TAG-YYYYMMDD-NNNN``: TAG is drawn once per cache file, so a desk that
        is reinstalled (a new file, the count back at 1) never reuses a number the
        platform has already registered.
        """
        tag = store.get_meta(uow.conn, "desk_tag")
        if tag is None:
            tag = base64.b32encode(os.urandom(5)).decode()[:4]
            store.set_meta(uow.conn, desk_tag=tag)
        key = f"report_seq:{on.isoformat()}"
        n = int(store.get_meta(uow.conn, key, "0")) + 1
        store.set_meta(uow.conn, **{key: n})
        return f"{self._counter}-{tag}-{on:%Y%m%d}-{n:04d}"

    def print_report(self, outcome: CheckOutcome, item_name: str, path: Path,
                     lang: str = "zh_CN") -> Printed:
        """Render the credit report of a check to ``path`` and queue its registration."""
        with UnitOfWork(self._engine) as uow:
            number = self.next_number(uow, dt.date.today())
            content = {"number": number, "check": outcome.model_dump(mode="json")}
            code = verification_code(content)
            data = ReportData(
                report_no=number, verification_code=code,
                qr_payload=f"CREDITDESK-REPORT {number} {code}",
                checked_at=outcome.as_of, item_code=outcome.item, item_name=item_name,
                subject_name=outcome.subject.name or "（平台无记录）",
                subject_masked_id=mask(outcome.subject.id),
                subject_kind=outcome.subject.kind.value, district=outcome.subject.district,
                verdict=outcome.verdict.value,
                measures=[m.model_dump(mode="json") for m in outcome.measures],
                records=[r.model_dump(mode="json") for r in outcome.records],
                grade=outcome.grade.model_dump(mode="json") if outcome.grade else None,
                warnings=[w.model_dump(mode="json") for w in outcome.warnings],
                related=[{**r.model_dump(mode="json"), "subject_id": mask(r.subject_id)}
                         for r in outcome.related],
                source=outcome.source, snapshot_age_hours=outcome.snapshot_age_hours,
                counter=self._counter, clerk=self._clerk,
            )
            pdf = render_credit_report(data, lang)
            printed = self._finish(uow, number, code, pdf, path, "credit_report",
                                   mask(outcome.subject.id), outcome.check_id)
        return printed

    def print_commitment(self, outcome: CheckOutcome, tolerance: schemas.ToleranceResult,
                         item: schemas.ItemOut, path: Path, lang: str = "zh_CN",
                         uow: UnitOfWork | None = None) -> Printed:
        """Render the commitment letter for a tolerance acceptance and queue it.

        ``uow``: the caller's unit of work (a fast-track writes its feedback and
        commitment in the same one); the caller commits, and the letter's file is taken
        away again if that commit does not happen."""
        today, own = dt.date.today(), uow is None
        with _unit(self._engine, uow) as uow:
            number = self.next_number(uow, today)
            due = add_working_days(today, tolerance.due_days)
            content = {"number": number, "subject": outcome.subject.id, "item": item.code,
                       "materials": [m.code for m in tolerance.tolerable_materials],
                       "due": due.isoformat(), "text": tolerance.commitment_text}
            code = verification_code(content)
            data = CommitmentData(
                letter_no=number, verification_code=code,
                qr_payload=f"CREDITDESK-COMMITMENT {number} {code}",
                issued_at=dt.datetime.now(dt.UTC), applicant_name=outcome.subject.name,
                applicant_masked_id=mask(outcome.subject.id),
                applicant_kind=outcome.subject.kind.value, item_code=item.code,
                item_name=item.name, department=item.department,
                missing_materials=[m.name for m in tolerance.tolerable_materials],
                due_days=tolerance.due_days, due_date=due,
                commitment_text=tolerance.commitment_text, counter=self._counter,
                clerk=self._clerk,
            )
            pdf = render_commitment_letter(data, lang)
            printed = self._finish(uow, number, code, pdf, path, "commitment_letter",
                                   mask(outcome.subject.id), outcome.check_id,
                                   commit=own)
        return printed

    def _finish(self, uow: UnitOfWork, number: str, code: str, pdf: bytes, path: Path,
                kind: str, masked: str, check_id: str, commit: bool = True) -> Printed:
        digest = hashlib.sha256(pdf).hexdigest()
        body = schemas.ReportIn(report_no=number, digest=digest, kind=kind, subject_id=masked,
                                issued_at=dt.datetime.now(dt.UTC))
        store.add_outbox(uow.conn, self._protector, idempotency_key=f"report-{number}",
                         check_id=check_id, subject_id=None, action=kind,
                         payload=body.model_dump_json(), kind="report")
        store.append_audit(uow.conn, self._protector, counter=self._counter, clerk=self._clerk,
                           event="report.printed", masked=masked,
                           details={"report_no": number, "kind": kind, "sha256": digest,
                                    "check_id": check_id})
        # The file goes in place only once its registration and log entry are written, and
        # is taken away again if the unit of work is not committed (a full disk, or a later
        # write of the caller's decision failing): no printed report that the log and the
        # platform will never know.
        _write_atomically(path, pdf)
        uow.on_failure(lambda: path.unlink(missing_ok=True))
        if commit:  # else the caller commits the unit, with the rest of its decision
            uow.commit()
        return Printed(number, code, digest, path)


def verify_document(client: PlatformClient, target: str) -> Verification:
    """Ask the platform about a report number, or about a PDF file's content."""
    path = Path(target)
    if path.suffix.lower() == ".pdf" and path.exists():
        pdf = path.read_bytes()
        number = _number_in(pdf)
        if number is None:
            return Verification("", "unknown", "文件中没有报告编号 / no report number in file")
        registered = client.find_report(number)
        if registered is None:
            return Verification(number, "unknown", "平台没有登记该编号 / not registered")
        if registered.digest != hashlib.sha256(pdf).hexdigest():
            return Verification(number, "altered",
                                "文件内容与登记的摘要不符：已被修改 / the file does not match "
                                "its registered digest: altered")
        return Verification(number, "genuine", "与平台登记一致 / matches the registration")
    registered = client.find_report(target)
    if registered is None:
        return Verification(target, "unknown", "平台没有登记该编号 / not registered")
    return Verification(target, "genuine",
                        f"已登记：{registered.kind}，{registered.issued_at:%Y-%m-%d %H:%M} / "
                        f"registered: {registered.kind}, {registered.issued_at:%Y-%m-%d %H:%M}")


def _number_in(pdf: bytes) -> str | None:
    """The report number: from the document information (its title), which survives a
    damaged content stream, else from the text."""
    import io
    import re

    import pypdf

    pattern = re.compile(r"[A-Za-z0-9._:\-]+-\d{8}-\d{4}")
    sources: list[str] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        sources.append(str((reader.metadata or {}).get("/Title", "")))
    except Exception:  # noqa: BLE001 - a damaged file: try the text next
        pass
    try:
        sources.append(extract_text(pdf))
    except Exception:  # noqa: BLE001
        pass
    for text in sources:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start`` (Monday to Friday; public holidays are not
    known to the desk and are not skipped)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@contextmanager
def _unit(engine: Engine, uow: UnitOfWork | None) -> Iterator[UnitOfWork]:
    """The caller's unit of work when given (left open for the caller), else a new one."""
    if uow is not None:
        yield uow
        return
    with UnitOfWork(engine) as uow:
        yield uow


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)



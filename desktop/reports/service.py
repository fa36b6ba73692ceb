"""Printed documents that can be verified: numbering, codes, digests, registration.

A report number is unique per desk and day (``COUNTER-TAG-YYYYMMDD-NNNN``). Each document
gets a random verification code (核验码, ``desktop.reports.code``) printed under a QR code
that holds the verification URL (``{verify_url}/verify/{number}?code={code}``). The number,
the SHA-256 of the finished PDF, the SHA-256 of the code and the public facts the
verification page shows are registered with the platform (``POST /v1/reports``) through the
outbox, so printing works offline and registration follows when the platform is back.
Verifying is ``desktop.reports.verify``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from desktop import catalogue, workdays
from desktop.counter.check_service import CheckOutcome
from desktop.events import EventBus, ReportPrinted
from desktop.identifiers import mask
from desktop.platform import schemas
from desktop.reports.code import code_digest, masked_name, new_code, verification_url
from desktop.reports.pdf import (
    CommitmentData,
    ReportData,
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


class ReportService:
    """Numbers, renders and registers the documents of this desk."""

    def __init__(self, engine: Engine, protector: Protector, *, counter: str,
                 clerk: str, verify_base: str = "http://127.0.0.1:8765",
                 events: EventBus | None = None) -> None:
        self._engine, self._protector = engine, protector
        self._events = events  # told of each credit report registered (ReportPrinted)
        self._counter, self._clerk = counter, clerk
        self._verify_base = verify_base  # where the QR code sends a reader

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
        """Render the credit report of a check to ``path`` and queue its registration.

        ``item_name`` empty or the bare code (the caller's catalogue did not know it): the
        name from the desk's catalogue (the last sync's, else the one the desk ships with)."""
        if not item_name or item_name == outcome.item:
            with self._engine.connect() as conn:
                known, _ = catalogue.stored_or_shipped(conn)
            item_name = catalogue.item_name(known, outcome.item) or item_name
        with UnitOfWork(self._engine) as uow:
            number = self.next_number(uow, dt.date.today())
            code = new_code()
            data = ReportData(
                report_no=number, verification_code=code,
                qr_payload=verification_url(self._verify_base, number, code),
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
                snapshot_at=outcome.snapshot_synced_at,
                unavailable=tuple(outcome.unavailable),
                counter=self._counter, clerk=self._clerk,
                case_no=outcome.case_no, system=outcome.system,
            )
            pdf = render_credit_report(data, lang)
            printed = self._finish(uow, number, code, pdf, path, "credit_report",
                                   mask(outcome.subject.id), outcome.check_id,
                                   _facts(outcome, outcome.item, item_name))
        if self._events is not None:
            self._events.publish(ReportPrinted(outcome.check_id, printed.number))
        return printed

    def print_commitment(self, outcome: CheckOutcome, tolerance: schemas.ToleranceResult,
                         item: schemas.ItemOut, path: Path, lang: str = "zh_CN",
                         uow: UnitOfWork | None = None, due: dt.date | None = None) -> Printed:
        """Render the commitment letter for a tolerance acceptance and queue it.

        ``due``: the due date the caller will chase (the fast-track's plan), so the paper
        and the commitment can never differ; counted here when not given.
        ``uow``: the caller's unit of work (a fast-track writes its feedback and
        commitment in the same one); the caller commits, and the letter's file is taken
        away again if that commit does not happen."""
        today, own = dt.date.today(), uow is None
        with _unit(self._engine, uow) as uow:
            number = self.next_number(uow, today)
            due = due or workdays.load(self._engine).add_working_days(
                today, tolerance.due_days).date
            code = new_code()
            data = CommitmentData(
                letter_no=number, verification_code=code,
                qr_payload=verification_url(self._verify_base, number, code),
                issued_at=dt.datetime.now(dt.UTC), applicant_name=outcome.subject.name,
                applicant_masked_id=mask(outcome.subject.id),
                applicant_kind=outcome.subject.kind.value, item_code=item.code,
                item_name=item.name, department=item.department,
                missing_materials=[m.name for m in tolerance.tolerable_materials],
                due_days=tolerance.due_days, due_date=due,
                commitment_text=tolerance.commitment_text, counter=self._counter,
                clerk=self._clerk, case_no=outcome.case_no, system=outcome.system,
            )
            pdf = render_commitment_letter(data, lang)
            printed = self._finish(uow, number, code, pdf, path, "commitment_letter",
                                   mask(outcome.subject.id), outcome.check_id,
                                   _facts(outcome, item.code, item.name), commit=own)
        return printed

    def _finish(self, uow: UnitOfWork, number: str, code: str, pdf: bytes, path: Path,
                kind: str, masked: str, check_id: str, facts: dict,
                commit: bool = True) -> Printed:
        digest = hashlib.sha256(pdf).hexdigest()
        # The code travels only as its digest: the platform can check it, never print it.
        body = schemas.ReportIn(report_no=number, digest=digest, kind=kind, subject_id=masked,
                                issued_at=dt.datetime.now(dt.UTC),
                                code_sha256=code_digest(number, code), **facts)
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


def _facts(outcome: CheckOutcome, item_code: str, item_name: str) -> dict:
    """The public facts a verification page shows, as registered with the report."""
    return {"verdict": outcome.verdict, "item_code": item_code, "item_name": item_name[:128],
            "subject_name": masked_name(outcome.subject.name or "", outcome.subject.kind.value)
            [:128]}


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



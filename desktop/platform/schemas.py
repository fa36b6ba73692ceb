"""Contract v1 between the desk and the credit platform: one source of truth.

Pydantic models for every request and response body. The platform side (``sandbox``)
declares them as its FastAPI models, so the served OpenAPI document is generated from
this file, and the desk's platform client validates every response against them: a body
that does not fit is an error, never a half-shown status.

Field names listed in the issue are binding; extra fields may be added freely.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from desktop.domain import (
    CreditRecord,
    MeasureKind,
    RecordKind,
    RecordState,
    SubjectKind,
    Verdict,
    WarningLevel,
)

CONTRACT_VERSION = "v1"
MAX_BATCH = 1000

FeedbackAction = Literal[
    "terminated",
    "overridden",
    "proceeded",
    "fast_tracked",
    "commitment_fulfilled",
    "commitment_breached",
]


# Identifiers of things (item codes, ids, report numbers): plain ASCII, nothing to escape.
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:\-]+$", min_length=1,
                                        max_length=64)]
# Free text a person typed: anything printable. Control characters (NUL above all, which
# PostgreSQL cannot store) are refused at the door, not discovered in the database.
_PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type
    """A free-text field type of at most ``max_length`` printable characters."""
    return Annotated[str, StringConstraints(pattern=_PRINTABLE, min_length=min_length,
                                            max_length=max_length)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ErrorDetail(_Model):
    """What went wrong: a stable code and a message (Chinese / English)."""

    code: str
    message: str


class ErrorBody(_Model):
    """Every error response: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


class Health(_Model):
    """``GET /v1/health``."""

    status: Literal["ok"]
    contract: str = CONTRACT_VERSION
    platform: str
    time: dt.datetime


class MaterialOut(_Model):
    """A required material of a business item."""

    code: str
    name: str
    tolerable: bool


class ItemOut(_Model):
    """A business item (事项) of the catalogue."""

    code: str
    name: str
    department: str
    materials: list[MaterialOut]
    max_tolerance_days: int


class MeasureOut(_Model):
    """A line of the measures list (措施清单)."""

    code: str
    kind: MeasureKind
    text: str
    basis: str
    record_kinds: list[RecordKind]
    fields: list[str] = Field(default_factory=list, description="empty: every field")
    items: list[str] = Field(default_factory=list, description="empty: every item")


class CatalogOut(_Model):
    """``GET /v1/catalog``: business items and the measures list."""

    version: int
    items: list[ItemOut]
    measures: list[MeasureOut]


class SubjectOut(_Model):
    """The applicant as the platform knows it (name empty when unknown)."""

    id: str
    kind: SubjectKind
    name: str
    district: str = ""
    known: bool = True


class RecordOut(_Model):
    """One list entry; ``expires_on`` is the first day it no longer counts."""

    id: str
    kind: RecordKind
    field: str
    department: str
    basis: str
    listed_on: dt.date
    expires_on: dt.date | None = None
    state: RecordState

    def to_domain(self, subject_id: str) -> CreditRecord:
        """The domain record, for the shared verdict functions."""
        return CreditRecord(
            id=self.id,
            subject_id=subject_id,
            kind=self.kind,
            field=self.field,
            department=self.department,
            legal_basis=self.basis,
            listed_on=self.listed_on,
            expires_on=self.expires_on,
            state=self.state,
        )


class GradeOut(_Model):
    """Public credit evaluation: letter A-D and score."""

    letter: Literal["A", "B", "C", "D"]
    score: int
    evaluated_on: dt.date | None = None


class WarningOut(_Model):
    """A red/yellow/blue risk warning; ``via`` names the related subject that raised it."""

    level: WarningLevel
    point: str
    since: dt.date
    via: str | None = Field(None, description="related subject id when flagged through it")


class RelatedOut(_Model):
    """A related party (e.g. same investor) and its own warnings."""

    subject_id: str
    name: str
    relation: str
    warnings: list[WarningOut] = Field(default_factory=list)


class MatchedMeasure(_Model):
    """A measure that applies to this check, with the record that triggered it."""

    code: str
    kind: MeasureKind
    text: str
    basis: str
    record_id: str

    @classmethod
    def from_match(cls, match) -> MatchedMeasure:
        """From a ``desktop.verdict.MeasureMatch`` (platform and desk build it alike)."""
        m = match.measure
        return cls(code=m.code, kind=m.kind, text=m.text, basis=m.legal_basis,
                   record_id=match.record.id)


class CreditResult(_Model):
    """``GET /v1/subjects/{id}/credit?item=CODE`` (审批服务)."""

    check_id: str
    subject: SubjectOut
    item: str
    records: list[RecordOut]
    grade: GradeOut | None = None
    warnings: list[WarningOut]
    related: list[RelatedOut]
    measures: list[MatchedMeasure]
    verdict: Verdict
    as_of: dt.datetime


class ToleranceRequest(_Model):
    """``POST /v1/tolerance`` body (容缺受理)."""

    subject_id: Text(200, 1)
    item: Code


class ToleranceResult(_Model):
    """Whether the applicant may be accepted with tolerable materials missing."""

    eligible: bool
    reason: str
    tolerable_materials: list[MaterialOut]
    due_days: int
    commitment_text: str
    verdict: Verdict


class BatchRequest(_Model):
    """``POST /v1/batch`` body (批量查询): at most 1,000 identifiers."""

    item: Code
    subject_ids: list[Text(200)] = Field(min_length=1, max_length=MAX_BATCH)


class BatchRow(_Model):
    """One row of a batch answer: a credit result or the row's error."""

    index: int
    subject_id: str
    result: CreditResult | None = None
    error: ErrorDetail | None = None


class BatchResult(_Model):
    """Rows in input order, one per identifier."""

    results: list[BatchRow]


class SupervisionOut(_Model):
    """``GET /v1/subjects/{id}/supervision`` (行政监管): graded supervision class."""

    subject_id: str
    supervision_class: Literal["A", "B", "C", "D"] = Field(alias="class")
    frequency: str
    reasons: list[str]


class FeedbackIn(_Model):
    """``POST /v1/feedback`` body: what the clerk did about a check (the closed loop)."""

    check_id: Code
    subject_id: Text(64, 1)
    item: Code
    verdict: Verdict
    action: FeedbackAction
    reason: Text(2000) = ""
    case_no: Text(64) = Field(
        "", description="the business system's case number (案号) the check was made for")
    clerk_id: Code
    occurred_at: dt.datetime
    # Four eyes (issue 15, item 6): the supervisor who approved an override, as a field of
    # its own; required for ``overridden``, refused for every other action.
    approved_by: Code | None = Field(
        None, description="supervisor who approved an override; only with action overridden")
    letter_no: Text(64) = Field(
        "", description="number of the credit commitment letter (信用承诺书) of a fast-track, "
        "on fast_tracked and the commitment's closing")


class FeedbackCreated(_Model):
    """``201`` answer to a feedback post."""

    feedback_id: str


class ChangeEntry(_Model):
    """One change of the list snapshot; a repaired or expired record arrives as delete."""

    op: Literal["upsert", "delete"]
    version: int
    subject_id: str
    subject_name: str
    subject_kind: SubjectKind
    district: str = ""
    record: RecordOut
    changed_on: dt.date | None = Field(
        None, description="the day the platform made this change (listed, repaired, expired); "
        "absent when the platform does not say")


class ChangesOut(_Model):
    """``GET /v1/lists/changes``: a page of changes after ``since``."""

    version: int = Field(description="pass as since= to get the next page")
    catalog_version: int
    entries: list[ChangeEntry]
    more: bool


class CalendarOut(_Model):
    """``GET /v1/calendar``: statutory holidays and make-up working days (调休) of the
    years the platform knows, as the State Council's annual notices set them."""

    years: list[int] = Field(max_length=40)
    holidays: list[dt.date] = Field(max_length=4000, description="days off that would "
                                    "otherwise be working days, and the holidays themselves")
    workdays: list[dt.date] = Field(max_length=4000, description="weekend days worked "
                                    "(调休上班)")


class ReportIn(_Model):
    """``POST /v1/reports``: register a printed report's number, digest and verification code.

    The platform keeps only the SHA-256 of the code (``code_sha256``): it can tell a right
    code from a wrong one, but it cannot print the code on new paper, and no API answer
    carries it. The other fields are the public facts the verification page shows.
    """

    report_no: Code
    digest: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,128}$")] = Field(
        description="lower-case hex digest of the printed document"
    )
    kind: Code = "credit_report"
    subject_id: Text(64) = Field("", description="the subject's identifier, masked")
    issued_at: dt.datetime
    code_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="hex SHA-256 of 'REPORT_NO\\nCODE' (CODE: the printed verification code "
        "in capitals without separators)")
    subject_name: Text(128) = Field(
        "", description="organisation name; for a person only the first character, masked")
    verdict: Verdict
    item_code: Code
    item_name: Text(128) = ""


class ReportOut(_Model):
    """A registered report, as ``GET /v1/reports/{report_no}`` returns it."""

    report_no: str
    digest: str
    kind: str
    counter: str
    issued_at: dt.datetime
    registered_at: dt.datetime


class AnchorIn(_Model):
    """``POST /v1/audit/anchors``: the head of a desk's audit chain at a sequence number."""

    counter: Code
    seq: int = Field(ge=1, le=2**31 - 1)  # a 32-bit integer column on every backend
    head_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class AnchorOut(_Model):
    """An anchor as the platform keeps it."""

    counter: str
    seq: int
    head_hash: str
    received_at: dt.datetime


class AnchorsOut(_Model):
    """``GET /v1/audit/anchors/{counter}``: every anchor of a counter, by sequence."""

    counter: str
    anchors: list[AnchorOut]


class DeskKeyIn(_Model):
    """``POST /v1/audit/keys``: the public key a desk signs its exported log bundles with."""

    counter: Code
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]  # 32 bytes, hex


class DeskKeyOut(_Model):
    """A desk key as the platform keeps it."""

    counter: str
    algorithm: str
    public_key: str
    registered_at: dt.datetime


class DeskKeysOut(_Model):
    """``GET /v1/audit/keys/{counter}``: every key the counter registered, oldest first."""

    counter: str
    keys: list[DeskKeyOut]


# --- paper verifies by its code (issue 15, item 8) --------------------------------------


class ReportVerifyOut(_Model):
    """``GET /v1/reports/{report_no}/verify?code=``: what a number and code add up to.

    ``genuine``: registered and the code matches (the public facts follow); ``altered``:
    the number is registered but the code does not match; ``unknown``: not registered.
    """

    status: Literal["genuine", "altered", "unknown"]
    report_no: str
    kind: str | None = None
    subject_id: str | None = Field(None, description="masked")
    subject_name: str | None = None
    verdict: Verdict | None = None
    item_code: str | None = None
    item_name: str | None = None
    counter: str | None = None
    issued_at: dt.datetime | None = None


# --- issue 15, the witnessed log head and the counter a key belongs to ---------------------


class WhoAmI(_Model):
    """``GET /v1/whoami``: the counter the calling key belongs to, and the platform's rules."""

    counter: str
    department: str
    retention_floor_days: int = Field(ge=0, description="the least days a desk keeps its log")


class WitnessOut(_Model):
    """``GET /v1/audit/witness/{counter}``: the highest chain head the platform has seen in
    the counter's ``X-Audit-Head`` headers (``seq`` 0 when it has seen none)."""

    counter: str
    seq: int = Field(ge=0)
    head_hash: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")]
    seen_at: dt.datetime | None = None

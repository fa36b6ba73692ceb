"""The reference platform's own control API (``/sandbox/``): samples, statistics, faults,
mutations, new counters. Not part of the contract a desk talks to (``desktop.platform.schemas``);
tests, the demo and the benchmarks use it to set the platform up.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from desktop.domain import RecordKind, WarningLevel
from desktop.platform.schemas import Code, SubjectKind, Text, _Model


class Sample(_Model):
    """A subject whose check for ``item`` yields the verdict it is listed under."""

    id: str
    item: str
    name: str
    kind: SubjectKind


class SamplesOut(_Model):
    """``GET /sandbox/samples``: sample subjects keyed by verdict."""

    prohibit: list[Sample]
    restrict: list[Sample]
    alert: list[Sample]
    incentive: list[Sample]
    clear: list[Sample]


class StatsOut(_Model):
    """``GET /sandbox/stats``: what the platform has seen."""

    requests_served: int
    feedback_received: int
    feedback_unique: int
    duplicates_suppressed: int
    subjects: int
    records: int
    list_version: int


class FeedbackRecord(_Model):
    """One stored feedback post as the platform keeps it (``GET /sandbox/feedback``)."""

    feedback_id: str
    counter: str
    check_id: str
    action: str
    case_no: str = Field("", description="the business system's case number (案号)")
    letter_no: str = Field("", description="a fast-track's commitment letter number")
    received_at: str


class FeedbackListOut(_Model):
    """``GET /sandbox/feedback``: stored feedback, oldest first (at most ``limit``)."""

    feedback: list[FeedbackRecord]


class FaultsIn(_Model):
    """``POST /sandbox/faults``; an empty body resets to no faults. Rates are 0..1."""

    latency_ms: int = Field(0, ge=0, le=120_000)
    error_rate: float = Field(0.0, ge=0, le=1)
    error_status: int = Field(503, ge=400, le=599)
    retry_after: int | None = Field(None, ge=0, le=3600)
    drop_rate: float = Field(0.0, ge=0, le=1)
    malformed_rate: float = Field(0.0, ge=0, le=1)
    truncated_rate: float = Field(0.0, ge=0, le=1)
    drip_seconds: float = Field(0.0, ge=0, le=600, description="spread each body over this")
    drip_rate: float = Field(1.0, ge=0, le=1, description="share of responses drip-fed")
    wrong_content_type_rate: float = Field(0.0, ge=0, le=1)
    contradict_rate: float = Field(
        0.0, ge=0, le=1,
        description="share of answers whose verdict contradicts their own measures")


class FaultsOut(FaultsIn):
    """The faults now in force."""


class MutateIn(_Model):
    """``POST /sandbox/changes``: change N random records (list, repair, expire)."""

    n: int = Field(10, ge=1, le=100_000)
    seed: int | None = None


class MutateOut(_Model):
    """What the mutation did, and the list version after it."""

    changed: int
    subject_ids: list[str]
    list_version: int


class RecordIn(_Model):
    """``POST /sandbox/subjects/{id}/records``: list the subject from today (test control)."""

    kind: RecordKind
    field: Code = "tax"
    department: Text(64, 1) = "国家税务总局绍兴市税务局"
    basis: Text(200, 1) = "《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录》"


class RecordStateIn(_Model):
    """``POST /sandbox/records/{id}/state``: repaired (信用修复) or expired today."""

    state: Literal["repaired", "expired"]


class RecordChanged(_Model):
    """The record a control call added or changed, and the list version after it."""

    record_id: str
    list_version: int


class WarningIn(_Model):
    """``POST /sandbox/subjects/{id}/warnings``: a new risk warning from today."""

    level: WarningLevel
    point: Text(64, 1)


class GradeIn(_Model):
    """``PUT /sandbox/subjects/{id}/grade``: a new public credit evaluation, today."""

    letter: Literal["A", "B", "C", "D"]
    score: int = Field(ge=0, le=100)


class FactChanged(_Model):
    """A warning or grade a control call set (neither is list data: no list version)."""

    subject_id: str
    on: str


class CounterIn(_Model):
    """``POST /sandbox/counters``: a new counter (window) with a fresh API key."""

    counter: Code
    department: str = Field("绍兴市行政服务中心", max_length=64)


class CounterOut(CounterIn):
    """The new counter and its key (shown once; the platform keeps only its SHA-256)."""

    api_key: str

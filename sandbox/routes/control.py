"""Sandbox-only control (``/sandbox/``, not part of contract v1): sample subjects, request
statistics, the feedback received (with its case and letter numbers), fault injection,
extra counters' keys, list mutations (random, or one record listed, repaired, expired) and
a subject's warnings and grade, for tests and demos."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query
from sqlalchemy import func, select

from desktop.domain import RecordState
from desktop.platform.schemas import _PRINTABLE, ErrorBody
from sandbox import credit, facts
from sandbox import schemas as control
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth, SubjectPath, parse_subject
from sandbox.storage import records, subjects

# The calls that change the platform, refused on a pilot platform (``serve --pilot``).
_CHANGES = {**ERRORS, 403: {"model": ErrorBody, "description": "a pilot platform (pilot)"}}
# The alert tests' calls name a subject or a record, which may not exist.
_FACTS = {**_CHANGES, 404: {"model": ErrorBody, "description": "no such subject or record"}}


def router(platform: Platform) -> APIRouter:
    """The sandbox control routes, acting on ``platform`` itself."""
    api = APIRouter()

    def not_in_pilot() -> None:
        if platform.pilot:
            raise ApiError(403, "pilot", "试点平台不接受此测试调用 / a pilot platform refuses "
                           "this test call (keys: creditdesk sandbox keys)")

    @api.get(
        "/sandbox/samples", response_model=control.SamplesOut, responses=ERRORS, tags=["sandbox"]
    )
    def samples(_: Auth) -> control.SamplesOut:
        return platform.samples()

    @api.get("/sandbox/stats", response_model=control.StatsOut, responses=ERRORS, tags=["sandbox"])
    def stats(_: Auth) -> control.StatsOut:
        with platform.engine.connect() as conn:
            n_subjects = conn.execute(select(func.count()).select_from(subjects)).scalar_one()
            n_records = conn.execute(select(func.count()).select_from(records)).scalar_one()
        c = platform.counters
        return control.StatsOut(
            requests_served=c.requests_served,
            feedback_received=c.feedback_received,
            feedback_unique=platform.feedback.unique_count(),
            duplicates_suppressed=c.duplicates_suppressed,
            subjects=n_subjects,
            records=n_records,
            list_version=platform.versions.current(),
        )

    @api.get("/sandbox/feedback", response_model=control.FeedbackListOut, responses=ERRORS,
             tags=["sandbox"])
    def list_feedback(
        caller: Auth,
        check_id: Annotated[str | None, Query(max_length=64, pattern=_PRINTABLE)] = None,
        case_no: Annotated[str | None, Query(max_length=64, pattern=_PRINTABLE)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> control.FeedbackListOut:
        # On a pilot a counter sees its own feedback only: its case numbers are real cases.
        rows = platform.feedback.received(check_id=check_id, case_no=case_no, limit=limit,
                                          counter=caller.counter_id if platform.pilot else None)
        return control.FeedbackListOut(feedback=[control.FeedbackRecord(**r) for r in rows])

    @api.get(
        "/sandbox/faults", response_model=control.FaultsOut, responses=ERRORS, tags=["sandbox"]
    )
    def get_faults(_: Auth) -> control.FaultsOut:
        return control.FaultsOut(**platform.injector.current.model_dump())

    @api.post(
        "/sandbox/faults", response_model=control.FaultsOut, responses=_CHANGES, tags=["sandbox"]
    )
    def set_faults(
        _: Auth, body: Annotated[control.FaultsIn | None, Body()] = None
    ) -> control.FaultsOut:
        not_in_pilot()
        if body is None:
            platform.injector.reset()
        else:
            platform.injector.set(body)
        return control.FaultsOut(**platform.injector.current.model_dump())

    @api.post("/sandbox/counters", status_code=201, response_model=control.CounterOut,
              responses=_CHANGES, tags=["sandbox"])
    def add_counter(_: Auth, body: control.CounterIn) -> control.CounterOut:
        not_in_pilot()  # else any counter's key could mint a key for another counter
        key = secrets.token_urlsafe(24)
        platform.add_key(key, body.counter, body.department, "POST /sandbox/counters")
        return control.CounterOut(counter=body.counter, department=body.department,
                                  api_key=key)

    @api.post(
        "/sandbox/changes", response_model=control.MutateOut, responses=_CHANGES,
        tags=["sandbox"]
    )
    def mutate(_: Auth, body: control.MutateIn) -> control.MutateOut:
        not_in_pilot()
        platform.sweep()
        return platform.versions.mutate(body.n, body.seed, credit.today())

    @api.post("/sandbox/subjects/{subject_id}/records", status_code=201,
              response_model=control.RecordChanged, responses=_FACTS, tags=["sandbox"])
    def add_record(subject_id: SubjectPath, _: Auth,
                   body: control.RecordIn) -> control.RecordChanged:
        not_in_pilot()
        sid = _known(subject_id)
        try:
            record_id, version = platform.versions.add(sid, body, credit.today())
        except LookupError:
            raise _unknown_subject() from None
        return control.RecordChanged(record_id=record_id, list_version=version)

    @api.post("/sandbox/records/{record_id}/state", response_model=control.RecordChanged,
              responses=_FACTS, tags=["sandbox"])
    def mark_record(record_id: Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9]+$")],
                    _: Auth, body: control.RecordStateIn) -> control.RecordChanged:
        not_in_pilot()
        try:
            version = platform.versions.mark(record_id, RecordState(body.state), credit.today())
        except LookupError:
            raise ApiError(404, "unknown_record",
                           f"没有该记录 / no such record: {record_id}") from None
        return control.RecordChanged(record_id=record_id, list_version=version)

    @api.post("/sandbox/subjects/{subject_id}/warnings", status_code=201,
              response_model=control.FactChanged, responses=_FACTS, tags=["sandbox"])
    def add_warning(subject_id: SubjectPath, _: Auth,
                    body: control.WarningIn) -> control.FactChanged:
        not_in_pilot()
        sid, on = _known(subject_id), credit.today()
        try:
            facts.add_warning(platform.engine, sid, body.level.value, body.point, on)
        except LookupError:
            raise _unknown_subject() from None
        return control.FactChanged(subject_id=sid, on=on.isoformat())

    @api.put("/sandbox/subjects/{subject_id}/grade", response_model=control.FactChanged,
             responses=_FACTS, tags=["sandbox"])
    def set_grade(subject_id: SubjectPath, _: Auth, body: control.GradeIn) -> control.FactChanged:
        not_in_pilot()
        sid, on = _known(subject_id), credit.today()
        try:
            facts.set_grade(platform.engine, sid, body.letter, body.score, on)
        except LookupError:
            raise _unknown_subject() from None
        return control.FactChanged(subject_id=sid, on=on.isoformat())

    return api


def _known(raw: str) -> str:
    return parse_subject(raw).normalized


def _unknown_subject() -> ApiError:
    return ApiError(404, "unknown_subject", "平台没有该主体 / no such subject on the platform")

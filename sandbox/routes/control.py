"""Sandbox-only control (``/sandbox/``, not part of contract v1): sample subjects, request
statistics, fault injection, extra counters' keys and list mutations for tests and demos."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Body
from sqlalchemy import func, select

from desktop import schemas
from sandbox import credit
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, Auth
from sandbox.storage import records, subjects


def router(platform: Platform) -> APIRouter:
    """The sandbox control routes, acting on ``platform`` itself."""
    api = APIRouter()

    @api.get(
        "/sandbox/samples", response_model=schemas.SamplesOut, responses=ERRORS, tags=["sandbox"]
    )
    def samples(_: Auth) -> schemas.SamplesOut:
        return platform.samples()

    @api.get("/sandbox/stats", response_model=schemas.StatsOut, responses=ERRORS, tags=["sandbox"])
    def stats(_: Auth) -> schemas.StatsOut:
        with platform.engine.connect() as conn:
            n_subjects = conn.execute(select(func.count()).select_from(subjects)).scalar_one()
            n_records = conn.execute(select(func.count()).select_from(records)).scalar_one()
        c = platform.counters
        return schemas.StatsOut(
            requests_served=c.requests_served,
            feedback_received=c.feedback_received,
            feedback_unique=platform.feedback.unique_count(),
            duplicates_suppressed=c.duplicates_suppressed,
            subjects=n_subjects,
            records=n_records,
            list_version=platform.versions.current(),
        )

    @api.get(
        "/sandbox/faults", response_model=schemas.FaultsOut, responses=ERRORS, tags=["sandbox"]
    )
    def get_faults(_: Auth) -> schemas.FaultsOut:
        return schemas.FaultsOut(**platform.injector.current.model_dump())

    @api.post(
        "/sandbox/faults", response_model=schemas.FaultsOut, responses=ERRORS, tags=["sandbox"]
    )
    def set_faults(
        _: Auth, body: Annotated[schemas.FaultsIn | None, Body()] = None
    ) -> schemas.FaultsOut:
        if body is None:
            platform.injector.reset()
        else:
            platform.injector.set(body)
        return schemas.FaultsOut(**platform.injector.current.model_dump())

    @api.post("/sandbox/counters", status_code=201, response_model=schemas.CounterOut,
              responses=ERRORS, tags=["sandbox"])
    def add_counter(_: Auth, body: schemas.CounterIn) -> schemas.CounterOut:
        key = secrets.token_urlsafe(24)
        platform.add_key(key, body.counter, body.department)
        return schemas.CounterOut(counter=body.counter, department=body.department,
                                  api_key=key)

    @api.post(
        "/sandbox/changes", response_model=schemas.MutateOut, responses=ERRORS, tags=["sandbox"]
    )
    def mutate(_: Auth, body: schemas.MutateIn) -> schemas.MutateOut:
        platform.sweep()
        return platform.versions.mutate(body.n, body.seed, credit.today())

    return api

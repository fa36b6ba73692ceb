"""Credit query: health and catalog, then 审批服务 (credit), 容缺受理 (tolerance),
批量查询 (batch) and 行政监管 (supervision)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from desktop import __version__
from desktop.identifiers import IdentifierError, SubjectId, parse_identifier
from desktop.platform import schemas
from sandbox import credit
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, Auth, SubjectPath, as_json, known_item, parse_subject


def router(platform: Platform) -> APIRouter:
    """The credit query routes, answering from ``platform``."""
    api = APIRouter()

    # The read routes are async and query the database directly: their indexed reads take
    # well under a millisecond, less than the hop to a worker thread, and at 200 counters
    # the hop halved throughput. Writes (which may wait on a lock) and batch stay in the
    # thread pool as plain def routes.
    @api.get("/v1/health", response_model=schemas.Health, tags=["platform"])
    async def health() -> schemas.Health:
        platform.counters.add("requests_served")
        return schemas.Health(
            status="ok", platform=f"creditdesk-sandbox {__version__}", time=dt.datetime.now(dt.UTC)
        )

    @api.get("/v1/catalog", response_model=schemas.CatalogOut, responses=ERRORS, tags=["platform"])
    async def get_catalog(_: Auth) -> schemas.CatalogOut:
        return credit.catalog_out()

    @api.get(
        "/v1/subjects/{subject_id}/credit",
        response_model=schemas.CreditResult,
        responses=ERRORS,
        tags=["审批服务"],
    )
    async def get_credit(
        subject_id: SubjectPath,
        _: Auth,
        item: Annotated[str, Query(max_length=64, description="business item code")],
        kind: Literal["uscc", "resident_id"] | None = None,
    ) -> Response:
        sid = parse_subject(subject_id, kind)
        known_item(item)
        on = credit.today()
        return as_json(credit.credit_result(
            credit.load_facts(platform.engine, [sid], on)[sid.normalized], item, on
        ))

    @api.post(
        "/v1/tolerance",
        response_model=schemas.ToleranceResult,
        responses=ERRORS,
        tags=["容缺受理"],
    )
    async def post_tolerance(body: schemas.ToleranceRequest, _: Auth) -> schemas.ToleranceResult:
        sid = parse_subject(body.subject_id)
        item = known_item(body.item)
        on = credit.today()
        facts = credit.load_facts(platform.engine, [sid], on)[sid.normalized]
        return credit.tolerance(facts, item, on)

    # Batch requests are answered one at a time, in the order they came. The work is pure
    # Python in one process, so several at once only share the interpreter lock and all
    # finish together at the end; one at a time, the first answer leaves after a quarter of
    # the time of four and the desk checks and logs it while the next ones are computed.
    # A request waiting for its turn holds no worker thread (an asyncio lock; the work
    # itself runs in the thread pool), so queued batches never starve the other routes.
    batch_turns = asyncio.Lock()

    @api.post("/v1/batch", response_model=schemas.BatchResult, responses=ERRORS, tags=["批量查询"])
    async def post_batch(body: schemas.BatchRequest, _: Auth) -> Response:
        known_item(body.item)
        async with batch_turns:
            return await run_in_threadpool(_batch, body)

    def _batch(body: schemas.BatchRequest) -> Response:
        on = credit.today()
        parsed: list[SubjectId | schemas.ErrorDetail] = []
        for raw in body.subject_ids:
            try:
                parsed.append(parse_identifier(raw))
            except IdentifierError as exc:
                parsed.append(
                    schemas.ErrorDetail(
                        code=f"invalid_identifier.{exc.reason.value}", message=str(exc)
                    )
                )
        facts = credit.load_facts(
            platform.engine, [p for p in parsed if isinstance(p, SubjectId)], on
        )
        rows = []
        for index, (raw, p) in enumerate(zip(body.subject_ids, parsed, strict=True)):
            if isinstance(p, schemas.ErrorDetail):
                rows.append(schemas.BatchRow(index=index, subject_id=raw, error=p))
            else:
                rows.append(
                    schemas.BatchRow(
                        index=index,
                        subject_id=p.normalized,
                        result=credit.credit_result(facts[p.normalized], body.item, on),
                    )
                )
        return as_json(schemas.BatchResult(results=rows))

    @api.get(
        "/v1/subjects/{subject_id}/supervision",
        response_model=schemas.SupervisionOut,
        responses=ERRORS,
        tags=["行政监管"],
    )
    async def get_supervision(
        subject_id: SubjectPath,
        _: Auth,
        kind: Literal["uscc", "resident_id"] | None = None,
    ) -> schemas.SupervisionOut:
        sid = parse_subject(subject_id, kind)
        on = credit.today()
        return credit.supervision(credit.load_facts(platform.engine, [sid], on)[sid.normalized], on)

    return api

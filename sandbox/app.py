"""The reference credit platform's HTTP API (contract v1), as a FastAPI app.

Routes are thin: they authenticate, validate and hand over to ``credit``, ``lists`` and
``feedback``. Every error leaves as ``{"error": {"code", "message"}}`` with the right
status, and every response model is declared so the OpenAPI document is complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine, delete, func, insert, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop import __version__, schemas
from desktop.identifiers import IdentifierError, SubjectId, parse_identifier
from sandbox import catalog, credit
from sandbox.faults import FaultInjector, FaultMiddleware
from sandbox.feedback import AnchorStore, Conflict, Counters, DeskKeyStore, FeedbackStore
from sandbox.feedback_rules import Misfit
from sandbox.lists import MAX_PAGE, ListVersions, VersionUnknown
from sandbox.samples import find_samples
from sandbox.storage import anchors, api_keys, create_all, desk_keys, records, subjects
from sandbox.verify_page import add_verify_page
from sandbox.witness import HEADER as HEAD_HEADER
from sandbox.witness import PATTERN as HEAD_PATTERN
from sandbox.witness import WitnessBook
from sandbox.witness import parse as parse_head


class ApiError(Exception):
    """An error answer: HTTP status, stable code, message in Chinese and English."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Counter:
    """The counter (窗口) an API key belongs to."""

    counter_id: str
    department: str


@dataclass
class Platform:
    """The platform's services, wired once and shared by the routes."""

    engine: Engine
    injector: FaultInjector = field(default_factory=FaultInjector)
    counters: Counters = field(default_factory=Counters)
    retention_floor_days: int = 180  # the six months the Cybersecurity Law asks for

    def __post_init__(self) -> None:
        create_all(self.engine)  # a platform file from an older version gains new tables
        self.versions = ListVersions(self.engine)
        self.feedback = FeedbackStore(self.engine, self.counters)
        self.anchors = AnchorStore(self.engine)
        self.desk_keys = DeskKeyStore(self.engine)
        self.witness = WitnessBook(self.engine)
        self._keys: dict[str, Counter] = {}
        self._swept_on: dt.date | None = None
        self._samples: schemas.SamplesOut | None = None
        self._lock = threading.Lock()
        with self.engine.connect() as conn:
            for row in conn.execute(select(api_keys)):
                self._keys[row.key_hash] = Counter(row.counter_id, row.department)

    def add_key(self, key: str, counter_id: str, department: str) -> None:
        """Let ``key`` in as ``counter_id``; only its SHA-256 is stored."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        if digest in self._keys:
            return
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    key_hash=digest, counter_id=counter_id, department=department
                )
            )
        self._keys[digest] = Counter(counter_id, department)

    def forget_counter(self, counter_id: str) -> None:
        """Drop the anchors and signing keys held for ``counter_id`` (the demo starts a
        fresh desk under the same counter on a platform file kept between runs)."""
        with self.engine.begin() as conn:
            conn.execute(delete(anchors).where(anchors.c.counter_id == counter_id))
            conn.execute(delete(desk_keys).where(desk_keys.c.counter_id == counter_id))
        self.witness.forget(counter_id)

    def close(self) -> None:
        """Store the witnessed heads not stored yet (the server is stopping)."""
        self.witness.close()

    def counter_for(self, key: str) -> Counter | None:
        """The counter owning ``key``, or None."""
        return self._keys.get(hashlib.sha256(key.encode()).hexdigest())

    def sweep(self) -> None:
        """Expire records whose day has come, once per day at most."""
        on = credit.today()
        with self._lock:
            if self._swept_on != on:
                self.versions.sweep_expired(on)
                self._swept_on = on

    def samples(self) -> schemas.SamplesOut:
        """Sample subjects per verdict (computed once per process)."""
        with self._lock:
            if self._samples is None:
                self._samples = find_samples(self.engine, credit.today())
            return self._samples


_bearer = HTTPBearer(auto_error=False, description="the counter's API key")
_ERRORS = {
    400: {"model": schemas.ErrorBody, "description": "body is not JSON"},
    401: {"model": schemas.ErrorBody, "description": "missing or unknown API key"},
    422: {"model": schemas.ErrorBody, "description": "invalid request"},
}


async def _counter(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_audit_head: Annotated[str | None, Header(
        alias=HEAD_HEADER, pattern=HEAD_PATTERN,
        description="the desk's audit chain head as the call leaves it: <seq>:<hash>; the "
        "platform keeps the highest one per counter (GET /v1/audit/witness/{counter})")] = None,
) -> Counter:
    """The calling counter, from its bearer key; 401 otherwise. Witnesses the head it sent."""
    platform: Platform = request.app.state.platform
    platform.counters.add("requests_served")
    found = platform.counter_for(creds.credentials) if creds else None
    if found is None:
        raise ApiError(401, "unauthorized", "缺少或无效的接口密钥 / missing or unknown API key")
    if x_audit_head is not None:
        head = parse_head(x_audit_head)
        if head is None:
            raise ApiError(422, "invalid_audit_head",
                           f"{HEAD_HEADER} 格式无效 / {HEAD_HEADER} is not <seq>:<hash>")
        platform.witness.see(found.counter_id, *head)  # memory only: no write on this route
    return found


Auth = Annotated[Counter, Depends(_counter)]
SubjectPath = Annotated[
    str, Path(min_length=1, max_length=200, description="credit code or resident number")
]


def create_app(platform: Platform) -> FastAPI:
    """The ASGI app for ``platform``, with fault injection on ``/v1/``."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        # Stopping (SIGTERM too: uvicorn shuts down, then lets the signal end the process):
        # store the witnessed heads the writer has not stored yet.
        platform.close()

    app = FastAPI(
        lifespan=lifespan,
        title="公共信用信息平台 · CreditDesk reference platform",
        version=f"{schemas.CONTRACT_VERSION} ({__version__})",
        description="Contract v1 between one-window counters and the public credit platform. "
        "Served by the CreditDesk sandbox; see docs/PLATFORM.md.",
    )
    _install_error_handlers(app)

    app.state.platform = platform

    # The read routes are async and query the database directly: their indexed reads take
    # well under a millisecond, less than the hop to a worker thread, and at 200 counters
    # the hop halved throughput. Writes (which may wait on a lock) and batch stay in the
    # thread pool as plain def routes.
    @app.get("/v1/health", response_model=schemas.Health, tags=["platform"])
    async def health() -> schemas.Health:
        platform.counters.add("requests_served")
        return schemas.Health(
            status="ok", platform=f"creditdesk-sandbox {__version__}", time=dt.datetime.now(dt.UTC)
        )

    @app.get("/v1/catalog", response_model=schemas.CatalogOut, responses=_ERRORS, tags=["platform"])
    async def get_catalog(_: Auth) -> schemas.CatalogOut:
        return credit.catalog_out()

    @app.get(
        "/v1/subjects/{subject_id}/credit",
        response_model=schemas.CreditResult,
        responses=_ERRORS,
        tags=["审批服务"],
    )
    async def get_credit(
        subject_id: SubjectPath,
        _: Auth,
        item: Annotated[str, Query(max_length=64, description="business item code")],
        kind: Literal["uscc", "resident_id"] | None = None,
    ) -> Response:
        sid = _subject(subject_id, kind)
        _item(item)
        on = credit.today()
        return _json(credit.credit_result(
            credit.load_facts(platform.engine, [sid], on)[sid.normalized], item, on
        ))

    @app.post(
        "/v1/tolerance",
        response_model=schemas.ToleranceResult,
        responses=_ERRORS,
        tags=["容缺受理"],
    )
    async def post_tolerance(body: schemas.ToleranceRequest, _: Auth) -> schemas.ToleranceResult:
        sid = _subject(body.subject_id)
        item = _item(body.item)
        on = credit.today()
        facts = credit.load_facts(platform.engine, [sid], on)[sid.normalized]
        return credit.tolerance(facts, item, on)

    @app.post("/v1/batch", response_model=schemas.BatchResult, responses=_ERRORS, tags=["批量查询"])
    def post_batch(body: schemas.BatchRequest, _: Auth) -> Response:
        _item(body.item)
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
        return _json(schemas.BatchResult(results=rows))

    @app.get(
        "/v1/subjects/{subject_id}/supervision",
        response_model=schemas.SupervisionOut,
        responses=_ERRORS,
        tags=["行政监管"],
    )
    async def get_supervision(subject_id: SubjectPath, _: Auth) -> schemas.SupervisionOut:
        sid = _subject(subject_id)
        on = credit.today()
        return credit.supervision(credit.load_facts(platform.engine, [sid], on)[sid.normalized], on)

    @app.post(
        "/v1/feedback",
        status_code=201,
        response_model=schemas.FeedbackCreated,
        responses={
            **_ERRORS,
            409: {"model": schemas.ErrorBody,
                  "description": "key reused with another body (idempotency_conflict), or "
                  "the action does not fit the check's earlier feedback (already_decided, "
                  "not_fast_tracked, already_closed)"},
            422: {"model": schemas.ErrorBody,
                  "description": "invalid request, or an action that does not fit the check "
                  "(override_not_prohibit, approver_required, approver_not_expected, "
                  "approver_is_clerk)"},
        },
        tags=["反馈"],
    )
    def post_feedback(
        body: schemas.FeedbackIn,
        who: Auth,
        idempotency_key: Annotated[str, Header(min_length=8, max_length=128)],
    ) -> schemas.FeedbackCreated:
        _subject(body.subject_id)
        try:
            created, _new = platform.feedback.record(idempotency_key, body, who.counter_id)
        except Conflict:
            raise ApiError(
                409,
                "idempotency_conflict",
                "该幂等键已用于内容不同的反馈 / idempotency key reused with a different body",
            ) from None
        except Misfit as exc:
            raise ApiError(exc.status, exc.code, exc.message) from None
        return created

    @app.get(
        "/v1/lists/changes",
        response_model=schemas.ChangesOut,
        responses={
            **_ERRORS,
            410: {"model": schemas.ErrorBody, "description": "unknown version: resync from 0"},
        },
        tags=["名单同步"],
    )
    def get_changes(
        _: Auth,
        since: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
    ) -> Response:
        platform.sweep()
        try:
            return _json(platform.versions.changes(since, limit, credit.today()))
        except VersionUnknown:
            raise ApiError(
                410,
                "version_unknown",
                f"平台不认识版本 {since}，请从0全量同步 / unknown list version {since}; "
                "resync from 0",
            ) from None

    @app.post(
        "/v1/reports",
        status_code=201,
        response_model=schemas.ReportOut,
        responses={
            **_ERRORS,
            409: {
                "model": schemas.ErrorBody,
                "description": "number registered with another digest",
            },
        },
        tags=["报告核验"],
    )
    def post_report(body: schemas.ReportIn, who: Auth) -> schemas.ReportOut:
        try:
            out, _new = platform.feedback.register_report(body, who.counter_id)
        except Conflict:
            raise ApiError(
                409,
                "report_conflict",
                "该报告编号已登记了不同的摘要 / report number registered with a different digest",
            ) from None
        return out

    @app.get(
        "/v1/reports/{report_no}",
        response_model=schemas.ReportOut,
        responses={**_ERRORS, 404: {"model": schemas.ErrorBody, "description": "no such report"}},
        tags=["报告核验"],
    )
    def get_report(
        report_no: Annotated[str, Path(min_length=1, max_length=64)], _: Auth
    ) -> schemas.ReportOut:
        found = platform.feedback.find_report(report_no)
        if found is None:
            raise ApiError(
                404, "report_not_found", f"未登记的报告编号 / no report registered as {report_no}"
            )
        return found

    @app.get(
        "/v1/reports/{report_no}/verify",
        response_model=schemas.ReportVerifyOut,
        responses=_ERRORS,
        tags=["报告核验"],
    )
    def verify_report(
        report_no: Annotated[str, Path(min_length=1, max_length=64)],
        code: Annotated[str, Query(min_length=1, max_length=64,
                                   description="the printed verification code")],
        _: Auth,
    ) -> schemas.ReportVerifyOut:
        return platform.feedback.verify_report(report_no, code)

    @app.post(
        "/v1/audit/anchors",
        status_code=201,
        response_model=schemas.AnchorOut,
        responses={**_ERRORS, 409: {"model": schemas.ErrorBody,
                                    "description": "another head already anchored at seq"}},
        tags=["审计锚定"],
    )
    def post_anchor(body: schemas.AnchorIn, who: Auth) -> schemas.AnchorOut:
        if body.counter != who.counter_id:
            raise ApiError(422, "wrong_counter",
                           "只能锚定本窗口的日志 / a key may anchor only its own counter's log")
        try:
            return platform.anchors.add(body)
        except Conflict:
            raise ApiError(409, "anchor_conflict",
                           f"第 {body.seq} 条已锚定了不同的链头 / another head is already "
                           f"anchored at {body.seq}") from None

    @app.get("/v1/audit/anchors/{counter}", response_model=schemas.AnchorsOut,
             responses=_ERRORS, tags=["审计锚定"])
    def get_anchors(counter: Annotated[str, Path(min_length=1, max_length=64)],
                    _: Auth) -> schemas.AnchorsOut:
        return platform.anchors.list(counter)

    @app.post("/v1/audit/keys", status_code=201, response_model=schemas.DeskKeyOut,
              responses=_ERRORS, tags=["审计锚定"])
    def post_desk_key(body: schemas.DeskKeyIn, who: Auth) -> schemas.DeskKeyOut:
        if body.counter != who.counter_id:
            raise ApiError(422, "wrong_counter",
                           "只能登记本窗口的密钥 / a key may register only its own counter's")
        return platform.desk_keys.add(body)

    @app.get("/v1/audit/keys/{counter}", response_model=schemas.DeskKeysOut,
             responses=_ERRORS, tags=["审计锚定"])
    def get_desk_keys(counter: Annotated[str, Path(min_length=1, max_length=64)],
                      _: Auth) -> schemas.DeskKeysOut:
        return platform.desk_keys.list(counter)

    @app.get("/v1/whoami", response_model=schemas.WhoAmI, responses=_ERRORS,
             tags=["platform"])
    async def whoami(who: Auth) -> schemas.WhoAmI:
        return schemas.WhoAmI(counter=who.counter_id, department=who.department,
                              retention_floor_days=platform.retention_floor_days)

    @app.get("/v1/audit/witness/{counter}", response_model=schemas.WitnessOut,
             responses=_ERRORS, tags=["审计锚定"])
    async def get_witness(counter: Annotated[str, Path(min_length=1, max_length=64)],
                          _: Auth) -> schemas.WitnessOut:
        head = platform.witness.get(counter)
        if head is None:
            return schemas.WitnessOut(counter=counter, seq=0, head_hash="", seen_at=None)
        return schemas.WitnessOut(counter=counter, seq=head.seq, head_hash=head.head_hash,
                                  seen_at=head.seen_at)

    _add_sandbox_routes(app, platform)
    add_verify_page(app, platform.feedback, platform.counters)
    # Outermost, so an injected fault also hides the platform's own error handling.
    app.add_middleware(FaultMiddleware, injector=platform.injector, prefix="/v1/")
    return app


def _add_sandbox_routes(app: FastAPI, platform: Platform) -> None:
    @app.get(
        "/sandbox/samples", response_model=schemas.SamplesOut, responses=_ERRORS, tags=["sandbox"]
    )
    def samples(_: Auth) -> schemas.SamplesOut:
        return platform.samples()

    @app.get("/sandbox/stats", response_model=schemas.StatsOut, responses=_ERRORS, tags=["sandbox"])
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

    @app.get(
        "/sandbox/faults", response_model=schemas.FaultsOut, responses=_ERRORS, tags=["sandbox"]
    )
    def get_faults(_: Auth) -> schemas.FaultsOut:
        return schemas.FaultsOut(**platform.injector.current.model_dump())

    @app.post(
        "/sandbox/faults", response_model=schemas.FaultsOut, responses=_ERRORS, tags=["sandbox"]
    )
    def set_faults(
        _: Auth, body: Annotated[schemas.FaultsIn | None, Body()] = None
    ) -> schemas.FaultsOut:
        if body is None:
            platform.injector.reset()
        else:
            platform.injector.set(body)
        return schemas.FaultsOut(**platform.injector.current.model_dump())

    @app.post("/sandbox/counters", status_code=201, response_model=schemas.CounterOut,
              responses=_ERRORS, tags=["sandbox"])
    def add_counter(_: Auth, body: schemas.CounterIn) -> schemas.CounterOut:
        key = secrets.token_urlsafe(24)
        platform.add_key(key, body.counter, body.department)
        return schemas.CounterOut(counter=body.counter, department=body.department,
                                  api_key=key)

    @app.post(
        "/sandbox/changes", response_model=schemas.MutateOut, responses=_ERRORS, tags=["sandbox"]
    )
    def mutate(_: Auth, body: schemas.MutateIn) -> schemas.MutateOut:
        platform.sweep()
        return platform.versions.mutate(body.n, body.seed, credit.today())


def _json(model: BaseModel) -> Response:
    """A response model built (so validated) by the route, serialized once.

    Returned as is, FastAPI would dump it to a dict, validate that again against the
    response model and serialize it: three passes where one does, which was most of the
    time of a 1,000-row batch or a 10,000-entry changes page. The declared
    ``response_model`` still documents the route.
    """
    return Response(model.model_dump_json(), media_type="application/json")


def _subject(raw: str, kind: str | None = None) -> SubjectId:
    try:
        return parse_identifier(raw, kind=kind)
    except IdentifierError as exc:
        raise ApiError(422, f"invalid_identifier.{exc.reason.value}", str(exc)) from None


def _item(code: str) -> catalog.BusinessItem:
    found = catalog.item(code)
    if found is None:
        raise ApiError(422, "unknown_item", f"未知事项 / unknown business item: {code[:64]}")
    return found


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', '')}")
        return _error(422, "invalid_request", "请求无效 / invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, f"http_{exc.status_code}", str(exc.detail))
        # Keep what the exception carries, e.g. the Allow header of a 405.
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", f"平台内部错误 / internal error: {type(exc).__name__}")

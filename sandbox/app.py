"""The reference credit platform's HTTP API (contract v1), as a FastAPI app.

Routes are thin: they authenticate, validate and hand over to ``credit``, ``lists`` and
``feedback``; they live in ``sandbox/routes/``, one module per interface, and this module
puts them together with the error handlers and fault injection. Every error leaves as
``{"error": {"code", "message"}}`` with the right status, and every response model is
declared so the OpenAPI document is complete.
"""

from __future__ import annotations

import contextlib

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop import __version__
from desktop.platform import schemas
from sandbox.faults import FaultMiddleware
from sandbox.platform import Counter, Platform
from sandbox.routes import audit, calendar, control, feedback, lists, query, reports
from sandbox.routes.common import ApiError, error_response
from sandbox.verify_page import add_verify_page

__all__ = ["ApiError", "Counter", "Platform", "create_app"]

# Included in this order, which is the order of the paths in docs/platform-api.json.
_ROUTERS = (query, feedback, lists, reports, audit, control, calendar)


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
    for module in _ROUTERS:
        app.include_router(module.router(platform))
    add_verify_page(app, platform.feedback, platform.counters)
    # Outermost, so an injected fault also hides the platform's own error handling.
    app.add_middleware(FaultMiddleware, injector=platform.injector, prefix="/v1/")
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', '')}")
        return error_response(
            422, "invalid_request", "请求无效 / invalid request: " + "; ".join(parts)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = error_response(exc.status_code, f"http_{exc.status_code}", str(exc.detail))
        # Keep what the exception carries, e.g. the Allow header of a 405.
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        return error_response(
            500, "internal_error", f"平台内部错误 / internal error: {type(exc).__name__}"
        )

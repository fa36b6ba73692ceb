"""报告核验 (report verification): register a printed report, look it up, verify its code.

The public HTML page a report's QR code opens (no API key) is ``sandbox/verify_page.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from desktop.platform import schemas
from sandbox.feedback import Conflict
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth


def router(platform: Platform) -> APIRouter:
    """The report routes, over the registry in ``platform.feedback``."""
    api = APIRouter()

    @api.post(
        "/v1/reports",
        status_code=201,
        response_model=schemas.ReportOut,
        responses={
            **ERRORS,
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

    @api.get(
        "/v1/reports/{report_no}",
        response_model=schemas.ReportOut,
        responses={**ERRORS, 404: {"model": schemas.ErrorBody, "description": "no such report"}},
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

    @api.get(
        "/v1/reports/{report_no}/verify",
        response_model=schemas.ReportVerifyOut,
        responses=ERRORS,
        tags=["报告核验"],
    )
    def verify_report(
        report_no: Annotated[str, Path(min_length=1, max_length=64)],
        code: Annotated[str, Query(min_length=1, max_length=64,
                                   description="the printed verification code")],
        _: Auth,
    ) -> schemas.ReportVerifyOut:
        return platform.feedback.verify_report(report_no, code)

    return api

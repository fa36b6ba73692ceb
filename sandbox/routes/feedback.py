"""反馈 (the closed loop): ``POST /v1/feedback``, idempotent per ``Idempotency-Key``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from desktop.platform import schemas
from sandbox.feedback import Conflict
from sandbox.feedback_rules import Misfit
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth, parse_subject


def router(platform: Platform) -> APIRouter:
    """The feedback route, recording into ``platform.feedback``."""
    api = APIRouter()

    @api.post(
        "/v1/feedback",
        status_code=201,
        response_model=schemas.FeedbackCreated,
        responses={
            **ERRORS,
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
        parse_subject(body.subject_id)
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

    return api

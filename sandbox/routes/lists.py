"""名单同步 (list sync): ``GET /v1/lists/changes``, the versioned change feed desks page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from desktop.platform import schemas
from sandbox import credit
from sandbox.lists import MAX_PAGE, VersionUnknown
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth, as_json


def router(platform: Platform) -> APIRouter:
    """The list sync route, paging ``platform.versions``."""
    api = APIRouter()

    @api.get(
        "/v1/lists/changes",
        response_model=schemas.ChangesOut,
        responses={
            **ERRORS,
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
            return as_json(platform.versions.changes(since, limit, credit.today()))
        except VersionUnknown:
            raise ApiError(
                410,
                "version_unknown",
                f"平台不认识版本 {since}，请从0全量同步 / unknown list version {since}; "
                "resync from 0",
            ) from None

    return api

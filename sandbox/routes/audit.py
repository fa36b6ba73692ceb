"""审计锚定 (audit anchoring): anchored log heads, desks' signing keys, the witnessed head,
and ``whoami``, the counter a key belongs to (whose log the desk keeps and anchors) with
the platform's retention floor for that log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from desktop.platform import schemas
from sandbox.feedback import Conflict
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth


def router(platform: Platform) -> APIRouter:
    """The audit routes, over ``platform.anchors``, ``desk_keys`` and ``witness``."""
    api = APIRouter()

    @api.post(
        "/v1/audit/anchors",
        status_code=201,
        response_model=schemas.AnchorOut,
        responses={**ERRORS, 409: {"model": schemas.ErrorBody,
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

    @api.get("/v1/audit/anchors/{counter}", response_model=schemas.AnchorsOut,
             responses=ERRORS, tags=["审计锚定"])
    def get_anchors(counter: Annotated[str, Path(min_length=1, max_length=64)],
                    _: Auth) -> schemas.AnchorsOut:
        return platform.anchors.list(counter)

    @api.post("/v1/audit/keys", status_code=201, response_model=schemas.DeskKeyOut,
              responses=ERRORS, tags=["审计锚定"])
    def post_desk_key(body: schemas.DeskKeyIn, who: Auth) -> schemas.DeskKeyOut:
        if body.counter != who.counter_id:
            raise ApiError(422, "wrong_counter",
                           "只能登记本窗口的密钥 / a key may register only its own counter's")
        return platform.desk_keys.add(body)

    @api.get("/v1/audit/keys/{counter}", response_model=schemas.DeskKeysOut,
             responses=ERRORS, tags=["审计锚定"])
    def get_desk_keys(counter: Annotated[str, Path(min_length=1, max_length=64)],
                      _: Auth) -> schemas.DeskKeysOut:
        return platform.desk_keys.list(counter)

    @api.get("/v1/whoami", response_model=schemas.WhoAmI, responses=ERRORS,
             tags=["platform"])
    async def whoami(who: Auth) -> schemas.WhoAmI:
        return schemas.WhoAmI(counter=who.counter_id, department=who.department,
                              retention_floor_days=platform.retention_floor_days)

    @api.get("/v1/audit/witness/{counter}", response_model=schemas.WitnessOut,
             responses=ERRORS, tags=["审计锚定"])
    async def get_witness(counter: Annotated[str, Path(min_length=1, max_length=64)],
                          _: Auth) -> schemas.WitnessOut:
        head = platform.witness.get(counter)
        if head is None:
            return schemas.WitnessOut(counter=counter, seq=0, head_hash="", seen_at=None)
        return schemas.WitnessOut(counter=counter, seq=head.seq, head_hash=head.head_hash,
                                  seen_at=head.seen_at)

    return api

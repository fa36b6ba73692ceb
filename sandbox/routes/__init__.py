"""The reference platform's routes, one module per interface of contract v1 (docs/PLATFORM.md).

``query`` answers health, the catalog and the credit queries (审批服务 credit, 容缺受理
tolerance, 批量查询 batch, 行政监管 supervision); ``feedback`` takes 反馈, the closed
loop; ``lists`` serves 名单同步, the list change feed; ``reports`` registers and verifies
printed reports (报告核验); ``audit`` holds 审计锚定 (anchors, desk signing keys, the
witnessed head) and ``whoami``; ``control`` is the sandbox-only ``/sandbox/`` API (samples,
stats, faults, counters, list mutations). Each exposes ``router(platform)``, which returns a
``fastapi.APIRouter``; ``common`` holds what they share (bearer-key auth, ``ApiError``, the
error envelope). ``sandbox.app.create_app`` includes them in that order.
"""

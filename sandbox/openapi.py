"""``python -m sandbox.openapi``: print the platform's OpenAPI document (docs/platform-api.json)."""

from __future__ import annotations

import json

from sandbox.app import Platform, create_app
from sandbox.storage import create_all, make_engine


def document() -> dict:
    """The OpenAPI document exactly as the running platform serves it."""
    engine = make_engine("sqlite://")
    create_all(engine)
    return create_app(Platform(engine)).openapi()


if __name__ == "__main__":
    print(json.dumps(document(), ensure_ascii=False, indent=2))

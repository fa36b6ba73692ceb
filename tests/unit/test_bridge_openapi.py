"""docs/bridge-api.json is the document the bridge serves (regenerate with
``creditdesk bridge openapi > docs/bridge-api.json``)."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.bridge.server import document, document_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "bridge-api.json"


def test_the_committed_bridge_document_matches_the_app():
    text = COMMITTED.read_text(encoding="utf-8")
    assert text == document_text(), "run: creditdesk bridge openapi > docs/bridge-api.json"
    assert json.loads(text) == document()


def test_the_document_names_every_route_and_the_error_envelope():
    doc = document()
    assert set(doc["paths"]) == {
        "/creditdesk-bridge.js", "/v1/health", "/v1/pairings", "/v1/pairings/{pairing_id}",
        "/v1/checks", "/v1/checks/{handle}", "/v1/checks/{handle}/events"}
    post = doc["paths"]["/v1/checks"]["post"]
    assert {"202", "401", "403", "404", "409", "413", "422", "429", "503"} <= set(
        post["responses"])
    pair = doc["paths"]["/v1/pairings"]["post"]
    assert "403" in pair["responses"] and "pairing_closed" in pair["description"]
    states = doc["components"]["schemas"]["CheckState"]["properties"]["state"]["enum"]
    assert states == ["submitted", "queued", "checking", "awaiting_decision", "decided",
                      "failed", "refused", "cancelled"]
    assert set(doc["components"]["schemas"]["ErrorBody"]["properties"]) == {"code", "zh", "en"}

"""Each fault kind, switched on through /sandbox/faults of a real sandbox process.

Delays are asserted as a client meets them (a read timeout shorter than the delay fires,
a longer one does not), never timed here: their lengths are a bench figure
(``python -m bench --only faults``)."""

from __future__ import annotations

import json

import httpx
import pytest


def set_faults(api, **faults):
    response = api.post("/sandbox/faults", json=faults)
    assert response.status_code == 200, response.text
    return response.json()


def test_latency_delays_v1_calls(api):
    set_faults(api, latency_ms=2000)
    with pytest.raises(httpx.ReadTimeout):  # a client that waits less gets no answer
        api.get("/v1/catalog", timeout=httpx.Timeout(30, read=0.5))
    assert api.get("/sandbox/stats", timeout=httpx.Timeout(30, read=0.5)).status_code == 200
    assert api.get("/v1/catalog").status_code == 200  # one that waits longer (30 s) does


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (503, 7), (429, 2)])
def test_injected_errors_carry_status_body_and_retry_after(api, status, retry_after):
    set_faults(api, error_rate=1.0, error_status=status, retry_after=retry_after)
    response = api.get("/v1/catalog")
    assert response.status_code == status
    assert response.json()["error"]["code"] == "injected_fault"
    assert response.headers.get("Retry-After") == (str(retry_after) if retry_after else None)


def test_a_dropped_connection_is_a_transport_error(api):
    set_faults(api, drop_rate=1.0)
    with pytest.raises(httpx.TransportError):
        api.get("/v1/catalog")


def test_malformed_and_truncated_bodies_do_not_parse(api):
    whole = api.get("/v1/catalog").content
    set_faults(api, malformed_rate=1.0)
    with pytest.raises(json.JSONDecodeError):
        api.get("/v1/catalog").json()
    set_faults(api, truncated_rate=1.0)
    cut = api.get("/v1/catalog")
    # A cut through a Chinese character fails decoding before parsing: both ValueError.
    with pytest.raises(ValueError):
        cut.json()
    assert whole.startswith(cut.content) and len(cut.content) < len(whole)


def test_wrong_content_type(api):
    set_faults(api, wrong_content_type_rate=1.0)
    assert api.get("/v1/catalog").headers["content-type"].startswith("text/html")


def test_drip_feeds_the_body_in_pieces(api):
    set_faults(api, drip_seconds=1.5)
    # A read timeout of a third of the drip never fires (a piece comes every few tens of
    # ms), though the whole body takes the full 1.5 s: only a total deadline ends such a
    # call early.
    with api.stream("GET", "/v1/health", timeout=httpx.Timeout(30, read=0.5)) as response:
        pieces = list(response.iter_raw())
    assert len(pieces) >= 5  # in pieces, not in one go
    assert json.loads(b"".join(pieces))["status"] == "ok"


def test_sandbox_paths_are_never_faulted_and_reset_restores(api):
    set_faults(api, error_rate=1.0, error_status=503)
    assert api.get("/sandbox/stats").status_code == 200
    assert api.get("/v1/catalog").status_code == 503
    assert api.post("/sandbox/faults").json()["error_rate"] == 0  # empty body resets
    assert api.get("/v1/catalog").status_code == 200

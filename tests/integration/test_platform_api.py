"""Every endpoint of contract v1, against a real sandbox process on loopback."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import httpx
import pytest

from desktop.platform import schemas
from desktop.reports.code import code_digest
from tests.strategies import ric_check, uscc_check

VERDICTS = ("prohibit", "restrict", "alert", "incentive", "clear")
UNKNOWN_ORG = "91330602QQQQQQQQ1" + uscc_check("91330602QQQQQQQQ1")
UNKNOWN_PERSON = "33060219010101999" + ric_check("33060219010101999")
BAD_CHECK = UNKNOWN_ORG[:17] + ("1" if UNKNOWN_ORG[17] != "1" else "2")


def feedback_body(**overrides) -> dict:
    body = {
        "check_id": str(uuid.uuid4()), "subject_id": UNKNOWN_ORG, "item": "GOV_PROCUREMENT",
        "verdict": "prohibit", "action": "terminated", "reason": "列入黑名单，终止办理",
        "case_no": "SX-2026-0001", "clerk_id": "clerk-07",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    body.update(overrides)
    return body


def test_health_needs_no_key(sandbox):
    response = httpx.get(f"{sandbox.url}/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/catalog"), ("GET", f"/v1/subjects/{UNKNOWN_ORG}/credit?item=HONOUR"),
     ("POST", "/v1/feedback"), ("GET", "/v1/lists/changes"), ("GET", "/sandbox/samples"),
     ("POST", "/sandbox/faults"), ("GET", "/sandbox/stats")],
)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-key", "Basic abc"])
def test_every_call_but_health_needs_a_known_key(sandbox, method, path, auth):
    headers = {"Authorization": auth} if auth else {}
    response = httpx.request(method, sandbox.url + path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "API key" in response.json()["error"]["message"]


def test_catalog_lists_items_with_tolerable_materials_and_measures(api):
    body = schemas.CatalogOut.model_validate(api.get("/v1/catalog").json())
    assert len(body.items) >= 12
    codes = {i.code for i in body.items}
    assert {"GOV_PROCUREMENT", "CONSTRUCTION_BIDDING", "LAND_TRANSFER", "HONOUR", "FISCAL_FUNDS",
            "FOOD_LICENCE", "ROAD_TRANSPORT", "BUSINESS_REGISTRATION"} <= codes
    assert all(any(m.tolerable for m in i.materials) for i in body.items)
    assert {m.kind.value for m in body.measures} == {"prohibit", "restrict", "alert", "incentive"}
    assert any("失信被执行人" in m.basis for m in body.measures)


def test_samples_cover_every_verdict_for_organisations_and_persons(samples):
    for verdict in VERDICTS:
        kinds = {s["kind"] for s in samples[verdict]}
        assert kinds == {"organisation", "person"}, (verdict, samples[verdict])


@pytest.mark.parametrize("verdict", VERDICTS)
def test_each_sample_checks_to_its_verdict(api, samples, verdict):
    for sample in samples[verdict]:
        response = api.get(f"/v1/subjects/{sample['id']}/credit", params={"item": sample["item"]})
        assert response.status_code == 200, response.text
        result = schemas.CreditResult.model_validate(response.json())
        assert result.verdict.value == verdict
        assert result.subject.name == sample["name"]
        uuid.UUID(result.check_id)
        record_ids = {r.id for r in result.records}
        assert all(m.record_id in record_ids for m in result.measures)
        if verdict == "clear":
            assert result.measures == []
        else:
            assert result.measures[0].kind.value == verdict


def test_an_unknown_subject_is_clear_not_404(api):
    for subject in (UNKNOWN_ORG, UNKNOWN_PERSON):
        response = api.get(f"/v1/subjects/{subject}/credit", params={"item": "HONOUR"})
        assert response.status_code == 200
        body = response.json()
        assert (body["verdict"], body["records"], body["subject"]["known"]) == ("clear", [], False)


def test_a_messy_identifier_is_normalised_by_the_platform(api):
    typed = UNKNOWN_ORG.lower()[:6] + "-" + UNKNOWN_ORG.lower()[6:]
    response = api.get(f"/v1/subjects/{typed}/credit", params={"item": "HONOUR"})
    assert response.json()["subject"]["id"] == UNKNOWN_ORG


@pytest.mark.parametrize(
    ("subject", "item", "code", "text"),
    [
        ("12345", "HONOUR", "invalid_identifier.wrong_length", "wrong length"),
        (BAD_CHECK, "HONOUR", "invalid_identifier.bad_check_character",
         "校验位错误"),
        (UNKNOWN_ORG, "NO_SUCH_ITEM", "unknown_item", "unknown business item"),
    ],
)
def test_invalid_input_is_422_with_the_reason(api, subject, item, code, text):
    response = api.get(f"/v1/subjects/{subject}/credit", params={"item": item})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert text in error["message"]


def test_missing_item_is_422_in_the_error_shape(api):
    response = api.get(f"/v1/subjects/{UNKNOWN_ORG}/credit")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_tolerance_for_a_red_list_subject_and_for_a_blacklisted_one(api, samples):
    good = next(s for s in samples["incentive"] if s["kind"] == "organisation")
    body = api.post("/v1/tolerance", json={"subject_id": good["id"], "item": "FOOD_LICENCE"}).json()
    result = schemas.ToleranceResult.model_validate(body)
    assert result.eligible
    assert result.due_days == 5
    assert {m.code for m in result.tolerable_materials} == {"food_safety_rules", "staff_health"}
    assert good["name"] in result.commitment_text and "5个工作日" in result.commitment_text
    # The letter's table lists the materials the clerk ticked: the platform's text names
    # none, so a letter never promises materials that were not missing.
    assert not any(m.name in result.commitment_text for m in result.tolerable_materials)
    bad = samples["prohibit"][0]
    body = api.post("/v1/tolerance", json={"subject_id": bad["id"], "item": bad["item"]}).json()
    assert body["eligible"] is False
    assert body["tolerable_materials"] == [] and body["commitment_text"] == ""
    assert "失信" in body["reason"]


def test_batch_answers_every_row_in_input_order(api, samples):
    prohibit = next(s for s in samples["prohibit"] if s["item"] == "GOV_PROCUREMENT")
    ids = [prohibit["id"], "not-an-id", UNKNOWN_PERSON, prohibit["id"].lower(), "12345"]
    response = api.post("/v1/batch", json={"item": "GOV_PROCUREMENT", "subject_ids": ids})
    assert response.status_code == 200
    rows = schemas.BatchResult.model_validate(response.json()).results
    assert [r.index for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0].result.verdict.value == "prohibit"
    assert rows[1].error.code.startswith("invalid_identifier") and rows[1].result is None
    assert rows[2].result.verdict.value == "clear"
    assert rows[3].result.subject.id == prohibit["id"]
    assert "wrong length" in rows[4].error.message


def test_batch_over_1000_ids_is_refused(api):
    response = api.post("/v1/batch", json={"item": "HONOUR", "subject_ids": [UNKNOWN_ORG] * 1001})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_supervision_class_follows_the_records(api, samples):
    bad = next(s for s in samples["prohibit"] if s["kind"] == "organisation")
    body = api.get(f"/v1/subjects/{bad['id']}/supervision").json()
    assert body["class"] == "D"
    assert "重点监管" in body["frequency"]
    assert "失信黑名单" in body["reasons"] or "严重违法失信企业名单" in body["reasons"]


def test_feedback_is_stored_once_per_idempotency_key(api):
    before = api.get("/sandbox/stats").json()
    key = f"fb-{uuid.uuid4()}"
    body = feedback_body()
    first = api.post("/v1/feedback", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    replay = api.post("/v1/feedback", json=body, headers={"Idempotency-Key": key})
    assert replay.status_code == 201
    assert replay.json() == first.json()
    changed = api.post("/v1/feedback", json={**body, "action": "overridden"},
                       headers={"Idempotency-Key": key})
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_conflict"
    after = api.get("/sandbox/stats").json()
    assert after["feedback_unique"] == before["feedback_unique"] + 1
    assert after["feedback_received"] == before["feedback_received"] + 3
    assert after["duplicates_suppressed"] == before["duplicates_suppressed"] + 1


def test_feedback_without_key_or_with_a_bad_action_is_422(api):
    assert api.post("/v1/feedback", json=feedback_body()).status_code == 422
    response = api.post("/v1/feedback", json=feedback_body(action="ignored"),
                        headers={"Idempotency-Key": f"fb-{uuid.uuid4()}"})
    assert response.status_code == 422
    assert "action" in response.json()["error"]["message"]


def page_all(api, since: int, limit: int) -> tuple[list[dict], int]:
    entries, pages = [], 0
    while True:
        body = api.get("/v1/lists/changes", params={"since": since, "limit": limit}).json()
        entries += body["entries"]
        since = body["version"]
        pages += 1
        if not body["more"]:
            return entries, since
        assert pages < 10_000


def test_paging_from_zero_gives_the_snapshot_without_gaps_or_repeats(api):
    small, version_small = page_all(api, 0, 97)
    large, version_large = page_all(api, 0, 10_000)
    assert [e["record"]["id"] for e in small] == [e["record"]["id"] for e in large]
    assert len({e["record"]["id"] for e in small}) == len(small) > 50
    for entry in small:
        assert entry["op"] == ("upsert" if entry["record"]["state"] == "active" else "delete")
    assert {"upsert", "delete"} == {e["op"] for e in small}
    assert version_small == version_large
    versions = [e["version"] for e in small]
    assert versions == sorted(versions)
    assert all(e["subject_name"] for e in small)


def test_paging_from_a_later_version_gives_exactly_the_new_changes(api):
    _entries, version = page_all(api, 0, 5000)
    mutated = api.post("/sandbox/changes", json={"n": 25, "seed": 3}).json()
    assert mutated["changed"] == 25 and mutated["list_version"] == version + 25
    delta, newest = page_all(api, version, 7)
    assert newest == mutated["list_version"]
    assert len(delta) == 25
    assert {e["subject_id"] for e in delta} == set(mutated["subject_ids"])
    for entry in delta:
        expected = "upsert" if entry["record"]["state"] == "active" else "delete"
        assert entry["op"] == expected
    assert page_all(api, newest, 10)[0] == []


def test_an_unknown_version_asks_for_a_resync(api):
    newest = api.get("/sandbox/stats").json()["list_version"]
    response = api.get("/v1/lists/changes", params={"since": newest + 1000})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "version_unknown"


def test_reports_register_and_verify(api):
    number = f"CR-{uuid.uuid4().hex[:12]}"
    body = {"report_no": number, "digest": "a" * 64, "kind": "credit_report",
            "subject_id": UNKNOWN_ORG, "issued_at": dt.datetime.now(dt.UTC).isoformat(),
            "code_sha256": code_digest(number, "AAAA-BBBB-CCCC"), "verdict": "clear",
            "item_code": "FOOD_LICENCE"}
    assert api.post("/v1/reports", json=body).status_code == 201
    assert api.post("/v1/reports", json=body).status_code == 201  # idempotent
    conflict = api.post("/v1/reports", json={**body, "digest": "b" * 64})
    assert conflict.status_code == 409
    other_code = api.post("/v1/reports", json={**body, "code_sha256": "c" * 64})
    assert other_code.status_code == 409  # nobody re-registers a number with their own code
    found = api.get(f"/v1/reports/{number}").json()
    assert (found["digest"], found["counter"]) == ("a" * 64, "SX-DEMO-01")
    assert "code_sha256" not in found
    missing = api.get("/v1/reports/CR-none")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "report_not_found"
    verify = [api.get(f"/v1/reports/{n}/verify", params={"code": c}).json()["status"]
              for n, c in ((number, "aaaa bbbb cccc"), (number, "AAAA-BBBB-CCCD"),
                           ("CR-none", "AAAA-BBBB-CCCC"))]
    assert verify == ["genuine", "altered", "unknown"]


def test_stats_count_requests(api):
    before = api.get("/sandbox/stats").json()["requests_served"]
    for _ in range(3):
        api.get("/v1/catalog")
    assert api.get("/sandbox/stats").json()["requests_served"] >= before + 3


def test_served_openapi_matches_the_committed_document(sandbox):
    served = httpx.get(f"{sandbox.url}/openapi.json").json()
    committed = json.loads(Path(__file__).resolve().parents[2].joinpath(
        "docs/platform-api.json").read_text(encoding="utf-8"))
    assert served == committed, "run: python -m sandbox.openapi > docs/platform-api.json"


def test_serve_without_a_key_generates_one_and_prints_it_once(tmp_path):
    import re
    import subprocess

    from sandbox.process import creditdesk_script

    proc = subprocess.Popen(
        [creditdesk_script(), "sandbox", "serve", "--port", "0", "--subjects", "300",
         "--db", f"sqlite:///{tmp_path / 'p.sqlite'}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
    )
    try:
        key_line = proc.stdout.readline()
        ready = proc.stdout.readline()
        key = key_line.rsplit(": ", 1)[1].strip()
        url = re.search(r"http://127\.0\.0\.1:\d+", ready).group(0)
        assert len(key) >= 24
        good = httpx.get(f"{url}/v1/catalog", headers={"Authorization": f"Bearer {key}"})
        assert good.status_code == 200
        assert httpx.get(f"{url}/v1/catalog").status_code == 401
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=15)
    assert key not in rest  # shown once only

"""``creditdesk bridge``: the paired systems listed, one revoked by a signed-in supervisor
from another process while the bridge runs (refused from its next call), the document.

The bridge runs in this process on a real desk (``bridge_rig``, whose ``StandInDesk``
stands in for the Qt window); the commands are the installed ``creditdesk`` script on
the same data directory, with the data key in the environment as scripts give it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from desktop.staff.credentials import DATA_KEY
from sandbox.process import creditdesk_script
from tests.integration.bridge_rig import ORIGIN_A, PERSON, start_rig

CHECK = {"id": PERSON, "item": "GOV_PROCUREMENT"}
DOC = Path(__file__).resolve().parents[2] / "docs" / "bridge-api.json"


@pytest.fixture
def rig(tmp_path):
    rig = start_rig(tmp_path / "desk")
    yield rig
    rig.close()


def _cli(rig, *args: str, staff: tuple[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_STAFF")}
    env["CREDITDESK_DATA_KEY"] = rig.services.secrets.get(DATA_KEY)
    if staff:
        env["CREDITDESK_STAFF"], env["CREDITDESK_STAFF_PASSWORD"] = staff
    common = ["--data-dir", str(rig.services.settings.data_dir), "--counter", "SX-BRIDGE-01"]
    return subprocess.run([creditdesk_script(), "bridge", *args, *common], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def test_clients_are_listed_and_a_supervisor_revokes_one_at_once(rig):
    page_client, page_token = rig.pair(ORIGIN_A, "街道综合受理系统")
    program, program_token = rig.pair("", "不动产登记系统")
    listed = _cli(rig, "clients", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["client_id"], r["origin"], r["system"], r["approved_by"], r["clerk"])
            for r in rows] == [
        (page_client.client_id, ORIGIN_A, "街道综合受理系统", "boss-01", "clerk-01"),
        (program.client_id, "", "不动产登记系统", "boss-01", "clerk-01")]
    plain = _cli(rig, "clients")
    assert "(程序 / program)" in plain.stdout and page_client.client_id in plain.stdout

    nobody = _cli(rig, "revoke", program.client_id)
    clerk = _cli(rig, "revoke", program.client_id, staff=("clerk-01", "clerk-password-1"))
    for refused in (nobody, clerk):
        assert refused.returncode == 4, refused.stderr
        assert " / " in refused.stderr  # Chinese / English
    assert "科室负责人" in clerk.stderr and "supervisor" in clerk.stderr
    assert rig.http("", program_token).post("/v1/checks", json=CHECK).status_code == 202

    done = _cli(rig, "revoke", program.client_id, staff=("boss-01", "boss-password-1"))
    assert done.returncode == 0, done.stderr
    # The running bridge refuses the revoked token from its very next call.
    assert rig.http("", program_token).post("/v1/checks", json=CHECK).status_code == 401
    assert rig.http(ORIGIN_A, page_token).post("/v1/checks", json=CHECK).status_code == 202
    revoked = rig.audit_rows("bridge.revoked")
    assert [(e["clerk"], e["details"]["client_id"]) for e in revoked] == [
        ("boss-01", program.client_id)]
    unknown = _cli(rig, "revoke", "no-such-client", staff=("boss-01", "boss-password-1"))
    assert unknown.returncode == 2 and " / " in unknown.stderr


def test_openapi_prints_the_committed_document(rig):
    printed = _cli(rig, "openapi")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == DOC.read_text(encoding="utf-8")

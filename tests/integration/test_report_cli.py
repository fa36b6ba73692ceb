"""``creditdesk report``: print a verifiable credit report, register it, verify it."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
from pathlib import Path

import httpx
import pypdf
import pytest

from desktop.reports.pdf import extract_text
from sandbox.process import creditdesk_script, spawn
from tests.staffing import signed_in

KEY = "report-test-key-0123456789"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=23,
                  subjects=2000, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def env():
    return {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}


def cli(env, *args):
    if args[:2] != ("report", "verify"):  # printing writes entries: a signed-in clerk
        env = signed_in(env, Path(args[args.index("--data-dir") + 1]))
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def flip_content_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first page's content stream."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    ref = reader.pages[0].get("/Contents")
    number = (ref[0] if isinstance(ref, list) else ref).idnum
    start = pdf.index(f"\n{number} 0 obj".encode())
    body = pdf.index(b"stream", start) + len(b"stream\n") + 10
    return pdf[:body] + bytes([pdf[body] ^ 0x01]) + pdf[body + 1:]


def test_report_is_printed_registered_and_verified(platform, env, tmp_path):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    person = next(s for s in samples["prohibit"] if s["kind"] == "person")
    common = ["--data-dir", str(tmp_path / "desk"), "--platform", platform.url]
    out = tmp_path / "report.pdf"
    done = cli(env, "report", person["id"], "--item", person["item"], "-o", str(out), "--json",
               *common)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    pdf = out.read_bytes()
    text = extract_text(pdf)
    assert person["name"] in text and printed["report_no"] in text
    assert person["id"][:6] + "********" + person["id"][14:] in text
    assert person["id"] not in text

    genuine = cli(env, "report", "verify", str(out), *common)
    assert genuine.returncode == 0 and genuine.stdout.startswith("genuine"), genuine.stdout
    by_number = cli(env, "report", "verify", printed["report_no"], "--code",
                    printed["verification_code"], *common)
    assert by_number.returncode == 0 and by_number.stdout.startswith("genuine")

    altered_path = tmp_path / "altered.pdf"
    altered_path.write_bytes(flip_content_byte(pdf))
    altered = cli(env, "report", "verify", str(altered_path), *common)
    assert altered.returncode == 4 and altered.stdout.startswith("altered"), altered.stdout
    unknown = cli(env, "report", "verify", "SX-NOPE-20260101-0001", "--code",
                  printed["verification_code"], *common)
    assert unknown.returncode == 4 and unknown.stdout.startswith("unknown")


def test_report_numbers_are_unique_per_desk_and_day(platform, env, tmp_path):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    subject = samples["clear"][0]
    common = ["--data-dir", str(tmp_path / "desk"), "--platform", platform.url, "--json"]
    numbers = [json.loads(cli(env, "report", subject["id"], "--item", subject["item"], "-o",
                              str(tmp_path / f"r{i}.pdf"), *common).stdout)["report_no"]
               for i in range(3)]
    assert len(set(numbers)) == 3
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]


def test_commitment_letter_for_an_eligible_applicant_only(platform, env, tmp_path):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    good = next(s for s in samples["incentive"] if s["kind"] == "organisation")
    common = ["--data-dir", str(tmp_path / "desk"), "--platform", platform.url]
    out = tmp_path / "letter.pdf"
    done = cli(env, "commitment", good["id"], "--item", "FOOD_LICENCE", "-o", str(out),
               "--json", *common)
    assert done.returncode == 0, done.stderr
    text = extract_text(out.read_bytes())
    assert "信用承诺书" in text and good["name"] in text
    assert "食品安全管理制度" in text and "从业人员健康证明" in text  # the tolerable materials
    assert json.loads(done.stdout)["letter_no"] in text
    assert cli(env, "report", "verify", str(out), *common).stdout.startswith("genuine")
    bad = next(s for s in samples["prohibit"] if s["kind"] == "organisation")
    refused = cli(env, "commitment", bad["id"], "--item", bad["item"], "-o",
                  str(tmp_path / "no.pdf"), *common)
    assert refused.returncode == 4 and "tolerance not available" in refused.stderr
    assert not (tmp_path / "no.pdf").exists()

"""Paper verifies by its code (issue 15, item 8): the real CLI against a real platform process.

A report is printed with the real ``creditdesk report`` command; then its number with the
right and a wrong code, an unknown number, a number alone, the QR text, the PDF file and a
PDF with one byte changed are verified with the real ``creditdesk report verify``; and the
public page a QR code leads to is fetched without an API key, as a bidding agency would.

The QR code is read from the page as a scanner reads it (``tests.qr_reader``: the page
drawn by PDFium at 200 dpi, then zxing-cpp), and the text it decodes to is what is verified.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess

import httpx
import pytest

from sandbox.process import creditdesk_script, spawn
from tests.qr_reader import read_qr_codes
from tests.staffing import signed_in

KEY = "report-verify-key-0123456789"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    db = tmp_path_factory.mktemp("p") / "p.sqlite"
    child = spawn(f"sqlite:///{db}", seed=29, subjects=2000, api_key=KEY)
    child.db = db
    yield child
    child.stop()


@pytest.fixture(scope="module")
def env():
    return {**os.environ, "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}


def cli(env, *args):
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


@pytest.fixture(scope="module")
def printed(platform, env, tmp_path_factory):
    """A credit report of a person with a prohibit, printed and registered by the CLI."""
    root = tmp_path_factory.mktemp("desk")
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    person = next(s for s in samples["prohibit"] if s["kind"] == "person")
    common = ["--data-dir", str(root / "desk"), "--platform", platform.url]
    out = root / "report.pdf"
    clerk = signed_in(env, root / "desk")  # printing writes entries: a clerk signs in
    done = cli(clerk, "report", person["id"], "--item", person["item"], "-o", str(out),
               "--json", *common)
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout), "person": person, "common": common, "pdf": out}


def test_a_number_alone_is_not_called_genuine(printed, env):
    """The defect: a report number (printed, sequential, guessable) was answered genuine."""
    done = cli(env, "report", "verify", printed["report_no"], *printed["common"])
    assert done.returncode == 2, done.stdout
    assert "核验码" in done.stderr and "--code" in done.stderr, done.stderr
    assert not done.stdout.startswith("genuine")


def test_number_and_code(printed, env):
    right = cli(env, "report", "verify", printed["report_no"], "--code",
                printed["verification_code"], "--json", *printed["common"])
    assert right.returncode == 0, right.stderr
    answer = json.loads(right.stdout)
    person = printed["person"]
    assert answer["status"] == "genuine"
    facts = answer["facts"]
    assert facts["verdict"] == "prohibit" and facts["item_code"] == person["item"]
    assert facts["subject_id"] == person["id"][:6] + "********" + person["id"][14:]
    assert facts["kind"] == "credit_report" and facts["counter"]
    assert person["id"] not in right.stdout
    typed = printed["verification_code"].lower().replace("-", " ")  # as a person types it
    assert cli(env, "report", "verify", printed["report_no"], "--code", typed,
               *printed["common"]).stdout.startswith("genuine")

    code = printed["verification_code"]
    wrong_code = ("A" if code[0] != "A" else "B") + code[1:]
    wrong = cli(env, "report", "verify", printed["report_no"], "--code", wrong_code,
                *printed["common"])
    assert wrong.returncode == 4 and wrong.stdout.startswith("altered"), wrong.stdout
    unknown = cli(env, "report", "verify", printed["report_no"][:-4] + "9999", "--code", code,
                  *printed["common"])
    assert unknown.returncode == 4 and unknown.stdout.startswith("unknown"), unknown.stdout
    malformed = cli(env, "report", "verify", printed["report_no"], "--code", "x",
                    *printed["common"])
    assert malformed.returncode == 2 and "12" in malformed.stderr


def test_the_qr_holds_the_verification_url_and_it_verifies(platform, printed, env):
    url = (f"{platform.url}/verify/{printed['report_no']}"
           f"?code={printed['verification_code']}")
    assert read_qr_codes(printed["pdf"]) == [url]  # decoded from the rasterised page
    done = cli(env, "report", "verify", url, *printed["common"])
    assert done.returncode == 0 and done.stdout.startswith("genuine"), done.stdout + done.stderr
    code = printed["verification_code"]
    forged = url.replace(code, ("A" if code[0] != "A" else "B") + code[1:])
    assert cli(env, "report", "verify", forged, *printed["common"]).stdout.startswith("altered")


def test_the_pdf_file(printed, env, tmp_path):
    from tests.integration.test_report_cli import flip_content_byte

    genuine = cli(env, "report", "verify", str(printed["pdf"]), "--json", *printed["common"])
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr
    assert json.loads(genuine.stdout)["facts"]["verdict"] == "prohibit"  # its code was read
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(flip_content_byte(printed["pdf"].read_bytes()))
    done = cli(env, "report", "verify", str(altered), *printed["common"])
    assert done.returncode == 4 and done.stdout.startswith("altered"), done.stdout


def test_the_public_page(platform, printed):
    person = printed["person"]
    masked = person["id"][:6] + "********" + person["id"][14:]
    with httpx.Client(base_url=platform.url) as web:  # no API key: a bidding agency has none
        page = web.get(f"/verify/{printed['report_no']}",
                       params={"code": printed["verification_code"]})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "charset=utf-8" in page.headers["content-type"]
        html = page.text
        assert "真实 / Genuine" in html and "✔" in html
        assert masked in html and person["id"] not in html
        assert person["name"] not in html  # a person's name is masked too
        assert "禁止受理 / Prohibited" in html and person["item"] in html
        assert re.search(r"\d{4}-\d{2}-\d{2}", html)
        counter = json.loads(httpx.get(
            f"{platform.url}/v1/reports/{printed['report_no']}",
            headers={"Authorization": f"Bearer {KEY}"}).text)["counter"]
        assert counter in html
        assert "<script" not in html.lower()
        assert page.headers["referrer-policy"] == "no-referrer"

        wrong = web.get(f"/verify/{printed['report_no']}", params={"code": "AAAA-BBBB-CCCC"})
        assert "不符 / Does not match" in wrong.text and masked not in wrong.text
        unknown = web.get("/verify/SX-NOPE-20260101-0001", params={"code": "AAAA-BBBB-CCCC"})
        assert "未登记 / Unknown" in unknown.text and "Genuine" not in unknown.text
        form = web.get(f"/verify/{printed['report_no']}")
        assert "<form" in form.text and masked not in form.text
        hostile = web.get("/verify", params={"number": "<b>x</b>", "code": "AAAA-BBBB-CCCC"})
        assert "<b>x" not in hostile.text and "&lt;b&gt;x" in hostile.text


def test_the_code_is_not_retrievable_from_the_platform(platform, printed):
    code = printed["verification_code"]
    forms = {code, code.replace("-", "")}
    auth = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=platform.url, headers=auth) as api:
        answers = [api.get(f"/v1/reports/{printed['report_no']}").text,
                   api.get(f"/v1/reports/{printed['report_no']}/verify",
                           params={"code": code}).text,
                   api.get("/openapi.json").text]
    assert json.loads(answers[1])["status"] == "genuine"
    for text in answers:
        assert not any(f in text for f in forms)
    stored = b"".join(p.read_bytes() for p in platform.db.parent.glob(platform.db.name + "*"))
    assert not any(f.encode() in stored for f in forms)  # not even in the database file


def test_a_commitment_letter_verifies_by_its_qr_text(platform, env, tmp_path):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    good = next(s for s in samples["incentive"] if s["kind"] == "organisation")
    common = ["--data-dir", str(tmp_path / "desk"), "--platform", platform.url]
    clerk = signed_in(env, tmp_path / "desk")  # printing writes entries: a clerk signs in
    done = cli(clerk, "commitment", good["id"], "--item", "FOOD_LICENCE", "-o",
               str(tmp_path / "letter.pdf"), "--json", *common)
    assert done.returncode == 0, done.stderr
    letter = json.loads(done.stdout)
    url = f"{platform.url}/verify/{letter['letter_no']}?code={letter['verification_code']}"
    assert read_qr_codes(tmp_path / "letter.pdf") == [url]  # decoded from the rasterised page
    answer = cli(env, "report", "verify", url, "--json", *common)
    assert answer.returncode == 0, answer.stderr
    facts = json.loads(answer.stdout)["facts"]
    assert facts["kind"] == "commitment_letter" and facts["subject_name"] == good["name"]


def test_no_answer_is_not_unknown(printed, env):
    """A platform that does not answer says nothing about the paper: exit 3, not 4."""
    common = [a if a != printed["common"][-1] else "http://127.0.0.1:9"  # nobody listens
              for a in printed["common"]]
    done = cli(env, "report", "verify", printed["report_no"], "--code",
               printed["verification_code"], *common)
    assert done.returncode == 3, done.stdout + done.stderr
    assert not done.stdout.startswith(("genuine", "altered", "unknown"))

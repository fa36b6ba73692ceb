"""The QR codes on a printed credit report and commitment letter, read back from the page.

The documents are printed by the desk's own services (``ReportService`` through the same
calls the window makes: a check, then print; a fast-track, which prints the letter)
against a real platform process. The first page is drawn by PDFium (in-process)
at 200 dpi and decoded by zxing-cpp (``tests.qr_reader``), so the code is read the way a
phone or a hall scanner reads paper, by a decoder that shares nothing with the encoder.
The decoded URL must carry the number and code the service returned and printed on the
page, and the verification the desk offers must call that paper genuine.
"""

from __future__ import annotations

import pytest

from desktop.bootstrap import bootstrap
from desktop.counter import flows
from desktop.reports import verify as report_verify
from desktop.reports.code import normalize_code, parse_target
from desktop.reports.pdf import extract_text
from desktop.staff.credentials import API_KEY, SecretStore
from tests.qr_reader import read_qr_codes


@pytest.fixture
def desk(sandbox, tmp_path):
    secrets = SecretStore(memory=True)
    secrets.set(API_KEY, sandbox.key)
    svc = bootstrap(tmp_path / "desk", {"platform_url": sandbox.url, "clerk_id": "clerk-qr"},
                    secrets=secrets)
    yield svc
    svc.close()


def read_one_qr(path) -> str:
    codes = read_qr_codes(path)
    assert len(codes) == 1, f"expected one QR code on the first page, read {codes!r}"
    return codes[0]


def assert_paper_matches(sandbox, path, number: str, code: str) -> str:
    """The QR on ``path`` holds ``number`` and ``code``, the same the page prints; returns
    the decoded text."""
    text = read_one_qr(path)
    # The base is the platform (no separate verify_url is set), the shape report_code's.
    assert text.startswith(f"{sandbox.url}/verify/"), text
    target = parse_target(text)
    assert (target.number, target.code) == (number, normalize_code(code))
    page = extract_text(path.read_bytes())
    assert number in page and code in page  # what a person would type instead
    return text


def test_the_credit_reports_qr_decodes_to_its_number_and_code_and_verifies(
        sandbox, samples, desk, tmp_path):
    sample = next(s for s in samples["prohibit"] if s["kind"] == "organisation")
    outcome = desk.checks.check(sample["id"], sample["item"])
    assert outcome.source == "platform" and outcome.verdict.value == "prohibit"
    name = next(i.name for i in desk.client.catalog().items if i.code == sample["item"])
    printed = desk.reports.print_report(outcome, name, tmp_path / "report.pdf")

    text = assert_paper_matches(sandbox, printed.path, printed.number,
                                printed.verification_code)
    assert desk.outbox.flush(desk.client).sent >= 1  # the registration reaches the platform
    answer = report_verify.verify(desk.client, text)
    assert (answer.status, answer.number) == ("genuine", printed.number), answer.message
    assert answer.facts["kind"] == "credit_report"
    assert answer.facts["item_code"] == sample["item"]


def test_the_commitment_letters_qr_decodes_to_its_number_and_code_and_verifies(
        sandbox, samples, desk, tmp_path):
    for sample in samples["incentive"]:
        outcome = desk.checks.check(sample["id"], sample["item"])
        plan = flows.plan_fast_track(desk, outcome)
        if plan.eligible and plan.tolerable_codes:
            break
    else:
        pytest.fail("no incentive sample may be fast-tracked: the sandbox data changed")
    done = flows.fast_track(desk, outcome, plan, sorted(plan.tolerable_codes)[:1],
                            tmp_path / "letter.pdf")

    text = assert_paper_matches(sandbox, done.path, done.letter_no,
                                done.verification_code)
    assert desk.outbox.flush(desk.client).sent >= 1
    answer = report_verify.verify(desk.client, text)
    assert (answer.status, answer.number) == ("genuine", done.letter_no), answer.message
    assert answer.facts["kind"] == "commitment_letter"


def test_a_code_changed_on_the_way_is_not_genuine(sandbox, samples, desk, tmp_path):
    """The decoded URL is what is checked: one character of its code changed reads as
    altered, so the tests above could tell a wrong code from the right one."""
    sample = samples["clear"][0]
    outcome = desk.checks.check(sample["id"], sample["item"])
    printed = desk.reports.print_report(outcome, sample["item"], tmp_path / "clear.pdf")
    text = read_one_qr(printed.path)
    desk.outbox.flush(desk.client)
    code = normalize_code(printed.verification_code)
    forged = text.replace(printed.verification_code,
                          ("A" if code[0] != "A" else "B") + printed.verification_code[1:])
    assert forged != text
    assert report_verify.verify(desk.client, forged).status == "altered"

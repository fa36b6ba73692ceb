"""Verification codes, the QR URL, and deciding what a person handed the desk to verify."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest

from desktop.platform import schemas
from desktop.reports.code import (
    VerifyInputError,
    code_digest,
    masked_name,
    new_code,
    normalize_code,
    parse_target,
    verification_url,
)
from sandbox.feedback import Counters, FeedbackStore
from sandbox.storage import create_all, make_engine
from sandbox.verify_page import FailureLimiter

NUMBER = "SX-COUNTER-01-AB2C-20261206-0007"


def test_codes_are_random_and_read_back_as_typed():
    codes = {new_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    typed = code.lower().replace("-", " ")
    assert code_digest(NUMBER, typed) == code_digest(NUMBER, code)
    assert code_digest(NUMBER, code) != code_digest(NUMBER[:-1] + "8", code)  # bound to number
    assert normalize_code("0O1I-2222-3333") == "OOII22223333"  # lookalikes read as meant
    with pytest.raises(VerifyInputError, match="12"):
        normalize_code("ABC")


def test_the_qr_url_is_parsed_back_to_number_and_code():
    code = new_code()
    url = verification_url("https://credit.example.gov.cn/portal/", NUMBER, code)
    assert url == f"https://credit.example.gov.cn/portal/verify/{NUMBER}?code={code}"
    target = parse_target("  " + url + "\n")
    assert (target.number, target.code, target.path) == (NUMBER, normalize_code(code), None)
    no_code = parse_target(url.split("?")[0])
    assert no_code.number == NUMBER and no_code.code is None
    with pytest.raises(VerifyInputError, match="verification URL"):
        parse_target("https://example.com/other/page")


def test_a_number_with_or_without_its_code(tmp_path):
    assert parse_target(NUMBER).code is None
    assert parse_target(NUMBER, "abcd-efgh-2345").code == "ABCDEFGH2345"
    for bad in ("", "两个 words", "x" * 65):
        with pytest.raises(VerifyInputError):
            parse_target(bad)
    with pytest.raises(VerifyInputError, match="no such file"):
        parse_target(str(tmp_path / "missing.pdf"))
    pdf = tmp_path / "r.PDF"
    pdf.write_bytes(b"%PDF-1.4")
    assert parse_target(str(pdf)).path == pdf


def test_public_names():
    assert masked_name("张三丰", "person") == "张**"
    assert masked_name("绍兴市某某食品有限公司", "organisation") == "绍兴市某某食品有限公司"


def test_the_failure_limiter_blocks_after_the_allowed_failures():
    limiter = FailureLimiter(allowed=2, window=3600)
    assert not limiter.blocked("10.0.0.1")
    limiter.failed("10.0.0.1")
    limiter.failed("10.0.0.1")
    assert limiter.blocked("10.0.0.1") and not limiter.blocked("10.0.0.2")


def test_an_older_platform_database_gets_the_new_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the reports table as contract v1 first had it
        conn.execute("CREATE TABLE reports (report_no VARCHAR(64) PRIMARY KEY, digest "
                     "VARCHAR(128) NOT NULL, kind VARCHAR(64) NOT NULL, subject_id VARCHAR(64) "
                     "NOT NULL, counter_id VARCHAR(64) NOT NULL, issued_at VARCHAR(32) NOT "
                     "NULL, registered_at VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO reports VALUES ('OLD-20260101-0001', 'ab' ,'credit_report',"
                     " '', 'C1', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
    engine = make_engine(f"sqlite:///{path}")
    create_all(engine)
    create_all(engine)  # and again: nothing left to add
    store = FeedbackStore(engine, Counters())
    # Registered without a code: the code cannot confirm it (the PDF still can).
    assert store.verify_report("OLD-20260101-0001", "AAAA-BBBB-CCCC").status == "unknown"
    code = new_code()
    body = schemas.ReportIn(report_no=NUMBER, digest="ab" * 32, subject_id="330***",
                            issued_at=dt.datetime.now(dt.UTC), verdict="clear",
                            item_code="FOOD_LICENCE", code_sha256=code_digest(NUMBER, code))
    store.register_report(body, "C1")
    assert store.verify_report(NUMBER, code).status == "genuine"
    assert store.verify_report(NUMBER, new_code()).status == "altered"
    engine.dispose()

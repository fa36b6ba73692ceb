"""The printed credit report and commitment letter: content, paging, privacy, fonts, QR.

PDFs are rendered for real and read back with pypdf. Table cells wrap, so text checks
compare with all whitespace removed (``flat``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.reports import fonts as report_fonts
from desktop.reports import qr as report_qr
from desktop.reports.fonts import register_cjk_font
from desktop.reports.pdf import (
    CommitmentData,
    ReportData,
    extract_text,
    render_commitment_letter,
    render_credit_report,
)

FULL_RESIDENT_ID = "330602199001011231"
MASKED_RESIDENT_ID = "330602********1231"
TAX_BUREAU = "国家税务总局绍兴市柯桥区税务局"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def record(n: int, kind: str, **kw) -> dict:
    prefix = {"red_list": "RL", "blacklist": "BL", "business_abnormality": "BA",
              "serious_illegal": "SI"}[kind]
    base = {"id": f"{prefix}-2026-{n:05d}", "kind": kind, "field": "tax",
            "department": TAX_BUREAU, "basis": f"《重大税收违法失信主体信息公布管理办法》第{n}条",
            "listed_on": dt.date(2026, 3, 14), "expires_on": dt.date(2029, 3, 14),
            "state": "active"}
    return {**base, **kw}


def sample_report(**kw) -> ReportData:
    """An organisation with records on every list; the sample of the screenshots."""
    records = [
        record(318, "blacklist"),
        record(319, "blacklist", field="wage_arrears",
               department="绍兴市柯桥区人力资源和社会保障局",
               basis="《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
               listed_on="2026-05-20", expires_on=None),
        record(10452, "business_abnormality", field="market_regulation",
               department="绍兴市柯桥区市场监督管理局", basis="未按规定期限公示2025年度报告",
               listed_on="2026-07-01", expires_on=None),
        record(10453, "business_abnormality", field="market_regulation",
               department="绍兴市柯桥区市场监督管理局", basis="通过登记的住所无法联系",
               listed_on="2025-02-11", expires_on="2026-02-11", state="expired"),
        record(77, "serious_illegal", field="market_regulation",
               department="绍兴市市场监督管理局", basis="《严重违法失信名单管理办法》第二条",
               listed_on="2026-08-03"),
        record(78, "serious_illegal", field="production_safety",
               department="绍兴市应急管理局", basis="《安全生产严重失信主体名单管理办法》第六条",
               listed_on="2024-08-03", expires_on="2027-08-03", state="repaired"),
        record(8812, "red_list", basis="纳税信用A级纳税人", listed_on="2023-04-20",
               expires_on="2025-04-20", state="expired"),
        record(193, "red_list", field="contract", department="绍兴市市场监督管理局",
               basis="“守合同重信用”企业公示", listed_on="2024-06-01",
               expires_on="2026-06-01", state="repaired"),
    ]
    base = dict(
        report_no="SX-DEMO-01-20261128-0007", verification_code="7KQ2-M6XD-P4AB",
        qr_payload="CREDITDESK-REPORT SX-DEMO-01-20261128-0007 7KQ2-M9XD-P4",
        checked_at=dt.datetime(2026, 11, 28, 6, 5, tzinfo=dt.UTC),
        item_code="330603-XK-0012", item_name="建设工程施工许可证核发",
        subject_name="绍兴市柯桥区华锦纺织有限公司", subject_masked_id="91330621MA2BX3KQ7W",
        subject_kind="organisation", district="柯桥区", verdict="prohibit",
        measures=[
            {"kind": "prohibit", "text": "限制参与工程建设项目招投标，本申请不予受理",
             "basis": "《关于对重大税收违法失信主体实施联合惩戒的合作备忘录》"
                      "（发改财金〔2016〕2798号）",
             "record_id": "BL-2026-00318"},
            {"kind": "restrict", "text": "从严审查，经办人记录受理理由",
             "basis": "《关于对严重违法失信企业实施联合惩戒的合作备忘录》"
                      "（发改财金〔2015〕2045号）",
             "record_id": "SI-2026-00077"},
            {"kind": "alert", "text": "列入经营异常名录，审查时予以提示",
             "basis": "《企业经营异常名录管理暂行办法》第四条", "record_id": "BA-2026-10452"},
        ],
        records=records, grade={"letter": "C", "score": 61, "evaluated_on": "2026-10-01"},
        warnings=[
            {"level": "red", "point": "欠缴税款超过六个月", "since": dt.date(2026, 2, 1)},
            {"level": "yellow", "point": "关联企业被列入失信被执行人", "since": "2026-09-12",
             "via": "91330621MA2C55TT3N"},
            {"level": "blue", "point": "年度报告延迟公示", "since": "2026-07-01"},
        ],
        related=[{"subject_id": "91330621MA2C55TT3N", "name": "绍兴柯桥锦程印染有限公司",
                  "relation": "同一投资人", "warnings": [
                      {"level": "yellow", "point": "列入失信被执行人", "since": "2026-09-10"}]}],
        source="offline", snapshot_age_hours=5.0, counter="SX-DEMO-01", clerk="张敏",
    )
    return ReportData(**{**base, **kw})


def sample_person(**kw) -> ReportData:
    return sample_report(**{
        "subject_name": "王丽华", "subject_masked_id": MASKED_RESIDENT_ID,
        "subject_kind": "person", "verdict": "alert", "grade": None, "related": [],
        "measures": [{"kind": "alert", "text": "存在失信被执行人记录，审查时予以提示",
                      "basis": "《关于加快推进失信被执行人信用监督、警示和惩戒机制建设的意见》",
                      "record_id": "BL-2026-00501"}],
        "records": [record(501, "blacklist", field="judgment_debtor",
                           department="绍兴市柯桥区人民法院",
                           basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》")],
        "warnings": [], "source": "platform", "snapshot_age_hours": None, **kw})


def sample_letter(**kw) -> CommitmentData:
    base = dict(
        letter_no="SX-DEMO-01-20261128-0008", verification_code="Q3HT-7WZC-2MNE",
        qr_payload="CREDITDESK-COMMITMENT SX-DEMO-01-20261128-0008 Q3HT-7WZC-2M",
        issued_at=dt.datetime(2026, 11, 28, 6, 20, tzinfo=dt.UTC),
        applicant_name="绍兴市柯桥区华锦纺织有限公司", applicant_masked_id="91330621MA2BX3KQ7W",
        applicant_kind="organisation", item_code="330603-XK-0031", item_name="食品经营许可证核发",
        department="绍兴市柯桥区市场监督管理局",
        missing_materials=["食品安全管理制度文本", "经营场所平面布局图（加盖公章）"],
        due_days=5, due_date=dt.date(2026, 12, 5),
        commitment_text="本单位承诺所提交的申请材料真实、合法、有效，暂缺材料将在规定期限内补齐；"
                        "如有虚假或未按期补齐，愿意承担相应的法律责任，并接受依法依规实施的失信惩戒。",
        counter="SX-DEMO-01", clerk="张敏",
    )
    return CommitmentData(**{**base, **kw})


@pytest.fixture(scope="module")
def org_pdf() -> bytes:
    return render_credit_report(sample_report())


# -- fonts -------------------------------------------------------------------------------


def test_an_embeddable_cjk_font_is_found_and_registered_once() -> None:
    regular, bold, embedded = register_cjk_font()
    assert embedded, "no TrueType CJK font found (CI installs fonts-wqy-microhei)"
    assert isinstance(pdfmetrics.getFont(regular), TTFont)
    assert isinstance(pdfmetrics.getFont(bold), TTFont)
    assert register_cjk_font() == (regular, bold, embedded)


def test_the_pdf_embeds_the_font(org_pdf: bytes) -> None:
    regular, _, _ = register_cjk_font()
    face = pdfmetrics.getFont(regular).face.name.decode()
    embedded = []
    for page in PdfReader(io.BytesIO(org_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(str(font["/BaseFont"]))
    assert embedded and all(face in name for name in embedded), embedded


def test_fontconfig_fonts_are_tried_in_preference_order_truetype_first(monkeypatch) -> None:
    # The files as fontconfig might list them (unordered, some twice, paths of its own).
    listed = [Path("/opt/fonts/zz-other.otf"), Path("/srv/f/NotoSansSC-Bold.ttf"),
              Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
              Path("/opt/fonts/aa-other.otf"), Path("/opt/fonts/mm-other.ttf"),
              Path("/srv/f/NotoSansSC-Regular.ttf"), Path("/home/u/.fonts/wqy-microhei.ttc"),
              Path("/home/u/.fonts/wqy-microhei.ttc")]
    monkeypatch.setattr(report_fonts, "_fc_list", lambda: listed)
    monkeypatch.delenv(report_fonts.ENV_FONT, raising=False)
    assert report_fonts._candidates() == [
        (Path("/home/u/.fonts/wqy-microhei.ttc"), None),  # WenQuanYi, then Noto SC, ...
        (Path("/srv/f/NotoSansSC-Regular.ttf"), Path("/srv/f/NotoSansSC-Bold.ttf")),
        (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), None),
        (Path("/opt/fonts/mm-other.ttf"), None),  # unnamed ones: TrueType first
        (Path("/opt/fonts/aa-other.otf"), None), (Path("/opt/fonts/zz-other.otf"), None)]
    # The chosen file stays first; without fontconfig the fixed paths are the list.
    monkeypatch.setenv(report_fonts.ENV_FONT, "/x/chosen.ttf;/x/chosen-bold.ttf")
    assert report_fonts._candidates()[0] == (Path("/x/chosen.ttf"), Path("/x/chosen-bold.ttf"))
    monkeypatch.setattr(report_fonts, "_fc_list", lambda: None)
    assert report_fonts._candidates()[1:] == report_fonts._CANDIDATES


def test_without_fc_list_the_fixed_paths_are_used(monkeypatch) -> None:
    monkeypatch.setattr(report_fonts.shutil, "which", lambda name: None)
    assert report_fonts._fc_list() is None
    monkeypatch.undo()
    monkeypatch.setattr(report_fonts.sys, "platform", "win32")
    assert report_fonts._fc_list() is None


def test_unusable_font_files_are_skipped(tmp_path: Path) -> None:
    junk = tmp_path / "broken.ttc"
    junk.write_bytes(b"not a font at all" * 100)
    assert report_fonts._load(junk, "CJK-broken") is None
    assert report_fonts._load(tmp_path / "missing.ttf", "CJK-missing") is None
    latin_only = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin_only.exists():  # a real font without Chinese glyphs
        assert report_fonts._load(latin_only, "CJK-DejaVuSans") is None


def test_without_any_truetype_font_the_cid_fallback_still_gives_extractable_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fallback = report_fonts._register([])
    assert fallback == ("STSong-Light", "STSong-Light", False)
    monkeypatch.setattr(report_fonts, "register_cjk_font", lambda: fallback)
    cid_styles = report_fonts.Styles()
    monkeypatch.setattr(report_fonts, "styles", lambda cjk=True: cid_styles)
    monkeypatch.setattr("desktop.reports.pdf.styles", lambda cjk=True: cid_styles)
    pdf = render_credit_report(sample_report())
    assert b"/FontFile2" not in pdf
    text = flat(extract_text(pdf))
    assert "禁止受理" in text and "绍兴市柯桥区华锦纺织有限公司" in text


# -- credit report content ---------------------------------------------------------------


def test_report_shows_subject_item_verdict_and_every_record_and_basis(org_pdf: bytes) -> None:
    data = sample_report()
    text = flat(extract_text(org_pdf))
    for needle in ["公共信用信息核查报告", data.report_no, data.subject_name,
                   data.subject_masked_id, "法人和其他组织", "柯桥区", data.item_code,
                   data.item_name, "禁止受理", "2026年11月28日14:05", "SX-DEMO-01/张敏",
                   # checked 14:05 Beijing time on a snapshot 5 hours old: taken at 09:05
                   "离线快照，快照时间2026年11月28日09:05", "等级C，得分61",
                   data.verification_code]:
        assert flat(needle) in text, needle
    for m in data.measures:
        assert flat(m["basis"]) in text and flat(m["text"]) in text
    for r in data.records:
        assert r["id"] in text and flat(r["basis"]) in text
    for label in ["守信红名单", "失信黑名单", "经营异常名录", "严重违法失信企业名单",
                  "有效", "已修复", "已过期", "税收", "拖欠劳动者工资", "安全生产", "市场监管",
                  "合同履约", "禁止", "限制", "提示", "红色预警", "黄色预警", "蓝色预警",
                  "绍兴柯桥锦程印染有限公司", "同一投资人", "核查时点的记录", "报告编号和核验码"]:
        assert label in text, label


@pytest.mark.parametrize(("verdict", "zh", "en"), [
    ("prohibit", "禁止受理", "Prohibited (do not accept)"),
    ("restrict", "限制受理", "Restricted acceptance"),
    ("alert", "提示", "Alert"),
    ("incentive", "守信激励", "Incentive for trustworthiness"),
    ("clear", "未发现信用记录", "No credit records found"),
])
def test_verdict_words(verdict: str, zh: str, en: str) -> None:
    data = sample_person(verdict=verdict)
    assert flat(f"核查结论：{zh}") in flat(extract_text(render_credit_report(data)))
    assert flat(f"Verdict: {en}") in flat(extract_text(render_credit_report(data, "en")))


def test_every_page_has_its_footer_and_the_report_number(org_pdf: bytes) -> None:
    texts = pages(org_pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text
        assert "SX-DEMO-01-20261128-0007" in text


def test_report_number_is_found_the_way_verification_reads_it(org_pdf: bytes) -> None:
    found = re.search(r"[A-Za-z0-9._:\-]+-\d{8}-\d{4}", extract_text(org_pdf))
    assert found and found.group(0) == "SX-DEMO-01-20261128-0007"


def test_times_are_printed_in_china_standard_time() -> None:
    naive = sample_person(checked_at=dt.datetime(2026, 11, 28, 9, 30))
    assert "2026年11月28日09:30" in flat(extract_text(render_credit_report(naive)))
    aware = sample_person(checked_at=dt.datetime(2026, 11, 28, 20, 0, tzinfo=dt.UTC))
    assert "2026年11月29日04:00（北京时间）" in flat(extract_text(render_credit_report(aware)))


def test_forty_records_split_over_pages_with_the_header_repeated() -> None:
    records = [record(n, "blacklist", department=f"绍兴市第{n}号认定部门") for n in range(40)]
    pdf = render_credit_report(sample_report(records=records))
    texts = pages(pdf)
    ids = [r["id"] for r in records]
    spanned = [t for t in texts if any(i in t for i in ids)]
    assert len(texts) >= 2 and len(spanned) >= 2
    for text in spanned:
        assert "认定部门" in text and "记录编号" in text and "列入日期" in text
    everything = "".join(texts)
    assert all(i in everything for i in ids)
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text


def test_person_report_shows_the_masked_number_only() -> None:
    pdf = render_credit_report(sample_person())
    text = flat(extract_text(pdf))
    assert MASKED_RESIDENT_ID in text and "自然人" in text and "王丽华" in text
    assert FULL_RESIDENT_ID not in text and "19900101" not in text
    assert FULL_RESIDENT_ID.encode() not in pdf


def test_a_full_resident_number_slipped_into_data_is_masked_on_the_page() -> None:
    leaky = sample_person(
        subject_masked_id=FULL_RESIDENT_ID,
        records=[record(1, "blacklist",
                        basis=f"（2026）浙0603执123号，被执行人 {FULL_RESIDENT_ID}")],
        warnings=[{"level": "red", "point": "关联人被执行", "since": "2026-01-01",
                   "via": FULL_RESIDENT_ID}],
        related=[{"subject_id": FULL_RESIDENT_ID, "name": f"王某（{FULL_RESIDENT_ID}）",
                  "relation": "法定代表人", "warnings": []}])
    for lang in ("zh_CN", "en"):
        pdf = render_credit_report(leaky, lang)
        text = flat(extract_text(pdf))
        assert FULL_RESIDENT_ID not in text and "19900101" not in text
        assert MASKED_RESIDENT_ID in text


def test_an_empty_check_and_an_unknown_list_still_render() -> None:
    empty = sample_person(verdict="clear", measures=[], records=[], source="offline",
                          snapshot_age_hours=None)
    text = flat(extract_text(render_credit_report(empty)))
    for needle in ["未发现信用记录", "未匹配到措施。", "失信黑名单无", "暂无评价结果",
                   "离线快照，快照时间未知", "第1页/共1页"]:
        assert needle in text, needle
    odd = sample_person(records=[{**record(9, "blacklist"), "kind": "honour_roll",
                                   "state": "pending"}])
    text = flat(extract_text(render_credit_report(odd)))
    assert "honour_roll1条" in text and "BL-2026-00009" in text and "pending" in text


def test_markup_characters_in_data_are_printed_literally() -> None:
    pdf = render_credit_report(sample_person(subject_name="A&B <贸易> 商行"))
    assert "A&B<贸易>商行" in flat(extract_text(pdf))


def test_english_report_has_english_labels(org_pdf: bytes) -> None:
    pdf = render_credit_report(sample_report(), lang="en")
    texts = pages(pdf)
    text = "\n".join(texts)
    for needle in ["Public Credit Information Check Report", "Page 1 of", "Report No.",
                   "Department", "Record ID", "Expires on", "Repaired", "Expired", "Active",
                   "Blacklist", "Red list", "Business abnormality list",
                   "Offline snapshot, taken 2026-11-28 09:05", "Grade C, score 61"]:
        assert needle in text, needle
    assert "第 1 页" not in text and "认定部门" not in text
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_credit_report(sample_person(), lang="fr")


# -- QR code -----------------------------------------------------------------------------


def test_the_qr_widget_encodes_the_payload_and_the_code_is_printed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class SpyWidget(report_qr.QrCodeWidget):
        def __init__(self, value: str = "", **kw) -> None:
            seen.append(value)
            super().__init__(value, **kw)

    monkeypatch.setattr(report_qr, "QrCodeWidget", SpyWidget)
    data = sample_report()
    pdf = render_credit_report(data)
    assert seen == [data.qr_payload]
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    content = first.get_contents().get_data().decode("latin-1")
    assert len(re.findall(r"\bre\b", content)) > 100  # the QR's dark modules, as rectangles
    assert re.search(rf"核验码\s+{data.verification_code}", first.extract_text())


def test_the_code_is_printed_whole_and_read_back_from_the_file():
    """Printed beside its label, a code was sometimes broken across two lines (a CJK line
    breaks anywhere), and then neither a person nor ``report verify FILE`` could read it."""
    from desktop.reports.code import new_code, normalize_code
    from desktop.reports.verify import read_number_and_code

    for lang in ("zh_CN", "en"):
        for _ in range(12):
            data = replace(sample_report(), verification_code=new_code())
            number, code = read_number_and_code(render_credit_report(data, lang))
            assert (number, code) == (data.report_no, normalize_code(data.verification_code))


# -- commitment letter -------------------------------------------------------------------


def test_commitment_letter_content() -> None:
    data = sample_letter()
    pdf = render_commitment_letter(data)
    texts = pages(pdf)
    text = flat("".join(texts))
    for needle in ["信用承诺书", data.letter_no, data.applicant_name, data.applicant_masked_id,
                   "法人和其他组织", data.item_code, data.item_name, data.department,
                   *data.missing_materials, "于2026年12月5日前（5个工作日内）补齐",
                   data.commitment_text, "终止办理", "撤销", "失信承诺", "承诺人签字（盖章）",
                   "日期", "受理人", data.verification_code, "张敏"]:
        assert flat(needle) in text, needle
    assert "第 1 页 / 共 1 页" in texts[0] and len(texts) == 1


def test_commitment_letter_in_english() -> None:
    pdf = render_commitment_letter(sample_letter(), lang="en")
    text = " ".join(extract_text(pdf).split())
    for needle in ["Credit Commitment Letter", "5 December 2026", "within 5 working days",
                   "Applicant signature (seal)", "Accepted by (clerk)", "Page 1 of 1",
                   "食品安全管理制度文本", "breach of commitment"]:
        assert needle in text, needle


def test_commitment_letter_for_a_person_never_prints_the_full_number() -> None:
    data = replace(sample_letter(), applicant_name="王丽华", applicant_kind="person",
                   applicant_masked_id=MASKED_RESIDENT_ID)
    text = flat(extract_text(render_commitment_letter(data)))
    assert MASKED_RESIDENT_ID in text and "自然人" in text
    assert FULL_RESIDENT_ID not in text


def test_an_offline_report_says_what_the_snapshot_cannot_tell():
    """An offline answer has no grade, warnings or related parties: the paper says they
    are not available offline, never "none" (which would read as a clean record)."""
    pdf = render_credit_report(sample_report(grade=None, warnings=[], related=[],
                                             unavailable=("grade", "warnings", "related")))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("离线时不可用") == 3 and "暂无评价结果" not in text

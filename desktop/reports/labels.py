"""The printed documents' labels: key -> (Simplified Chinese, English).

Data (names, departments, legal bases, the platform's commitment text) is printed as
given; everything else on a credit report or commitment letter comes from here.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "report": ("公共信用信息核查报告", "Public Credit Information Check Report"),
    "letter": ("信用承诺书", "Credit Commitment Letter"),
    "report_no": ("报告编号", "Report No."), "letter_no": ("承诺书编号", "Letter No."),
    "checked_at": ("核查时间", "Time of check"), "issued_at": ("出具时间", "Issued at"),
    "subject": ("核查对象", "Subject"), "applicant": ("承诺人", "Applicant"),
    "id_organisation": ("统一社会信用代码", "Unified social credit code"),
    "id_person": ("公民身份号码", "Resident ID (masked)"),
    "kind": ("主体类型", "Subject type"), "district": ("所属区域", "District"),
    "organisation": ("法人和其他组织", "Organisation"), "person": ("自然人", "Natural person"),
    "item": ("办理事项", "Business item"), "department": ("受理部门", "Department"),
    "source": ("数据来源", "Data source"), "platform": ("平台实时", "Platform (live)"),
    "offline": ("离线快照，快照时间 {t}", "Offline snapshot, taken {t}"),
    "offline_age_unknown": ("离线快照，快照时间未知", "Offline snapshot of unknown age"),
    "counter": ("受理窗口", "Counter"), "clerk": ("经办人", "Clerk"),
    "case_no": ("案号", "Case No."), "system": ("业务系统", "Business system"),
    "code": ("核验码", "Verification code"), "scan": ("扫码核验", "Scan to verify"),
    "verdict": ("核查结论", "Verdict"),
    "s_measures": ("一、适用措施", "1. Applicable measures"),
    "s_records": ("二、信用记录", "2. Credit records"),
    "s_grade": ("三、公共信用评价", "3. Public credit evaluation"),
    "s_warnings": ("四、风险预警", "4. Risk warnings"),
    "s_related": ("五、关联主体", "5. Related parties"),
    "s_note": ("说明", "Notes"),
    "m_cols": ("措施类型|措施内容|依据|触发记录", "Type|Measure|Legal basis|Record"),
    "r_cols": ("认定部门|领域|列入日期|有效期至|状态|记录编号|认定依据",
               "Department|Field|Listed on|Expires on|State|Record ID|Basis"),
    "w_cols": ("预警等级|预警点|起始日期|来源", "Level|Warning point|Since|Raised via"),
    "rel_cols": ("主体标识|名称|关联关系|预警情况", "Identifier|Name|Relation|Warnings"),
    "none": ("无", "None"), "offline_na": ("离线时不可用", "Not available offline"),
    "no_measure": ("未匹配到措施。", "No measure applies."),
    "count": ("{n} 条", "{n} entries"), "count1": ("1 条", "1 entry"),
    "no_expiry": ("长期", "None"),
    "grade": ("等级 {letter}，得分 {score}", "Grade {letter}, score {score}"),
    "evaluated": ("（评价日期 {d}）", " (evaluated on {d})"),
    "no_grade": ("暂无评价结果", "Not evaluated"), "self": ("本主体", "This subject"),
    "prohibit": ("禁止受理", "Prohibited (do not accept)"),
    "restrict": ("限制受理", "Restricted acceptance"), "alert": ("提示", "Alert"),
    "incentive": ("守信激励", "Incentive for trustworthiness"),
    "clear": ("未发现信用记录", "No credit records found"),
    "why_prohibit": ("根据下列联合惩戒措施，本申请不予受理。",
                     "Under the measures below, the application must not be accepted."),
    "why_restrict": ("可以受理，但须从严审查，并由经办人记录理由。",
                     "May be accepted only with stricter review; the clerk records a reason."),
    "why_alert": ("存在需提示的信用信息，供审查参考。",
                  "There is credit information to take into account."),
    "why_incentive": ("可适用守信激励措施（如容缺受理、绿色通道）。",
                      "Incentives apply (e.g. tolerance acceptance, green channel)."),
    "why_clear": ("核查时点未发现影响本事项办理的信用记录。",
                  "No record affecting this business item at the time of the check."),
    "mk_prohibit": ("禁止", "Prohibit"), "mk_restrict": ("限制", "Restrict"),
    "mk_alert": ("提示", "Alert"), "mk_incentive": ("激励", "Incentive"),
    "blacklist": ("失信黑名单", "Blacklist (dishonest subjects)"),
    "serious_illegal": ("严重违法失信企业名单", "Serious illegal and dishonest enterprises"),
    "business_abnormality": ("经营异常名录", "Business abnormality list"),
    "red_list": ("守信红名单", "Red list (trustworthy subjects)"),
    "active": ("有效", "Active"), "repaired": ("已修复", "Repaired"),
    "expired": ("已过期", "Expired"),
    "red": ("红色预警", "Red"), "yellow": ("黄色预警", "Yellow"), "blue": ("蓝色预警", "Blue"),
    "disclaimer": (
        "本报告依据公共信用信息平台在核查时点的记录生成，仅反映该时点的信用状况；信用记录可能因"
        "信用修复、到期或新的认定而变化。已修复、已过期的记录仅作展示，不影响核查结论。"
        "可扫描二维码，或凭报告编号和核验码向公共信用信息平台核验本报告的真实性。",
        "This report reflects the records of the public credit information platform at the "
        "time of the check; records may change through credit repair, expiry or new listings. "
        "Repaired and expired records are shown for reference and do not affect the verdict. "
        "Verify this report by scanning the QR code, or with the report number and "
        "verification code, on the public credit information platform."),
    "offline_note": (
        "本次核查使用离线快照，可能未包含快照之后的变化，请在平台恢复后复核。",
        "This check used an offline snapshot and may miss later changes; re-check when the "
        "platform is available again."),
    "page": ("第 {x} 页 / 共 {y} 页", "Page {x} of {y}"),
    "tz": ("（北京时间）", " (UTC+8)"),
    "intro": ("承诺人申请办理“{item}”事项（事项编码 {code}），下列申请材料暂缺，申请容缺受理：",
              "The applicant applies for “{item}” (item code {code}) with the materials "
              "below missing, and asks for tolerance acceptance:"),
    "mat_cols": ("序号|暂缺材料", "No.|Missing material"),
    "due": ("承诺人承诺于 {date} 前（{n} 个工作日内）补齐上述材料。",
            "The applicant undertakes to supply these materials before {date} "
            "(within {n} working days)."),
    "s_commit": ("承诺内容", "Commitment (platform text, in Chinese)"),
    "s_breach": ("违诺后果", "Consequences of breach"),
    "breach": (
        "承诺人未按期补齐材料或所作承诺不实的，受理部门将终止办理本申请；已作出的许可或决定依法予以"
        "撤销；违诺情况将作为失信承诺记入公共信用信息平台，并依法依规实施失信惩戒。",
        "If the materials are not supplied in time or the commitment is untrue, the department "
        "terminates the application; a licence or decision already granted is revoked; and the "
        "breach is recorded as a breach of commitment (失信承诺) on the public credit "
        "information platform, with the punishments the law provides."),
    "sign": ("承诺人签字（盖章）|日期|受理人|日期",
             "Applicant signature (seal)|Date|Accepted by (clerk)|Date"),
    "copies": ("本承诺书一式两份，承诺人与受理部门各执一份；"
               "可凭编号和核验码向公共信用信息平台核验。",
               "Made in two copies, one for the applicant and one for the department; verify "
               "it with the letter number and verification code on the platform."),
}

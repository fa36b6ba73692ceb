"""The reference platform's business-item catalogue and measures list (措施清单).

Items are real kinds of business handled at Shaoxing's counters; measures follow the
national joint reward and punishment memoranda (联合奖惩合作备忘录) and the provincial
rules, named by title. The catalogue is data, not generated: the same for every seed.
"""

from __future__ import annotations

from desktop.domain import BusinessItem, Material, Measure, MeasureKind, RecordKind

CATALOG_VERSION = 1

B, R, A, S = (
    RecordKind.BLACKLIST,
    RecordKind.RED_LIST,
    RecordKind.BUSINESS_ABNORMALITY,
    RecordKind.SERIOUS_ILLEGAL,
)


def _m(code: str, name: str, tolerable: bool = False) -> Material:
    return Material(code, name, tolerable)


LICENCE = _m("licence", "营业执照副本")
ID_CARD = _m("legal_rep_id", "法定代表人身份证明")
TAX_PROOF = _m("tax_proof", "近三个月纳税证明", True)
SOCIAL_PROOF = _m("social_insurance_proof", "近三个月社保缴纳证明", True)
AUDIT = _m("audit_report", "上一年度财务审计报告", True)
NO_CRIME = _m("no_violation_statement", "近三年无重大违法记录声明", True)

ITEMS: tuple[BusinessItem, ...] = (
    BusinessItem("GOV_PROCUREMENT", "政府采购供应商资格审查", "市财政局",
                 (LICENCE, ID_CARD, TAX_PROOF, SOCIAL_PROOF, AUDIT, NO_CRIME), 5),
    BusinessItem("CONSTRUCTION_BIDDING", "工程建设项目招标投标", "市公共资源交易中心",
                 (LICENCE, ID_CARD, _m("qualification", "建筑业企业资质证书"),
                  _m("safety_licence", "安全生产许可证"), AUDIT, NO_CRIME), 5),
    BusinessItem("LAND_TRANSFER", "国有建设用地使用权出让竞买", "市自然资源和规划局",
                 (LICENCE, ID_CARD, _m("deposit", "竞买保证金缴纳凭证"), AUDIT), 5),
    BusinessItem("HONOUR", "评优评先（授予荣誉称号）", "市人力资源和社会保障局",
                 (ID_CARD, _m("deeds", "先进事迹材料"), _m("unit_opinion", "所在单位推荐意见", True)), 10),
    BusinessItem("FISCAL_FUNDS", "财政专项资金申报", "市经济和信息化局",
                 (LICENCE, _m("project_plan", "项目申报书"), AUDIT, TAX_PROOF), 10),
    BusinessItem("FOOD_LICENCE", "食品经营许可", "市市场监督管理局",
                 (LICENCE, ID_CARD, _m("premises", "经营场所平面图"),
                  _m("food_safety_rules", "食品安全管理制度", True),
                  _m("staff_health", "从业人员健康证明", True)), 5),
    BusinessItem("ROAD_TRANSPORT", "道路运输经营许可", "市交通运输局",
                 (ID_CARD, _m("vehicles", "车辆技术等级评定证明"),
                  _m("drivers", "驾驶员从业资格证"), _m("safety_rules", "安全生产管理制度", True)), 7),
    BusinessItem("BUSINESS_REGISTRATION", "企业设立登记", "市市场监督管理局",
                 (ID_CARD, _m("articles", "公司章程"), _m("address_proof", "住所使用证明", True)), 5),
    BusinessItem("CONSTRUCTION_PERMIT", "建筑工程施工许可", "市住房和城乡建设局",
                 (LICENCE, _m("land_use", "建设用地规划许可证"), _m("drawings", "施工图审查合格书"),
                  _m("contract", "施工合同", True), _m("funds_proof", "建设资金落实证明", True)), 10),
    BusinessItem("SAFETY_LICENCE", "安全生产许可", "市应急管理局",
                 (LICENCE, _m("safety_rules", "安全生产责任制度"),
                  _m("safety_training", "主要负责人安全培训合格证明", True)), 7),
    BusinessItem("TAX_INVOICE", "增值税发票领用", "国家税务总局绍兴市税务局",
                 (LICENCE, ID_CARD, _m("seal", "发票专用章印模", True)), 5),
    BusinessItem("EMPLOYMENT_SUBSIDY", "就业创业补贴申领", "市人力资源和社会保障局",
                 (ID_CARD, _m("bank_account", "银行账户信息"), SOCIAL_PROOF), 10),
    BusinessItem("FIRE_INSPECTION", "公众聚集场所投入使用、营业前消防安全检查", "市消防救援支队",
                 (LICENCE, _m("fire_plan", "消防安全制度和应急预案", True),
                  _m("fire_facilities", "消防设施检测报告")), 5),
    BusinessItem("POLLUTION_PERMIT", "排污许可", "市生态环境局",
                 (LICENCE, _m("eia", "环境影响评价批复"), _m("monitoring", "自行监测方案", True)), 10),
)

_PUBLIC_MONEY = frozenset({"GOV_PROCUREMENT", "CONSTRUCTION_BIDDING", "LAND_TRANSFER",
                           "HONOUR", "FISCAL_FUNDS"})

TAX_MEMO = "《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录》"
JUDGMENT_MEMO = "《关于对失信被执行人实施联合惩戒的合作备忘录》"
SAFETY_MEMO = "《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》"
FOOD_MEMO = "《关于对食品药品生产经营严重失信者开展联合惩戒的合作备忘录》"
WAGE_MEMO = "《关于对严重拖欠农民工工资用人单位及其有关人员开展联合惩戒的备忘录》"
ENV_MEMO = "《关于对环境保护领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》"
DISCLOSURE_RULE = "《企业信息公示暂行条例》第十八条"
SERIOUS_RULE = "《严重违法失信企业名单管理暂行办法》"
ZJ_RULE = "《浙江省公共信用信息管理条例》"
TAX_A_MEMO = "《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》"


def _measure(code, kind, text, basis, kinds, fields=(), items=()) -> Measure:
    return Measure(code, kind, text, basis, frozenset(kinds), frozenset(fields), frozenset(items))


P, X, L, INC = MeasureKind.PROHIBIT, MeasureKind.RESTRICT, MeasureKind.ALERT, MeasureKind.INCENTIVE

MEASURES: tuple[Measure, ...] = (
    _measure("TAX-P", P, "重大税收违法失信主体禁止参与政府采购、工程招投标、土地出让、评优评先和财政资金申报",
             TAX_MEMO, [B], ["tax"], _PUBLIC_MONEY),
    _measure("TAX-X", X, "重大税收违法失信主体增值税发票严格限量供应，从严审核", TAX_MEMO,
             [B], ["tax"], ["TAX_INVOICE"]),
    _measure("JUDGMENT-P", P, "失信被执行人禁止参与政府采购、工程招投标、土地出让、评优评先和财政资金申报",
             JUDGMENT_MEMO, [B], ["judgment_debtor"], _PUBLIC_MONEY),
    _measure("JUDGMENT-X", X, "失信被执行人担任法定代表人、董事、监事、高管的，从严审核设立登记",
             JUDGMENT_MEMO, [B], ["judgment_debtor"], ["BUSINESS_REGISTRATION"]),
    _measure("JUDGMENT-L", L, "申请人为失信被执行人，补贴发放前核实履行情况", JUDGMENT_MEMO,
             [B], ["judgment_debtor"], ["EMPLOYMENT_SUBSIDY", "ROAD_TRANSPORT"]),
    _measure("SAFETY-P", P, "安全生产失信主体禁止取得安全生产许可、参与工程招投标", SAFETY_MEMO,
             [B], ["production_safety"], ["SAFETY_LICENCE", "CONSTRUCTION_BIDDING"]),
    _measure("SAFETY-X", X, "安全生产失信主体施工许可从严审核", SAFETY_MEMO,
             [B], ["production_safety"], ["CONSTRUCTION_PERMIT"]),
    _measure("FOOD-P", P, "食品安全严重失信者禁止取得食品经营许可", FOOD_MEMO,
             [B], ["food_safety"], ["FOOD_LICENCE"]),
    _measure("WAGE-P", P, "拖欠工资失信主体禁止参与政府采购、工程招投标和评优评先", WAGE_MEMO,
             [B], ["wage_arrears"], ["GOV_PROCUREMENT", "CONSTRUCTION_BIDDING", "HONOUR"]),
    _measure("WAGE-X", X, "拖欠工资失信主体财政资金申报和施工许可从严审核", WAGE_MEMO,
             [B], ["wage_arrears"], ["FISCAL_FUNDS", "CONSTRUCTION_PERMIT"]),
    _measure("FIRE-P", P, "消防安全失信主体禁止通过营业前消防安全检查", ZJ_RULE,
             [B], ["fire_safety"], ["FIRE_INSPECTION"]),
    _measure("ENV-P", P, "环境保护失信主体禁止取得排污许可", ENV_MEMO,
             [B], ["environment"], ["POLLUTION_PERMIT"]),
    _measure("ENV-X", X, "环境保护失信主体财政资金申报从严审核", ENV_MEMO,
             [B], ["environment"], ["FISCAL_FUNDS"]),
    _measure("TRANSPORT-P", P, "交通运输失信主体禁止取得道路运输经营许可", ZJ_RULE,
             [B], ["transport"], ["ROAD_TRANSPORT"]),
    _measure("SERIOUS-P", P, "严重违法失信企业禁止参与政府采购、工程招投标、土地出让和授予荣誉称号",
             DISCLOSURE_RULE, [S], [], ["GOV_PROCUREMENT", "CONSTRUCTION_BIDDING",
                                        "LAND_TRANSFER", "HONOUR"]),
    _measure("SERIOUS-X", X, "严重违法失信企业申请行政许可从严审核", SERIOUS_RULE, [S], [],
             ["FISCAL_FUNDS", "FOOD_LICENCE", "ROAD_TRANSPORT", "CONSTRUCTION_PERMIT",
              "SAFETY_LICENCE", "POLLUTION_PERMIT", "TAX_INVOICE"]),
    _measure("ABNORMAL-X", X, "列入经营异常名录的企业参与政府采购、工程招投标、土地出让和评优评先从严审核",
             DISCLOSURE_RULE, [A], [], _PUBLIC_MONEY),
    _measure("ABNORMAL-L", L, "申请人列入经营异常名录，提示关注并督促移出", DISCLOSURE_RULE, [A]),
    _measure("TAXA-I", INC, "纳税信用A级纳税人可享受容缺受理、绿色通道等激励措施", TAX_A_MEMO,
             [R], ["tax"]),
    _measure("RED-I", INC, "守信红名单主体可享受容缺受理、告知承诺、绿色通道等激励措施", ZJ_RULE, [R]),
)


def item(code: str) -> BusinessItem | None:
    """The catalogue entry for ``code``, or None."""
    return _BY_CODE.get(code)


_BY_CODE = {i.code: i for i in ITEMS}

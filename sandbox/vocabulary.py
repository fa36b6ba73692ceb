"""Vocabulary of the synthetic data set: districts, names, departments, legal bases, warnings.

Plain data for :mod:`sandbox.generator`; changing any of it changes the generated rows,
so it goes with a new ``GENERATOR_VERSION``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.domain import RecordKind, WarningLevel
from sandbox import catalog

RED, BLACK = RecordKind.RED_LIST.value, RecordKind.BLACKLIST.value
ABNORMAL, SERIOUS = RecordKind.BUSINESS_ABNORMALITY.value, RecordKind.SERIOUS_ILLEGAL.value


def _weighted(pairs: Sequence[tuple[object, int]]) -> tuple:
    """Repeat each value by its weight so a uniform pick is a weighted pick (and fast)."""
    return tuple(value for value, weight in pairs for _ in range(weight))


@dataclass(frozen=True)
class District:
    name: str
    code: str
    # Residents registered before the 2013 re-districting keep 绍兴县/上虞市 codes.
    legacy_code: str
    weight: int
    prefixes: tuple[str, ...]  # how company names start
    specialities: tuple[str, ...]  # local industries, drawn more often
    shops: tuple[str, ...]  # local goods of individual businesses
    court: str
    tax_office: str
    market_office: str


def _district(name, code, legacy, weight, prefixes, specialities, shops, city_prefix):
    return District(
        name,
        code,
        legacy,
        weight,
        prefixes,
        specialities,
        shops,
        court=f"{city_prefix}{name}人民法院",
        tax_office=f"国家税务总局{city_prefix}{name}税务局",
        market_office=f"{city_prefix}{name}市场监督管理局",
    )


DISTRICTS: tuple[District, ...] = (
    _district(
        "越城区",
        "330602",
        "330602",
        20,
        ("绍兴市", "绍兴市越城区", "绍兴"),
        ("黄酒", "建设工程", "电子科技", "文化传媒"),
        ("黄酒", "茶叶"),
        "绍兴市",
    ),
    _district(
        "柯桥区",
        "330603",
        "330621",
        25,
        ("绍兴市柯桥区", "绍兴市", "绍兴柯桥"),
        ("纺织", "印染", "化纤", "纺织品", "家纺"),
        ("布艺", "纺织品"),
        "绍兴市",
    ),
    _district(
        "上虞区",
        "330604",
        "330682",
        16,
        ("绍兴市上虞区", "绍兴上虞"),
        ("化工", "医药", "伞业", "新材料"),
        ("伞具", "水果"),
        "绍兴市",
    ),
    _district(
        "新昌县",
        "330624",
        "330624",
        7,
        ("新昌县", "绍兴市"),
        ("轴承", "医药", "茶叶", "机械"),
        ("茶叶", "小吃"),
        "",
    ),
    _district(
        "诸暨市",
        "330681",
        "330681",
        21,
        ("诸暨市", "绍兴市"),
        ("珍珠", "袜业", "五金", "管业"),
        ("珍珠", "袜子"),
        "",
    ),
    _district(
        "嵊州市",
        "330683",
        "330683",
        11,
        ("嵊州市", "绍兴市"),
        ("领带", "厨具", "电机", "茶叶"),
        ("领带", "小吃"),
        "",
    ),
)
DISTRICT_PICK = _weighted([(d, d.weight) for d in DISTRICTS])

_INDUSTRIES = (
    "纺织",
    "印染",
    "化纤",
    "机械",
    "五金",
    "建设工程",
    "建材",
    "食品",
    "黄酒",
    "茶叶",
    "物流",
    "电子科技",
    "医药",
    "轴承",
    "袜业",
    "贸易",
    "服饰",
    "包装",
    "化工",
    "汽车部件",
    "电器",
    "印刷",
    "装饰工程",
    "信息技术",
    "环保科技",
    "实业",
    "农业开发",
    "进出口",
    "新材料",
)
# Per district: the general industries plus its specialities four times over.
INDUSTRY_PICK = {d.name: _INDUSTRIES + d.specialities * 4 for d in DISTRICTS}
FORMS = _weighted([("有限公司", 15), ("有限责任公司", 3), ("股份有限公司", 2)])
_SHOP_GOODS = (
    "五金",
    "副食品",
    "服装",
    "建材",
    "水果",
    "家电",
    "烟酒",
    "日用品",
    "汽车修理",
    "文具",
    "花卉",
    "小吃",
    "理发",
)
SHOP_PICK = {d.name: _SHOP_GOODS + d.shops * 3 for d in DISTRICTS}
SHOP_FORMS = ("店", "店", "经营部", "商行")
CROPS = (
    "茶叶",
    "水果",
    "蔬菜",
    "香榧",
    "蓝莓",
    "葡萄",
    "水产养殖",
    "粮油",
    "蚕桑",
    "花木",
    "生猪养殖",
    "笋竹",
)
# Entity type digit of the USCC (登记管理部门 9 = market regulation): 1 company,
# 2 individual business (个体工商户), 3 farmers' cooperative (农民专业合作社).
ENTITY_PICK = _weighted([("1", 85), ("2", 11), ("3", 4)])

# Characters for trade names (字号): auspicious and local words, none repeated.
TRADE_CHARS = tuple(
    dict.fromkeys(
        "华锦鑫源达泰恒盛隆昌兴宏伟诚信和顺金银宝丰裕瑞祥福安康永新远通海天宇星辰光明亚欧美嘉"
        "佳润泽博创正德仁义利卓越凯晟禾绿青蓝稽兰亭鉴湖舜禹会宁东南中万千方圆汇聚联合力豪雄杰"
        "俊英荣耀鸿鹏飞翔腾龙凤麒麟虹霞云峰山川江河湾港城邦国华夏神州精工匠艺巧慧智思远志广"
        "阔大众兆亿富贵吉庆喜乐欣悦怡雅韵秀美丽莱蒂纳斯尔特克迪奥帝豪皇冠王者君子兰竹梅菊松柏"
        "柳杨桐楠樟杉桂荷莲蕾芳菲芬香馨茂森林木火土石玉翠珠晶钻铭刻印象之尚上品优质良善德馨"
    )
)

SURNAMES = _weighted(
    [(s, 6) for s in "王陈张李周徐金"]
    + [(s, 3) for s in "杨沈吴钱楼俞何孙胡"]
    + [
        (s, 1)
        for s in "赵朱黄章骆钟斯宣袁蒋马郭董傅应魏丁寿任屠潘叶冯邵孟"
        "单谢梁范韩汪方卢唐许高罗郑蔡茹阮裘"
    ]
)
MALE = "伟强军杰建国明华平刚斌勇涛浩磊鹏林锋俊峰波辉超龙文亮东海江宇晨阳立新志永春荣"
FEMALE = "芳娟敏静丽艳霞燕玲萍红英琴慧洁婷雪颖佳怡欣倩丹妍雅晓梦月琳莉洁蓉萱"
BOTH = "一子天心思嘉宁安晨欣文海"

# Record fields with weights; the department and legal basis follow from the field.
ORG_RED = _weighted(
    [
        ("tax", 50),
        ("contract", 25),
        ("customs", 8),
        ("production_safety", 7),
        ("social_insurance", 5),
        ("environment", 5),
    ]
)
ORG_BLACK = _weighted(
    [
        ("tax", 25),
        ("judgment_debtor", 25),
        ("wage_arrears", 12),
        ("production_safety", 10),
        ("environment", 10),
        ("food_safety", 8),
        ("fire_safety", 6),
        ("transport", 4),
    ]
)
PERSON_BLACK = _weighted([("judgment_debtor", 8), ("wage_arrears", 1), ("transport", 1)])
PERSON_RED = ("public_welfare", "volunteer")

CITY_DEPARTMENT = {
    "tax": "国家税务总局绍兴市税务局",
    "customs": "绍兴海关",
    "contract": "绍兴市市场监督管理局",
    "market_regulation": "绍兴市市场监督管理局",
    "food_safety": "绍兴市市场监督管理局",
    "production_safety": "绍兴市应急管理局",
    "fire_safety": "绍兴市消防救援支队",
    "wage_arrears": "绍兴市人力资源和社会保障局",
    "social_insurance": "绍兴市人力资源和社会保障局",
    "judgment_debtor": "绍兴市中级人民法院",
    "environment": "绍兴市生态环境局",
    "transport": "绍兴市交通运输局",
    "public_welfare": "绍兴市精神文明建设委员会办公室",
    "volunteer": "共青团绍兴市委员会",
}
# Fields mostly handled by the district office (county court, district tax bureau...):
# the attribute of District to use and how often.
LOCAL_DEPARTMENT = {
    "judgment_debtor": ("court", 0.8),
    "tax": ("tax_office", 0.6),
    "market_regulation": ("market_office", 0.7),
}
_PERSONAL_RED_BASIS = "《关于加强个人诚信体系建设的指导意见》"
BASIS = {
    (RED, "tax"): catalog.TAX_A_MEMO,
    (RED, "customs"): "《关于对海关高级认证企业实施联合激励的合作备忘录》",
    (RED, "public_welfare"): _PERSONAL_RED_BASIS,
    (RED, "volunteer"): _PERSONAL_RED_BASIS,
    (BLACK, "tax"): catalog.TAX_MEMO,
    (BLACK, "judgment_debtor"): catalog.JUDGMENT_MEMO,
    (BLACK, "production_safety"): catalog.SAFETY_MEMO,
    (BLACK, "food_safety"): catalog.FOOD_MEMO,
    (BLACK, "wage_arrears"): catalog.WAGE_MEMO,
    (BLACK, "environment"): catalog.ENV_MEMO,
    (ABNORMAL, "market_regulation"): catalog.DISCLOSURE_RULE,
    (SERIOUS, "market_regulation"): catalog.SERIOUS_RULE,
}  # anything else: the provincial public credit regulation (catalog.ZJ_RULE)

# How long a listing lasts, in days (None: until removed, as the abnormality list).
DURATION = {RED: (730, 1095), BLACK: (1095, 1825), SERIOUS: (1825, 1825)}
HISTORY = 1825  # records are listed within the last five years

WARNING_POINTS = (
    "欠缴税款",
    "社保欠费",
    "水电气费欠缴",
    "涉诉案件激增",
    "行政处罚",
    "股权冻结",
    "动产抵押异常",
    "高管频繁变更",
    "安全生产隐患",
    "环保违规排放",
    "拖欠工资投诉",
    "银行贷款逾期",
    "对外担保过多",
    "住所无法联系",
    "未按时公示年报",
    "产品质量抽检不合格",
    "消防检查不合格",
    "食品安全投诉集中",
    "用电量骤降",
    "参保人数骤减",
    "注册资本大幅减少",
    "欠缴住房公积金",
    "被执行标的激增",
    "经营范围频繁变更",
    "法定代表人涉失信",
)
LEVEL_PICK = _weighted(
    [(WarningLevel.RED.value, 1), (WarningLevel.YELLOW.value, 3), (WarningLevel.BLUE.value, 6)]
)

# Grade distribution by standing, tuned so the whole population comes out near
# 20% A, 50% B, 22% C, 8% D: cumulative thresholds for A, B, C (D takes the rest).
GRADE_THRESHOLDS = {
    "bad": (0.0, 0.05, 0.45),  # an active blacklist or serious-illegal record
    "abnormal": (0.0, 0.25, 0.75),
    "red": (0.75, 1.0, 1.0),
    "clean": (0.171, 0.703, 0.924),
}
SCORES = {"A": (90, 100), "B": (75, 89), "C": (60, 74), "D": (35, 59)}

# Subjects forced at the start of every data set so each verdict has examples (see
# sandbox/samples.py): the n-th organisation / person generated gets the n-th profile.

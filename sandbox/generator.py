"""Deterministic synthetic data for the reference credit platform (sandbox).

``ensure_generated`` fills the tables of :mod:`sandbox.storage` with a Shaoxing-like
population: organisations with unified social credit codes, persons with resident
identity numbers, red/black/abnormality/serious-illegal records, public credit grades,
risk warnings and investor groups (related parties, 关联企业).

The same ``(seed, subjects, today)`` always gives the same rows: one ``random.Random(seed)``
drives everything and is consumed in a fixed order, chunk after chunk. Identifiers are
unique by construction (scrambled counters, see ``_Scramble`` and ``_Population._person``),
so no set of issued codes has to be kept for a million subjects.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, exc, select
from stdnum.cn import ric, uscc

from desktop.domain import RecordKind, RecordState, SubjectKind, WarningLevel
from sandbox import catalog, storage

GENERATOR_VERSION = 1
# Subjects per insert batch and per progress call. Part of the data set's definition
# (kinds and investor groups are drawn per chunk): changing it changes the rows, so it
# must go with a new GENERATOR_VERSION, as must any change to the draws below.
CHUNK = 10_000

RED, BLACK = RecordKind.RED_LIST.value, RecordKind.BLACKLIST.value
ABNORMAL, SERIOUS = RecordKind.BUSINESS_ABNORMALITY.value, RecordKind.SERIOUS_ILLEGAL.value
ACTIVE, REPAIRED, EXPIRED = (s.value for s in RecordState)
ORG, PERSON = SubjectKind.ORGANISATION.value, SubjectKind.PERSON.value


@dataclass(frozen=True)
class GenerationSummary:
    """What a data set holds. ``seconds`` is the wall time of the call that returned it."""

    subjects: int
    organisations: int
    persons: int
    records: int
    warnings: int
    list_version: int
    seconds: float
    generated: bool


def ensure_generated(
    engine: Engine,
    *,
    seed: int,
    subjects: int,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Create the tables and fill them with the data set ``(seed, subjects)``, once.

    If the database already holds this data set (same seed, size and generator version)
    nothing is written and the stored counts come back with ``generated=False``. A
    database holding any other data is never wiped: that raises :class:`ValueError`.
    Dates are relative to ``today`` (default: the real today). ``progress(done, total)``
    is called after every chunk of 10,000 subjects, the last call with ``done == total``.
    Everything is written in one transaction, so an interrupted run leaves no half data set.
    """
    if subjects < 0:
        raise ValueError(f"subjects must not be negative, got {subjects}")
    started = time.perf_counter()
    storage.create_all(engine)
    wanted = {
        "seed": str(seed),
        "subjects": str(subjects),
        "generator_version": str(GENERATOR_VERSION),
    }
    with engine.connect() as conn:
        stored = _read_meta(conn)
        populated = conn.execute(select(storage.subjects.c.id).limit(1)).first() is not None
    if stored or populated:
        return _reuse(stored, wanted, started)
    try:
        counts = _generate(engine, seed, subjects, today or dt.date.today(), progress)
    except exc.DBAPIError as error:
        # Two processes started on one empty file race; the loser finds the winner's data.
        with engine.connect() as conn:
            stored = _read_meta(conn)
        if not stored:
            raise
        try:
            return _reuse(stored, wanted, started)
        except ValueError:
            raise error from None
    return GenerationSummary(
        subjects=subjects, **counts, seconds=time.perf_counter() - started, generated=True
    )


def _read_meta(conn) -> dict[str, str]:
    rows = conn.execute(select(storage.meta.c.key, storage.meta.c.value))
    return {key: value for key, value in rows}


def _reuse(stored: dict[str, str], wanted: dict[str, str], started: float) -> GenerationSummary:
    """The stored summary if ``stored`` describes the wanted data set; ValueError otherwise."""
    if not stored:
        raise ValueError(
            "the database already holds subjects but no generator metadata; refusing to "
            "overwrite it (use an empty database)"
        )
    found = {key: stored.get(key) for key in wanted}
    if found != wanted:
        have = ", ".join(f"{k}={v}" for k, v in found.items())
        want = ", ".join(f"{k}={v}" for k, v in wanted.items())
        raise ValueError(
            f"the database already holds another data set ({have}); asked for ({want}). "
            "Use another database or drop its tables first."
        )
    counts = {k: int(stored[k]) for k in ("organisations", "persons", "records", "warnings")}
    return GenerationSummary(
        subjects=int(stored["subjects"]),
        **counts,
        list_version=int(stored["list_version"]),
        seconds=time.perf_counter() - started,
        generated=False,
    )


def _generate(
    engine: Engine,
    seed: int,
    total: int,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    population = _Population(random.Random(seed), today)
    with engine.begin() as conn:
        for start in range(0, total, CHUNK):
            size = min(CHUNK, total - start)
            subject_rows, record_rows, warning_rows = population.chunk(start, size)
            conn.execute(storage.subjects.insert(), subject_rows)
            if record_rows:
                conn.execute(storage.records.insert(), record_rows)
            if warning_rows:
                conn.execute(storage.warnings.insert(), warning_rows)
            if progress is not None:
                progress(start + size, total)
        counts = {
            "organisations": population.organisations,
            "persons": population.persons,
            "records": population.records,
            "warnings": population.warnings,
            # Versions are the record sequence numbers, so the newest is the count.
            "list_version": population.records,
        }
        values = {
            "seed": seed,
            "subjects": total,
            "generator_version": GENERATOR_VERSION,
            "generated_on": today.isoformat(),
            "catalog_version": catalog.CATALOG_VERSION,
            **counts,
        }
        conn.execute(
            storage.meta.insert(), [{"key": k, "value": str(v)} for k, v in values.items()]
        )
    return counts


# --------------------------------------------------------------------------- vocabulary


def _weighted(pairs: Sequence[tuple[object, int]]) -> tuple:
    """Repeat each value by its weight so a uniform pick is a weighted pick (and fast)."""
    return tuple(value for value, weight in pairs for _ in range(weight))


@dataclass(frozen=True)
class _District:
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
    return _District(
        name, code, legacy, weight, prefixes, specialities, shops,
        court=f"{city_prefix}{name}人民法院",
        tax_office=f"国家税务总局{city_prefix}{name}税务局",
        market_office=f"{city_prefix}{name}市场监督管理局",
    )


DISTRICTS: tuple[_District, ...] = (
    _district("越城区", "330602", "330602", 20, ("绍兴市", "绍兴市越城区", "绍兴"),
              ("黄酒", "建设工程", "电子科技", "文化传媒"), ("黄酒", "茶叶"), "绍兴市"),
    _district("柯桥区", "330603", "330621", 25, ("绍兴市柯桥区", "绍兴市", "绍兴柯桥"),
              ("纺织", "印染", "化纤", "纺织品", "家纺"), ("布艺", "纺织品"), "绍兴市"),
    _district("上虞区", "330604", "330682", 16, ("绍兴市上虞区", "绍兴上虞"),
              ("化工", "医药", "伞业", "新材料"), ("伞具", "水果"), "绍兴市"),
    _district("新昌县", "330624", "330624", 7, ("新昌县", "绍兴市"),
              ("轴承", "医药", "茶叶", "机械"), ("茶叶", "小吃"), ""),
    _district("诸暨市", "330681", "330681", 21, ("诸暨市", "绍兴市"),
              ("珍珠", "袜业", "五金", "管业"), ("珍珠", "袜子"), ""),
    _district("嵊州市", "330683", "330683", 11, ("嵊州市", "绍兴市"),
              ("领带", "厨具", "电机", "茶叶"), ("领带", "小吃"), ""),
)
_DISTRICT_PICK = _weighted([(d, d.weight) for d in DISTRICTS])

_INDUSTRIES = (
    "纺织", "印染", "化纤", "机械", "五金", "建设工程", "建材", "食品", "黄酒", "茶叶", "物流",
    "电子科技", "医药", "轴承", "袜业", "贸易", "服饰", "包装", "化工", "汽车部件", "电器",
    "印刷", "装饰工程", "信息技术", "环保科技", "实业", "农业开发", "进出口", "新材料",
)
# Per district: the general industries plus its specialities four times over.
_INDUSTRY_PICK = {d.name: _INDUSTRIES + d.specialities * 4 for d in DISTRICTS}
_FORMS = _weighted([("有限公司", 15), ("有限责任公司", 3), ("股份有限公司", 2)])
_SHOP_GOODS = ("五金", "副食品", "服装", "建材", "水果", "家电", "烟酒", "日用品", "汽车修理",
               "文具", "花卉", "小吃", "理发")
_SHOP_PICK = {d.name: _SHOP_GOODS + d.shops * 3 for d in DISTRICTS}
_SHOP_FORMS = ("店", "店", "经营部", "商行")
_CROPS = ("茶叶", "水果", "蔬菜", "香榧", "蓝莓", "葡萄", "水产养殖", "粮油", "蚕桑", "花木",
          "生猪养殖", "笋竹")
# Entity type digit of the USCC (登记管理部门 9 = market regulation): 1 company,
# 2 individual business (个体工商户), 3 farmers' cooperative (农民专业合作社).
_ENTITY_PICK = _weighted([("1", 85), ("2", 11), ("3", 4)])

# Characters for trade names (字号): auspicious and local words, none repeated.
_TRADE_CHARS = tuple(dict.fromkeys(
    "华锦鑫源达泰恒盛隆昌兴宏伟诚信和顺金银宝丰裕瑞祥福安康永新远通海天宇星辰光明亚欧美嘉"
    "佳润泽博创正德仁义利卓越凯晟禾绿青蓝稽兰亭鉴湖舜禹会宁东南中万千方圆汇聚联合力豪雄杰"
    "俊英荣耀鸿鹏飞翔腾龙凤麒麟虹霞云峰山川江河湾港城邦国华夏神州精工匠艺巧慧智思远志广"
    "阔大众兆亿富贵吉庆喜乐欣悦怡雅韵秀美丽莱蒂纳斯尔特克迪奥帝豪皇冠王者君子兰竹梅菊松柏"
    "柳杨桐楠樟杉桂荷莲蕾芳菲芬香馨茂森林木火土石玉翠珠晶钻铭刻印象之尚上品优质良善德馨"
))

_SURNAMES = _weighted([(s, 6) for s in "王陈张李周徐金"] + [(s, 3) for s in "杨沈吴钱楼俞何孙胡"]
                      + [(s, 1) for s in "赵朱黄章骆钟斯宣袁蒋马郭董傅应魏丁寿任屠潘叶冯邵孟"
                                          "单谢梁范韩汪方卢唐许高罗郑蔡茹阮裘"])
_MALE = "伟强军杰建国明华平刚斌勇涛浩磊鹏林锋俊峰波辉超龙文亮东海江宇晨阳立新志永春荣"
_FEMALE = "芳娟敏静丽艳霞燕玲萍红英琴慧洁婷雪颖佳怡欣倩丹妍雅晓梦月琳莉洁蓉萱"
_BOTH = "一子天心思嘉宁安晨欣文海"

# Record fields with weights; the department and legal basis follow from the field.
_ORG_RED = _weighted([("tax", 50), ("contract", 25), ("customs", 8), ("production_safety", 7),
                      ("social_insurance", 5), ("environment", 5)])
_ORG_BLACK = _weighted([("tax", 25), ("judgment_debtor", 25), ("wage_arrears", 12),
                        ("production_safety", 10), ("environment", 10), ("food_safety", 8),
                        ("fire_safety", 6), ("transport", 4)])
_PERSON_BLACK = _weighted([("judgment_debtor", 8), ("wage_arrears", 1), ("transport", 1)])
_PERSON_RED = ("public_welfare", "volunteer")

_CITY_DEPARTMENT = {
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
# the attribute of _District to use and how often.
_LOCAL_DEPARTMENT = {
    "judgment_debtor": ("court", 0.8),
    "tax": ("tax_office", 0.6),
    "market_regulation": ("market_office", 0.7),
}
_PERSONAL_RED_BASIS = "《关于加强个人诚信体系建设的指导意见》"
_BASIS = {
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
_DURATION = {RED: (730, 1095), BLACK: (1095, 1825), SERIOUS: (1825, 1825)}
_HISTORY = 1825  # records are listed within the last five years

WARNING_POINTS = (
    "欠缴税款", "社保欠费", "水电气费欠缴", "涉诉案件激增", "行政处罚", "股权冻结", "动产抵押异常",
    "高管频繁变更", "安全生产隐患", "环保违规排放", "拖欠工资投诉", "银行贷款逾期", "对外担保过多",
    "住所无法联系", "未按时公示年报", "产品质量抽检不合格", "消防检查不合格", "食品安全投诉集中",
    "用电量骤降", "参保人数骤减", "注册资本大幅减少", "欠缴住房公积金", "被执行标的激增",
    "经营范围频繁变更", "法定代表人涉失信",
)
_LEVEL_PICK = _weighted([(WarningLevel.RED.value, 1), (WarningLevel.YELLOW.value, 3),
                         (WarningLevel.BLUE.value, 6)])

# Grade distribution by standing, tuned so the whole population comes out near
# 20% A, 50% B, 22% C, 8% D: cumulative thresholds for A, B, C (D takes the rest).
_GRADE_THRESHOLDS = {
    "bad": (0.0, 0.05, 0.45),  # an active blacklist or serious-illegal record
    "abnormal": (0.0, 0.25, 0.75),
    "red": (0.75, 1.0, 1.0),
    "clean": (0.171, 0.703, 0.924),
}
_SCORES = {"A": (90, 100), "B": (75, 89), "C": (60, 74), "D": (35, 59)}

# Subjects forced at the start of every data set so each verdict has examples (see
# sandbox/samples.py): the n-th organisation / person generated gets the n-th profile.
_SHOWCASE_ORGS = ("tax_blacklist",) * 4 + ("abnormal",) * 4 + ("red",) * 4 + ("clean",) * 4
_SHOWCASE_PERSONS = ("judgment_debtor",) * 4 + ("red",) * 4 + ("clean",) * 4

_BIRTH_FIRST, _BIRTH_LAST = dt.date(1945, 1, 1), dt.date(2006, 12, 31)
_PERSON_CODES = dict.fromkeys(c for d in DISTRICTS for c in (d.code, d.legacy_code))
_PERSON_CODE_INDEX = {code: i for i, code in enumerate(_PERSON_CODES)}
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code check


def _org_code_check(body: str) -> str:
    """GB 11714 check character: letters count A=10 .. Z=35; 10 -> X, 11 -> 0.

    The result is always 0-9 or X, all in the USCC alphabet, so no code is ever redrawn.
    """
    total = sum(w * int(c, 36) for w, c in zip(_ORG_WEIGHTS, body, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


class _Scramble:
    """Distinct numbers below ``size`` in a scrambled order: k -> (a*k + b) mod size.

    With ``a`` coprime to ``size`` the map is a bijection, so codes never repeat and
    nothing issued has to be remembered.
    """

    def __init__(self, rng: random.Random, size: int) -> None:
        self.size = size
        self.a = rng.randrange(1, size)
        while math.gcd(self.a, size) != 1:
            self.a = rng.randrange(1, size)
        self.b = rng.randrange(size)
        self.k = 0

    def next(self) -> int:
        if self.k >= self.size:
            raise ValueError("organisation code space exhausted")
        value = (self.a * self.k + self.b) % self.size
        self.k += 1
        return value


# --------------------------------------------------------------------------- population


class _Population:
    """Draws subjects, records and warnings chunk by chunk from one random stream."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self._rng = rng
        self._random = rng.random
        # ISO strings for every day a record can mention (listed up to five years ago,
        # expiring up to five years ahead), so a date costs one index.
        self._day_strings = [
            (today + dt.timedelta(days=d)).isoformat() for d in range(-_HISTORY, _HISTORY + 1)
        ]
        days = (_BIRTH_LAST - _BIRTH_FIRST).days + 1
        self._births = [
            (_BIRTH_FIRST + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(days)
        ]
        # People already issued per (region code, birth day): the sequence code follows it.
        self._born = array("H", bytes(2 * days * len(_PERSON_CODE_INDEX)))
        self._sequence_offset = rng.randrange(1000)
        # Legacy organisation codes are 8 digits; codes issued since 2015 start with "MA".
        self._legacy_codes = _Scramble(rng, 10**8)
        self._new_codes = _Scramble(rng, len(_USCC_ALPHABET) ** 6)
        self.organisations = self.persons = self.records = self.warnings = self.groups = 0
        self._record_rows: list[dict] = []
        self._warning_rows: list[dict] = []

    def _pick(self, seq: Sequence):
        return seq[int(self._random() * len(seq))]

    def _between(self, low: int, high: int) -> int:
        return low + int(self._random() * (high - low + 1))

    def _day(self, offset: int) -> str:
        """ISO date ``offset`` days from today (negative: in the past)."""
        return self._day_strings[offset + _HISTORY]

    # ------------------------------------------------------------------ chunk

    def chunk(self, start: int, size: int) -> tuple[list[dict], list[dict], list[dict]]:
        """Rows for subjects ``start .. start+size-1``: subjects, records, warnings."""
        # Exactly one subject in four is a person, spread at random within the chunk.
        persons = (start + size) // 4 - start // 4
        is_person = [False] * size
        for pos in self._rng.sample(range(size), persons):
            is_person[pos] = True
        groups, warned = self._groups(is_person)
        self._record_rows, self._warning_rows = [], []
        rows = []
        for pos in range(size):
            if is_person[pos]:
                row = self._person()
            else:
                row = self._organisation(force_warning=pos in warned)
            row["investor_group"], row["investor_role"] = groups.get(pos, (None, None))
            rows.append(row)
        return rows, self._record_rows, self._warning_rows

    def _groups(self, is_person: list[bool]) -> tuple[dict[int, tuple[int, str]], set[int]]:
        """Investor groups of 2-5 organisations in this chunk, some with a person investor.

        Returns the group and role by position, and the positions that must carry a
        warning: the first member of the chunk's first group, so related-party warnings
        always have an example.
        """
        orgs = [p for p, person in enumerate(is_person) if not person]
        people = [p for p, person in enumerate(is_person) if person]
        groups: dict[int, tuple[int, str]] = {}
        warned: set[int] = set()
        i = 0
        # A group starts at ~3% of organisations; with 3.5 members on average ~10% belong to one.
        while i < len(orgs) - 1:
            if self._random() >= 0.031:
                i += 1
                continue
            members = orgs[i : i + self._between(2, 5)]
            i += len(members)
            self.groups += 1
            for p in members:
                groups[p] = (self.groups, "invested")
            if not warned:
                warned.add(members[0])
            if self._random() < 0.3 and people:
                investor = self._pick(people)
                if investor not in groups:
                    groups[investor] = (self.groups, "investor")
        return groups, warned

    # ------------------------------------------------------------------ organisations

    def _organisation(self, force_warning: bool) -> dict:
        profile = (
            _SHOWCASE_ORGS[self.organisations]
            if self.organisations < len(_SHOWCASE_ORGS)
            else None
        )
        self.organisations += 1
        district = self._pick(_DISTRICT_PICK)
        entity = self._pick(_ENTITY_PICK)
        if self._random() < 0.6:
            value, body = self._new_codes.next(), "MA"
            for _ in range(6):
                value, digit = divmod(value, len(_USCC_ALPHABET))
                body += _USCC_ALPHABET[digit]
        else:
            body = f"{self._legacy_codes.next():08d}"
        first17 = "9" + entity + district.code + body + _org_code_check(body)
        sid = first17 + uscc.calc_check_digit(first17)
        name = self._org_name(district, entity)

        kinds = self._org_records(sid, district, profile)
        if force_warning or self._random() < 0.05:
            self._warn(sid)
        return self._subject(sid, ORG, name, district, kinds)

    def _org_name(self, district: _District, entity: str) -> str:
        trade = self._trade_name()
        if entity == "2":
            goods = self._pick(_SHOP_PICK[district.name])
            return f"{district.name}{trade}{goods}{self._pick(_SHOP_FORMS)}"
        if entity == "3":
            return f"{district.name}{trade}{self._pick(_CROPS)}专业合作社"
        prefix = self._pick(district.prefixes)
        industry = self._pick(_INDUSTRY_PICK[district.name])
        return f"{prefix}{trade}{industry}{self._pick(_FORMS)}"

    def _trade_name(self) -> str:
        first = self._pick(_TRADE_CHARS)
        second = self._pick(_TRADE_CHARS)
        while second == first:
            second = self._pick(_TRADE_CHARS)
        return first + second

    def _org_records(self, sid: str, district: _District, profile: str | None) -> set[str]:
        """Draw an organisation's records; returns the kinds in force today."""
        if profile is not None:
            return self._showcase(sid, district, {
                "tax_blacklist": [(BLACK, "tax")],
                "abnormal": [(ABNORMAL, "market_regulation")],
                "red": [(RED, self._pick(_ORG_RED))],
                "clean": [],
            }[profile])
        live: set[str] = set()
        rnd = self._random
        if rnd() < 0.11:
            first = self._pick(_ORG_RED)
            self._record(sid, RED, first, district, live)
            second = self._pick(_ORG_RED)
            if rnd() < 0.2 and second != first:
                self._record(sid, RED, second, district, live)
        serious = rnd() < 0.0015
        # A serious-illegal enterprise has (had) an abnormality listing behind it.
        if rnd() < 0.06 or serious:
            self._record(sid, ABNORMAL, "market_regulation", district, live)
        if serious:
            self._record(sid, SERIOUS, "market_regulation", district, live)
        if rnd() < 0.006:
            first = self._pick(_ORG_BLACK)
            self._record(sid, BLACK, first, district, live)
            second = self._pick(_ORG_BLACK)
            if rnd() < 0.25 and second != first:
                self._record(sid, BLACK, second, district, live)
        return live

    def _warn(self, sid: str) -> None:
        for _ in range(2 if self._random() < 0.2 else 1):
            self.warnings += 1
            self._warning_rows.append({
                "id": self.warnings,
                "subject_id": sid,
                "level": self._pick(_LEVEL_PICK),
                "point": self._pick(WARNING_POINTS),
                "since": self._day(-self._between(0, 729)),
            })

    # ------------------------------------------------------------------ persons

    def _person(self) -> dict:
        profile = _SHOWCASE_PERSONS[self.persons] if self.persons < len(_SHOWCASE_PERSONS) else None
        self.persons += 1
        district = self._pick(_DISTRICT_PICK)
        days = len(self._births)
        while True:
            # Triangular birth distribution: most people are of working age.
            day = int((self._random() + self._random()) * 0.5 * days)
            born = self._births[day]
            code = district.code
            if code != district.legacy_code and born < "1997" and self._random() < 0.8:
                code = district.legacy_code
            cell = _PERSON_CODE_INDEX[code] * days + day
            issued = self._born[cell]
            if issued < 1000:  # a sequence code has three digits
                break
        self._born[cell] = issued + 1
        # Distinct sequence codes within a (region, birth day) cell, scattered over 000-999;
        # the last digit's parity is the sex (odd: male).
        sequence = (self._sequence_offset + cell * 37 + issued * 379) % 1000
        first17 = f"{code}{born}{sequence:03d}"
        sid = first17 + ric.calc_check_digit(first17 + "0")
        pool = _MALE if sequence % 2 else _FEMALE
        given = self._pick(pool + _BOTH)
        if self._random() < 0.7:
            given += self._pick(pool + _BOTH)
        name = self._pick(_SURNAMES) + given

        if profile is not None:
            wanted = {"judgment_debtor": [(BLACK, "judgment_debtor")],
                      "red": [(RED, self._pick(_PERSON_RED))], "clean": []}[profile]
            live = self._showcase(sid, district, wanted)
        else:
            live = set()
            if self._random() < 0.01:
                field = self._pick(_PERSON_BLACK)
                self._record(sid, BLACK, field, district, live)
                if field == "judgment_debtor" and self._random() < 0.15:
                    self._record(sid, BLACK, field, district, live)  # a second case
            if self._random() < 0.02:
                self._record(sid, RED, self._pick(_PERSON_RED), district, live)
        return self._subject(sid, PERSON, name, district, live)

    # ------------------------------------------------------------------ shared

    def _subject(self, sid: str, kind: str, name: str, district: _District, live: set[str]) -> dict:
        if BLACK in live or SERIOUS in live:
            standing = "bad"
        elif ABNORMAL in live:
            standing = "abnormal"
        elif RED in live:
            standing = "red"
        else:
            standing = "clean"
        a, b, c = _GRADE_THRESHOLDS[standing]
        r = self._random()
        letter = "A" if r < a else "B" if r < b else "C" if r < c else "D"
        return {
            "id": sid,
            "kind": kind,
            "name": name,
            "district": district.name,
            "grade_letter": letter,
            "grade_score": self._between(*_SCORES[letter]),
            "graded_on": self._day(-self._between(0, 364)),
        }

    def _showcase(self, sid: str, district: _District, wanted: list[tuple[str, str]]) -> set[str]:
        live: set[str] = set()
        for kind, field in wanted:
            self._record(sid, kind, field, district, live, in_force=True)
        return live

    def _record(
        self,
        sid: str,
        kind: str,
        field: str,
        district: _District,
        live: set[str],
        in_force: bool = False,
    ) -> None:
        """Append one record; adds ``kind`` to ``live`` when it counts today."""
        duration = _DURATION.get(kind)
        if kind == ABNORMAL and self._random() < 0.25:
            duration = (1095, 1095)  # some abnormality listings carry a review date
        length = self._between(*duration) if duration else None
        fate = 1.0 if in_force else self._random()
        state = ACTIVE
        if fate < 0.10:  # repaired (信用修复): any age, never counts again
            state = REPAIRED
            age = self._between(60, _HISTORY)
        elif fate < 0.27 and length is not None and length < _HISTORY:
            # Past its expiry day; the platform's sweep marks such records expired, a
            # share of them already is.
            age = self._between(length, _HISTORY)
            if self._random() < 0.4:
                state = EXPIRED
        elif in_force:
            age = self._between(30, 365)
        else:
            age = self._between(0, _HISTORY if length is None else min(length - 1, _HISTORY))
        if state == ACTIVE and (length is None or age < length):
            live.add(kind)
        department = _CITY_DEPARTMENT[field]
        local = _LOCAL_DEPARTMENT.get(field)
        if local is not None and self._random() < local[1]:
            department = getattr(district, local[0])
        self.records += 1
        self._record_rows.append({
            "id": f"R{self.records:09d}",
            "subject_id": sid,
            "kind": kind,
            "field": field,
            "department": department,
            "basis": _BASIS.get((kind, field), catalog.ZJ_RULE),
            "listed_on": self._day(-age),
            "expires_on": self._day(length - age) if length is not None else None,
            "state": state,
            "version": self.records,
        })

"""The sandbox's synthetic data generator on real SQLite files.

Deterministic for a seed, valid identifiers, plausible proportions, consistent records,
grades, warnings and investor groups, idempotent, and always with examples of every
verdict for the catalogue's measures. Sizes stay small so the whole file runs in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from desktop.domain import FIELD_LABELS_ZH, CreditRecord, RecordKind, RecordState, Verdict
from desktop.identifiers import IdentifierKind, parse_identifier
from desktop.verdict import decide
from sandbox import catalog
from sandbox.generator import GENERATOR_VERSION, GenerationSummary, ensure_generated
from sandbox.storage import make_engine, meta, records, subjects, warnings
from sandbox.vocabulary import DISTRICTS, WARNING_POINTS

TODAY = dt.date(2025, 6, 1)
SEED, SIZE = 11, 3000
SHAOXING = {d.code for d in DISTRICTS} | {"330621", "330682"}  # with pre-2013 county codes


def _engine(path: Path) -> Engine:
    return make_engine(f"sqlite:///{path}")


def _rows(engine: Engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]


def _generate(path: Path, seed: int, size: int, today: dt.date = TODAY) -> Engine:
    engine = _engine(path)
    ensure_generated(engine, seed=seed, subjects=size, today=today)
    return engine


@dataclass
class Data:
    engine: Engine
    summary: GenerationSummary
    progress: list[tuple[int, int]]
    subjects: list
    records: list
    warnings: list
    meta: dict[str, str]

    def orgs(self) -> list:
        return [s for s in self.subjects if s.kind == "organisation"]

    def persons(self) -> list:
        return [s for s in self.subjects if s.kind == "person"]


def _load(engine: Engine, summary: GenerationSummary, progress) -> Data:
    with engine.connect() as conn:
        return Data(
            engine,
            summary,
            progress,
            conn.execute(select(subjects).order_by(subjects.c.id)).all(),
            conn.execute(select(records).order_by(records.c.id)).all(),
            conn.execute(select(warnings).order_by(warnings.c.id)).all(),
            {key: value for key, value in conn.execute(select(meta.c.key, meta.c.value))},
        )


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Data:
    engine = _engine(tmp_path_factory.mktemp("generator") / "platform.sqlite")
    calls: list[tuple[int, int]] = []
    summary = ensure_generated(
        engine, seed=SEED, subjects=SIZE, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    yield _load(engine, summary, calls)
    engine.dispose()


def _domain(row) -> CreditRecord:
    return CreditRecord(
        id=row.id,
        subject_id=row.subject_id,
        kind=RecordKind(row.kind),
        field=row.field,
        department=row.department,
        legal_basis=row.basis,
        listed_on=dt.date.fromisoformat(row.listed_on),
        expires_on=dt.date.fromisoformat(row.expires_on) if row.expires_on else None,
        state=RecordState(row.state),
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# ------------------------------------------------------------------ summary and meta


def test_summary_matches_tables_and_meta(data):
    s = data.summary
    assert s.generated
    assert s.subjects == SIZE == len(data.subjects)
    assert (s.organisations, s.persons) == (len(data.orgs()), len(data.persons()))
    assert s.organisations == SIZE * 3 // 4
    assert s.records == len(data.records) and s.warnings == len(data.warnings)
    assert s.list_version == max(r.version for r in data.records)
    assert data.meta == {
        "seed": str(SEED),
        "subjects": str(SIZE),
        "generator_version": str(GENERATOR_VERSION),
        "generated_on": TODAY.isoformat(),
        "list_version": str(s.list_version),
        "catalog_version": str(catalog.CATALOG_VERSION),
        "organisations": str(s.organisations),
        "persons": str(s.persons),
        "records": str(s.records),
        "warnings": str(s.warnings),
    }
    assert data.progress == [(SIZE, SIZE)]


def test_progress_every_ten_thousand_and_at_the_end(tmp_path):
    calls: list[tuple[int, int]] = []
    engine = _engine(tmp_path / "p.sqlite")
    ensure_generated(
        engine, seed=1, subjects=20_500, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(10_000, 20_500), (20_000, 20_500), (20_500, 20_500)]


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path):
    first = _generate(tmp_path / "a.sqlite", 5, 1000)
    second = _generate(tmp_path / "b.sqlite", 5, 1000)
    other = _generate(tmp_path / "c.sqlite", 6, 1000)
    for table in (subjects, records, warnings, meta):
        assert _rows(first, table) == _rows(second, table), table.name
    assert _rows(first, subjects) != _rows(other, subjects)
    shared = {r[0] for r in _rows(first, subjects)} & {r[0] for r in _rows(other, subjects)}
    assert len(shared) < 10


def test_dates_follow_today(tmp_path):
    base = _generate(tmp_path / "a.sqlite", 5, 1000)
    later = _generate(tmp_path / "b.sqlite", 5, 1000, TODAY + dt.timedelta(days=1))

    def shifted(day: str | None) -> str | None:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat() if day else None

    expected = [(*r[:6], shifted(r[6]), shifted(r[7]), *r[8:]) for r in _rows(base, records)]
    assert _rows(later, records) == expected
    assert [r[:6] for r in _rows(base, subjects)] == [r[:6] for r in _rows(later, subjects)]


# ------------------------------------------------------------------ identifiers


def test_every_identifier_is_valid_unique_and_from_shaoxing(data):
    ids = [s.id for s in data.subjects]
    assert len(set(ids)) == len(ids)
    for s in data.subjects:
        kind = IdentifierKind.USCC if s.kind == "organisation" else IdentifierKind.RESIDENT_ID
        parsed = parse_identifier(s.id, kind=kind)
        assert parsed.normalized == s.id and not parsed.converted_from_15
        assert s.name and s.district in {d.name for d in DISTRICTS}
        if s.kind == "organisation":
            assert s.id[:2] in ("91", "92", "93") and s.id[2:8] in SHAOXING
            assert _gb11714_check(s.id[8:16]) == s.id[16]
        else:
            assert s.id[:6] in SHAOXING and 1945 <= int(s.id[6:10]) <= 2006


def _gb11714_check(body: str) -> str:
    total = sum(w * int(c, 36) for w, c in zip((3, 7, 9, 10, 5, 8, 4, 2), body, strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def test_names_look_like_shaoxing_entities(data):
    forms = ("有限公司", "有限责任公司", "店", "经营部", "商行", "专业合作社")
    for s in data.orgs():
        assert s.name.endswith(forms), s.name
    assert any(s.name.startswith("绍兴市柯桥区") and "纺织" in s.name for s in data.orgs())
    assert all(2 <= len(s.name) <= 3 for s in data.persons())


# ------------------------------------------------------------------ records


def test_records_are_consistent(data):
    ids = {s.id for s in data.subjects}
    assert [r.version for r in data.records] == list(range(1, len(data.records) + 1))
    assert [r.id for r in data.records] == [f"R{v:09d}" for v in range(1, len(data.records) + 1)]
    oldest = (TODAY - dt.timedelta(days=5 * 365 + 1)).isoformat()
    for r in data.records:
        assert r.subject_id in ids
        assert r.department and r.basis.startswith("《")
        assert oldest <= r.listed_on <= TODAY.isoformat()
        assert r.expires_on is None or r.expires_on > r.listed_on
        assert RecordState(r.state)
        if r.kind in (RecordKind.BUSINESS_ABNORMALITY, RecordKind.SERIOUS_ILLEGAL):
            assert r.field == "market_regulation" and r.subject_id.startswith("9")
        if r.kind == RecordKind.BLACKLIST:
            assert r.field in FIELD_LABELS_ZH
        if r.state == RecordState.EXPIRED:
            assert r.expires_on is not None and r.expires_on <= TODAY.isoformat()
        if r.kind != RecordKind.RED_LIST or r.subject_id.startswith("9"):
            assert r.field in FIELD_LABELS_ZH


def test_record_states_include_expired_and_repaired(data):
    n = len(data.records)
    states = Counter(r.state for r in data.records)
    past = sum(1 for r in data.records if r.expires_on and r.expires_on <= TODAY.isoformat())
    assert 0.05 <= _share(states["repaired"], n) <= 0.16
    assert states["expired"] > 0 and states["active"] > 0.7 * n
    assert 0.08 <= _share(past, n) <= 0.25
    # Some expired by date are still marked active: the platform's sweep handles them.
    assert any(r.state == "active" and r.expires_on and r.expires_on <= TODAY.isoformat()
               for r in data.records)
    several = Counter(r.subject_id for r in data.records)
    assert any(count > 1 for count in several.values())


def test_proportions_are_plausible(data):
    orgs, persons = data.orgs(), data.persons()
    listed: dict[str, set[str]] = defaultdict(set)
    for r in data.records:
        listed[r.kind].add(r.subject_id)
    org_ids, person_ids = {s.id for s in orgs}, {s.id for s in persons}

    def org_share(kind: str) -> float:
        return _share(len(listed[kind] & org_ids), len(orgs))

    def person_share(kind: str) -> float:
        return _share(len(listed[kind] & person_ids), len(persons))

    assert 0.07 <= org_share("red_list") <= 0.15
    assert 0.035 <= org_share("business_abnormality") <= 0.09
    assert 0.001 <= org_share("blacklist") <= 0.02
    assert org_share("serious_illegal") <= 0.01
    assert 0.002 <= person_share("blacklist") <= 0.035
    assert 0.008 <= person_share("red_list") <= 0.045
    assert not listed["business_abnormality"] & person_ids
    grades = Counter(s.grade_letter for s in data.subjects)
    for letter, low, high in (("A", 0.14, 0.26), ("B", 0.42, 0.58), ("C", 0.16, 0.28),
                              ("D", 0.04, 0.12)):
        assert low <= _share(grades[letter], SIZE) <= high, letter


def test_grades_follow_scores_and_records(data):
    bands = {"A": (90, 100), "B": (75, 89), "C": (60, 74), "D": (0, 59)}
    for s in data.subjects:
        low, high = bands[s.grade_letter]
        assert low <= s.grade_score <= high
        assert s.graded_on <= TODAY.isoformat()
    live = defaultdict(set)
    for r in data.records:
        if _domain(r).counts_on(TODAY):
            live[r.subject_id].add(r.kind)
    grade = {s.id: s.grade_letter for s in data.subjects}
    bad = [grade[i] for i, kinds in live.items() if kinds & {"blacklist", "serious_illegal"}]
    red = [grade[i] for i, kinds in live.items() if kinds == {"red_list"}]
    assert bad and sum(g in "CD" for g in bad) >= 0.8 * len(bad)
    assert red and sum(g == "A" for g in red) >= 0.6 * len(red)


# ------------------------------------------------------------------ warnings, groups


def test_warnings_are_plausible(data):
    assert [w.id for w in data.warnings] == list(range(1, len(data.warnings) + 1))
    org_ids = {s.id for s in data.orgs()}
    warned = {w.subject_id for w in data.warnings}
    assert warned <= org_ids
    assert 0.03 <= _share(len(warned), len(org_ids)) <= 0.08
    levels = Counter(w.level for w in data.warnings)
    assert set(levels) <= {"red", "yellow", "blue"}
    assert levels["red"] < levels["yellow"] < levels["blue"]
    assert len(WARNING_POINTS) >= 20 and {w.point for w in data.warnings} <= set(WARNING_POINTS)
    two_years = (TODAY - dt.timedelta(days=730)).isoformat()
    assert all(two_years <= w.since <= TODAY.isoformat() for w in data.warnings)


def test_investor_groups_relate_organisations_and_share_warnings(data):
    groups: dict[int, list] = defaultdict(list)
    for s in data.subjects:
        if s.investor_group is not None:
            groups[s.investor_group].append(s)
        else:
            assert s.investor_role is None
    assert groups
    for members in groups.values():
        invested = [m for m in members if m.investor_role == "invested"]
        investors = [m for m in members if m.investor_role == "investor"]
        assert 2 <= len(invested) <= 5 and len(investors) <= 1
        assert all(m.kind == "organisation" for m in invested)
        assert all(m.kind == "person" for m in investors)
    with_person = sum(any(m.investor_role == "investor" for m in g) for g in groups.values())
    assert 0.1 <= _share(with_person, len(groups)) <= 0.5
    grouped = sum(s.investor_role == "invested" for s in data.orgs())
    assert 0.05 <= _share(grouped, len(data.orgs())) <= 0.16
    warned = {w.subject_id for w in data.warnings}
    assert any(any(m.id in warned for m in g) and len(g) > 1 for g in groups.values())


# ------------------------------------------------------------------ idempotence


def test_second_call_reuses_the_data_set(tmp_path):
    engine = _engine(tmp_path / "x.sqlite")
    first = ensure_generated(engine, seed=3, subjects=500, today=TODAY)
    before = {t.name: len(_rows(engine, t)) for t in (subjects, records, warnings, meta)}
    again = ensure_generated(engine, seed=3, subjects=500, today=TODAY + dt.timedelta(days=9))
    assert first.generated and not again.generated
    assert (again.subjects, again.organisations, again.persons, again.records, again.warnings,
            again.list_version) == (first.subjects, first.organisations, first.persons,
                                    first.records, first.warnings, first.list_version)
    assert {t.name: len(_rows(engine, t)) for t in (subjects, records, warnings, meta)} == before


@pytest.mark.parametrize("seed, size", [(4, 500), (3, 501)])
def test_another_data_set_is_refused_not_wiped(tmp_path, seed, size):
    engine = _engine(tmp_path / "x.sqlite")
    ensure_generated(engine, seed=3, subjects=500, today=TODAY)
    before = _rows(engine, subjects)
    with pytest.raises(ValueError, match="another data set"):
        ensure_generated(engine, seed=seed, subjects=size, today=TODAY)
    assert _rows(engine, subjects) == before


def test_subjects_without_metadata_are_refused(tmp_path):
    engine = _engine(tmp_path / "x.sqlite")
    ensure_generated(engine, seed=3, subjects=0, today=TODAY)
    with engine.begin() as conn:
        conn.execute(meta.delete())
        conn.execute(insert(subjects).values(
            id="91330602MA2D00000X", kind="organisation", name="x", district="越城区",
            grade_letter="B", grade_score=80, graded_on=TODAY.isoformat(),
        ))  # fmt: skip
    with pytest.raises(ValueError, match="no generator metadata"):
        ensure_generated(engine, seed=3, subjects=10, today=TODAY)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(subjects)).scalar_one() == 1


# ------------------------------------------------------------------ verdict examples

# (subject kind, item, verdict): every data set of 200+ subjects has >= 3 of each.
_EXAMPLES = [
    ("organisation", "GOV_PROCUREMENT", Verdict.PROHIBIT),
    ("organisation", "GOV_PROCUREMENT", Verdict.RESTRICT),
    ("organisation", "FOOD_LICENCE", Verdict.ALERT),
    ("organisation", "GOV_PROCUREMENT", Verdict.INCENTIVE),
    ("organisation", "GOV_PROCUREMENT", Verdict.CLEAR),
    ("person", "GOV_PROCUREMENT", Verdict.PROHIBIT),
    ("person", "BUSINESS_REGISTRATION", Verdict.RESTRICT),
    ("person", "EMPLOYMENT_SUBSIDY", Verdict.ALERT),
    ("person", "GOV_PROCUREMENT", Verdict.INCENTIVE),
    ("person", "GOV_PROCUREMENT", Verdict.CLEAR),
]


def _verdict_counts(data: Data) -> Counter:
    by_subject: dict[str, list[CreditRecord]] = defaultdict(list)
    for r in data.records:
        by_subject[r.subject_id].append(_domain(r))
    counts: Counter = Counter()
    for s in data.subjects:
        for kind, item, _verdict in set(_EXAMPLES):
            if s.kind == kind:
                verdict = decide(by_subject[s.id], catalog.MEASURES, item, TODAY).verdict
                counts[kind, item, verdict] += 1
    return counts


def _assert_examples(data: Data) -> None:
    counts = _verdict_counts(data)
    missing = {case: counts[case] for case in _EXAMPLES if counts[case] < 3}
    assert not missing


def test_every_verdict_has_examples(data):
    _assert_examples(data)


@pytest.mark.parametrize("seed", [1, 2, 99, 12345])
def test_every_verdict_has_examples_in_a_small_data_set(tmp_path, seed):
    engine = _generate(tmp_path / "small.sqlite", seed, 200)
    _assert_examples(_load(engine, None, []))

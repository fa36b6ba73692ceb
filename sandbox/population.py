"""The drawing of one chunk of the synthetic population: subjects, records, warnings, groups.

Used by :mod:`sandbox.generator`, which owns the random generator, the chunking and the
database; everything here consumes the one ``random.Random`` in a fixed order, so the
same seed gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from collections.abc import Sequence

from stdnum.cn import ric, uscc

from desktop.domain import RecordKind, RecordState, SubjectKind
from sandbox import catalog
from sandbox.synthetic_ids import USCC_ALPHABET, Scramble, org_code_check
from sandbox.vocabulary import (
    BASIS,
    BOTH,
    CITY_DEPARTMENT,
    CROPS,
    DISTRICT_PICK,
    DISTRICTS,
    DURATION,
    ENTITY_PICK,
    FEMALE,
    FORMS,
    GRADE_THRESHOLDS,
    HISTORY,
    INDUSTRY_PICK,
    LEVEL_PICK,
    LOCAL_DEPARTMENT,
    MALE,
    ORG_BLACK,
    ORG_RED,
    PERSON_BLACK,
    PERSON_RED,
    SCORES,
    SHOP_FORMS,
    SHOP_PICK,
    SURNAMES,
    TRADE_CHARS,
    WARNING_POINTS,
    District,
)

RED, BLACK = RecordKind.RED_LIST.value, RecordKind.BLACKLIST.value
ABNORMAL, SERIOUS = RecordKind.BUSINESS_ABNORMALITY.value, RecordKind.SERIOUS_ILLEGAL.value
ACTIVE, REPAIRED, EXPIRED = (s.value for s in RecordState)
ORG, PERSON = SubjectKind.ORGANISATION.value, SubjectKind.PERSON.value


_SHOWCASE_ORGS = ("tax_blacklist",) * 4 + ("abnormal",) * 4 + ("red",) * 4 + ("clean",) * 4
_SHOWCASE_PERSONS = ("judgment_debtor",) * 4 + ("red",) * 4 + ("clean",) * 4

_BIRTH_FIRST, _BIRTH_LAST = dt.date(1945, 1, 1), dt.date(2006, 12, 31)
_PERSON_CODES = dict.fromkeys(c for d in DISTRICTS for c in (d.code, d.legacy_code))
_PERSON_CODE_INDEX = {code: i for i, code in enumerate(_PERSON_CODES)}
# --------------------------------------------------------------------------- population


class Population:
    """Draws subjects, records and warnings chunk by chunk from one random stream."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self._rng = rng
        self._random = rng.random
        # ISO strings for every day a record can mention (listed up to five years ago,
        # expiring up to five years ahead), so a date costs one index.
        self._day_strings = [
            (today + dt.timedelta(days=d)).isoformat() for d in range(-HISTORY, HISTORY + 1)
        ]
        days = (_BIRTH_LAST - _BIRTH_FIRST).days + 1
        self._births = [
            (_BIRTH_FIRST + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(days)
        ]
        # People already issued per (region code, birth day): the sequence code follows it.
        self._born = array("H", bytes(2 * days * len(_PERSON_CODE_INDEX)))
        self._sequence_offset = rng.randrange(1000)
        # Legacy organisation codes are 8 digits; codes issued since 2015 start with "MA".
        self._legacy_codes = Scramble(rng, 10**8)
        self._new_codes = Scramble(rng, len(USCC_ALPHABET) ** 6)
        self.organisations = self.persons = self.records = self.warnings = self.groups = 0
        self._record_rows: list[dict] = []
        self._warning_rows: list[dict] = []

    def _pick(self, seq: Sequence):
        return seq[int(self._random() * len(seq))]

    def _between(self, low: int, high: int) -> int:
        return low + int(self._random() * (high - low + 1))

    def _day(self, offset: int) -> str:
        """ISO date ``offset`` days from today (negative: in the past)."""
        return self._day_strings[offset + HISTORY]

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
            _SHOWCASE_ORGS[self.organisations] if self.organisations < len(_SHOWCASE_ORGS) else None
        )
        self.organisations += 1
        district = self._pick(DISTRICT_PICK)
        entity = self._pick(ENTITY_PICK)
        if self._random() < 0.6:
            value, body = self._new_codes.next(), "MA"
            for _ in range(6):
                value, digit = divmod(value, len(USCC_ALPHABET))
                body += USCC_ALPHABET[digit]
        else:
            body = f"{self._legacy_codes.next():08d}"
        first17 = "9" + entity + district.code + body + org_code_check(body)
        sid = first17 + uscc.calc_check_digit(first17)
        name = self._org_name(district, entity)

        kinds = self._org_records(sid, district, profile)
        if force_warning or self._random() < 0.05:
            self._warn(sid)
        return self._subject(sid, ORG, name, district, kinds)

    def _org_name(self, district: District, entity: str) -> str:
        trade = self._trade_name()
        if entity == "2":
            goods = self._pick(SHOP_PICK[district.name])
            return f"{district.name}{trade}{goods}{self._pick(SHOP_FORMS)}"
        if entity == "3":
            return f"{district.name}{trade}{self._pick(CROPS)}专业合作社"
        prefix = self._pick(district.prefixes)
        industry = self._pick(INDUSTRY_PICK[district.name])
        return f"{prefix}{trade}{industry}{self._pick(FORMS)}"

    def _trade_name(self) -> str:
        first = self._pick(TRADE_CHARS)
        second = self._pick(TRADE_CHARS)
        while second == first:
            second = self._pick(TRADE_CHARS)
        return first + second

    def _org_records(self, sid: str, district: District, profile: str | None) -> set[str]:
        """Draw an organisation's records; returns the kinds in force today."""
        if profile is not None:
            return self._showcase(sid, district, profile, ORG_RED)
        live: set[str] = set()
        rnd = self._random
        if rnd() < 0.11:
            first = self._pick(ORG_RED)
            self._record(sid, RED, first, district, live)
            second = self._pick(ORG_RED)
            if rnd() < 0.2 and second != first:
                self._record(sid, RED, second, district, live)
        serious = rnd() < 0.0015
        # A serious-illegal enterprise has (had) an abnormality listing behind it.
        if rnd() < 0.06 or serious:
            self._record(sid, ABNORMAL, "market_regulation", district, live)
        if serious:
            self._record(sid, SERIOUS, "market_regulation", district, live)
        if rnd() < 0.006:
            first = self._pick(ORG_BLACK)
            self._record(sid, BLACK, first, district, live)
            second = self._pick(ORG_BLACK)
            if rnd() < 0.25 and second != first:
                self._record(sid, BLACK, second, district, live)
        return live

    def _warn(self, sid: str) -> None:
        for _ in range(2 if self._random() < 0.2 else 1):
            self.warnings += 1
            self._warning_rows.append(
                {
                    "id": self.warnings,
                    "subject_id": sid,
                    "level": self._pick(LEVEL_PICK),
                    "point": self._pick(WARNING_POINTS),
                    "since": self._day(-self._between(0, 729)),
                }
            )

    # ------------------------------------------------------------------ persons

    def _person(self) -> dict:
        profile = _SHOWCASE_PERSONS[self.persons] if self.persons < len(_SHOWCASE_PERSONS) else None
        self.persons += 1
        district = self._pick(DISTRICT_PICK)
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
        pool = MALE if sequence % 2 else FEMALE
        given = self._pick(pool + BOTH)
        if self._random() < 0.7:
            given += self._pick(pool + BOTH)
        name = self._pick(SURNAMES) + given

        if profile is not None:
            live = self._showcase(sid, district, profile, PERSON_RED)
        else:
            live = set()
            if self._random() < 0.01:
                field = self._pick(PERSON_BLACK)
                self._record(sid, BLACK, field, district, live)
                if field == "judgment_debtor" and self._random() < 0.15:
                    self._record(sid, BLACK, field, district, live)  # a second case
            if self._random() < 0.02:
                self._record(sid, RED, self._pick(PERSON_RED), district, live)
        return self._subject(sid, PERSON, name, district, live)

    # ------------------------------------------------------------------ shared

    def _subject(self, sid: str, kind: str, name: str, district: District, live: set[str]) -> dict:
        if BLACK in live or SERIOUS in live:
            standing = "bad"
        elif ABNORMAL in live:
            standing = "abnormal"
        elif RED in live:
            standing = "red"
        else:
            standing = "clean"
        a, b, c = GRADE_THRESHOLDS[standing]
        r = self._random()
        letter = "A" if r < a else "B" if r < b else "C" if r < c else "D"
        return {
            "id": sid,
            "kind": kind,
            "name": name,
            "district": district.name,
            "grade_letter": letter,
            "grade_score": self._between(*SCORES[letter]),
            "graded_on": self._day(-self._between(0, 364)),
        }

    def _showcase(self, sid: str, district: District, profile: str, red: Sequence) -> set[str]:
        """The one record in force (or none, for "clean") that a showcase profile asks for."""
        live: set[str] = set()
        wanted = {
            "tax_blacklist": (BLACK, "tax"),
            "judgment_debtor": (BLACK, "judgment_debtor"),
            "abnormal": (ABNORMAL, "market_regulation"),
            "red": (RED, red),
        }.get(profile)
        if wanted is not None:
            kind, field = wanted
            field = self._pick(field) if kind == RED else field
            self._record(sid, kind, field, district, live, in_force=True)
        return live

    def _record(
        self,
        sid: str,
        kind: str,
        field: str,
        district: District,
        live: set[str],
        in_force: bool = False,
    ) -> None:
        """Append one record; adds ``kind`` to ``live`` when it counts today."""
        duration = DURATION.get(kind)
        if kind == ABNORMAL and self._random() < 0.25:
            duration = (1095, 1095)  # some abnormality listings carry a review date
        length = self._between(*duration) if duration else None
        fate = 1.0 if in_force else self._random()
        state = ACTIVE
        if fate < 0.10:  # repaired (信用修复): any age, never counts again
            state = REPAIRED
            age = self._between(60, HISTORY)
        elif fate < 0.27 and length is not None and length < HISTORY:
            # Past its expiry day; the platform's sweep marks such records expired, a
            # share of them already is.
            age = self._between(length, HISTORY)
            if self._random() < 0.4:
                state = EXPIRED
        elif in_force:
            age = self._between(30, 365)
        else:
            age = self._between(0, HISTORY if length is None else min(length - 1, HISTORY))
        if state == ACTIVE and (length is None or age < length):
            live.add(kind)
        department = CITY_DEPARTMENT[field]
        local = LOCAL_DEPARTMENT.get(field)
        if local is not None and self._random() < local[1]:
            department = getattr(district, local[0])
        self.records += 1
        self._record_rows.append(
            {
                "id": f"R{self.records:09d}",
                "subject_id": sid,
                "kind": kind,
                "field": field,
                "department": department,
                "basis": BASIS.get((kind, field), catalog.ZJ_RULE),
                "listed_on": self._day(-age),
                "expires_on": self._day(length - age) if length is not None else None,
                "state": state,
                "version": self.records,
            }
        )

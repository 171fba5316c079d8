"""Country outlines for the map: a compact asset built once from world-atlas TopoJSON (Natural Earth)."""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

ASSET = Path(__file__).with_name("static") / "countries.json"
Ring = list[tuple[float, float]]


def _decode_arcs(topo: dict[str, Any]) -> list[Ring]:
    """Absolute lon/lat points of every arc (delta-decoded, de-quantised)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    points: Ring = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _thin(ring: Ring, step: float) -> list[list[float]]:
    """Round to `step` degrees and drop repeated points."""
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(round(lon / step) * step, 2), round(round(lat / step) * step, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build(topojson_path: Path, out: Path = ASSET, step: float = 0.05) -> int:
    """Write {name, rings} per country from a world-atlas countries-*.json; returns the country count."""
    topo = json.loads(topojson_path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [_thin(_ring(arcs, ring), step) for polygon in polygons for ring in polygon]
        rings = [r for r in rings if len(r) >= 3]
        if rings:
            countries.append({"name": geometry.get("properties", {}).get("name", ""), "rings": rings})
    out.write_text(json.dumps({"source": "world-atlas 2.0.2 (Natural Earth, public domain)",
                               "countries": countries}, separators=(",", ":")), encoding="utf-8")
    return len(countries)


@lru_cache(maxsize=1)
def countries() -> list[dict[str, Any]]:
    """The shipped outlines, with a lon/lat bounding box per country; empty if the asset is missing."""
    if not ASSET.exists():
        return []
    data = json.loads(ASSET.read_text(encoding="utf-8"))["countries"]
    for country in data:
        lons = [p[0] for r in country["rings"] for p in r]
        lats = [p[1] for r in country["rings"] for p in r]
        country["bbox"] = (min(lons), min(lats), max(lons), max(lats))
    return data


def _ring_path(ring: list[list[float]], xy: Any) -> str:
    """An SVG path of one ring; a jump across the antimeridian starts a new sub-path instead of a stripe."""
    parts: list[str] = []
    previous: float | None = None
    for lon, lat in ring:
        command = "M" if previous is None or abs(lon - previous) > 180 else "L"
        x, y = xy(lon, lat)
        parts.append(f"{command}{x},{y}")
        previous = lon
    return " ".join(parts) + ("Z" if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:])) else "")


def _projection(lon0: float, lon1: float, lat0: float, lat1: float, width: int, height: int) -> Any:
    """lon/lat -> SVG x/y for a frame."""
    scale, y_scale = width / (lon1 - lon0), height / (lat1 - lat0)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - lon0) * scale, 1), round((lat1 - lat) * y_scale, 1)
    return xy


@lru_cache(maxsize=64)
def _country_paths(lon0: float, lon1: float, lat0: float, lat1: float, width: int,
                   height: int) -> tuple[dict[str, str], ...]:
    """The outlines inside a frame as SVG paths; kept per frame, since the same places give the same frame."""
    xy = _projection(lon0, lon1, lat0, lat1, width, height)
    paths = []
    for country in countries():
        b = country["bbox"]
        if b[2] < lon0 or b[0] > lon1 or b[3] < lat0 or b[1] > lat1:
            continue
        paths.append({"name": country["name"], "d": " ".join(_ring_path(ring, xy) for ring in country["rings"])})
    return tuple(paths)


def svg_map(markers: list[dict[str, Any]], width: int = 640, height: int = 400) -> dict[str, Any]:
    """Country paths and marker positions for an equirectangular view around the markers."""
    lats = [m["lat"] for m in markers] or [0.0]
    lons = [m["lon"] for m in markers] or [0.0]
    if markers:
        lat0, lat1 = min(lats) - 4, max(lats) + 4
        lon0, lon1 = min(lons) - 6, max(lons) + 6
    else:
        lat0, lat1, lon0, lon1 = -60.0, 80.0, -180.0, 180.0
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = (lon1 - lon0) * kx, lat1 - lat0
    aspect = width / height
    if span_x / span_y < aspect:  # widen to the frame
        extra = (span_y * aspect / kx - (lon1 - lon0)) / 2
        lon0, lon1 = lon0 - extra, lon1 + extra
    else:
        extra = (span_x / aspect - span_y) / 2
        lat0, lat1 = lat0 - extra, lat1 + extra
    xy = _projection(lon0, lon1, lat0, lat1, width, height)
    paths = _country_paths(lon0, lon1, lat0, lat1, width, height)
    step = 5 if lon1 - lon0 <= 90 else 30
    grid = [{"x": xy(lon, 0)[0], "label": f"{lon}°"} for lon in range(-180, 181, step) if lon0 <= lon <= lon1]
    grid_y = [{"y": xy(0, lat)[1], "label": f"{lat}°"} for lat in range(-90, 91, step) if lat0 <= lat <= lat1]
    placed = [{**m, "x": xy(m["lon"], m["lat"])[0], "y": xy(m["lon"], m["lat"])[1]} for m in markers]
    return {"width": width, "height": height, "countries": paths, "markers": placed, "grid_x": grid,
            "grid_y": grid_y, "outlines": bool(countries())}


if __name__ == "__main__":
    print(build(Path(sys.argv[1])), "countries →", ASSET)  # built from world-atlas 2.0.2 countries-110m.json (npm pack world-atlas@2.0.2)

"""Geography of the build: département and région outlines, and which département holds a point.

The outlines are simplified for the browser and stored at their true and at their displayed
(inset) position; a point belongs to a département when it lies within the outline tolerance.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import Point, mapping, shape

from domain import insets
from pipeline import sources
from pipeline.sources import SourceError

# Saint-Martin is a collectivité d'outre-mer: no INSEE département or région outline.
SAINT_MARTIN_DEP = {"dep_code": "978", "dep_name": "Saint-Martin", "reg_code": None}
SAINT_MARTIN_BOX = (-63.20, 18.00, -62.95, 18.15)  # lon/lat box of the French part of the island

# Generalised outlines cut small islands and capes: a commune centroid may sit a little
# outside its département's outline. 0.12° (about 10 km) keeps Sein and Ouessant in.
OUTLINE_TOLERANCE_DEG = 0.12
# Outlines are simplified for the browser: 0.005° is about 400 m, invisible at a country zoom.
SIMPLIFY_DEG = 0.005


def _simplified_geojson(geometry: dict, dep_code: str | None = None) -> tuple[str, str]:
    """The outline simplified for the browser, at its true and at its displayed position."""
    simplified = shape(geometry).simplify(SIMPLIFY_DEG, preserve_topology=True)
    displayed = insets.display_geometry(simplified, dep_code)
    return tuple(json.dumps(_round_coords(mapping(g)), separators=(",", ":"))
                 for g in (simplified, displayed))


def _display_bounds(bounds: tuple[float, float, float, float], dep_code: str | None) -> dict:
    # The transform is a move and a positive scale: corners map to corners.
    min_lon, min_lat = insets.to_display(bounds[0], bounds[1], dep_code)
    max_lon, max_lat = insets.to_display(bounds[2], bounds[3], dep_code)
    return {"display_min_lon": min_lon, "display_min_lat": min_lat,
            "display_max_lon": max_lon, "display_max_lat": max_lat}


def _round_coords(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_round_coords(v) for v in value]
    if isinstance(value, dict):
        return {k: _round_coords(v) for k, v in value.items()}
    return value


def build_geographies(source_dir: Path, communes: pd.DataFrame):
    regions = sources.read_regions(source_dir)
    departements = sources.read_departements(source_dir)
    unknown = set(departements.reg_code) - set(regions.reg_code)
    if unknown:
        raise SourceError(f"{sources.DEPARTEMENTS_FILE} : région inconnue {sorted(unknown)}")
    population_by_dep = communes.groupby("dep_code")["population"].sum()
    shapes = {row.dep_code: shape(row.geometry) for row in departements.itertuples()}
    dep_rows = []
    for row in departements.itertuples():
        geom = shapes[row.dep_code]
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        label = geom.representative_point()
        true_geojson, display_geojson = _simplified_geojson(row.geometry, row.dep_code)
        dep_rows.append(
            {
                "dep_code": row.dep_code,
                "dep_name": row.dep_name,
                "reg_code": row.reg_code,
                "population": int(population_by_dep.get(row.dep_code, 0)) or None,
                "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat,
                "label_lon": label.x, "label_lat": label.y,
                "geometry_geojson": true_geojson,
                **_display_bounds(geom.bounds, row.dep_code),
                "display_geometry_geojson": display_geojson,
            }
        )
    # Saint-Martin: a row so that its fabrique has a département, with no outline or population.
    lon0, lat0, lon1, lat1 = SAINT_MARTIN_BOX
    dep_rows.append({**SAINT_MARTIN_DEP, "population": None, "min_lon": lon0, "min_lat": lat0,
                     "max_lon": lon1, "max_lat": lat1, "label_lon": sources.SAINT_MARTIN["lon"],
                     "label_lat": sources.SAINT_MARTIN["lat"], "geometry_geojson": None,
                     **_display_bounds(SAINT_MARTIN_BOX, SAINT_MARTIN_DEP["dep_code"]),
                     "display_geometry_geojson": None})
    deps = pd.DataFrame(dep_rows)
    reg_population = deps.groupby("reg_code")["population"].sum()
    reg_rows = []
    for row in regions.itertuples():
        geom = shape(row.geometry)
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        inset_dep = insets.DEP_OF_OVERSEAS_REGION.get(row.reg_code)
        true_geojson, display_geojson = _simplified_geojson(row.geometry, inset_dep)
        reg_rows.append(
            {
                "reg_code": row.reg_code,
                "reg_name": row.reg_name,
                "population": int(reg_population.get(row.reg_code, 0)) or None,
                "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat,
                "geometry_geojson": true_geojson,
                **_display_bounds(geom.bounds, inset_dep),
                "display_geometry_geojson": display_geojson,
            }
        )
    return pd.DataFrame(reg_rows), deps, shapes


def inside_territory(lon, lat, dep_code, dep_shapes) -> bool:
    if dep_code == SAINT_MARTIN_DEP["dep_code"]:
        lon0, lat0, lon1, lat1 = SAINT_MARTIN_BOX
        return lon0 <= lon <= lon1 and lat0 <= lat <= lat1
    outline = dep_shapes.get(dep_code)
    return outline is not None and outline.distance(Point(lon, lat)) <= OUTLINE_TOLERANCE_DEG


def departement_at(point: Point, dep_shapes) -> str | None:
    """The département whose outline holds the point, else the nearest within the tolerance."""
    for code, outline in dep_shapes.items():
        if outline.contains(point):
            return code
    nearest = min(dep_shapes, key=lambda code: dep_shapes[code].distance(point))
    return nearest if dep_shapes[nearest].distance(point) <= OUTLINE_TOLERANCE_DEG else None

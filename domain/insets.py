"""Overseas France drawn as insets beside mainland France, as INSEE maps do.

The true coordinates stay in the data (`lon`, `lat`, `geometry_geojson`); the build step
adds display coordinates (`display_lon`, `display_lat`, `display_geometry_geojson`) computed
here. Mainland France and Corsica are not moved. Each overseas territory gets one affine
move-and-scale into its own box, in two columns of three boxes west of Brittany, over the
Bay of Biscay (mainland France spans 5.14° W to 9.56° E: the boxes stop at 6.4° W).

For a territory with source centre (lon_c, lat_c), box centre (lon_b, lat_b) and scale s:

    display_lon = lon_b + s  * (lon - lon_c)
    display_lat = lat_b + sy * (lat - lat_c),   sy = s * cos(lat_b) / cos(lat_c)

The map is drawn in Web Mercator, which stretches latitudes by 1 / cos(latitude): sy
corrects for the change of latitude between the territory and its box, so that an island
keeps its shape.
Scales differ, as on INSEE maps: each territory fills most of its box, so the boxes do
not compare areas (Guyane is shrunk, Saint-Martin enlarged; the page says so).

| Code | Territory    | Source centre (lon, lat) | Inset box (lon0, lat0, lon1, lat1) | Scale s |
|------|--------------|--------------------------|------------------------------------|---------|
| 971  | Guadeloupe   | (-61.406, 16.172)        | (-11.8, 47.6, -9.2, 49.4)          | 2.7     |
| 972  | Martinique   | (-61.020, 14.637)        | (-9.0, 47.6, -6.4, 49.4)           | 4.5     |
| 973  | Guyane       | (-53.111, 3.930)         | (-11.8, 45.6, -9.2, 47.4)          | 0.6     |
| 974  | La Réunion   | (55.526, -21.130)        | (-9.0, 45.6, -6.4, 47.4)           | 3.5     |
| 976  | Mayotte      | (45.158, -12.819)        | (-11.8, 43.6, -9.2, 45.4)          | 5.5     |
| 978  | Saint-Martin | (-63.075, 18.075)        | (-9.0, 43.6, -6.4, 45.4)           | 8.5     |

Source centres are the centres of the COG 2023 outlines' bounding boxes (for Saint-Martin,
which has no outline, of the box of the French part of the island used by the build step).
"""
from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians

import numpy as np
import pandas as pd
from shapely import affinity
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class Inset:
    dep_code: str
    name: str
    source_centre: tuple[float, float]  # lon, lat
    box: tuple[float, float, float, float]  # lon0, lat0, lon1, lat1 on the displayed map
    scale: float

    @property
    def box_centre(self) -> tuple[float, float]:
        lon0, lat0, lon1, lat1 = self.box
        return (lon0 + lon1) / 2, (lat0 + lat1) / 2

    @property
    def lat_scale(self) -> float:
        """Web Mercator correction: see the module docstring."""
        return self.scale * cos(radians(self.box_centre[1])) / cos(radians(self.source_centre[1]))


INSETS: dict[str, Inset] = {
    inset.dep_code: inset
    for inset in (
        Inset("971", "Guadeloupe", (-61.406, 16.172), (-11.8, 47.6, -9.2, 49.4), 2.7),
        Inset("972", "Martinique", (-61.020, 14.637), (-9.0, 47.6, -6.4, 49.4), 4.5),
        Inset("973", "Guyane", (-53.111, 3.930), (-11.8, 45.6, -9.2, 47.4), 0.6),
        Inset("974", "La Réunion", (55.526, -21.130), (-9.0, 45.6, -6.4, 47.4), 3.5),
        Inset("976", "Mayotte", (45.158, -12.819), (-11.8, 43.6, -9.2, 45.4), 5.5),
        Inset("978", "Saint-Martin", (-63.075, 18.075), (-9.0, 43.6, -6.4, 45.4), 8.5),
    )
}
# Each overseas région holds a single département, drawn in that département's inset.
DEP_OF_OVERSEAS_REGION = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}


def to_display(lon: float, lat: float, dep_code: str | None) -> tuple[float, float]:
    """The displayed position of a true point of département `dep_code` (mainland: unchanged)."""
    inset = INSETS.get(dep_code)
    if inset is None:
        return lon, lat
    (lon_c, lat_c), (lon_b, lat_b) = inset.source_centre, inset.box_centre
    return lon_b + inset.scale * (lon - lon_c), lat_b + inset.lat_scale * (lat - lat_c)


def display_columns(lon: pd.Series, lat: pd.Series, dep_code: pd.Series) -> tuple[pd.Series, pd.Series]:
    """to_display over whole columns (laureates, communes); a missing point stays missing."""
    display_lon = lon.astype(float).copy()
    display_lat = lat.astype(float).copy()
    for code, inset in INSETS.items():
        rows = (dep_code == code).fillna(False).to_numpy()
        if rows.any():
            (lon_c, lat_c), (lon_b, lat_b) = inset.source_centre, inset.box_centre
            display_lon[rows] = lon_b + inset.scale * (np.asarray(lon[rows], float) - lon_c)
            display_lat[rows] = lat_b + inset.lat_scale * (np.asarray(lat[rows], float) - lat_c)
    return display_lon, display_lat


def display_geometry(geometry: BaseGeometry, dep_code: str | None) -> BaseGeometry:
    """An outline moved into its inset (mainland: the same geometry)."""
    inset = INSETS.get(dep_code)
    if inset is None:
        return geometry
    (lon_c, lat_c), (lon_b, lat_b) = inset.source_centre, inset.box_centre
    sx, sy = inset.scale, inset.lat_scale
    return affinity.affine_transform(geometry, [sx, 0, 0, sy, lon_b - sx * lon_c, lat_b - sy * lat_c])


def insets_in(box: tuple[float, float, float, float]) -> list[Inset]:
    """The insets whose box meets a displayed area (lon0, lat0, lon1, lat1), in the table's order:
    a map framed on Bretagne holds none, the whole of France all six."""
    lon0, lat0, lon1, lat1 = box
    return [inset for inset in INSETS.values()
            if inset.box[0] < lon1 and lon0 < inset.box[2] and inset.box[1] < lat1 and lat0 < inset.box[3]]

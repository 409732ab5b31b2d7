"""Web Mercator, the projection of the interactive map (deck.gl) and of the exported map."""
from __future__ import annotations

from math import atan, degrees, exp, log, pi, radians, tan


def northing(lat: float) -> float:
    """The Mercator y of a latitude in degrees, in radians (the unit of the longitude in radians)."""
    return log(tan(pi / 4 + radians(lat) / 2))


def latitude(y: float) -> float:
    """The inverse of northing: the latitude, in degrees, of a Mercator y."""
    return degrees(2 * atan(exp(y)) - pi / 2)


def northing_degrees(lat: float) -> float:
    """The Mercator y in degrees, on the same scale as a longitude in degrees."""
    return degrees(northing(lat))

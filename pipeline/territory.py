"""Territory definitions shared by the build step and the screens.

Both the QPV and the rural flag are commune-level proxies: the source list gives neither
per fabrique. A fabrique "counts toward the QPV target" when its commune holds at least
one 2024 QPV; "toward the rural target" when its commune is rural in the INSEE density
grid. The 2019 call said "hors grands centres urbains", hence the second definition.
"""
from __future__ import annotations

# INSEE 7-level density grid, densest first (rank 1).
DENSITY_LEVELS = [
    "Grands centres urbains",
    "Centres urbains intermédiaires",
    "Ceintures urbaines",
    "Petites villes",
    "Bourgs ruraux",
    "Rural à habitat dispersé",
    "Rural à habitat très dispersé",
]
DENSITY_RANK = {level: rank for rank, level in enumerate(DENSITY_LEVELS, start=1)}

# The INSEE 2020 definition of rural: the three least dense levels.
RURAL_INSEE_MIN_RANK = 5
# "Hors grands centres urbains": every level but the densest.
OUTSIDE_LARGE_CENTRES_MIN_RANK = 2


def departement_of_commune(commune_code: str) -> str:
    """INSEE département code of a commune code (overseas codes use three digits)."""
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]

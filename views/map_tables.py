"""The tables under the map: every figure of the map, readable without it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from domain.format import fr_decimal, fr_int

POSITION_LABELS = {"not_placed": "non placée (pas de coordonnées)",
                   "fallback": "placée par repli documenté", "placed": "placée"}


def fabriques_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table under the map: one row per fabrique of the filter, French headers (the frame's
    territory_label is the type's name under the chosen rural definition, models/carte.py)."""
    return pd.DataFrame({
        "Identifiant": table.fabrique_id,
        "Fabrique": table["name"],
        "Commune": table.commune_name,
        "Département": table.dep_name + " (" + table.dep_code + ")",
        "Région": table.reg_name.fillna("—"),
        "Type de territoire": table.territory_label,  # named under the chosen rural definition
        "Vague (déduite)": table.wave_label,
        "Position sur la carte": np.select(
            [~table.is_placed.astype(bool), table.point_is_fallback.astype(bool)],
            [POSITION_LABELS["not_placed"], POSITION_LABELS["fallback"]], POSITION_LABELS["placed"]),
    })


def fallback_sentence(fallback: pd.DataFrame, most: int = 20) -> str:
    """The fabriques placed by the documented fallback, named (the first ones) as plain text."""
    named = ", ".join(f"{fid} ({commune})" for fid, commune in
                      zip(fallback.fabrique_id[:most], fallback.commune_name[:most]))
    more = len(fallback) - most
    return named + (f" … et {more} autres (colonne « Position sur la carte »)" if more > 0 else "")


def choropleth_table(choropleth_frame: pd.DataFrame, population_vintage: str | None = None) -> pd.DataFrame:
    """The choropleth's figures for the départements of the filter, readable without the map;
    the population's vintage is said in the columns' titles."""
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    suffix = f" ({population_vintage})" if population_vintage else ""
    return pd.DataFrame({
        "Département": in_scope.dep_name + " (" + in_scope.dep_code + ")",
        "Fabriques": in_scope.fabriques,
        f"Population{suffix}": [fr_int(v) for v in in_scope.population],
        f"Pour 100 000 habitants{suffix}": [fr_decimal(v, 2) for v in in_scope.per_100k],
    })


def departements_without_table(missing: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Département": missing.dep_name + " (" + missing.dep_code + ")",
        "Région": missing.reg_name.fillna("—"),
        "Population": [fr_int(v) for v in missing.population],
    })

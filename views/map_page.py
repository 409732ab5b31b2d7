"""What the Carte page shows for one filter (and one placement of overseas France), computed
once from its query results.

The page builds a `CartePage` once per (filter, insets, data version) through
app/figure_cache.py: a rerun on the same filter (a layer toggle, a click, the list's selector)
runs no query and no pandas filtering, it reads this object. The frames are kept for the
deck's builder and a click's lookup; nothing here is modified after it is built.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from views import map_tables


@dataclass(frozen=True)
class CartePage:
    headline: pd.Series
    points: pd.DataFrame
    table: pd.DataFrame
    choropleth_frame: pd.DataFrame
    missing: pd.DataFrame
    bounds: pd.Series  # the view and the frame's height follow the column's width (the page's)
    not_placed: int
    commune_of: dict[str, str]  # fabrique id → commune code
    names: dict[str, str]  # fabrique id → name
    fabriques_in_commune: dict[str, int]  # commune code → fabriques of the filter there
    fallback_sentence: str | None
    fabriques_table: pa.Table
    without_table: pa.Table | None
    choropleth_table: pa.Table


def page_view(*, headline: pd.Series, points: pd.DataFrame, table: pd.DataFrame,
              choropleth_frame: pd.DataFrame, missing: pd.DataFrame, bounds: pd.Series,
              display, population_vintage: str | None = None) -> CartePage:
    """`display` turns a built table into what the grid receives (app/figure_cache.display_table);
    `population_vintage` (the manifest's) titles the choropleth table's population columns."""
    fallback = table[table.point_is_fallback]
    return CartePage(
        headline=headline, points=points, table=table, choropleth_frame=choropleth_frame,
        missing=missing, bounds=bounds,
        not_placed=int((~table.is_placed).sum()),
        commune_of=dict(zip(table.fabrique_id, table.commune_code)),
        names=dict(zip(table.fabrique_id, table["name"])),
        fabriques_in_commune=table.commune_code.value_counts().to_dict(),
        fallback_sentence=map_tables.fallback_sentence(fallback) if len(fallback) else None,
        fabriques_table=display(map_tables.fabriques_table(table)),
        without_table=display(map_tables.departements_without_table(missing)) if len(missing) else None,
        choropleth_table=display(map_tables.choropleth_table(choropleth_frame, population_vintage)),
    )

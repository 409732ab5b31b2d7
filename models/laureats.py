"""The Lauréats list of a scope, searched and sorted, assembled once: the page, its CSV and XLSX
files and the API's fabriques.csv / fabriques.json are this one table, in this one order.

Kept per (scope, search, order): a rerun with the same ones only lays the list out. The order is
the page's own control ("Trier par"): the grid's headers do not sort, so that what the files
hold is what the screen shows, in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from models import figures
from models.grid import for_grid
from models.scope import Scope
from models.store import kept
from views import laureats as lv

DEFAULT_ORDER = next(iter(lv.SORTS))  # the identifiant: the order of selection


@dataclass(frozen=True)
class LaureatsList:
    found: pd.DataFrame  # the query's rows, in the chosen order
    table: pd.DataFrame  # as shown and exported (French columns)
    grid: pa.Table  # the table as the data grid receives it
    labels: dict[str, str]  # fabrique id → how the card's selector names it
    options: list[str]  # fabrique ids, in the order shown
    in_scope: int  # the scope's count (Synthèse's), whatever the search
    compact_html: str  # the same list as cards, for a phone (views/laureats.compact_list_html)


def listing(scope: Scope, search: str | None, order: str = DEFAULT_ORDER) -> LaureatsList:
    def build() -> LaureatsList:
        found = lv.sort_laureates(scope.run("laureates_list", **scope.params, search=search), order)
        table = lv.laureates_table(found, scope.rural_definition)
        return LaureatsList(found=found, table=table, grid=for_grid(table), labels=lv.option_labels(found),
                            options=list(found["fabrique_id"]), in_scope=figures.of(scope).fabriques,
                            compact_html=lv.compact_list_html(table))

    return kept("laureats", (*scope.key, search, order), build)


def card(scope: Scope, fabrique_id: str) -> tuple[tuple[str, str], ...]:
    """The card of one fabrique of the scope, as (label, text) rows."""
    def build():
        found = listing(scope, None).found
        row = next(found[found["fabrique_id"] == fabrique_id].itertuples())
        return tuple(lv.detail_fields(row, scope.rural_definition))

    return kept("laureats_card", (*scope.key, fabrique_id), build)

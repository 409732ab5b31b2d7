"""What the Carte page's controls choose: the layers shown and the choropleth, with the
colours of the optional layers (shared by the layers and their legend)."""
from __future__ import annotations

from dataclasses import dataclass

from views.colors import CATEGORICAL, GREY_TEXT

CENSUS_COLOR = GREY_TEXT
QPV_COMMUNE_COLOR = CATEGORICAL[2]
NO_CHOROPLETH = "none"
CHOROPLETHS = {
    NO_CHOROPLETH: "Aucune",
    "nombre": "Nombre de fabriques",
    "pour_100k": "Fabriques pour 100 000 habitants",
}


@dataclass(frozen=True)
class MapOptions:
    insets: bool = True
    census: bool = False
    qpv_communes: bool = False
    choropleth: str = NO_CHOROPLETH
    without_fabrique: bool = False


def choropleth_value(row, choropleth: str):
    """The figure a département is shaded by: its count, or its count per 100,000 inhabitants."""
    return row.fabriques if choropleth == "nombre" else row.per_100k

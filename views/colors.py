"""The one place that owns colours (DSFR palette): plotly, pydeck and exports use these."""
from __future__ import annotations

BLUE_FRANCE = "#000091"
RED_MARIANNE = "#E1000F"
GREY_TEXT = "#3A3A3A"
GREY_LINE = "#929292"
GREY_LIGHT = "#EEEEEE"

# DSFR categorical chart palette.
CATEGORICAL = ["#5C68E5", "#82B5F2", "#29598F", "#31A7AE", "#81EEF5", "#B478F1", "#CFB1F5", "#CECECE"]

TERRITORY_COLORS = {
    "qpv": "#5C68E5",
    "rural": "#31A7AE",
    "urbain": "#B478F1",
    "indetermine": "#929292",
}


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """[r, g, b, a] for pydeck."""
    value = hex_color.lstrip("#")
    return [int(value[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]

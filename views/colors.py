"""The one place that owns colours (DSFR palette): plotly, pydeck and exports use these.

.streamlit/config.toml repeats the theme colours (Streamlit reads them from there); the
light and dark values below are the same.
"""
from __future__ import annotations

BLUE_FRANCE = "#000091"
# DSFR "blue-france-main-525": at least 4.2:1 on white and on the dark background, for the
# lines and bars of on-screen charts, which show on either theme.
BLUE_FRANCE_MAIN = "#6A6AF4"
BLUE_FRANCE_DARK_MODE = "#8585F6"  # the dark theme's primary colour (5.8:1 on #161616)
RED_MARIANNE = "#E1000F"
GREY_TITLE = "#161616"   # text-title-grey; also the dark theme's background
GREY_TEXT = "#3A3A3A"
GREY_LINE = "#929292"
GREY_MEDIUM = "#666666"  # grey-425: "all fabriques" beside the territory types (3:1 on both themes)
GREY_LIGHT = "#EEEEEE"
GREY_BACKGROUND_ALT = "#F6F6F6"  # background-alt-grey: the gauges' track
GREY_GRID = "#DDDDDD"            # border-default-grey: grid lines of the exported slides
LAND = "#F2F2F2"                 # the static map's land and borders
LAND_BORDER = "#B8B8B8"
BLUE_FRANCE_LIGHTEST = "#E3E3FD"  # blue-france-975: the focused territory on the static map
WHITE = "#FFFFFF"

# DSFR categorical chart palette.
CATEGORICAL = ["#5C68E5", "#82B5F2", "#29598F", "#31A7AE", "#81EEF5", "#B478F1", "#CFB1F5", "#CECECE"]

TERRITORY_COLORS = {
    "qpv": "#5C68E5",
    "rural": "#31A7AE",
    "urbain": "#B478F1",
    "indetermine": "#929292",
}
# Colour is never the only carrier of a territory type: plotly markers also differ by shape;
# bars are named on their axis or keep one order (QPV, rurale, autre urbaine) and have a table.
# (No plotly bar patterns: in Streamlit 1.67 the patterned bars were drawn empty.)
TERRITORY_SYMBOLS = {"qpv": "circle", "rural": "square", "urbain": "diamond", "indetermine": "x"}


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """[r, g, b, a] for pydeck."""
    value = hex_color.lstrip("#")
    return [int(value[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def relative_luminance(hex_color: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    channels = [c / 255 for c in rgb(hex_color)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str) -> str:
    """White or near-black, whichever reads better on the background (labels inside bars)."""
    return max((WHITE, GREY_TITLE), key=lambda text: contrast_ratio(text, background))

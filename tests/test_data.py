"""The shipped extracts against the raw sources they come from."""
import json
from collections import Counter

import pandas as pd
import pytest
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from conftest import ROOT
from pipeline.territory import departement_of_commune
from queries import run

DATA = ROOT / "data"
SOURCES = DATA / "sources"


@pytest.fixture(scope="module")
def laureates():
    return pd.read_parquet(DATA / "laureates.parquet")


@pytest.fixture(scope="module")
def source_features():
    return json.loads((SOURCES / "anct_fabt_geom_2024-01.geojson").read_text())["features"]


def test_one_row_per_fabrique_of_the_list(laureates):
    assert len(laureates) == 382
    assert laureates.fabrique_id.is_unique
    assert set(laureates.fabrique_number) == set(range(1, 383))


def test_every_point_inside_france_or_an_overseas_territory(laureates):
    regions = json.loads((SOURCES / "anct_regions_2023_4326.geojson").read_text())["features"]
    france = unary_union([shape(f["geometry"]) for f in regions])
    outside = [
        row.fabrique_id for row in laureates.itertuples()
        if france.distance(Point(row.lon, row.lat)) > 0.12
    ]
    # Saint-Martin has no outline in the files: its fallback point is checked on its own.
    assert outside == ["fabt-364"]
    saint_martin = laureates.set_index("fabrique_id").loc["fabt-364"]
    assert saint_martin.point_is_fallback
    assert 18.0 < saint_martin.lat < 18.15 and -63.2 < saint_martin.lon < -62.95


def test_counts_per_region_match_the_source_geojson(laureates, source_features):
    deps = json.loads((SOURCES / "anct_departements_2023_4326.geojson").read_text())["features"]
    region_of_dep = {f["properties"]["insee_dep"]: f["properties"]["insee_reg"] for f in deps}
    from_source = Counter()
    for feature in source_features:
        ids = feature["properties"]["id_territoire"].split("; ")
        region = region_of_dep.get(departement_of_commune(feature["properties"]["id_geo"]), "aucune")
        from_source[region] += len(ids)
    from_extract = Counter(laureates.reg_code.fillna("aucune"))
    assert from_extract == from_source
    assert from_extract["53"] == 23  # Bretagne


def test_territory_flags_follow_the_commune_sources(laureates):
    qpv = json.loads((SOURCES / "anct_communes_avec_qpv2024_centroides.geojson").read_text())["features"]
    qpv_communes = {f["properties"]["insee_com"] for f in qpv}
    assert set(laureates[laureates.has_qpv].commune_code) <= qpv_communes
    # The type is decided once, at query time under the chosen rural definition (typed_laureates).
    assert "territory_type" not in laureates.columns
    typed = run("laureates_list", region=None, departement=None, epci=None, territoire=None,
                rural_definition="insee", search=None)
    assert len(typed) == len(laureates)
    assert (typed.territory_type == "qpv").sum() == laureates.has_qpv.sum()
    rural_levels = {"Bourgs ruraux", "Rural à habitat dispersé", "Rural à habitat très dispersé"}
    rural = typed[typed.territory_type == "rural"]
    assert set(rural.density_level) <= rural_levels
    assert typed.set_index("fabrique_id").loc["fabt-364", "territory_type"] == "indetermine"


def test_waves_are_inferred_and_follow_the_documented_ranges(laureates):
    assert laureates.wave_is_inferred.all()
    by_number = laureates.set_index("fabrique_number").wave_label
    assert by_number[1] == by_number[80] == "Vague 1 (3 février 2020)"
    assert by_number[188] == by_number[216] == "Vague du 30 mars 2021"
    assert by_number[301] == by_number[382] == "Vague 2023"
    assert (laureates.wave_label.str.startswith("Vague 1 (")).sum() == 80


def test_census_has_no_personal_columns_and_every_row():
    census = pd.read_parquet(DATA / "tiers_lieux_2019.parquet")
    assert len(census) == 1512
    assert not {"contact", "mail", "CONTACT", "MAIL", "email"} & set(census.columns)
    assert census.reg_code.notna().all()


def test_targets_each_carry_a_source():
    targets = pd.read_parquet(DATA / "targets.parquet").set_index("target_id")
    assert targets.loc["total_2021", "target_value"] == 300
    assert targets.loc["qpv_2021", "target_value"] == 150
    assert targets.loc["rural_2021", "target_value"] == 150
    assert targets.loc["total_2023", "target_value"] == 380
    assert targets.source_url.str.startswith("https://").all()


def test_manifest_counts_and_hashes_match_the_files():
    import hashlib

    manifest = json.loads((DATA / "manifest.json").read_text())
    for name, entry in manifest["extracts"].items():
        path = DATA / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], name
        assert len(pd.read_parquet(path)) == entry["rows"], name

"""data/sources/PROVENANCE.md against the files it describes.

Each test reads a figure from the document (a pattern over its text) and measures the same thing
in the raw file with pandas or json: a figure changed in the document and not in the file, or the
reverse, fails. A reworded sentence fails too ("no longer says"), so that its new figures get
checked here rather than dropped.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, shape

from conftest import ROOT
from pipeline import build, sources, waves
from pipeline.territory import DENSITY_RANK, RURAL_INSEE_MIN_RANK

SOURCES = ROOT / "data" / "sources"
# One line of text: the document wraps its sentences anywhere.
DOC = re.sub(r"\s+", " ", (SOURCES / "PROVENANCE.md").read_text(encoding="utf-8"))
OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}
# Mainland France and Corsica lie inside this box; every overseas territory far outside it.
MAINLAND = {"lat": (41.0, 51.5), "lon": (-5.5, 10.0)}


def said(pattern: str) -> tuple[str, ...]:
    """The groups of `pattern` in the document; every place that says it says the same."""
    found = re.findall(pattern, DOC)
    assert found, f"PROVENANCE.md no longer says: {pattern}"
    found = [match if isinstance(match, tuple) else (match,) for match in found]
    assert len(set(found)) == 1, f"PROVENANCE.md says it in two ways: {found}"
    return found[0]


def number(text: str) -> int:
    """'1,512' -> 1512 (the document writes thousands with a comma)."""
    return int(text.replace(",", ""))


def codes(text: str) -> list[str]:
    return re.findall(r"\d{5}", text)


# --- The raw files, read as they are (no cleaning of the build) ---

def _features(name: str) -> list[dict]:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def fabriques():
    return _features(sources.FABRIQUES_FILE)


@pytest.fixture(scope="module")
def regions():
    return _features(sources.REGIONS_FILE)


@pytest.fixture(scope="module")
def departements():
    return _features(sources.DEPARTEMENTS_FILE)


@pytest.fixture(scope="module")
def census():
    return pd.read_csv(SOURCES / sources.CENSUS_2019_FILE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def points():
    return pd.read_csv(SOURCES / sources.COMMUNE_POINTS_FILE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def epci():
    return pd.read_csv(SOURCES / sources.COMMUNE_EPCI_FILE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def density():
    return pd.read_csv(SOURCES / sources.DENSITY_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _facts(name: str) -> pd.DataFrame:
    return pd.read_csv(SOURCES / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def milestones():
    return _facts("programme_jalons_fabriques.csv").set_index("date")


@pytest.fixture(scope="module")
def targets():
    return _facts("objectifs_programme.csv").set_index("objectif")


def _overseas_region_of(lon: float, lat: float, regions) -> str | None:
    """The région whose outline holds the point (or the nearest: generalised outlines cut coasts)."""
    point = Point(lon, lat)
    outlines = [(f["properties"]["insee_reg"], shape(f["geometry"])) for f in regions]
    return (next((code for code, outline in outlines if outline.contains(point)), None)
            or min(outlines, key=lambda item: item[1].distance(point))[0])


# --- The fabrique list ---

def test_fabrique_list_features_points_and_ids(fabriques):
    features, points_, total, first, last = said(
        r"(\d+) features, one per commune \((\d+) Points and, for Saint-Martin, an empty geometry\), "
        r"holding \*\*(\d+) fabriques\*\* `fabt-(\d+)`\.\.`fabt-(\d+)`")
    assert len(fabriques) == int(features)
    assert sum(f["geometry"]["type"] == "Point" for f in fabriques) == int(points_)
    others = [f for f in fabriques if f["geometry"]["type"] != "Point"]
    assert [f["properties"]["id_geo"] for f in others] == ["97801"]  # Saint-Martin
    assert not others[0]["geometry"].get("geometries") and not others[0]["geometry"].get("coordinates")
    ids = [i.strip() for f in fabriques for i in f["properties"]["id_territoire"].split(";")]
    assert len(ids) == len(set(ids)) == int(total)
    assert f"fabt-{first}" in ids and f"fabt-{last}" in ids
    assert sorted(int(i.removeprefix("fabt-")) for i in ids) == list(range(int(first), int(last) + 1))


def test_fabrique_list_properties_and_no_wave(fabriques):
    listed = set(re.findall(r"`(\w+)`", said(r"Properties: (.*?)\. Points are commune centroids")[0]))
    for feature in fabriques:
        assert set(feature["properties"]) == listed  # no wave, no date, no type per fabrique


def test_two_single_fabrique_names_contain_the_separator(fabriques):
    (count,) = said(r"\((\w+) names contain `; ` themselves\)")
    single = [f for f in fabriques if ";" not in f["properties"]["id_territoire"]]
    assert sum("; " in f["properties"]["lib_territoire"] for f in single) == {"two": 2}.get(count, -1)


# --- Outlines ---

def test_regions_file(regions):
    count, fields, kind = said(r"(\d+) regions: ((?:`\w+`, )*`\w+`)\. (\w+)s\.")
    assert len(regions) == int(count)
    assert {f["geometry"]["type"] for f in regions} == {kind}
    for feature in regions:
        assert set(feature["properties"]) == set(re.findall(r"`(\w+)`", fields))


def test_departements_file(departements):
    count, fields = said(r"(\d+) départements: ((?:`\w+`, )*`\w+`)\.")
    assert len(departements) == int(count)
    for feature in departements:
        assert set(feature["properties"]) == set(re.findall(r"`(\w+)`", fields))


def test_overseas_outlines_at_their_true_positions(regions, departements):
    said(r"Overseas regions and départements are at their true positions in every geometry file")
    for feature in regions + departements:
        props = feature["properties"]
        overseas = props.get("insee_dep", "").startswith("97") or props["insee_reg"] in OVERSEAS_REGIONS
        centre = shape(feature["geometry"]).centroid
        in_box = (MAINLAND["lat"][0] < centre.y < MAINLAND["lat"][1]
                  and MAINLAND["lon"][0] < centre.x < MAINLAND["lon"][1])
        assert in_box != overseas, props


# --- Communes with a QPV ---

def test_qpv_communes_file():
    features = _features(sources.QPV_COMMUNES_FILE)
    count, fields = said(r"(\d+) communes that contain at least one QPV; ((?:`\w+`(?: \([^)]*\))?, )*`\w+`)\. "
                         r"One point per commune, not per QPV\.")
    assert len(features) == int(count)
    assert {f["geometry"]["type"] for f in features} == {"Point"}
    communes = [f["properties"]["insee_com"] for f in features]
    assert len(set(communes)) == len(communes)
    for feature in features:
        assert set(feature["properties"]) == set(re.findall(r"`(\w+)`", fields))
    folded = said(r"arrondissements folded into (\d{5}), (\d{5}), (\d{5})")
    assert set(folded) <= set(communes)
    arrondissements = [c for c in communes if re.match(r"^(751\d\d|6938\d|132\d\d)$", c)]
    assert arrondissements == []
    (qpv_codes,) = said(r"([\d,]+) QPV codes in all")
    every = {c.strip() for f in features for c in str(f["properties"]["code_qp"]).split(",") if c.strip()}
    assert len(every) == number(qpv_codes)


# --- Density grid ---

def test_density_grid(density):
    count, levels = said(r"([\d,]+) communes: `insee_com`, `lib_com`, `niveau_densite` \((\d+) levels\)\. "
                         r"UTF-8 \*\*with BOM\*\*")
    assert len(density) == number(count) and density.insee_com.is_unique
    assert list(density.columns) == ["insee_com", "lib_com", "niveau_densite"]
    assert density.niveau_densite.nunique() == int(levels)
    assert (SOURCES / sources.DENSITY_FILE).read_bytes()[:3] == b"\xef\xbb\xbf"
    rural = re.findall(r"`([^`]+)`", said(r"Rural per the INSEE 2020 definition = (.*?)\. \|")[0])
    assert set(rural) <= set(density.niveau_densite)
    # The build's rule says the same levels (pipeline/territory.py).
    assert set(rural) == {level for level, rank in DENSITY_RANK.items() if rank >= RURAL_INSEE_MIN_RANK}


# --- Commune points ---

def _missing(column: pd.Series) -> pd.Series:
    return column.isin(["", "\\N"])


def test_commune_points_rows_and_types(points):
    rows, communes, arrondissements = said(
        r"([\d,]+) rows \(([\d,]+) communes \+ (\d+) Paris/Lyon/Marseille arrondissements\)")
    assert len(points) == number(rows)
    assert (points.type == "COM").sum() == number(communes)
    arm = points[points.type == "ARM"].insee_com
    assert len(arm) == int(arrondissements) and arm.str.match(r"^(751|6938|132)").all()


def test_commune_points_without_centroid_or_point(points):
    no_centroid, no_point, listed = said(
        r"(\d+) communes have no polygon centroid, (\d+) of them no point at all \(([\d, ]+)\)")
    without_centroid = points[_missing(points.lat_centre)]
    assert len(without_centroid) == int(no_centroid)
    without_point = without_centroid[_missing(without_centroid.lat_mairie)]
    assert len(without_point) == int(no_point)
    assert sorted(without_point.insee_com) == codes(listed)


def test_communes_without_population(points):
    count, mayotte, talican = said(r"(\d+) communes have no population \(`\\N`\): Mayotte's (\d+) and "
                                   r"Hauts-Talican \((\d{5})\)")
    communes = points[points.type == "COM"]
    none = communes[_missing(communes.population_municipale)]
    assert len(none) == int(count)
    assert set(none.insee_com) == set(communes[communes.insee_com.str.startswith("976")].insee_com) | {talican}
    assert none.insee_com.str.startswith("976").sum() == int(mayotte)
    assert communes.set_index("insee_com").at[talican, "nom"] == "Hauts-Talican"
    (paris,) = said(r"Paris (\d{1,3}(?:,\d{3})+)")
    assert communes.set_index("insee_com").at["75056", "population_municipale"] == str(number(paris))
    # The vintage the document gives is the one the build writes beside every figure per inhabitant.
    assert said(r"populations of the (\d{4}) vintage")[0] == build.POPULATION_VINTAGE


def test_hauts_talican_is_left_out_of_its_departement_region_and_epci(points, epci, departements, regions):
    (code,) = said(r"Nor has it one for Hauts-Talican \((\d{5}), created in 2024\): the Oise, the "
                   r"Hauts-de-France and the CC des Sablons are summed without it")
    departement = next(f["properties"] for f in departements if f["properties"]["insee_dep"] == code[:2])
    region = next(f["properties"] for f in regions if f["properties"]["insee_reg"] == departement["insee_reg"])
    assert (departement["lib_dep"], region["lib_reg"]) == ("Oise", "Hauts-de-France")
    assert epci.set_index("insee_com").at[code, "epci_nom"] == "Communauté de communes des Sablons"
    assert points.set_index("insee_com").at[code, "population_municipale"] == "\\N"
    assert said(r"\(Hauts-Talican, (\d{5}), created in 2024, in the CC des Sablons\)") == (code,)
    assert said(r"nor has Hauts-Talican \((\d{5}), Oise, CC des Sablons, created in 2024\)") == (code,)


def test_median_distance_from_fabrique_points_to_centroids(points, fabriques):
    (metres,) = said(r"Median distance from the ANCT fabrique points to the polygon centroids: (\d+) m")
    centres = points[(points.type == "COM") & ~_missing(points.lat_centre)].set_index("insee_com")
    distances = []
    for feature in fabriques:
        commune = sources.COG_FIXES.get(feature["properties"]["id_geo"], feature["properties"]["id_geo"])
        if feature["geometry"]["type"] != "Point" or commune not in centres.index:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        lat2, lon2 = float(centres.at[commune, "lat_centre"]), float(centres.at[commune, "lon_centre"])
        # Haversine, Earth radius 6,371 km.
        a = (math.sin(math.radians(lat2 - lat) / 2) ** 2
             + math.cos(math.radians(lat)) * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon) / 2) ** 2)
        distances.append(2 * 6_371_000 * math.asin(math.sqrt(a)))
    assert round(float(np.median(distances))) == int(metres)


# --- Communes and EPCI ---

def test_commune_epci_file(epci, points):
    (count,) = said(r"([\d,]+) communes \(type COM\)")
    assert len(epci) == number(count)
    assert set(epci.insee_com) == set(points[points.type == "COM"].insee_com)
    (kinds,) = said(r"`epci_type` \(([A-Z, ]+) = métropole\)")
    assert set(epci.epci_type) - {""} == set(kinds.split(", "))
    (groups,) = said(r"([\d,]+) EPCI à fiscalité propre")
    assert epci.epci_siren[epci.epci_siren != ""].nunique() == number(groups)
    (islands,) = said(r"Four island communes legally outside any EPCI have empty EPCI fields: (.*?)\. No EPCI")
    listed = dict(re.findall(r"(\d{5}) ([^,]+)", islands))
    empty = epci[epci.epci_siren == ""]
    assert dict(zip(empty.insee_com, empty.nom)) == listed
    assert (empty[["epci_nom", "epci_type"]] == "").all(axis=None)
    assert set(listed) == set(sources.COMMUNES_WITHOUT_EPCI)  # what the build accepts


# --- Tiers-lieux census 2019 ---

def test_census_rows_ids_and_the_49_added_in_2019(census):
    count, first, last, added, first_added, last_added = said(
        r"([\d,]+) tiers-lieux \(`ID` (\d+) to (\d+); the (\d+) added in 2019, `ID` (\d+) to (\d+), have no `TYPO`\)")
    ids = census.ID.astype(int)
    assert len(census) == number(count) and ids.is_unique
    assert (ids.min(), ids.max()) == (int(first), int(last))
    assert said(r"Mission Coworking census 2018 \(\+(\d+) added in 2019\)")[0] == added
    late = census[ids.between(int(first_added), int(last_added))]
    assert len(late) == int(added)
    assert set(late.ID) == set(census[census.TYPO == ""].ID)


def test_census_is_not_mainland_only(census, regions):
    count, reunion, guadeloupe, martinique, guyane = said(
        r"Not mainland only: (\d+) lie overseas by their coordinates \(La Réunion (\d+), Guadeloupe (\d+), "
        r"Martinique (\d+), Guyane (\d+)\)")
    lat, lon = census.LAT.astype(float), census.LONG.astype(float)
    outside = census[~(lat.between(*MAINLAND["lat"]) & lon.between(*MAINLAND["lon"]))]
    located = [_overseas_region_of(float(r.LONG), float(r.LAT), regions) for r in outside.itertuples()]
    assert len(outside) == int(count)
    assert sorted(located) == sorted(["04"] * int(reunion) + ["01"] * int(guadeloupe)
                                     + ["02"] * int(martinique) + ["03"] * int(guyane))
    assert said(r"(\d+) rows are overseas, so the file is not \"mainland only\"")[0] == count
    assert said(r"(\w+) rows of the census are overseas")[0] == {"6": "Six"}.get(count)


def test_census_personal_columns_blank_and_commune_code_zero(census):
    said(r"Personal columns `CONTACT`, `MAIL` are blank on purpose")
    assert (census.CONTACT == "").all() and (census.MAIL == "").all()
    (zero,) = said(r"(\d+) rows have the INSEE commune code 0")
    assert (census.INSEECOM.str.strip() == "0").sum() == int(zero)


def test_census_geocoding_precision(census):
    (in_range, low, high, integers, region, int_low, int_high, below, below_low, below_high,
     blank) = said(r"([\d,]+) rows between (0\.\d+) and (0\.\d+), but (\d+) rows \(all in Occitanie, "
                   r"`INSEEREG` (\d+)\) use whole numbers (\d+) to (\d+), (\d+) rows are below 0\.49 "
                   r"\((0\.\d+) to (0\.\d+)\) and (\d+) are blank")
    precision = pd.to_numeric(census.PRECISION.replace("", None))
    assert precision.between(float(low), float(high)).sum() == number(in_range)
    whole = census[precision > float(high)]
    assert len(whole) == int(integers)
    assert set(whole.INSEEREG) == {region} and set(whole.NOMREG) == {"Occitanie"}
    assert whole.PRECISION.str.fullmatch(r"\d").all()
    assert (whole.PRECISION.astype(int).min(), whole.PRECISION.astype(int).max()) == (int(int_low), int(int_high))
    under = precision[precision < float(low)]
    assert len(under) == int(below)
    assert (under.min(), under.max()) == (float(below_low), float(below_high))
    assert (census.PRECISION == "").sum() == int(blank)
    assert number(in_range) + int(integers) + int(below) + int(blank) == len(census)


def test_census_regions_are_post_2016_with_spelling_variants(census, regions, departements):
    mainland, variants, blank, overseas, other_id = said(
        r"`INSEEREG` and `NOMREG` are the post-2016 régions \((\d+) mainland régions\), not pre-2016 names, "
        r"with spelling variants: (.*?)\. (\d+) rows are blank \(the (\d+) overseas rows and `ID` (\d+), in Finistère\)")
    names = {f["properties"]["insee_reg"]: f["properties"]["lib_reg"] for f in regions}
    filled = census[census.INSEEREG != ""]
    assert set(filled.INSEEREG) <= set(names) - OVERSEAS_REGIONS
    assert filled.INSEEREG.nunique() == int(mainland)
    # Each name is its code's 2023 name, or one of the variants the document lists.
    differing = set(filled.NOMREG[filled.NOMREG != filled.INSEEREG.map(names)])
    assert differing == set(re.findall(r'"([^"]+)"', variants))
    empty = census[(census.INSEEREG == "") & (census.NOMREG == "")]
    assert len(empty) == int(blank) == len(census[(census.INSEEREG == "") | (census.NOMREG == "")])
    lat, lon = empty.LAT.astype(float), empty.LONG.astype(float)
    abroad = empty[~(lat.between(*MAINLAND["lat"]) & lon.between(*MAINLAND["lon"]))]
    assert len(abroad) == int(overseas)
    assert set(empty.ID) - set(abroad.ID) == {other_id}
    finistere = next(f["properties"]["lib_dep"] for f in departements if f["properties"]["insee_dep"] == "29")
    assert finistere == "Finistère" and census.set_index("ID").at[other_id, "INSEEDEP"] == "29"


def test_census_codes_contradicted_by_the_points(census, regions, departements):
    r1, r2, r3, coded_reunion, guadeloupe, martinique, coded_antilles = said(
        r"ids (\d+), (\d+), (\d+) are in La Réunion but coded (\w+); (\d+) is in Guadeloupe and (\d+) in "
        r"Martinique, both coded (\d+)")
    rows = census.set_index("ID")
    expected = {r1: ("04", coded_reunion), r2: ("04", coded_reunion), r3: ("04", coded_reunion),
                guadeloupe: ("01", coded_antilles), martinique: ("02", coded_antilles)}
    for tiers_lieu, (region, coded) in expected.items():
        row = rows.loc[tiers_lieu]
        assert _overseas_region_of(float(row.LONG), float(row.LAT), regions) == region
        assert row.INSEEDEP == coded and row.NOMREG == ""
    # The project's table of the fixes says the same rows.
    table = re.findall(r"\| `(\d+)` \| (\w+) \([^)]*\) \| (\d+) [^|]+ \| (\d+) [^|]+ \|", DOC)
    assert {row[0]: row[1] for row in table} == {k: v[1] for k, v in expected.items()}
    assert {row[0]: row[3] for row in table} == {k: v[0] for k, v in expected.items()}
    outlines = {f["properties"]["insee_dep"]: shape(f["geometry"]) for f in departements}
    for tiers_lieu, _, located, region in table:
        point = Point(float(rows.at[tiers_lieu, "LONG"]), float(rows.at[tiers_lieu, "LAT"]))
        assert min(outlines, key=lambda code: outlines[code].distance(point)) == located
        assert next(f["properties"]["insee_reg"] for f in departements
                    if f["properties"]["insee_dep"] == located) == region


def test_census_corse_and_la_reunion_counts(census, regions):
    corse, corse_coded, reunion, reunion_coded = said(
        r"Corse then counts (\d+) tiers-lieux \(not (\d+)\) and La Réunion (\d+) \(not (\d+)\)")
    coded_corse = census[census.INSEEDEP.isin(["2A", "2B"])]
    assert len(coded_corse) == int(corse_coded)
    at_reunion = [r for r in coded_corse.itertuples()
                  if _overseas_region_of(float(r.LONG), float(r.LAT), regions) == "04"]
    assert len(coded_corse) - len(at_reunion) == int(corse)
    assert (census.INSEEDEP == "974").sum() == int(reunion_coded)
    assert len(at_reunion) == int(reunion)


# --- Known quirks of the list ---

def test_saint_martin_has_no_point_no_density_and_marigot_is_the_builds(fabriques, points, density):
    (fabrique,) = said(r"Saint-Martin \(`97801`, fabrique `(fabt-\d+)`\)")
    feature = next(f for f in fabriques if f["properties"]["id_geo"] == "97801")
    assert feature["properties"]["id_territoire"] == fabrique
    assert "97801" not in set(points.insee_com) and "97801" not in set(density.insee_com)
    lat, lon = said(r"Marigot is about (\d+\.\d+) N, (\d+\.\d+) W")
    assert (round(sources.SAINT_MARTIN["lat"], 2), round(-sources.SAINT_MARTIN["lon"], 2)) == (float(lat), float(lon))
    lat, lon = said(r"Marigot \((\d+\.\d+) N, (\d+\.\d+) W")
    assert (sources.SAINT_MARTIN["lat"], -sources.SAINT_MARTIN["lon"]) == (float(lat), float(lon))


def test_oree_d_anjou_changed_code(fabriques, points, density):
    old, new = said(r"(\d{5}) \(Orée d'Anjou, COG 2023\) became (\d{5}) in COG 2025 \(density grid, commune points\)")
    assert old in {f["properties"]["id_geo"] for f in fabriques}
    for frame in (points, density):
        assert old not in set(frame.insee_com) and new in set(frame.insee_com)
    assert sources.COG_FIXES == {old: new}


def test_inferred_wave_ranges_are_the_builds(fabriques):
    bounds = said(r"`fabt-(\d+)`\.\.`fabt-(\d+)` = wave of 3 Feb 2020, `fabt-(\d+)`\.\.`fabt-(\d+)` = wave of "
                  r"30 Mar 2021, `fabt-(\d+)`\.\.`fabt-(\d+)` = 2023 wave; ids (\d+)–(\d+) and (\d+)–(\d+) are")
    first = [int(b) for b in bounds]
    ranges = [(w.first, w.last) for w in waves.WAVE_RANGES]
    assert sorted(ranges) == sorted([(first[0], first[1]), (first[2], first[3]), (first[4], first[5]),
                                     (first[6], first[7]), (first[8], first[9])])
    dated = {(w.first, w.last): w.announced_on for w in waves.WAVE_RANGES if w.announced_on}
    assert dated == {(first[0], first[1]): date(2020, 2, 3), (first[2], first[3]): date(2021, 3, 30),
                     (first[4], first[5]): date(2023, 9, 11)}
    listed = sum(len(f["properties"]["id_territoire"].split(";")) for f in fabriques)
    assert max(last for _, last in ranges) == listed
    (total,) = said(r"The 2024 wave \((\d+)\) is not in the list")
    assert listed < int(total)


# --- The facts files ---

def test_milestones_file(milestones):
    (w1, territoire, numerique, total_2020, qpv_2020, rural_2020, total_2021, reached, target, total_2024,
     laureates, new, relabelled, qpv_pct, rural_pct) = said(
        r"Announced waves and cumulative totals: (\d+) \(3 Feb 2020: (\d+) fabriques de territoire \+ (\d+) "
        r"fabriques numériques, all in QPV\), (\d+) \(22 Oct 2020: (\d+) QPV, (\d+) rural\), (\d+) \(30 Mar "
        r"2021\), (\d+) reached end 2021, target (\d+) \(2023 wave\), (\d+) \(28 Oct 2024: (\d+) laureates, "
        r"(\d+) new \+ (\d+) relabelled; (\d+) % QPV, (\d+) % rural\)")
    row = milestones.loc
    assert (row["2020-02-03", "cumul_annonce"], row["2020-02-03", "qpv_annonces"]) == (w1, w1)
    assert f"{territoire} fabriques de territoire + {numerique} fabriques numériques" in row["2020-02-03", "detail"]
    assert int(territoire) + int(numerique) == int(w1)
    assert tuple(row["2020-10-22", ["cumul_annonce", "qpv_annonces", "ruraux_annonces"]]) == (
        total_2020, qpv_2020, rural_2020)
    assert row["2021-03-30", "cumul_annonce"] == total_2021
    assert (row["2021-12-31", "cumul_annonce"], row["2021-12-31", "precision_date"]) == (reached, "fin_annee")
    assert (row["2023-09-11", "objectif_annonce"], row["2023-09-11", "cumul_annonce"]) == (target, "")
    wave = row["2024-10-28"]
    assert (wave.cumul_annonce, wave.nouveaux_laureats, wave.dont_nouveaux_lieux, wave.dont_relabellises,
            wave.part_qpv_pct, wave.part_rurale_pct) == (total_2024, laureates, new, relabelled, qpv_pct, rural_pct)


def test_programme_facts(milestones, targets, fabriques):
    (launched,) = said(r"Call for interest launched (\d+ \w+ \d{4})")
    assert "AMI" in milestones.at[datetime.strptime(launched, "%d %B %Y").date().isoformat(), "evenement"]
    total, qpv, rural = said(r"Target: \*\*(\d+) fabriques de territoire, of which (\d+) in QPV \(quartiers "
                             r"prioritaires de la politique de la ville\) and (\d+) in rural territories\*\*")
    assert tuple(targets.loc[["total_2021", "qpv_2021", "rural_2021"], "valeur"]) == (total, qpv, rural)
    assert f"objectif {total} fabriques dont {qpv} QPV et {rural} hors grands centres urbains" in \
        milestones.at["2019-07-11", "detail"]
    (first,) = said(r"3 February 2020, Concarneau: first (\d+) laureates announced")
    assert "Concarneau" in milestones.at["2020-02-03", "evenement"]
    assert milestones.at["2020-02-03", "nouveaux_laureats"] == first
    reached, wave, territories, target = said(
        r"Target of (\d+) reached at the end of 2021; 2023 wave of (\d+) aimed at (\d+) territories with no "
        r"fabrique \(target (\d+)\)")
    assert milestones.at["2021-12-31", "cumul_annonce"] == reached
    assert (milestones.at["2023-09-11", "nouveaux_laureats"], milestones.at["2023-09-11", "objectif_annonce"]) == (
        wave, target)
    assert f"{territories} territoires" in milestones.at["2023-09-11", "detail"]
    rank, laureates, new, relabelled, counted, counted_again, listed, added = said(
        r"28 October 2024: (\d+)th wave, (\d+) laureates, of which (\d+) new places and (\d+) fabriques labelled "
        r"again \(Banque des Territoires\), (\d+) fabriques counted: (\d+) = (\d+) \(the list of January 2024\) "
        r"\+ (\d+)\.")
    wave = milestones.loc["2024-10-28"]
    assert wave.evenement.startswith(f"Vague {rank} ")
    assert urlsplit(wave.source_url).netloc == "banquedesterritoires.fr"
    assert (wave.nouveaux_laureats, wave.dont_nouveaux_lieux, wave.dont_relabellises) == (laureates, new, relabelled)
    assert wave.cumul_annonce == counted == counted_again and added == new
    assert sum(len(f["properties"]["id_territoire"].split(";")) for f in fabriques) == int(listed)
    assert int(listed) + int(new) == int(counted)


def test_the_wave_split_columns(milestones, fabriques):
    laureates, new, relabelled, total, listed, added = said(
        r"Only the 2024-10-28 row has them: (\d+) laureates = (\d+) new places \+ (\d+) relabelled, from the "
        r"Banque des Territoires article of 28 October 2024 \(the row's `source_url`\), so that (\d+) = (\d+) \+ (\d+)\.")
    assert list(milestones.index[milestones.dont_nouveaux_lieux != ""]) == ["2024-10-28"]
    assert list(milestones.index[milestones.dont_relabellises != ""]) == ["2024-10-28"]
    wave = milestones.loc["2024-10-28"]
    assert (wave.nouveaux_laureats, wave.dont_nouveaux_lieux, wave.dont_relabellises, wave.cumul_annonce) == (
        laureates, new, relabelled, total)
    assert int(new) + int(relabelled) == int(laureates) and added == new
    assert sum(len(f["properties"]["id_territoire"].split(";")) for f in fabriques) == int(listed)
    extract = pd.read_parquet(ROOT / "data" / "milestones.parquet")
    names = said(r"The milestones extract carries them as `(\w+)` and `(\w+)`")
    assert set(names) <= set(extract.columns)


def test_census_totals_file():
    totals = _facts("tiers_lieux_recensements.csv").set_index("annee")
    y2018, y2021, y2023 = said(r"about ([\d,]+) \(2018\), over ([\d,]+) \(2021; some sources say 2020\), "
                               r"about ([\d,]+) \(2023\)")
    assert [int(totals.at[year, "nombre_tiers_lieux"]) for year in ("2018", "2021", "2023")] == [
        number(y2018), number(y2021), number(y2023)]
    # "about" and "over", as the file qualifies them.
    assert [totals.at[year, "qualificatif"] for year in ("2018", "2021", "2023")] == ["près de", "plus de", "environ"]
    assert number(said(r"(\d[\d,]*) tiers-lieux counted in 2018")[0]) == number(y2018)


def test_census_2023_shares_file(regions):
    (count,) = said(r"Regional shares \(%\) of tiers-lieux, for the (\d+) regions, named as in the régions file")
    shares = _facts("tiers_lieux_2023_repartition_regionale.csv")
    assert len(shares) == int(count)
    assert set(shares.region) == {f["properties"]["lib_reg"] for f in regions}


def test_targets_file(targets):
    total, qpv, rural, year, after_2023 = said(
        r"The programme's national targets: (\d+) fabriques, (\d+) in QPV, (\d+) rural \(deadline end (\d+)\), "
        r"(\d+) after the 2023 wave")
    assert tuple(targets.loc[["total_2021", "qpv_2021", "rural_2021", "total_2023"], "valeur"]) == (
        total, qpv, rural, after_2023)
    assert set(targets.loc[["total_2021", "qpv_2021", "rural_2021"], "echeance"]) == {f"{year}-12-31"}
    (definition,) = said(r"the definition the rural target uses: `(\w+)`")
    assert targets.at["rural_2021", "definition_rural"] == definition
    assert set(targets.nature_source) == set(said(r"\(`(\w+)` for a government page, `(\w+)` for press or blogs"))
    said(r"The 380 target has only press sources")
    assert targets.at["total_2023", "nature_source"] == "secondaire"
    (call_page,) = said(r"the call's page on `([^`]+)`")
    assert {urlsplit(u).netloc + urlsplit(u).path for u in targets.loc[["qpv_2021", "rural_2021"], "source_url"]} == {
        call_page}


def test_compiled_facts_changes(milestones):
    assert (milestones.at["2023-09-11", "cumul_annonce"], milestones.at["2023-09-11", "objectif_annonce"]) == (
        "", said(r"the 2023-09-11 row's (\d+) is a \*\*target\*\*")[0])
    wave1, qpv, rural, qpv_pct, rural_pct = said(
        r"wave 1 \((\d+), all in QPV\), 22 October 2020 \((\d+) QPV, (\d+) rural\), 28 October 2024 "
        r"\((\d+) % QPV, (\d+) % rural / FRR\)")
    assert milestones.at["2020-02-03", "qpv_annonces"] == wave1
    assert tuple(milestones.loc["2020-10-22", ["qpv_annonces", "ruraux_annonces"]]) == (qpv, rural)
    assert tuple(milestones.loc["2024-10-28", ["part_qpv_pct", "part_rurale_pct"]]) == (qpv_pct, rural_pct)
    (end_of_year,) = said(r"Every row is `jour` \(the source gives the day\) except (\d{4}-\d{2}-\d{2})")
    assert set(milestones.index[milestones.precision_date != "jour"]) == {end_of_year}
    assert milestones.at[end_of_year, "precision_date"] == "fin_annee"


def test_french_spelling_restored_in_the_project_copies():
    (bullet,) = said(r"French spelling restored: (.*?) `tests/test_spelling.py`")
    unaccented, accented = re.findall(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", bullet)[:2]
    texts = "".join((SOURCES / name).read_text(encoding="utf-8")
                    for name in ("programme_jalons_fabriques.csv", "tiers_lieux_recensements.csv"))
    for word in re.findall(r'"([^"]+)"', unaccented):
        assert word not in texts, word
    for word in re.findall(r'"([^"]+)"', accented):
        assert word in texts, word


def test_manifest_lists_saint_martin_alone_without_epci():
    (fabrique,) = said(r"\(today only `(fabt-\d+)`, Saint-Martin\)")
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert [row["fabrique_id"] for row in manifest["fabriques_without_epci"]] == [fabrique]

"""PROVENANCE.md against the public files: the fabrique list, the outlines, the communes with a
QPV, the density grid, the commune points and EPCI, and the list's known quirks (see
tests/provenance_doc.py for how a figure is read from the document)."""
from __future__ import annotations

import json
import math
import re
from datetime import date

import numpy as np
from shapely.geometry import shape

from conftest import ROOT
from pipeline import build, sources, waves
from pipeline.territory import DENSITY_RANK, RURAL_INSEE_MIN_RANK
from provenance_doc import (
    MAINLAND, OVERSEAS_REGIONS, SOURCES, features_of, missing, codes, load_density, load_departements,
    load_epci, load_fabriques, load_points, load_regions, number, said,
)


# --- The fabrique list ---

def test_fabrique_list_features_points_and_ids():
    fabriques = load_fabriques()
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


def test_fabrique_list_properties_and_no_wave():
    fabriques = load_fabriques()
    listed = set(re.findall(r"`(\w+)`", said(r"Properties: (.*?)\. Points are commune centroids")[0]))
    for feature in fabriques:
        assert set(feature["properties"]) == listed  # no wave, no date, no type per fabrique


def test_two_single_fabrique_names_contain_the_separator():
    fabriques = load_fabriques()
    (count,) = said(r"\((\w+) names contain `; ` themselves\)")
    single = [f for f in fabriques if ";" not in f["properties"]["id_territoire"]]
    assert sum("; " in f["properties"]["lib_territoire"] for f in single) == {"two": 2}.get(count, -1)


# --- Outlines ---

def test_regions_file():
    regions = load_regions()
    count, fields, kind = said(r"(\d+) regions: ((?:`\w+`, )*`\w+`)\. (\w+)s\.")
    assert len(regions) == int(count)
    assert {f["geometry"]["type"] for f in regions} == {kind}
    for feature in regions:
        assert set(feature["properties"]) == set(re.findall(r"`(\w+)`", fields))


def test_departements_file():
    departements = load_departements()
    count, fields = said(r"(\d+) départements: ((?:`\w+`, )*`\w+`)\.")
    assert len(departements) == int(count)
    for feature in departements:
        assert set(feature["properties"]) == set(re.findall(r"`(\w+)`", fields))


def test_overseas_outlines_at_their_true_positions():
    regions, departements = load_regions(), load_departements()
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
    features = features_of(sources.QPV_COMMUNES_FILE)
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

def test_density_grid():
    density = load_density()
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


def test_commune_points_rows_and_types():
    points = load_points()
    rows, communes, arrondissements = said(
        r"([\d,]+) rows \(([\d,]+) communes \+ (\d+) Paris/Lyon/Marseille arrondissements\)")
    assert len(points) == number(rows)
    assert (points.type == "COM").sum() == number(communes)
    arm = points[points.type == "ARM"].insee_com
    assert len(arm) == int(arrondissements) and arm.str.match(r"^(751|6938|132)").all()


def test_commune_points_without_centroid_or_point():
    points = load_points()
    no_centroid, no_point, listed = said(
        r"(\d+) communes have no polygon centroid, (\d+) of them no point at all \(([\d, ]+)\)")
    without_centroid = points[missing(points.lat_centre)]
    assert len(without_centroid) == int(no_centroid)
    without_point = without_centroid[missing(without_centroid.lat_mairie)]
    assert len(without_point) == int(no_point)
    assert sorted(without_point.insee_com) == codes(listed)


def test_communes_without_population():
    points = load_points()
    count, mayotte, talican = said(r"(\d+) communes have no population \(`\\N`\): Mayotte's (\d+) and "
                                   r"Hauts-Talican \((\d{5})\)")
    communes = points[points.type == "COM"]
    none = communes[missing(communes.population_municipale)]
    assert len(none) == int(count)
    assert set(none.insee_com) == set(communes[communes.insee_com.str.startswith("976")].insee_com) | {talican}
    assert none.insee_com.str.startswith("976").sum() == int(mayotte)
    assert communes.set_index("insee_com").at[talican, "nom"] == "Hauts-Talican"
    (paris,) = said(r"Paris (\d{1,3}(?:,\d{3})+)")
    assert communes.set_index("insee_com").at["75056", "population_municipale"] == str(number(paris))
    # The vintage the document gives is the one the build writes beside every figure per inhabitant.
    assert said(r"populations of the (\d{4}) vintage")[0] == build.POPULATION_VINTAGE


def test_hauts_talican_is_left_out_of_its_departement_region_and_epci():
    points, epci, departements, regions = load_points(), load_epci(), load_departements(), load_regions()
    (code,) = said(r"Nor has it one for Hauts-Talican \((\d{5}), created in 2024\): the Oise, the "
                   r"Hauts-de-France and the CC des Sablons are summed without it")
    departement = next(f["properties"] for f in departements if f["properties"]["insee_dep"] == code[:2])
    region = next(f["properties"] for f in regions if f["properties"]["insee_reg"] == departement["insee_reg"])
    assert (departement["lib_dep"], region["lib_reg"]) == ("Oise", "Hauts-de-France")
    assert epci.set_index("insee_com").at[code, "epci_nom"] == "Communauté de communes des Sablons"
    assert points.set_index("insee_com").at[code, "population_municipale"] == "\\N"
    assert said(r"\(Hauts-Talican, (\d{5}), created in 2024, in the CC des Sablons\)") == (code,)
    assert said(r"nor has Hauts-Talican \((\d{5}), Oise, CC des Sablons, created in 2024\)") == (code,)


def test_median_distance_from_fabrique_points_to_centroids():
    points, fabriques = load_points(), load_fabriques()
    (metres,) = said(r"Median distance from the ANCT fabrique points to the polygon centroids: (\d+) m")
    centres = points[(points.type == "COM") & ~missing(points.lat_centre)].set_index("insee_com")
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

def test_commune_epci_file():
    epci, points = load_epci(), load_points()
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


# --- Known quirks of the list ---

def test_saint_martin_has_no_point_no_density_and_marigot_is_the_builds():
    fabriques, points, density = load_fabriques(), load_points(), load_density()
    (fabrique,) = said(r"Saint-Martin \(`97801`, fabrique `(fabt-\d+)`\)")
    feature = next(f for f in fabriques if f["properties"]["id_geo"] == "97801")
    assert feature["properties"]["id_territoire"] == fabrique
    assert "97801" not in set(points.insee_com) and "97801" not in set(density.insee_com)
    lat, lon = said(r"Marigot is about (\d+\.\d+) N, (\d+\.\d+) W")
    assert (round(sources.SAINT_MARTIN["lat"], 2), round(-sources.SAINT_MARTIN["lon"], 2)) == (float(lat), float(lon))
    lat, lon = said(r"Marigot \((\d+\.\d+) N, (\d+\.\d+) W")
    assert (sources.SAINT_MARTIN["lat"], -sources.SAINT_MARTIN["lon"]) == (float(lat), float(lon))


def test_oree_d_anjou_changed_code():
    fabriques, points, density = load_fabriques(), load_points(), load_density()
    old, new = said(r"(\d{5}) \(Orée d'Anjou, COG 2023\) became (\d{5}) in COG 2025 \(density grid, commune points\)")
    assert old in {f["properties"]["id_geo"] for f in fabriques}
    for frame in (points, density):
        assert old not in set(frame.insee_com) and new in set(frame.insee_com)
    assert sources.COG_FIXES == {old: new}


def test_inferred_wave_ranges_are_the_builds():
    fabriques = load_fabriques()
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


def test_manifest_lists_saint_martin_alone_without_epci():
    (fabrique,) = said(r"\(today only `(fabt-\d+)`, Saint-Martin\)")
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert [row["fabrique_id"] for row in manifest["fabriques_without_epci"]] == [fabrique]

"""PROVENANCE.md against the tiers-lieux census of 2018–2019 (CGET_TiersLieux_2019_sans_contacts.csv):
rows, overseas places, geocoding precision, régions and the codes its points contradict."""
from __future__ import annotations

import re

import pandas as pd
from shapely.geometry import Point, shape

from provenance_doc import (
    DOC, MAINLAND, OVERSEAS_REGIONS, region_at, load_census, load_departements, load_regions,
    number, said,
)


# --- Tiers-lieux census 2019 ---

def test_census_rows_ids_and_the_49_added_in_2019():
    census = load_census()
    count, first, last, added, first_added, last_added = said(
        r"([\d,]+) tiers-lieux \(`ID` (\d+) to (\d+); the (\d+) added in 2019, `ID` (\d+) to (\d+), have no `TYPO`\)")
    ids = census.ID.astype(int)
    assert len(census) == number(count) and ids.is_unique
    assert (ids.min(), ids.max()) == (int(first), int(last))
    assert said(r"Mission Coworking census 2018 \(\+(\d+) added in 2019\)")[0] == added
    late = census[ids.between(int(first_added), int(last_added))]
    assert len(late) == int(added)
    assert set(late.ID) == set(census[census.TYPO == ""].ID)


def test_census_is_not_mainland_only():
    census, regions = load_census(), load_regions()
    count, reunion, guadeloupe, martinique, guyane = said(
        r"Not mainland only: (\d+) lie overseas by their coordinates \(La Réunion (\d+), Guadeloupe (\d+), "
        r"Martinique (\d+), Guyane (\d+)\)")
    lat, lon = census.LAT.astype(float), census.LONG.astype(float)
    outside = census[~(lat.between(*MAINLAND["lat"]) & lon.between(*MAINLAND["lon"]))]
    located = [region_at(float(r.LONG), float(r.LAT), regions) for r in outside.itertuples()]
    assert len(outside) == int(count)
    assert sorted(located) == sorted(["04"] * int(reunion) + ["01"] * int(guadeloupe)
                                     + ["02"] * int(martinique) + ["03"] * int(guyane))
    assert said(r"(\d+) rows are overseas, so the file is not \"mainland only\"")[0] == count
    assert said(r"(\w+) rows of the census are overseas")[0] == {"6": "Six"}.get(count)


def test_census_personal_columns_blank_and_commune_code_zero():
    census = load_census()
    said(r"Personal columns `CONTACT`, `MAIL` are blank on purpose")
    assert (census.CONTACT == "").all() and (census.MAIL == "").all()
    (zero,) = said(r"(\d+) rows have the INSEE commune code 0")
    assert (census.INSEECOM.str.strip() == "0").sum() == int(zero)


def test_census_geocoding_precision():
    census = load_census()
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


def test_census_regions_are_post_2016_with_spelling_variants():
    census, regions, departements = load_census(), load_regions(), load_departements()
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


def test_census_codes_contradicted_by_the_points():
    census, regions, departements = load_census(), load_regions(), load_departements()
    r1, r2, r3, coded_reunion, guadeloupe, martinique, coded_antilles = said(
        r"ids (\d+), (\d+), (\d+) are in La Réunion but coded (\w+); (\d+) is in Guadeloupe and (\d+) in "
        r"Martinique, both coded (\d+)")
    rows = census.set_index("ID")
    expected = {r1: ("04", coded_reunion), r2: ("04", coded_reunion), r3: ("04", coded_reunion),
                guadeloupe: ("01", coded_antilles), martinique: ("02", coded_antilles)}
    for tiers_lieu, (region, coded) in expected.items():
        row = rows.loc[tiers_lieu]
        assert region_at(float(row.LONG), float(row.LAT), regions) == region
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


def test_census_corse_and_la_reunion_counts():
    census, regions = load_census(), load_regions()
    corse, corse_coded, reunion, reunion_coded = said(
        r"Corse then counts (\d+) tiers-lieux \(not (\d+)\) and La Réunion (\d+) \(not (\d+)\)")
    coded_corse = census[census.INSEEDEP.isin(["2A", "2B"])]
    assert len(coded_corse) == int(corse_coded)
    at_reunion = [r for r in coded_corse.itertuples()
                  if region_at(float(r.LONG), float(r.LAT), regions) == "04"]
    assert len(coded_corse) - len(at_reunion) == int(corse)
    assert (census.INSEEDEP == "974").sum() == int(reunion_coded)
    assert len(at_reunion) == int(reunion)

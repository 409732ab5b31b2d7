"""Queries of the Territoires and Lauréats pages on edge cases: every région, a few
départements, each territory type, empty combinations, hostile search text."""
import math
import re
from datetime import date

import duckdb
import pytest

import queries
from conftest import ROOT, copy_data
from views import territoires
from domain.territory_types import DEFAULT_RURAL_DEFINITION

ALL = dict(region=None, departement=None, epci=None, territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)


def _table(name: str):
    return duckdb.sql(f"select * from read_parquet('{ROOT / 'data' / name}.parquet')").df()


REGIONS = _table("regions")
DEPARTEMENTS = _table("departements")
REGION_CODES = sorted(REGIONS["reg_code"])


def _headline(**params) -> int:
    return int(queries.run("headline_counts", **params).iloc[0].fabriques)


def _type_sum(frame):
    return frame[["qpv", "rural", "urbain", "indetermine"]].sum(axis=1)


@pytest.mark.parametrize("region", REGION_CODES)
def test_each_region_counts_add_up(region):
    params = {**ALL, "region": region}
    by_region = queries.run("laureates_by_region", **params)
    by_departement = queries.run("laureates_by_departement", **params)
    expected = _headline(**params)
    # Every région is listed, zero included; only the chosen one has fabriques.
    assert set(REGION_CODES) <= set(by_region["reg_code"].dropna())
    assert by_region.loc[by_region.reg_code == region, "fabriques"].item() == expected
    assert by_region["fabriques"].sum() == expected
    assert (by_region["fabriques"] == _type_sum(by_region)).all()
    # Every département of the région is listed, zero included.
    assert sorted(by_departement["dep_code"]) == sorted(DEPARTEMENTS.loc[DEPARTEMENTS.reg_code == region, "dep_code"])
    assert by_departement["fabriques"].sum() == expected
    assert (by_departement["fabriques"] == _type_sum(by_departement)).all()


def test_bretagne_has_23_fabriques_in_its_4_departements():
    by_departement = queries.run("laureates_by_departement", **{**ALL, "region": "53"})
    assert by_departement["fabriques"].sum() == 23
    assert sorted(by_departement["dep_code"]) == ["22", "29", "35", "56"]


@pytest.mark.parametrize(
    "params, fabriques, rows",
    [
        (ALL, 382, 102),
        ({**ALL, "departement": "29"}, None, 1),
        ({**ALL, "departement": "978"}, 1, 1),  # Saint-Martin: no région
        ({**ALL, "territoire": "qpv"}, 195, 102),
        ({**ALL, "territoire": "rural", "rural_definition": "insee"}, 137, 102),
        ({**ALL, "territoire": "urbain"}, None, 102),
        ({**ALL, "territoire": "rural"}, 182, 102),  # the default: hors grands centres urbains
        ({**ALL, "region": "02", "territoire": "rural"}, 0, 1),  # Martinique: no rural fabrique
        ({**ALL, "region": "53", "departement": "75"}, 0, 0),  # Paris is not in Bretagne
        ({**ALL, "region": "' or 1=1 --"}, 0, 0),  # bound: a literal that matches nothing
        ({**ALL, "departement": "x" * 10_000}, 0, 0),
    ],
)
def test_departement_counts_edge_cases(params, fabriques, rows):
    by_departement = queries.run("laureates_by_departement", **params)
    assert len(by_departement) == rows
    assert by_departement["fabriques"].sum() == _headline(**params)
    if fabriques is not None:
        assert by_departement["fabriques"].sum() == fabriques
    by_region = queries.run("laureates_by_region", **params)
    assert by_region["fabriques"].sum() == _headline(**params)


def test_saint_martin_is_a_row_outside_the_regions_nationally():
    by_region = queries.run("laureates_by_region", **ALL)
    outside = by_region[by_region.reg_code.isna()]
    assert len(outside) == 1
    assert outside.iloc[0].reg_name == "Hors région (Saint-Martin)"
    assert outside.iloc[0].indetermine == 1
    assert by_region["fabriques"].sum() == 382
    # Under a régional filter, the row disappears rather than showing a zero for nowhere.
    assert queries.run("laureates_by_region", **{**ALL, "region": "53"}).reg_code.notna().all()


def test_rate_per_100k_is_missing_not_zero_without_population():
    by_region = queries.run("laureates_by_region", **ALL).set_index("reg_name")
    assert math.isnan(by_region.loc["Mayotte", "per_100k"])
    assert by_region.loc["Mayotte", "fabriques"] == 3
    bretagne = by_region.loc["Bretagne"]
    assert bretagne.per_100k == pytest.approx(23 * 100_000 / bretagne.population)
    rates = by_region["per_100k"].dropna()
    assert all(math.isfinite(r) and r > 0 for r in rates)
    mayotte = queries.run("laureates_by_departement", **{**ALL, "departement": "976"}).iloc[0]
    assert math.isnan(mayotte.per_100k)


def test_tiers_lieux_shares_come_from_the_2023_census():
    by_region = queries.run("laureates_by_region", **ALL).set_index("reg_code")
    census = queries.run("census_totals").set_index("census_year").loc[2023, "tiers_lieux"]
    assert by_region.loc["53", "tiers_lieux_share_pct"] == 8.0
    assert by_region.loc["53", "tiers_lieux_estimate"] == pytest.approx(8.0 * census / 100)
    assert by_region.loc["53", "fabriques_share_pct"] == pytest.approx(100 * 23 / 382)
    # Published shares are rounded: their sum is close to, not exactly, 100.
    assert 99 <= by_region["tiers_lieux_share_pct"].sum() <= 101


def test_coverage_gaps_nationally_is_territoire_de_belfort():
    by_departement = queries.run("laureates_by_departement", **ALL)
    gaps = by_departement[by_departement.fabriques == 0]
    assert list(gaps["dep_code"]) == ["90"]
    assert gaps.iloc[0].dep_name == "Territoire de Belfort"


def test_regional_shares_of_targets_have_no_regional_target():
    shares = queries.run("regional_share_of_targets", rural_definition="hors_grands_centres")
    assert len(shares) == 3 * len(REGION_CODES)
    assert set(shares["scope"]) == {"total", "qpv", "rural"}
    # One national target per scope (the latest), the same for every région.
    assert shares.groupby("scope")["target_value"].nunique().eq(1).all()
    national = shares.drop_duplicates("scope").set_index("scope")
    # The rural target counted under the definition chosen, here the call's (182 hors grands
    # centres urbains in the list), each target on the fabriques labelled by its deadline
    # (fabt-01..300 by the end of 2021: 171 with a QPV, 126 hors grands centres).
    assert national["national_achieved"].to_dict() == {"total": 382, "qpv": 195, "rural": 182}
    assert national["national_at_deadline"].to_dict() == {"total": 382, "qpv": 171, "rural": 126}
    bretagne = shares[(shares.reg_code == "53")].set_index("scope")
    assert bretagne.loc["total"].achieved == 23
    assert bretagne.loc["total"].share_of_national_pct == pytest.approx(100 * 23 / 382)
    assert bretagne.loc["qpv"].share_of_target_pct == pytest.approx(
        100 * bretagne.loc["qpv"].achieved_at_deadline / bretagne.loc["qpv"].target_value)
    assert bretagne.loc["qpv"].achieved_at_deadline <= bretagne.loc["qpv"].achieved
    # Saint-Martin belongs to no région: the régions hold all but one fabrique.
    assert shares[shares.scope == "total"]["achieved"].sum() == 381
    # Under the INSEE definition, the rural figure is the INSEE one (137 in the list, 93 at the
    # deadline): one definition at a time, on the whole page.
    insee = queries.run("regional_share_of_targets", rural_definition="insee")
    rural = insee[insee.scope == "rural"].iloc[0]
    assert (rural.national_achieved, rural.national_at_deadline, rural.rural_definition,
            rural.target_rural_definition) == (137, 93, "insee", "hors_grands_centres")


def test_latest_target_announcement_is_the_2023_wave_aimed_at_144_territories():
    row = queries.run("latest_target_announcement").iloc[0]
    assert row.milestone_date.date() == date(2023, 9, 11) and row.announced_target == 380
    assert "144" in row.detail and row.source_url.startswith("https://")


def test_a_target_is_not_an_announced_total():
    announced = queries.run("announced_totals")
    assert 380 not in set(announced.announced_total)
    assert list(announced.announced_total) == sorted(announced.announced_total)


@pytest.mark.parametrize(
    "search, expected",
    [
        (None, 382),
        ("saint-etienne", 3),
        ("SAINT-ÉTIENNE", 3),
        ("Saint-Étienne", 3),
        ("begon", 1),  # "MAISON DE BÉGON"
        ("finistere", None),  # département name, accents ignored
        ("realmont", 0),  # not in the shipped list (see the test on a copy below)
        ("%", 0),
        ("_", 0),
        ("\\", 0),
        ("' or 1=1 --", 0),
        ("'; drop table laureates; --", 0),
        ("x" * 10_000, 0),
        ("\x00", 0),
    ],
)
def test_search_is_literal_and_ignores_accents_and_case(search, expected):
    found = queries.run("laureates_list", **ALL, search=search)
    if expected is not None:
        assert len(found) == expected
    if search == "finistere":
        assert len(found) > 0 and set(found["dep_code"]) == {"29"}
    # The table is still there afterwards.
    assert len(queries.run("laureates_list", **ALL, search=None)) == 382


def test_apostrophe_search_finds_only_names_with_an_apostrophe():
    found = queries.run("laureates_list", **ALL, search="'")
    assert len(found) > 0
    for row in found.itertuples():
        assert "'" in row.name or "'" in row.commune_name or "'" in row.dep_name


def test_search_respects_the_filters():
    found = queries.run("laureates_list", **{**ALL, "region": "53"}, search="rennes")
    assert len(found) >= 1 and set(found["reg_code"]) == {"53"}
    assert queries.run("laureates_list", **{**ALL, "region": "53"}, search="saint-etienne").empty


def test_search_realmont_finds_realmont_on_a_copy(tmp_path, monkeypatch):
    # Réalmont has no fabrique in the shipped list: the copy (test data) moves one there.
    def move_to_realmont(frame):
        frame.loc[frame.fabrique_id == "fabt-116", "commune_name"] = "Réalmont"
        return frame

    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(copy_data(tmp_path / "data", move_to_realmont)))
    found = queries.run("laureates_list", **ALL, search="realmont")
    assert list(found["commune_name"]) == ["Réalmont"]
    assert list(queries.run("laureates_list", **ALL, search="RÉALMONT")["fabrique_id"]) == ["fabt-116"]


def test_wave_2023_note_quotes_the_announcement_as_text_with_its_source():
    """The 2023 wave is said in full (a one-row table cut its detail at 1280 px), from the
    milestones file; data text stays text and an odd address is not made a link."""
    import pandas as pd

    from views import territoires as tv

    announcement = queries.run("latest_target_announcement").iloc[0]
    note = tv.wave_2023_note(announcement)
    assert note.startswith("Pour mémoire, la vague lancée le 11 septembre 2023 visait des territoires sans fabrique")
    assert f"> {announcement.detail}" in note
    assert f"]({announcement.source_url})" in note
    assert "ne peut pas être rapproché" in note
    hostile = pd.Series({**announcement.to_dict(), "detail": "*gras* [x](javascript:alert(1))",
                         "source_url": "javascript:alert(1)"})
    text = tv.wave_2023_note(hostile)
    assert "\\*gras\\* \\[x\\](javascript\\:alert(1))" in text
    assert "Source : javascript\\:alert(1)." in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)  # every bracket escaped: no link


@pytest.mark.parametrize("definition, rural_name, rural_count", [
    ("hors_grands_centres", "Hors grands centres urbains", 182),
    ("insee", "En commune rurale (INSEE)", 137),
])
def test_target_shares_name_each_definition_and_deadline(definition, rural_name, rural_count):
    """The rural target is read under the sidebar's definition, and its name says which."""
    shares = queries.run("regional_share_of_targets", rural_definition=definition)
    note = territoires.target_shares_note(shares)
    assert f"{rural_name[:1].lower() + rural_name[1:]} : {rural_count} dans la liste, objectif national 150 au " \
           "31 décembre 2021" in note
    assert ("en commune rurale" in note.lower()) == (definition == "insee")
    table = territoires.target_shares_table(shares)
    assert f"{rural_name} : part de l'objectif national au 31 décembre 2021" in table.columns
    bretagne = table[table["Région"] == "Bretagne"].iloc[0]
    assert bretagne["En commune avec QPV : labellisées au 31 décembre 2021"] <= bretagne["En commune avec QPV : fabriques"]
    names = {trace.name for trace in territoires.target_shares_chart(shares).data}
    assert names == {"Toutes les fabriques", "En commune avec QPV", rural_name}

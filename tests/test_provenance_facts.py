"""PROVENANCE.md against the facts files the project compiles: milestones (the 2024 wave's split
included), targets, national tiers-lieux counts and regional shares, and their restored spelling."""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

import pandas as pd

from conftest import ROOT
from provenance_doc import (
    SOURCES, facts_file, load_fabriques, load_milestones, load_regions, load_targets, number, said,
)


# --- The facts files ---

def test_milestones_file():
    milestones = load_milestones()
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


def test_programme_facts():
    milestones, targets, fabriques = load_milestones(), load_targets(), load_fabriques()
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


def test_the_wave_split_columns():
    milestones, fabriques = load_milestones(), load_fabriques()
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
    totals = facts_file("tiers_lieux_recensements.csv").set_index("annee")
    y2018, y2021, y2023 = said(r"about ([\d,]+) \(2018\), over ([\d,]+) \(2021; some sources say 2020\), "
                               r"about ([\d,]+) \(2023\)")
    assert [int(totals.at[year, "nombre_tiers_lieux"]) for year in ("2018", "2021", "2023")] == [
        number(y2018), number(y2021), number(y2023)]
    # "about" and "over", as the file qualifies them.
    assert [totals.at[year, "qualificatif"] for year in ("2018", "2021", "2023")] == ["près de", "plus de", "environ"]
    assert number(said(r"(\d[\d,]*) tiers-lieux counted in 2018")[0]) == number(y2018)


def test_census_2023_shares_file():
    regions = load_regions()
    (count,) = said(r"Regional shares \(%\) of tiers-lieux, for the (\d+) regions, named as in the régions file")
    shares = facts_file("tiers_lieux_2023_repartition_regionale.csv")
    assert len(shares) == int(count)
    assert set(shares.region) == {f["properties"]["lib_reg"] for f in regions}


def test_targets_file():
    targets = load_targets()
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


def test_compiled_facts_changes():
    milestones = load_milestones()
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

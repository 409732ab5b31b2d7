"""The EPCI level of the build: each commune's EPCI, the epci extract, the join of the fabriques."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import sources
from pipeline.sources import SourceError


def _with_epci(communes: pd.DataFrame, commune_epci: pd.DataFrame) -> pd.DataFrame:
    """Each commune's EPCI SIREN (null for the documented islands and for Saint-Martin)."""
    unknown = sorted(set(commune_epci.commune_code) - set(communes.commune_code))
    if unknown:
        raise SourceError(f"{sources.COMMUNE_EPCI_FILE} : communes absentes de "
                          f"{sources.COMMUNE_POINTS_FILE} {unknown[:5]}")
    not_listed = sorted(set(communes.commune_code) - set(commune_epci.commune_code))
    if not_listed:
        raise SourceError(f"{sources.COMMUNE_EPCI_FILE} : communes sans ligne {not_listed[:5]}")
    return communes.merge(commune_epci[["commune_code", "epci_siren"]], on="commune_code", how="left")


def build_epci(source_dir: Path, communes: pd.DataFrame, deps: pd.DataFrame,
               regions: pd.DataFrame) -> pd.DataFrame:
    """One row per EPCI: SIREN, name, type, its département(s) and région(s), its population
    (sum of its communes' municipal populations) and its number of communes."""
    names = (sources.read_commune_epci(source_dir).dropna(subset=["epci_siren"])
             .drop_duplicates("epci_siren")[["epci_siren", "epci_name", "epci_type"]])
    members = communes.dropna(subset=["epci_siren"])
    dep_names = dict(zip(deps.dep_code, deps.dep_name))
    reg_names = dict(zip(regions.reg_code, regions.reg_name))
    rows = []
    for siren, group in members.groupby("epci_siren", sort=True):
        by_dep = group.groupby("dep_code").population.sum(min_count=1).fillna(0)
        by_dep_count = group.groupby("dep_code").size()
        # The main département holds most of the population (most communes when unknown).
        main_dep = max(by_dep.index, key=lambda code: (by_dep[code], by_dep_count[code], code))
        dep_codes = sorted(group.dep_code.unique())
        reg_codes = sorted(group.reg_code.dropna().unique())
        # Mayotte's communes have no population: the EPCI's is unknown, not 0. A commune without
        # population elsewhere (Hauts-Talican, created in 2024) leaves a partial sum, said as such,
        # the same sum as the département's.
        unknown_population = int(group.population.isna().sum())
        rows.append({
            "epci_siren": siren,
            "dep_code": main_dep,
            "dep_name": dep_names[main_dep],
            "reg_code": group.loc[group.dep_code == main_dep, "reg_code"].iloc[0],
            "dep_codes": dep_codes,
            "dep_names": [dep_names[code] for code in dep_codes],
            "reg_codes": reg_codes,
            "reg_names": [reg_names[code] for code in reg_codes],
            "population": int(group.population.sum()) if unknown_population < len(group) else None,
            "communes": int(len(group)),
            "communes_without_population": unknown_population,
        })
    epci = names.merge(pd.DataFrame(rows), on="epci_siren", how="inner")
    epci["reg_name"] = epci.reg_code.map(reg_names)
    epci["population"] = epci.population.astype("Int64")
    columns = ["epci_siren", "epci_name", "epci_type", "dep_code", "dep_name", "reg_code", "reg_name",
               "dep_codes", "dep_names", "reg_codes", "reg_names", "population", "communes",
               "communes_without_population"]
    return epci[columns].sort_values("epci_siren").reset_index(drop=True)


# Fabriques whose commune has no EPCI, and why (PROVENANCE.md). Any other is a join error.
EXPECTED_WITHOUT_EPCI = {
    sources.SAINT_MARTIN["code"]: "Saint-Martin, collectivité d'outre-mer, n'appartient à aucun EPCI",
    **{code: f"{name}, commune insulaire, n'appartient à aucun EPCI"
       for code, name in sources.COMMUNES_WITHOUT_EPCI.items()},
}


def fabriques_without_epci(laureates: pd.DataFrame) -> list[dict]:
    """The fabriques the EPCI join leaves without an EPCI, each with its reason."""
    missing = laureates[laureates.epci_siren.isna()]
    return [{"fabrique_id": row.fabrique_id, "commune_code": row.commune_code,
             "commune_name": row.commune_name,
             "reason": EXPECTED_WITHOUT_EPCI.get(sources.COG_FIXES.get(row.commune_code, row.commune_code),
                                                 "commune absente du fichier des EPCI")}
            for row in missing.itertuples()]


def check_epci_join(laureates: pd.DataFrame) -> None:
    unexpected = [row for row in fabriques_without_epci(laureates)
                  if sources.COG_FIXES.get(row["commune_code"], row["commune_code"]) not in EXPECTED_WITHOUT_EPCI]
    if unexpected:
        first = unexpected[0]
        raise SourceError(
            f"{sources.COMMUNE_EPCI_FILE} : la commune {first['commune_code']} de {first['fabrique_id']} "
            f"n'a pas d'EPCI ({len(unexpected)} fabrique(s) dans ce cas)")

"""Builders of the EPCI sections (Territoires, Carte): frames of queries in, tables and
sentences out. Names of EPCI are data: tables show them as text, sentences never as Markdown."""
from __future__ import annotations

import pandas as pd

from domain.epci import EPCI_TYPES, in_epci
from domain.format import as_text, fr_decimal, fr_int, fr_percent
from views.territoires import population_label

NO_OUTLINES = ("Pas d'aplat par intercommunalité : nos sources n'ont pas les contours des EPCI "
               "(seulement la liste des communes de chacune). La carte montre les fabriques de "
               "l'intercommunalité choisie et se cadre sur elles ; l'aplat reste par département.")


def population_text(population, communes_without_population: int) -> str:
    """'208 016', 'non disponible' (Mayotte), '32 184 (1 commune sans population connue)'."""
    if population is None or pd.isna(population):
        return "non disponible"
    text = fr_int(population)
    missing = int(communes_without_population or 0)
    if missing:
        text += f" ({fr_int(missing)} commune{'s' if missing > 1 else ''} sans population connue)"
    return text


def _spans(row) -> str:
    return ", ".join(f"{name} ({code})" for code, name in zip(row.dep_codes, row.dep_names))


def epci_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per EPCI of the département: fabriques by type, population, rate."""
    return pd.DataFrame({
        "Intercommunalité": frame["epci_name"],
        "Type": frame["epci_type"].map(EPCI_TYPES),
        "SIREN": frame["epci_siren"],
        "Fabriques": frame["fabriques"],
        "dont dans le département": frame["fabriques_in_departement"],
        "Commune avec QPV": frame["qpv"],
        "Commune rurale": frame["rural"],
        "Autre commune urbaine": frame["urbain"],
        "Population": [population_text(p, m) for p, m in
                       zip(frame["population"], frame["communes_without_population"])],
        "Pour 100 000 habitants": [fr_decimal(v, 2) for v in frame["per_100k"]],
        "Communes": frame["communes"],
        "Départements": [_spans(row) for row in frame.itertuples()],
    }).reset_index(drop=True)


def without_fabrique_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The EPCI of the département without a fabrique, most populated first."""
    gaps = frame[frame["fabriques"] == 0].sort_values("population", ascending=False, na_position="last")
    return pd.DataFrame({
        # The population beside the name: the column asked for, in sight at 1280 px.
        "Intercommunalité": gaps["epci_name"],
        "Population": [population_text(p, m) for p, m in
                       zip(gaps["population"], gaps["communes_without_population"])],
        "Communes": gaps["communes"],
        "Type": gaps["epci_type"].map(EPCI_TYPES),
        "SIREN": gaps["epci_siren"],
    }).reset_index(drop=True)


def without_fabrique_sentence(frame: pd.DataFrame, departement_name: str, what: str, vintage: str) -> str:
    """'Finistère : 16 intercommunalités sur 21 n'ont aucune fabrique ; 553 000 habitants y vivent (…2017).'"""
    departement_name = as_text(departement_name)
    total = len(frame)
    gaps = frame[frame["fabriques"] == 0]
    if total == 0:
        return f"{departement_name} : aucune intercommunalité dans nos données."
    if gaps.empty:
        return (f"{departement_name} : les {fr_int(total)} intercommunalités ont au moins une {what}."
                if total > 1 else f"{departement_name} : l'intercommunalité a au moins une {what}.")
    count = len(gaps)
    verb = "n'a" if count == 1 else "n'ont"
    noun = "intercommunalité" if count == 1 else "intercommunalités"
    population = gaps["population"].sum(min_count=1)
    lives = ("" if pd.isna(population) else
             f" ; {fr_int(population)} habitants y vivent ({population_label(vintage)})")
    return f"{departement_name} : {fr_int(count)} {noun} sur {fr_int(total)} {verb} aucune {what}{lives}."


def coverage_row_text(row, what: str, vintage: str) -> str:
    """'62,3 % des habitants (population municipale 2017) vivent dans une intercommunalité ayant au moins une fabrique'."""
    area = as_text(row.area_name)
    if row.share_covered_pct is None or pd.isna(row.share_covered_pct):
        return (f"{area} : part non disponible (pas de population dans nos sources) ; "
                f"{fr_int(row.epci_with_fabrique)} intercommunalité(s) sur {fr_int(row.epci)} ont une {what}.")
    return (f"{area} : {fr_percent(row.share_covered_pct)} des habitants vivent dans une "
            f"intercommunalité ayant au moins une {what} ({fr_int(row.population_covered)} sur "
            f"{fr_int(row.population)}, {population_label(vintage)}) ; "
            f"{fr_int(row.epci_with_fabrique)} intercommunalités sur {fr_int(row.epci)} en ont au moins une.")


def coverage_table(frame: pd.DataFrame, name_title: str) -> pd.DataFrame:
    """Per région or département: EPCI with a fabrique, population covered and its share."""
    return pd.DataFrame({
        name_title: frame["area_name"],
        "Code": frame["code"],
        "Intercommunalités": frame["epci"],
        "dont avec fabrique": frame["epci_with_fabrique"],
        "Population": [fr_int(v) if v and not pd.isna(v) else "non disponible" for v in frame["population"]],
        "Population dans une intercommunalité avec fabrique": [fr_int(v) for v in frame["population_covered"]],
        "Part de la population": [("non disponible" if pd.isna(v) else fr_percent(v))
                                  for v in frame["share_covered_pct"]],
    }).reset_index(drop=True)


def epci_scope_sentence(row, headline_fabriques: int, vintage: str) -> str:
    """The chosen EPCI in one sentence: its fabriques, its population and the rate."""
    place = as_text(in_epci(row.epci_name, row.epci_type))
    count = int(headline_fabriques)
    noun = "aucune fabrique" if count == 0 else f"{fr_int(count)} fabrique{'s' if count > 1 else ''}"
    rate = ("" if pd.isna(row.per_100k) else
            f", soit {fr_decimal(row.per_100k, 2)} pour 100 000 habitants "
            f"({population_text(row.population, row.communes_without_population)} habitants, "
            f"{population_label(vintage)})")
    return f"{place[:1].upper()}{place[1:]} : {noun}{rate}."

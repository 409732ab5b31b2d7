"""Readers for the facts files that the project compiles (data/sources/PROVENANCE.md, "Added by
this project"): the programme's announcements, its targets and the national tiers-lieux counts.

Each row keeps its source URL. A malformed row stops the build with a French message naming the
file and the line, so that a figure read aloud from a slide is one that a source gave.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from domain.format import fr_date, fr_int
from domain.labels import SCOPES
from domain.territory_types import RURAL_DEFINITIONS
from pipeline.sources import SourceError

MILESTONES_FILE = "programme_jalons_fabriques.csv"
DATE_PRECISIONS = ("jour", "fin_annee")  # a milestone's date as precise as its source says
CENSUS_TOTALS_FILE = "tiers_lieux_recensements.csv"
CENSUS_2023_SHARES_FILE = "tiers_lieux_2023_repartition_regionale.csv"
TARGETS_FILE = "objectifs_programme.csv"
TARGET_SCOPES = SCOPES  # the scopes of the programme's targets (domain/labels.py)
SOURCE_NATURES = ("officielle", "secondaire")

# File column -> extract column, for the whole numbers of the milestones file.
MILESTONE_COUNTS = {
    "nouveaux_laureats": "new_laureates",      # laureates announced by the wave
    "dont_nouveaux_lieux": "new_places",       # of which places labelled for the first time
    "dont_relabellises": "relabelled",         # of which fabriques already counted, labelled again
    "cumul_annonce": "announced_total",
    "objectif_annonce": "announced_target",
    "qpv_annonces": "announced_qpv",
    "ruraux_annonces": "announced_rural",
    "part_qpv_pct": "announced_qpv_pct",
    "part_rurale_pct": "announced_rural_pct",
}


def _csv_rows(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """(line number, record) of a small facts file; its header must hold the required columns."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(f"{path.name}, ligne 1 : colonne(s) manquante(s) {', '.join(missing)}")
            return [(line, record) for line, record in enumerate(reader, start=2)]
    except OSError as error:
        raise SourceError(f"{path.name} : fichier illisible ({error})") from error


def _fact_date(path: Path, line: int, column: str, value: str | None):
    text = (value or "").strip()
    if not text:
        raise SourceError(f"{path.name}, ligne {line} : date manquante (colonne « {column} »)")
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d")).date()
    except ValueError as error:
        raise SourceError(f"{path.name}, ligne {line} : date illisible « {text} » (colonne « {column} », "
                          "format attendu AAAA-MM-JJ)") from error


def _fact_count(path: Path, line: int, column: str, value: str | None, required: bool = False):
    """A non-negative whole number, or None when the cell is empty and not required."""
    text = (value or "").strip()
    if not text:
        if required:
            raise SourceError(f"{path.name}, ligne {line} : valeur manquante (colonne « {column} »)")
        return None
    try:
        number = int(text)
    except ValueError as error:
        raise SourceError(f"{path.name}, ligne {line} : nombre illisible « {text} » "
                          f"(colonne « {column} »)") from error
    if number < 0:
        raise SourceError(f"{path.name}, ligne {line} : valeur négative {number} (colonne « {column} »)")
    return number


def _check_wave_split(path: Path, line: int, values: dict) -> None:
    """A wave split into new places and relabelled fabriques gives both parts, and they add up to
    its laureates (28 October 2024: 25 + 55 = 80)."""
    new, again, wave = values["dont_nouveaux_lieux"], values["dont_relabellises"], values["nouveaux_laureats"]
    if new is None and again is None:
        return
    if new is None or again is None:
        given, missing = (("dont_nouveaux_lieux", "dont_relabellises") if again is None
                          else ("dont_relabellises", "dont_nouveaux_lieux"))
        raise SourceError(f"{path.name}, ligne {line} : colonne « {given} » remplie sans la colonne "
                          f"« {missing} » (les deux parts de la vague vont ensemble)")
    if wave is None:
        raise SourceError(f"{path.name}, ligne {line} : colonne « nouveaux_laureats » vide, alors que la "
                          f"vague est répartie en {new} nouveaux lieux et {again} relabellisés")
    if new + again != wave:
        raise SourceError(f"{path.name}, ligne {line} : {new} nouveaux lieux + {again} relabellisés = "
                          f"{new + again}, mais la vague compte {wave} lauréats (colonne « nouveaux_laureats »)")


def read_milestones(source_dir: Path) -> pd.DataFrame:
    """Announcements of the programme. `cumul_annonce` is an announced total (fabriques
    labelled); `objectif_annonce` a total aimed at (a target), never drawn as reached.
    `precision_date` says how precise the source's date is: `jour`, or `fin_annee` when the
    source only says "fin 2021" (the row is dated 31 December so that it sorts and plots).
    `dont_nouveaux_lieux` + `dont_relabellises` split a wave's laureates when the source does:
    only new places add to the total. `source_line` (the file's line) serves the build's checks."""
    path = source_dir / MILESTONES_FILE
    rows = []
    for line, record in _csv_rows(path, ["date", "precision_date", "evenement", *MILESTONE_COUNTS,
                                         "detail", "source_url"]):
        values = {column: _fact_count(path, line, column, record[column]) for column in MILESTONE_COUNTS}
        precision = (record["precision_date"] or "").strip()
        if precision not in DATE_PRECISIONS:
            raise SourceError(f"{path.name}, ligne {line} : précision de date inconnue « {precision} » "
                              f"(colonne « precision_date », valeurs admises : {', '.join(DATE_PRECISIONS)})")
        for column in ("part_qpv_pct", "part_rurale_pct"):
            if values[column] is not None and values[column] > 100:
                raise SourceError(f"{path.name}, ligne {line} : pourcentage supérieur à 100 "
                                  f"(colonne « {column} »)")
        _check_wave_split(path, line, values)
        rows.append({
            "milestone_date": _fact_date(path, line, "date", record["date"]),
            "date_precision": precision,
            "event": record["evenement"],
            **{MILESTONE_COUNTS[column]: value for column, value in values.items()},
            "detail": record["detail"],
            "source_url": record["source_url"],
            "source_line": line,
        })
    frame = pd.DataFrame(rows)
    for column in MILESTONE_COUNTS.values():
        frame[column] = frame[column].astype("Int64")
    return frame


def check_totals_follow_the_list(milestones: pd.DataFrame, list_count: int, list_date: date) -> None:
    """An announced total that names its new places is the count known just before it plus those
    places: the latest earlier announced total, or the laureate list when the list is later
    (28 October 2024: 382 in the list of January 2024 + 25 new places = 407). Relabelled
    fabriques are counted already and add nothing."""
    known = [(row.milestone_date, 0, row.announced_total, f"cumul annoncé le {fr_date(row.milestone_date)}")
             for row in milestones.dropna(subset=["announced_total"]).itertuples()]
    known.append((list_date, 1, list_count, f"liste des lauréats du {fr_date(list_date)}"))
    split = milestones.dropna(subset=["new_places", "announced_total"])
    for row in split.itertuples():
        before = [entry for entry in known if entry[0] < row.milestone_date]
        if not before:
            continue
        _, _, count, what = max(before, key=lambda entry: entry[:2])
        if row.announced_total != count + row.new_places:
            raise SourceError(
                f"{MILESTONES_FILE}, ligne {row.source_line} : cumul annoncé {fr_int(row.announced_total)}, "
                f"mais {fr_int(count)} ({what}) + {fr_int(row.new_places)} nouveaux lieux = "
                f"{fr_int(count + row.new_places)} (colonnes « cumul_annonce » et « dont_nouveaux_lieux »)")


def read_census_totals(source_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(source_dir / CENSUS_TOTALS_FILE, dtype=str)
    return pd.DataFrame(
        {
            "census_year": frame.annee.astype(int),
            "tiers_lieux": frame.nombre_tiers_lieux.astype(int),
            "qualifier": frame.qualificatif,
            "producer": frame.producteur,
            "detail": frame.detail,
            "source_url": frame.source_url,
        }
    )


def read_census_2023_shares(source_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(source_dir / CENSUS_2023_SHARES_FILE, dtype=str)
    return pd.DataFrame({"reg_name": frame.region, "share_pct": frame.part_pct.astype(float)})


def read_targets(source_dir: Path) -> pd.DataFrame:
    """National targets; the rural one names its definition, each row the nature of its source."""
    path = source_dir / TARGETS_FILE
    rows = []
    for line, record in _csv_rows(path, ["objectif", "libelle", "valeur", "echeance", "perimetre",
                                         "definition_rural", "detail", "source_url", "editeur_source",
                                         "nature_source"]):
        scope = (record["perimetre"] or "").strip()
        if scope not in TARGET_SCOPES:
            raise SourceError(f"{path.name}, ligne {line} : périmètre inconnu « {scope} » "
                              f"(attendu : {', '.join(TARGET_SCOPES)})")
        definition = (record["definition_rural"] or "").strip() or None
        if scope == "rural" and definition not in RURAL_DEFINITIONS:
            raise SourceError(f"{path.name}, ligne {line} : définition du rural inconnue « {definition or ''} » "
                              f"(attendu : {', '.join(RURAL_DEFINITIONS)})")
        nature = (record["nature_source"] or "").strip()
        if nature not in SOURCE_NATURES:
            raise SourceError(f"{path.name}, ligne {line} : nature de la source inconnue « {nature} » "
                              f"(attendu : {', '.join(SOURCE_NATURES)})")
        value = _fact_count(path, line, "valeur", record["valeur"], required=True)
        rows.append({
            "target_id": record["objectif"],
            "label": record["libelle"],
            "target_value": value,
            "deadline": _fact_date(path, line, "echeance", record["echeance"]),
            "scope": scope,
            "rural_definition": definition if scope == "rural" else None,
            "detail": record["detail"],
            "source_url": record["source_url"],
            "source_publisher": record["editeur_source"],
            "source_nature": nature,
        })
    return pd.DataFrame(rows)

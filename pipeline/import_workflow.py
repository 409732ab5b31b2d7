"""The import workflow: plan (read and check a list), preview (what it would change), apply.

    candidate = preview(file_name, content, data_dir)     # writes nothing
    entry = apply(candidate, data_dir, ImportRequest(user="Agent ANCT"))

The preview is made on the version in service when it is computed, and carries that version
(`Candidate.base_version`); apply is a compare-and-swap: it refuses, in French, when another
import or a rollback has put another version in service since (pipeline/versions.py).

Commune codes are resolved with the communes extract of the version in service (points,
density, QPV), so a list with only ids, codes and names is enough. A fabrique already in
service keeps its point when the new list gives none for the same commune.
"""
from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import shape

import queries
from domain.format import fr_date
from domain.labels import scope_label
from domain.spreadsheet import EXPORT_COORDINATE_DECIMALS
from domain.territory_types import DEFAULT_RURAL_DEFINITION, type_labels
from pipeline import versions
from pipeline.build import derive_laureates
from pipeline.import_checks import CONTROL, PROGRAMME_START, ListChecker, Problem, Reference
from pipeline.import_files import FileRefused, Source, as_stream, read_table, sha256_of
from pipeline.import_identity import Signer, typed_signer
from pipeline.sources import SourceError

# Share of the fabriques in service that a list may drop without an explicit confirmation.
REMOVAL_CONFIRMATION_SHARE = 0.10
# Fields compared to say a fabrique "changed"; territory and département follow the commune.
COMPARED = {"name": "nom", "commune_code": "commune", "point": "point", "wave": "vague"}
# The preview's totals: national, under the default rural definition (as the Synthèse shows them
# first, and as the rural target is set).
TOTALS_PARAMS = {"region": None, "departement": None, "epci": None, "territoire": None,
                 "rural_definition": DEFAULT_RURAL_DEFINITION}
LOGGER = logging.getLogger("fabriques.import")


class ImportRefused(RuntimeError):
    """apply() was called on a list that must not be imported as it stands."""


# What the source, licence and date of a list may hold (they are shown in every footer).
MAX_ATTRIBUTION_LENGTH = 200
NO_SOURCE = ("Indiquez la source de la liste (son producteur et son titre, par exemple « ANCT, liste "
             "des Fabriques de territoire (mars 2025) ») : chaque page et chaque export la citent, "
             "un import sans source effacerait l'attribution des chiffres. Rien n'a été importé.")


@dataclass(frozen=True)
class Attribution:
    """Who publishes the list, under which licence, and the date of the list (not of the import)."""
    source: str
    licence: str
    list_date: date

    @property
    def label(self) -> str:
        """The source line of the footers and slides: "ANCT, liste …, Licence Ouverte 2.0"."""
        return f"{self.source}, {self.licence}" if self.licence else self.source


def attribution_in_service(manifest: dict) -> Attribution:
    """The attribution of the version in service: what an import form is prefilled with."""
    given = manifest.get("laureates_attribution") or {}
    source, licence = given.get("source"), given.get("licence", "")
    if not source:
        from pipeline.build import LAUREATES_LICENCE, LAUREATES_SOURCE, LAUREATES_SOURCE_NAME

        # A manifest written before the attribution was recorded apart.
        source, licence = ((LAUREATES_SOURCE_NAME, LAUREATES_LICENCE)
                           if manifest.get("laureates_source") == LAUREATES_SOURCE
                           else (manifest.get("laureates_source", ""), ""))
    listed = manifest.get("laureates_list_date")
    return Attribution(source, licence, date.fromisoformat(listed) if listed else date.today())


def _one_line(text: str | None) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text or "")).strip()


def check_attribution(source: str | None, licence: str | None, list_date: date | None,
                      in_service: Attribution) -> Attribution:
    """The attribution an import records; ImportRefused (in French) when it cannot be."""
    source, licence = _one_line(source), _one_line(licence)
    if not source:
        raise ImportRefused(NO_SOURCE)
    for label, text in (("La source", source), ("La licence", licence)):
        if len(text) > MAX_ATTRIBUTION_LENGTH:
            raise ImportRefused(f"{label} compte {len(text)} caractères, au-delà de {MAX_ATTRIBUTION_LENGTH} : "
                                "gardez le producteur et le titre de la liste. Rien n'a été importé.")
    list_date = list_date or in_service.list_date
    if list_date < PROGRAMME_START or list_date > date.today():
        raise ImportRefused(f"Date de la liste {fr_date(list_date)} impossible : entre le "
                            f"{fr_date(PROGRAMME_START)} (appel à manifestation d'intérêt) et aujourd'hui. "
                            "Rien n'a été importé.")
    return Attribution(source, licence, list_date)


@dataclass(frozen=True)
class ImportRequest:
    """What the person importing says about the import; recorded in the manifest and history.

    source, licence and list_date are the list's attribution (shown in every footer, slide and
    export); an import without a source is refused. The date defaults to the one in service.
    signer says who signs it (pipeline/import_identity.py); without one, `user` is a typed name."""
    user: str
    confirm_removals: bool = False
    source: str | None = None
    licence: str | None = None
    list_date: date | None = None
    signer: Signer | None = None

    @property
    def signed_by(self) -> Signer:
        return self.signer or typed_signer(self.user, "")

    @property
    def user_name(self) -> str:
        return self.signed_by.shown_name

    def attribution(self, manifest: dict) -> Attribution:
        return check_attribution(self.source, self.licence, self.list_date, attribution_in_service(manifest))

    def manifest_fields(self, file_name: str, file_sha256: str, attribution: Attribution) -> dict:
        """The fields of the new manifest that describe where the list comes from."""
        return {"laureates_source": attribution.label,
                "laureates_list_date": attribution.list_date.isoformat(),
                "laureates_attribution": {"source": attribution.source, "licence": attribution.licence},
                "imported": {"file_name": safe_file_name(file_name), "file_sha256": file_sha256,
                             "user": self.user_name, "on": date.today().isoformat()}}


@dataclass
class Candidate:
    """A checked list and what importing it would change; nothing of it is written yet."""
    file_name: str
    file_sha256: str
    base_version: str  # the version in service when the preview was made
    description: str = ""
    problems: list[Problem] = field(default_factory=list)
    laureates: pd.DataFrame | None = None
    added: pd.DataFrame | None = None
    removed: pd.DataFrame | None = None
    changed: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    current_count: int = 0
    previous_import: dict | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]

    @property
    def is_unchanged(self) -> bool:
        return not self.errors and self.laureates is not None and (
            self.added.empty and self.removed.empty and self.changed.empty)

    @property
    def removal_share(self) -> float:
        return len(self.removed) / self.current_count if self.removed is not None and self.current_count else 0.0

    @property
    def needs_removal_confirmation(self) -> bool:
        return self.removal_share > REMOVAL_CONFIRMATION_SHARE


def load_reference(data_dir: Path, manifest: dict) -> Reference:
    departements = versions.read_extract(data_dir, manifest, "departements")
    # The département outlines of the extract (true positions, simplified to about 400 m,
    # well within the 10 km tolerance of the point test); Saint-Martin has none.
    dep_shapes = {row.dep_code: shape(json.loads(row.geometry_geojson))
                  for row in departements.itertuples() if isinstance(row.geometry_geojson, str)}
    epci = versions.read_extract(data_dir, manifest, "epci") if "epci" in manifest["extracts"] else None
    return Reference(versions.read_extract(data_dir, manifest, "communes"), departements,
                     versions.read_extract(data_dir, manifest, "regions"), dep_shapes, epci)


def _keep_known_points(fabriques: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """A known fabrique in the same commune keeps its point when the list gives none, or gives
    it rounded as the dashboard's export writes it."""
    known = current[~current.point_is_fallback].set_index("fabrique_id")
    for index, row in fabriques.iterrows():
        if row.fabrique_id not in known.index or known.at[row.fabrique_id, "commune_code"] != row.commune_code:
            continue
        lon, lat = known.at[row.fabrique_id, "lon"], known.at[row.fabrique_id, "lat"]
        # The dashboard's export rounds the point: the same point, rounded, is the known point.
        if pd.isna(row.source_lon) or (
                round(lon, EXPORT_COORDINATE_DECIMALS) == row.source_lon
                and round(lat, EXPORT_COORDINATE_DECIMALS) == row.source_lat):
            fabriques.loc[index, ["source_lon", "source_lat"]] = (lon, lat)
    return fabriques


def _apply_given_waves(laureates: pd.DataFrame, fabriques: pd.DataFrame) -> pd.DataFrame:
    """A wave or date given by the list replaces the inferred one and is no longer flagged inferred."""
    given = fabriques.set_index("fabrique_id")[["wave", "wave_date"]]
    for row in laureates.itertuples():
        wave, wave_date = given.at[row.fabrique_id, "wave"], given.at[row.fabrique_id, "wave_date"]
        wave = None if pd.isna(wave) else wave  # pandas turns a missing text into NaN
        wave_date = None if pd.isna(wave_date) else wave_date
        if wave is None and wave_date is None:
            continue
        laureates.at[row.Index, "wave_label"] = wave or f"Vague du {fr_date(wave_date)}"
        laureates.at[row.Index, "wave_date"] = wave_date
        laureates.at[row.Index, "wave_is_inferred"] = False
    return laureates


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "fabrique_id": frame.fabrique_id, "name": frame["name"], "commune_code": frame.commune_code,
        "commune_name": frame.commune_name,
        "point": [f"{lat:.5f} ; {lon:.5f}" for lat, lon in zip(frame.lat, frame.lon)],
        "wave": [f"{label} ({when})" if isinstance(when, date) else label
                 for label, when in zip(frame.wave_label, frame.wave_date)],
    }).set_index("fabrique_id")


def compare(current: pd.DataFrame, candidate: pd.DataFrame):
    """Added, removed and changed fabriques (one row per changed field)."""
    before, after = _comparable(current), _comparable(candidate)
    added = after.loc[after.index.difference(before.index, sort=False)].reset_index()
    removed = before.loc[before.index.difference(after.index, sort=False)].reset_index()
    changes = []
    for fabrique_id in before.index.intersection(after.index, sort=False):
        for column, label in COMPARED.items():
            old, new = before.at[fabrique_id, column], after.at[fabrique_id, column]
            if old != new:
                changes.append({"fabrique_id": fabrique_id, "name": after.at[fabrique_id, "name"],
                                "field": label, "before": old, "after": new})
    changed = pd.DataFrame(changes, columns=["fabrique_id", "name", "field", "before", "after"])
    return added, removed, changed


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd")
    return buffer.getvalue()


def target_totals(laureates: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    """Counts per target and per territory type, by the dashboard's own queries and loader,
    on the version in service with these laureates in place of its own."""
    tables = {"laureates": laureates}
    progress = queries.run_on(tables, "progress_toward_targets", data_dir, **TOTALS_PARAMS)
    counts = queries.run_on(tables, "headline_counts", data_dir, **TOTALS_PARAMS).iloc[0]
    # A target is named by what it counts, under the definition the totals are read under.
    rows = [{"key": row.target_id,
             "label": f"Objectif {scope_label(row.scope, TOTALS_PARAMS['rural_definition']).lower()} "
                      f"au {fr_date(pd.Timestamp(row.deadline).date())}",
             "target": row.target_value, "count": int(row.national_achieved)} for row in progress.itertuples()]
    rows += [{"key": kind, "label": f"Type de territoire : {label}", "target": None,
              "count": int(counts[kind])} for kind, label in type_labels(DEFAULT_RURAL_DEFINITION).items()]
    return pd.DataFrame(rows)


def _totals_table(current: pd.DataFrame, candidate: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    before, after = target_totals(current, data_dir), target_totals(candidate, data_dir)
    table = before.rename(columns={"count": "before"})
    table["after"] = after["count"].to_numpy()
    return table


def preview(file_name: str, source: Source, data_dir: Path) -> Candidate:
    """Read, check and preview a list (bytes or a binary file) against the version in
    service. Writes nothing."""
    manifest = versions.read_manifest(data_dir)
    stream = as_stream(source)
    candidate = Candidate(file_name, sha256_of(stream), manifest["data_version"])
    try:
        table = read_table(file_name, stream)
    except FileRefused as refusal:
        candidate.problems.append(Problem(None, None, str(refusal)))
        return candidate
    candidate.description = table.description
    reference = load_reference(data_dir, manifest)
    current = versions.read_extract(data_dir, manifest, "laureates")
    checker = ListChecker(table, reference, dict(zip(current.fabrique_id, current.commune_code)))
    fabriques = checker.check()
    candidate.problems = checker.problems
    if fabriques is None:
        return candidate
    fabriques = _keep_known_points(fabriques, current)
    try:
        laureates = derive_laureates(fabriques.drop(columns=["wave", "wave_date"]), reference.communes,
                                     reference.departements, reference.regions, reference.dep_shapes,
                                     file_name, source_label=import_source_label(file_name),
                                     epci=reference.epci)
    except SourceError as error:  # the checks above should have caught it first
        candidate.problems.append(Problem(None, None, str(error)))
        return candidate
    candidate.laureates = _apply_given_waves(laureates, fabriques)
    candidate.current_count = len(current)
    candidate.added, candidate.removed, candidate.changed = compare(current, candidate.laureates)
    candidate.totals = _totals_table(current, candidate.laureates, data_dir)
    candidate.previous_import = next((entry for entry in reversed(versions.read_history(data_dir))
                                      if entry.get("file_sha256") == candidate.file_sha256), None)
    if candidate.needs_removal_confirmation:
        candidate.problems.append(Problem(None, None, (
            f"Cette liste retire {len(candidate.removed)} des {candidate.current_count} fabriques en service "
            f"({candidate.removal_share:.0%}), au-delà de {REMOVAL_CONFIRMATION_SHARE:.0%} : "
            "l'import demande une confirmation explicite.").replace("%", "\u00a0%"), blocking=False))
    return candidate


def safe_file_name(file_name: str) -> str:
    """The file name as shown in the manifest and footer: letters, digits and . _ - only."""
    name = re.sub(r"[^\w.\- ]+", "_", Path(file_name).name)[:80].strip()
    return name or "liste"


def import_source_label(file_name: str) -> str:
    return f"Liste importée « {safe_file_name(file_name)} » le {fr_date(date.today())}"


def apply(candidate: Candidate, data_dir: Path, request: ImportRequest) -> dict:
    """Put the candidate in service if the version it was previewed on still is; its history entry."""
    if candidate.errors or candidate.laureates is None:
        raise ImportRefused("La liste comporte des problèmes bloquants : rien n'a été importé.")
    if candidate.is_unchanged:
        raise ImportRefused("La liste est identique à la version en service : rien n'a été modifié.")
    if candidate.needs_removal_confirmation and not request.confirm_removals:
        raise ImportRefused(f"La liste retire {len(candidate.removed)} fabriques : confirmez ces retraits.")
    attribution = request.attribution(versions.read_manifest(data_dir))
    # Each fabrique cites the list it comes from (Lauréats table, card, exports), then the file.
    laureates = candidate.laureates.assign(source=(
        f"{attribution.label} (fichier « {safe_file_name(candidate.file_name)} » importé le "
        f"{fr_date(date.today())})"))
    manifest = versions.publish_laureates(
        data_dir, parquet_bytes(laureates), len(laureates),
        request.manifest_fields(candidate.file_name, candidate.file_sha256, attribution),
        expected_version=candidate.base_version)
    entry = {
        "action": "import", "at": manifest["created_at"], **request.signed_by.history_fields(),
        "file_name": safe_file_name(candidate.file_name),
        "file_sha256": candidate.file_sha256, "source": attribution.label,
        "list_date": attribution.list_date.isoformat(), "from_version": candidate.base_version,
        "to_version": manifest["data_version"], "laureates": len(candidate.laureates),
        "added": candidate.added.fabrique_id.tolist(), "removed": candidate.removed.fabrique_id.tolist(),
        "changed": sorted(set(candidate.changed.fabrique_id)),
        "totals": {row.key: int(row.after) for row in candidate.totals.itertuples()},
    }
    versions.append_history(data_dir, entry)
    LOGGER.info("Import : version %s en service (%d fabriques, depuis %s), fichier « %s » (SHA-256 %s), "
                "source « %s », par %s.", entry["to_version"], entry["laureates"], entry["from_version"],
                entry["file_name"], entry["file_sha256"][:16], entry["source"], request.signed_by.log_label())
    return entry

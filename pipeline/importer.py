"""Import a new laureate list: check it, preview what changes, then put it in service.

    python -m pipeline.importer FILE [--yes] [--allow-removals] [--user NAME] [--data-dir DIR]
    make import FILE=liste.csv
    python -m pipeline.importer --hash-password     # the hash that enables the page's import

Nothing is written until the list passes every check and the import is confirmed; then a
new version is written atomically (pipeline/versions.py) and recorded in history.jsonl.
Commune codes are resolved with the communes extract of the version in service (points,
density, QPV), so a list with only ids, codes and names is enough. A fabrique already in
service keeps its point when the new list gives none for the same commune.

Exit codes: 0 imported or nothing to change, 1 refused (problems listed), 2 not confirmed.
"""
from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import io
import json
import re
import secrets
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import shape

from pipeline import versions
from pipeline.build import derive_laureates
from pipeline.import_checks import ListChecker, Problem, Reference
from pipeline.import_files import FileRefused, read_path, read_table
from pipeline.sources import SourceError
from views.format import fr_date
from views.territory_types import TERRITORY_TYPES

# Share of the fabriques in service that a list may drop without an explicit confirmation.
REMOVAL_CONFIRMATION_SHARE = 0.10
# Fields compared to say a fabrique "changed"; territory and département follow the commune.
COMPARED = {"name": "nom", "commune_code": "commune", "point": "point", "wave": "vague"}
PASSWORD_ENV = "FABRIQUES_IMPORT_PASSWORD_HASH"
PASSWORD_ITERATIONS = 600_000
TOTALS_PARAMS = {"region": None, "departement": None, "territoire": None, "rural_definition": "insee"}


def default_data_dir() -> Path:
    from queries import data_dir

    return data_dir()


def load_reference(data_dir: Path, manifest: dict) -> Reference:
    departements = versions.read_extract(data_dir, manifest, "departements")
    # The département outlines of the extract (true positions, simplified to about 400 m,
    # well within the 10 km tolerance of the point test); Saint-Martin has none.
    dep_shapes = {row.dep_code: shape(json.loads(row.geometry_geojson))
                  for row in departements.itertuples() if isinstance(row.geometry_geojson, str)}
    return Reference(versions.read_extract(data_dir, manifest, "communes"), departements,
                     versions.read_extract(data_dir, manifest, "regions"), dep_shapes)


@dataclass
class Candidate:
    """A checked list and what importing it would change; nothing of it is written yet."""
    file_name: str
    file_sha256: str
    base_version: str
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

    @property
    def can_import(self) -> bool:
        return not self.errors and self.laureates is not None and not self.is_unchanged


def _keep_known_points(fabriques: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """A known fabrique in the same commune, with no point in the list, keeps its point."""
    known = current[~current.point_is_fallback].set_index("fabrique_id")
    for index, row in fabriques[fabriques.source_lon.isna()].iterrows():
        if row.fabrique_id in known.index and known.at[row.fabrique_id, "commune_code"] == row.commune_code:
            fabriques.loc[index, ["source_lon", "source_lat"]] = (
                known.at[row.fabrique_id, "lon"], known.at[row.fabrique_id, "lat"])
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


def target_totals(laureates: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Counts per target and per territory type, through the dashboard's own SQL."""
    from queries import QUERY_DIR, sql_text

    connection = duckdb.connect(":memory:")
    try:
        for table, frame in (("laureates", laureates), ("targets", targets)):
            connection.register(f"{table}_frame", pa.Table.from_pandas(frame, preserve_index=False))
            connection.execute(f"create table {table} as select * from {table}_frame")
        connection.execute((QUERY_DIR / "_macros.sql").read_text(encoding="utf-8"))
        progress = connection.execute(sql_text("progress_toward_targets"), TOTALS_PARAMS).df()
        counts = connection.execute(sql_text("headline_counts"), TOTALS_PARAMS).df().iloc[0]
    finally:
        connection.close()
    rows = [{"key": row.target_id, "label": row.label, "target": row.target_value,
             "count": int(row.national_achieved)} for row in progress.itertuples()]
    rows += [{"key": kind, "label": f"Type de territoire : {label}", "target": None,
              "count": int(counts[kind])} for kind, label in TERRITORY_TYPES.items()]
    return pd.DataFrame(rows)


def _totals_table(current: pd.DataFrame, candidate: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    before, after = target_totals(current, targets), target_totals(candidate, targets)
    table = before.rename(columns={"count": "before"})
    table["after"] = after["count"].to_numpy()
    return table


def prepare(file_name: str, content: bytes, data_dir: Path) -> Candidate:
    """Read, check and preview a list. Writes nothing."""
    manifest = versions.read_manifest(data_dir)
    candidate = Candidate(file_name, hashlib.sha256(content).hexdigest(), manifest["data_version"])
    try:
        table = read_table(file_name, content)
    except FileRefused as refusal:
        candidate.problems.append(Problem(None, None, str(refusal)))
        return candidate
    candidate.description = table.description
    reference = load_reference(data_dir, manifest)
    checker = ListChecker(table, reference)
    fabriques = checker.check()
    candidate.problems = checker.problems
    if fabriques is None:
        return candidate
    current = versions.read_extract(data_dir, manifest, "laureates")
    fabriques = _keep_known_points(fabriques, current)
    try:
        laureates = derive_laureates(fabriques.drop(columns=["wave", "wave_date"]), reference.communes,
                                     reference.departements, reference.regions, reference.dep_shapes,
                                     file_name, source_label=import_source_label(file_name))
    except SourceError as error:  # the checks above should have caught it first
        candidate.problems.append(Problem(None, None, str(error)))
        return candidate
    candidate.laureates = _apply_given_waves(laureates, fabriques)
    candidate.current_count = len(current)
    candidate.added, candidate.removed, candidate.changed = compare(current, candidate.laureates)
    targets = versions.read_extract(data_dir, manifest, "targets")
    candidate.totals = _totals_table(current, candidate.laureates, targets)
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


class ImportRefused(RuntimeError):
    """apply() was called on a list that must not be imported as it stands."""


def apply(candidate: Candidate, data_dir: Path, user: str, confirm_removals: bool = False) -> dict:
    """Write the candidate as the new version in service; returns its history entry."""
    if candidate.errors:
        raise ImportRefused("La liste comporte des problèmes bloquants : rien n'a été importé.")
    if candidate.is_unchanged:
        raise ImportRefused("La liste est identique à la version en service : rien n'a été modifié.")
    if candidate.needs_removal_confirmation and not confirm_removals:
        raise ImportRefused(f"La liste retire {len(candidate.removed)} fabriques : confirmez ces retraits.")
    user = (user or "").strip()[:80] or "inconnu"
    name = safe_file_name(candidate.file_name)
    manifest = versions.publish_laureates(
        data_dir, parquet_bytes(candidate.laureates), len(candidate.laureates),
        {"laureates_source": import_source_label(candidate.file_name),
         "laureates_list_date": date.today().isoformat(),
         "imported": {"file_name": name, "file_sha256": candidate.file_sha256, "user": user}},
        expected_version=candidate.base_version)
    entry = {
        "action": "import", "at": manifest["created_at"], "user": user, "file_name": name,
        "file_sha256": candidate.file_sha256, "from_version": candidate.base_version,
        "to_version": manifest["data_version"], "laureates": len(candidate.laureates),
        "added": candidate.added.fabrique_id.tolist(), "removed": candidate.removed.fabrique_id.tolist(),
        "changed": sorted(set(candidate.changed.fabrique_id)),
        "totals": {row.key: int(row.after) for row in candidate.totals.itertuples()},
    }
    versions.append_history(data_dir, entry)
    return entry


def hash_password(password: str, iterations: int = PASSWORD_ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>` (SHA-256, 16-byte salt)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"pbkdf2_sha256${iterations}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.strip().split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt),
                                     int(iterations))
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


def report_lines(candidate: Candidate) -> list[str]:
    """The check report and the preview, as the command line prints them."""
    lines = [f"Fichier : {candidate.file_name} ({candidate.description or 'non lu'})"]
    for problem in candidate.errors:
        lines.append(f"  ERREUR — {problem.text()}")
    for problem in candidate.notices:
        lines.append(f"  Remarque — {problem.text()}")
    if candidate.laureates is None:
        return lines + [f"{len(candidate.errors)} problème(s) bloquant(s) : rien n'a été importé."]
    if candidate.is_unchanged:
        return lines + [unchanged_sentence(candidate)]
    lines.append(f"Aperçu : {len(candidate.added)} ajoutée(s), {len(candidate.removed)} retirée(s), "
                 f"{candidate.changed.fabrique_id.nunique()} modifiée(s).")
    for title, frame in (("Ajoutée", candidate.added), ("Retirée", candidate.removed)):
        lines += [f"  {title} : {row.fabrique_id} — {row.name} ({row.commune_name})" for row in frame.itertuples()]
    lines += [f"  Modifiée : {row.fabrique_id} — {row.field} : {row.before} → {row.after}"
              for row in candidate.changed.itertuples()]
    lines.append("Totaux (définition INSEE du rural) : avant → après")
    lines += [f"  {row.label} : {row.before} → {row.after}" for row in candidate.totals.itertuples()]
    return lines


def unchanged_sentence(candidate: Candidate) -> str:
    sentence = (f"La liste est identique à la version en service ({candidate.base_version}) : "
                "rien n'a été modifié.")
    previous = candidate.previous_import
    if previous:
        sentence += (f" Ce fichier a déjà été importé le {fr_date(date.fromisoformat(previous['at'][:10]))} par {previous['user']} "
                     f"(version {previous['to_version']}).")
    return sentence


def _ask(question: str) -> bool:
    try:
        return input(f"{question} [o/N] ").strip().lower() in {"o", "oui"}
    except EOFError:
        return False


def _quiet_streamlit() -> None:
    """queries/ uses Streamlit caches, which warn in English when no app runs: not for this tool."""
    from streamlit import logger

    logger.set_log_level("error")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Importe une nouvelle liste de fabriques (CSV ou XLSX).")
    parser.add_argument("file", nargs="?", type=Path, help="liste à importer")
    parser.add_argument("--yes", action="store_true", help="importer sans poser de question")
    parser.add_argument("--allow-removals", action="store_true",
                        help="accepter une liste qui retire plus de 10 %% des fabriques")
    parser.add_argument("--user", default=None, help="nom inscrit dans l'historique")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--hash-password", action="store_true",
                        help="afficher l'empreinte d'un mot de passe d'import")
    args = parser.parse_args(argv)
    _quiet_streamlit()
    if args.hash_password:
        password = getpass.getpass("Mot de passe : ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if len(password) < 12:
            print("Mot de passe trop court (12 caractères au moins).", file=sys.stderr)
            return 1
        print(hash_password(password))
        return 0
    if args.file is None:
        parser.error("indiquez le fichier à importer")
    data_dir = args.data_dir or default_data_dir()
    try:
        content = read_path(args.file)
    except FileRefused as refusal:
        print(f"ERREUR — {refusal}\nRien n'a été importé.", file=sys.stderr)
        return 1
    candidate = prepare(args.file.name, content, data_dir)
    print("\n".join(report_lines(candidate)))
    if candidate.errors:
        return 1
    if candidate.is_unchanged:
        return 0
    confirm_removals = args.allow_removals
    if candidate.needs_removal_confirmation and not confirm_removals:
        if args.yes or not _ask(f"Confirmez-vous le retrait de {len(candidate.removed)} fabriques ?"):
            print("Retraits non confirmés (--allow-removals) : rien n'a été importé.", file=sys.stderr)
            return 2
        confirm_removals = True
    if not args.yes and not _ask("Importer cette liste ?"):
        print("Import annulé : rien n'a été modifié.")
        return 2
    try:
        entry = apply(candidate, data_dir, args.user or getpass.getuser(), confirm_removals)
    except (ImportRefused, versions.VersionError) as error:
        print(f"ERREUR — {error}", file=sys.stderr)
        return 1
    print(f"Version {entry['to_version']} en service ({entry['laureates']} fabriques) ; "
          f"version précédente : {entry['from_version']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

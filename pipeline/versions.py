"""Versions of the data folder: every accepted import kept, one-step rollback, a history.

Layout of the data folder (data/ or $FABRIQUES_DATA_DIR):

    manifest.json                     the version in service (what queries/ loads)
    *.parquet                         extracts built by `make data` (the base version)
    versions/<version>/manifest.json  the manifest of every version ever in service
    versions/<version>/laureates.parquet   the laureates of an imported version
    history.jsonl                     one JSON line per import or rollback (append-only)

File paths inside every manifest are relative to the data folder, so an archived manifest
can be put back as manifest.json unchanged: that is the whole rollback. An import only
writes a new laureates extract; the other extracts keep their path.

Every write goes to a temporary file in the data folder (`.<name>.<random>.tmp`, git-ignored)
that is flushed to disk, then renamed over its target (os.replace is atomic on one file
system). A crash or a kill before the rename leaves the previous version in service and
loadable; the orphan temporary file is removed by the next import.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

import queries
from pipeline.import_identity import Signer, typed_signer

LOGGER = logging.getLogger("fabriques.import")
VERSIONS_DIR = "versions"
HISTORY_FILE = "history.jsonl"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".import.lock"  # held during an import or a rollback (docs/deploy.md, .gitignore)


class VersionError(RuntimeError):
    """A version cannot be written or restored: the message says why, in French."""


class StalePreview(VersionError):
    """The version a preview was computed on is no longer the one in service."""


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def version_of(extracts: dict) -> str:
    """The data version: a hash of every extract's content, as `make data` computes it."""
    digest = hashlib.sha256()
    for name in sorted(extracts):
        digest.update(f"{name}:{extracts[name]['sha256']}\n".encode())
    return digest.hexdigest()[:12]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(data_dir: Path, target: Path, content: bytes) -> None:
    """Write content to target through a flushed temporary file and one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the app may run as another user
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def remove_stale_temp_files(data_dir: Path) -> list[str]:
    """Temporary files left by a killed write (never the live files)."""
    removed = []
    for path in data_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


@contextlib.contextmanager
def write_lock(data_dir: Path):
    """One import or rollback at a time (two staff members on the page at once)."""
    with open(data_dir / LOCK_FILE, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise VersionError("Un autre import ou retour arrière est en cours : "
                               "réessayez dans un instant.") from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(data_dir: Path) -> dict:
    """The manifest in service, checked (a malformed one is refused in French)."""
    try:
        return queries.parse_manifest(data_dir / MANIFEST_FILE, MANIFEST_FILE)
    except queries.ExtractError as error:
        raise VersionError(str(error)) from error


def _archived_manifest(data_dir: Path, version: str) -> dict | None:
    """An archived manifest, or None when it is torn, incomplete or not that version's."""
    try:
        manifest = queries.parse_manifest(archived_manifest_path(data_dir, version),
                                          f"{VERSIONS_DIR}/{version}/{MANIFEST_FILE}")
    except queries.ExtractError:
        return None
    return manifest if manifest["data_version"] == version else None


def read_extract(data_dir: Path, manifest: dict, name: str) -> pd.DataFrame:
    """One extract of a version, as a pandas frame."""
    return pd.read_parquet(data_dir / manifest["extracts"][name]["file"])


def archived_manifest_path(data_dir: Path, version: str) -> Path:
    return data_dir / VERSIONS_DIR / version / MANIFEST_FILE


def _archive(data_dir: Path, manifest: dict) -> None:
    """Keep a version's manifest; an archive is never rewritten (versions are content hashes)."""
    path = archived_manifest_path(data_dir, manifest["data_version"])
    if not path.exists():
        atomic_write(data_dir, path, _json_bytes(manifest))


def _check_expected(data_dir: Path, expected_version: str | None) -> dict:
    current = read_manifest(data_dir)
    if expected_version and current["data_version"] != expected_version:
        raise StalePreview(
            f"Les données ont changé depuis l'aperçu (version {current['data_version']} en service, "
            f"aperçu établi sur {expected_version}) : rien n'a été importé. Établissez un nouvel "
            "aperçu sur la version en service avant d'importer."
        )
    return current


def publish_laureates(data_dir: Path, laureates_parquet: bytes, rows: int, manifest_fields: dict,
                      expected_version: str | None = None) -> dict:
    """Put a new laureates extract in service; returns the new manifest.

    Order of the writes: the current manifest archived, the new extract, the new manifest
    archived, then manifest.json replaced. Until that last rename the previous version is
    the one in service.
    """
    with write_lock(data_dir):
        remove_stale_temp_files(data_dir)
        current = _check_expected(data_dir, expected_version)
        _archive(data_dir, current)
        sha = hashlib.sha256(laureates_parquet).hexdigest()
        extracts = dict(current["extracts"])
        extracts["laureates"] = {"file": "", "rows": int(rows), "sha256": sha}
        version = version_of(extracts)
        relative = f"{VERSIONS_DIR}/{version}/laureates.parquet"
        extracts["laureates"]["file"] = relative
        target = data_dir / relative
        if not target.exists() or sha256_file(target) != sha:
            atomic_write(data_dir, target, laureates_parquet)
        manifest = {**current, **manifest_fields, "data_version": version,
                    "previous_version": current["data_version"], "extracts": extracts,
                    "created_at": now_iso()}
        atomic_write(data_dir, data_dir / MANIFEST_FILE, _json_bytes(manifest))
        # Archived once in service only: a run killed before the switch leaves no archive
        # that could be offered for rollback (the next write archives the one in service).
        _archive(data_dir, manifest)
        return manifest


def list_versions(data_dir: Path) -> list[dict]:
    """Every version that was in service, oldest first, the one in service flagged `is_current`.

    A version was in service when the history names it (imported, rolled back to, or left by
    an import or a rollback), or when a version that was in service names it as its previous
    one. An archive named by neither was written by a run killed before its switch (or copied
    by hand): it is not offered. A torn or incomplete archive cannot be restored and is not
    offered either.
    """
    current = read_manifest(data_dir)
    manifests = {current["data_version"]: current}
    named = {entry.get(key) for entry in read_history(data_dir) for key in ("from_version", "to_version")}
    waiting = [current.get("previous_version"), *named]
    while waiting:
        version = waiting.pop()
        if not isinstance(version, str) or version in manifests or not queries.VERSION.fullmatch(version):
            continue
        manifest = _archived_manifest(data_dir, version)
        if manifest is not None:
            manifests[version] = manifest
            waiting.append(manifest.get("previous_version"))
    rows = [
        {"version": version, "created_at": str(manifest.get("created_at") or ""),
         "laureates": manifest["extracts"]["laureates"]["rows"],
         "source": manifest.get("laureates_source", ""),
         "list_date": manifest.get("laureates_list_date", ""),
         "is_current": version == current["data_version"], "manifest": manifest}
        for version, manifest in manifests.items()
    ]
    # The base version (built by `make data`) has no creation date: it comes first.
    return sorted(rows, key=lambda row: row["created_at"])


def _check_restorable(data_dir: Path, manifest: dict) -> None:
    for name, entry in manifest["extracts"].items():
        path = data_dir / entry["file"]
        if not path.is_file():
            raise VersionError(f"Version {manifest['data_version']} : l'extrait {entry['file']} "
                               "est absent ; elle ne peut pas être remise en service.")
        if name == "laureates" and sha256_file(path) != entry.get("sha256"):
            raise VersionError(f"Version {manifest['data_version']} : l'extrait {entry['file']} "
                               "a été modifié depuis son import ; elle ne peut pas être remise en service.")


def rollback(data_dir: Path, version: str, user: str, signer: Signer | None = None) -> dict:
    """Put an earlier version back in service (its archived manifest, unchanged); signed by
    `signer`, or without one by the typed name `user`."""
    signer = signer or typed_signer(user, "")
    with write_lock(data_dir):
        remove_stale_temp_files(data_dir)
        current = read_manifest(data_dir)
        if version == current["data_version"]:
            raise VersionError(f"La version {version} est déjà en service.")
        if version not in {row["version"] for row in list_versions(data_dir)}:
            raise VersionError(f"La version {version} n'a jamais été en service ou son archive est "
                               "incomplète : elle ne peut pas être remise en service.")
        manifest = _archived_manifest(data_dir, version)
        _check_restorable(data_dir, manifest)
        _archive(data_dir, current)
        atomic_write(data_dir, data_dir / MANIFEST_FILE, _json_bytes(manifest))
        append_history(data_dir, {
            "action": "retour_arriere", "at": now_iso(), **signer.history_fields(),
            "from_version": current["data_version"], "to_version": version,
            "laureates": manifest["extracts"]["laureates"]["rows"],
            "source": str(manifest.get("laureates_source") or ""),  # the list put back in service
        })
        LOGGER.info("Retour arrière : version %s remise en service (%d fabriques, depuis %s), source « %s », "
                    "par %s.", version, manifest["extracts"]["laureates"]["rows"], current["data_version"],
                    manifest.get("laureates_source") or "?", signer.log_label())
        return manifest


def append_history(data_dir: Path, entry: dict) -> None:
    """One JSON line, appended and flushed; earlier lines are never rewritten."""
    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    fd = os.open(data_dir / HISTORY_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_history(data_dir: Path) -> list[dict]:
    """History entries, oldest first; a line torn by a crash is skipped."""
    path = data_dir / HISTORY_FILE
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries

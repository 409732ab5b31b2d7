"""The one loader: run a named SQL file of this folder with bound parameters.

    from queries import run
    frame = run("headline_counts", region="53", departement=None, territoire=None,
                rural_definition="insee")

Extracts are loaded once per data version into an in-memory DuckDB database (a few MB);
each call takes its own cursor, since a DuckDB connection is not shared across threads.
Results are cached per (query, parameters, data version): a new import invalidates them.
Under Streamlit the caches are Streamlit's (shared by every session, cleared with the others);
elsewhere (the command-line importer, scripts) a plain in-process cache, so that this loader
does not make the pipeline depend on Streamlit.
"""
from __future__ import annotations

import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

QUERY_DIR = Path(__file__).resolve().parent
ROOT = QUERY_DIR.parent
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class _Cache:
    """A cache decorator chosen at the first call: st.cache_resource / st.cache_data when the
    process runs Streamlit (an app or AppTest has imported it), functools.lru_cache otherwise."""

    def __init__(self, kind: str, max_entries: int):
        self.kind, self.max_entries = kind, max_entries

    def __call__(self, function):
        chosen = None

        def cached(*args):
            nonlocal chosen
            if chosen is None:
                if "streamlit" in sys.modules:
                    import streamlit as st
                    chosen = getattr(st, self.kind)(show_spinner=False, max_entries=self.max_entries)(function)
                else:
                    plain = lru_cache(maxsize=self.max_entries)(function)
                    # A frame is handed out as a copy, as st.cache_data does: callers may change it.
                    chosen = plain if self.kind == "cache_resource" else (lambda *a: plain(*a).copy())
            return chosen(*args)

        cached.__doc__ = function.__doc__
        return cached


class ExtractError(RuntimeError):
    """An extract is missing or unreadable: the message names the file and the fix."""


def data_dir() -> Path:
    # Tests and the benchmark point the app at another extract folder.
    return Path(os.environ.get("FABRIQUES_DATA_DIR", ROOT / "data"))


def read_manifest(directory: Path | None = None) -> dict:
    """The manifest of a data folder (shared: never modify it).

    Every query asks for it; it is parsed again only when the file changed (an import
    replaces it atomically: new inode, size or modification time), a stat being much
    cheaper than an open and a read on a loaded machine.
    """
    path = (directory or data_dir()) / "manifest.json"
    try:
        stat = path.stat()
        return _parsed_manifest(str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError as error:
        raise ExtractError("Le fichier manifest.json du dossier des données est absent.") from error


VERSION = re.compile(r"[0-9a-f]{6,64}")


@lru_cache(maxsize=16)
def _parsed_manifest(path: str, inode: int, size: int, mtime_ns: int) -> dict:
    return parse_manifest(Path(path), "manifest.json")


def parse_manifest(path: Path, name: str) -> dict:
    """A manifest read and checked: valid JSON holding what the loader needs, or ExtractError
    naming the file by its place in the data folder (never a server path)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ExtractError(f"Le fichier {name} du dossier des données est absent.") from error
    except (OSError, ValueError) as error:
        raise ExtractError(f"Le fichier {name} du dossier des données est illisible (JSON mal formé).") from error
    extracts = manifest.get("extracts") if isinstance(manifest, dict) else None
    if not (isinstance(manifest.get("data_version") if isinstance(manifest, dict) else None, str)
            and VERSION.fullmatch(manifest["data_version"])
            and isinstance(extracts, dict) and isinstance(extracts.get("laureates"), dict)
            and all(isinstance(entry, dict) and isinstance(entry.get("file"), str)
                    and isinstance(entry.get("rows"), int) for entry in extracts.values())):
        raise ExtractError(f"Le fichier {name} du dossier des données est incomplet : il doit donner "
                           "la version des données (data_version) et ses extraits (extracts).")
    return manifest


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file() or path.name.startswith("_"):
        raise KeyError(f"requête inconnue : {name}")
    return path.read_text(encoding="utf-8")


def sql_parameters(name: str) -> set[str]:
    return set(PARAMETER.findall(sql_text(name)))


class UnknownVersion(LookupError):
    """A data version that is neither current nor archived under data/versions/."""


def manifest_of(version: str, directory: Path | None = None) -> dict:
    """The manifest of a data version: the current one, or one archived by an import."""
    directory = directory or data_dir()
    current = read_manifest(directory)
    if current["data_version"] == version:
        return current
    # Versions are hex digests: anything else (a path, a URL fragment) is not looked up.
    if not VERSION.fullmatch(version):
        raise UnknownVersion(version)
    archived = directory / "versions" / version / "manifest.json"
    if not archived.is_file():
        raise UnknownVersion(version)
    manifest = parse_manifest(archived, f"versions/{version}/manifest.json")
    if manifest["data_version"] != version:
        raise ExtractError(f"Le fichier versions/{version}/manifest.json décrit une autre version "
                           f"({manifest['data_version']}) : cette version n'est pas disponible.")
    return manifest


@_Cache("cache_resource", max_entries=4)
def _database(directory: str, data_version: str) -> duckdb.DuckDBPyConnection:
    """In-memory database of one data version; the version is part of the cache key."""
    return _load(Path(directory), manifest_of(data_version, Path(directory)), {})


def _load(directory: Path, manifest: dict, replacing: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    for table, frame in replacing.items():
        # Through Arrow, as a Parquet extract would be read: the same column types.
        connection.register("incoming", pa.Table.from_pandas(frame, preserve_index=False))
        connection.execute(f'create table "{table}" as select * from incoming')
        connection.unregister("incoming")
    for table, entry in manifest["extracts"].items():
        if table in replacing:
            continue
        path = directory / entry["file"]
        try:
            connection.execute(
                f'create table "{table}" as select * from read_parquet($path)', {"path": str(path)}
            )
        except duckdb.Error as error:
            raise ExtractError(f"L'extrait {entry['file']} de la version {manifest['data_version']} "
                               "est absent ou illisible : cette version des données n'est pas "
                               "disponible.") from error
    _define_macros(connection)
    return connection


def _define_macros(connection: duckdb.DuckDBPyConnection) -> None:
    """Shared macros: every queries/_*.sql, in name order."""
    for definitions in sorted(QUERY_DIR.glob("_*.sql")):
        connection.execute(definitions.read_text(encoding="utf-8"))


def check_extracts() -> None:
    """Raise ExtractError, naming the file, when an extract is missing or unreadable."""
    manifest = read_manifest()
    directory = data_dir()
    for entry in manifest["extracts"].values():
        if not (directory / entry["file"]).is_file():
            raise ExtractError(f"L'extrait {entry['file']} du dossier des données est absent.")
    _database(str(directory), manifest["data_version"])


def data_version() -> str:
    return read_manifest()["data_version"]


@_Cache("cache_data", max_entries=2048)
def _cached_run(name: str, params: tuple, directory: str, version: str) -> pd.DataFrame:
    cursor = _database(directory, version).cursor()
    try:
        return cursor.execute(sql_text(name), dict(params)).df()
    finally:
        cursor.close()


def run(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with exactly the parameters the file declares."""
    return run_at(data_version(), name, **params)


def _check_parameters(name: str, params: dict) -> None:
    expected = sql_parameters(name)
    if set(params) != expected:
        raise TypeError(f"{name}.sql attend {sorted(expected)}, reçu {sorted(params)}")


def run_at(version: str, name: str, **params) -> pd.DataFrame:
    """The same, on a given data version (a permalink to figures as they were)."""
    _check_parameters(name, params)
    manifest_of(version)  # raises UnknownVersion before anything is cached
    return _cached_run(name, tuple(sorted(params.items())), str(data_dir()), version)


def run_on(replacing: dict[str, pd.DataFrame], name: str, directory: Path | None = None,
           **params) -> pd.DataFrame:
    """The same query on the version in service with some tables replaced (an import's
    preview: the laureates it would put in service). Never cached."""
    _check_parameters(name, params)
    directory = directory or data_dir()
    connection = _load(directory, read_manifest(directory), replacing)
    try:
        return connection.execute(sql_text(name), params).df()
    finally:
        connection.close()

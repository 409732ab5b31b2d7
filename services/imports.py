"""The import workflow as the Données page uses it: password, preview, apply, rollback, history.

The page reaches the pipeline only through this module. It holds no Streamlit code: the page
passes what it reads from Streamlit (the configured secret, the uploaded file).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from pipeline import import_auth, versions
from pipeline.import_files import MAX_BYTES, FileRefused, check_size
from pipeline.import_report import unchanged_sentence
from pipeline.import_workflow import Candidate, ImportRefused, ImportRequest
from pipeline.import_workflow import apply as _apply
from pipeline.import_workflow import preview as _preview
from services.upload_access import authorise as authorise_uploads
from services.upload_access import may_upload
from services.upload_access import revoke as revoke_uploads

__all__ = [
    "MAX_BYTES", "Candidate", "FileRefused", "ImportRefused", "ImportRequest", "Refused", "StalePreview",
    "apply", "authorise_uploads", "check_size", "may_upload", "revoke_uploads", "extract", "history", "password_hash", "password_matches", "preview",
    "restorable_versions", "rollback", "unchanged_sentence",
]

# What apply() and rollback() refuse with a French message the page shows as it is.
Refused = (ImportRefused, versions.VersionError)
StalePreview = versions.StalePreview  # the preview's data version left service (compare-and-swap)


def password_hash(from_secrets: str | None) -> str | None:
    """The hash that enables the import: Streamlit's secrets first, then the environment."""
    return from_secrets or os.environ.get(import_auth.PASSWORD_ENV) or None


def password_matches(password: str, stored_hash: str) -> bool:
    return import_auth.verify_password(password, stored_hash)


def preview(file_name: str, source: BinaryIO | bytes, data_dir: Path) -> Candidate:
    """Check and preview a list; nothing is written (the uploaded file is read as a stream)."""
    return _preview(file_name, source, data_dir)


def apply(candidate: Candidate, data_dir: Path, request: ImportRequest) -> dict:
    return _apply(candidate, data_dir, request)


def rollback(data_dir: Path, version: str, user: str) -> dict:
    return versions.rollback(data_dir, version, user)


def restorable_versions(data_dir: Path) -> list[dict]:
    """Versions that may be put back in service, oldest first (never the one in service)."""
    return [row for row in versions.list_versions(data_dir) if not row["is_current"]]


def history(data_dir: Path) -> list[dict]:
    return versions.read_history(data_dir)


def extract(data_dir: Path, manifest: dict, name: str) -> pd.DataFrame:
    return versions.read_extract(data_dir, manifest, name)

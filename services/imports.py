"""The import workflow as the Données page uses it: password, preview, apply, rollback, history.

The page reaches the pipeline only through this module. It holds no Streamlit code: the page
passes what it reads from Streamlit (the configured secret, the uploaded file).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from domain.territory_types import RURAL_DEFINITION_NAMES
from pipeline import import_auth, versions
from pipeline.import_files import MAX_BYTES, FileRefused, check_size
from pipeline.import_identity import Signer, typed_signer
from pipeline.import_report import unchanged_sentence
from pipeline.import_workflow import (MAX_ATTRIBUTION_LENGTH, PROGRAMME_START, Attribution, Candidate,
                                      ImportRefused, ImportRequest, TOTALS_PARAMS, attribution_in_service)
from pipeline.import_workflow import apply as _apply
from pipeline.import_workflow import preview as _preview
from services.clients import client_address  # the one rule (services/clients.py)
from services.upload_access import authorise as authorise_uploads
from services.upload_access import may_upload
from services.upload_access import revoke as revoke_uploads

__all__ = [
    "MAX_ATTRIBUTION_LENGTH", "MAX_BYTES", "PROGRAMME_START", "Attribution", "Candidate", "FileRefused", "ImportRefused", "ImportRequest", "Refused", "StalePreview",
    "LoginOutcome", "LoginStateError",
    "apply", "attribution_in_service", "authorise_uploads", "check_size", "client_address", "extract", "history", "login_wait",
    "may_upload", "password_hash", "preview", "revoke_uploads", "try_password",
    "restorable_versions", "rollback", "unchanged_sentence", "Signer", "typed_signer", "TOTALS_RURAL_DEFINITION",
]

# The preview's totals read the rural under this definition (pipeline/import_workflow.py), named so.
TOTALS_RURAL_DEFINITION = RURAL_DEFINITION_NAMES[TOTALS_PARAMS["rural_definition"]]

# What apply() and rollback() refuse with a French message the page shows as it is.
Refused = (ImportRefused, versions.VersionError)
StalePreview = versions.StalePreview  # the preview's data version left service (compare-and-swap)


def password_hash(from_secrets: str | None) -> str | None:
    """The hash that enables the import: Streamlit's secrets first, then the environment."""
    return from_secrets or os.environ.get(import_auth.PASSWORD_ENV) or None


LoginOutcome = import_auth.LoginOutcome
LoginStateError = import_auth.LoginStateError


def login_wait(data_dir: Path, client: str) -> float:
    """Seconds before this client may try the password again (0: now)."""
    return import_auth.LoginGate(data_dir).wait_seconds(client)


def try_password(data_dir: Path, client: str, password: str, stored_hash: str) -> LoginOutcome:
    """One attempt, counted beside the data (a reload or another process does not reset it)."""
    return import_auth.LoginGate(data_dir).attempt(client, password, stored_hash)


def preview(file_name: str, source: BinaryIO | bytes, data_dir: Path) -> Candidate:
    """Check and preview a list; nothing is written (the uploaded file is read as a stream)."""
    return _preview(file_name, source, data_dir)


def apply(candidate: Candidate, data_dir: Path, request: ImportRequest) -> dict:
    return _apply(candidate, data_dir, request)


def rollback(data_dir: Path, version: str, signer: Signer) -> dict:
    return versions.rollback(data_dir, version, signer.shown_name, signer)


def restorable_versions(data_dir: Path) -> list[dict]:
    """Versions that may be put back in service, oldest first (never the one in service)."""
    return [row for row in versions.list_versions(data_dir) if not row["is_current"]]


def history(data_dir: Path) -> list[dict]:
    return versions.read_history(data_dir)


def extract(data_dir: Path, manifest: dict, name: str) -> pd.DataFrame:
    return versions.read_extract(data_dir, manifest, name)

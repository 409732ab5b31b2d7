"""What the legal pages read: the accessibility audit written by the browser tests, the
manual checks, the operator's settings (environment) and the fingerprint of the audited code.

The audit file is written by `make audit` (tests/test_browser_accessibility.py with
FABRIQUES_ECRIRE_AUDIT=1) and committed; the same tests, run without that variable, fail when
the committed file disagrees with what the browser measures; tests/test_publication.py fails when
it was measured on another Streamlit. The fingerprint of the audited code is kept in the file:
/accessibilite says when the code served differs from the code measured.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_PATH = ROOT / "docs" / "accessibilite" / "audit.json"
MANUAL_CHECKS_PATH = ROOT / "docs" / "accessibilite" / "verifications-manuelles.json"

# What the users see: the router, the shared chrome, every page, the theme and the Streamlit
# version. A change to one of them makes the audit out of date until `make audit` is run.
AUDITED_GLOBS = ["dashboard.py", "app/context.py", "app/chrome.py", "pages/*.py",
                 ".streamlit/config.toml", "requirements.txt"]

# The operator's part of the legal notices: what this repository cannot know.
OPERATOR_SETTINGS = {
    "directeur_publication": "FABRIQUES_DIRECTEUR_PUBLICATION",
    "hebergeur": "FABRIQUES_HEBERGEUR",
    "contact": "FABRIQUES_CONTACT",
}


def audited_files(root: Path = ROOT) -> list[Path]:
    files = {path for pattern in AUDITED_GLOBS for path in root.glob(pattern) if path.is_file()}
    return sorted(files, key=lambda path: path.relative_to(root).as_posix())


def code_fingerprint(root: Path = ROOT) -> str:
    """sha256 over the audited files' paths and contents (line endings as committed)."""
    digest = hashlib.sha256()
    for path in audited_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def read_audit(path: Path | None = None) -> dict | None:
    return _read_json(path or AUDIT_PATH)


def read_manual_checks(path: Path = MANUAL_CHECKS_PATH) -> list[dict]:
    return (_read_json(path) or {}).get("checks", [])


def operator_settings() -> dict[str, str | None]:
    """Each setting's value, or None when the operator has not set it."""
    return {name: (os.environ.get(variable) or "").strip() or None
            for name, variable in OPERATOR_SETTINGS.items()}

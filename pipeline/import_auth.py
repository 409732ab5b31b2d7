"""Who may import: the password hash that enables the import, checked in constant time.

The password itself is never stored: the server keeps `pbkdf2_sha256$<iterations>$<salt>$<hash>`
(in `.streamlit/secrets.toml` or $FABRIQUES_IMPORT_PASSWORD_HASH), printed by
`python -m pipeline.importer --hash-password`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PASSWORD_ENV = "FABRIQUES_IMPORT_PASSWORD_HASH"
PASSWORD_ITERATIONS = 600_000
MIN_PASSWORD_LENGTH = 12


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

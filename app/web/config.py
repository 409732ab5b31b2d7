"""Settings of the HTTP side, read from the environment: the one place for each of them.

| variable                     | default | meaning                                                   |
|------------------------------|---------|-----------------------------------------------------------|
| FABRIQUES_CORS_ORIGINS       | (none)  | origins allowed to read /api/v1/ from a browser (CORS)    |
| FABRIQUES_API_RATE_LIMIT     | 60      | API requests per client per minute                        |
| FABRIQUES_API_MAX_ROWS       | 5000    | most rows one list response returns                       |
| FABRIQUES_POINTS_RATE_LIMIT  | 60      | requests for the map's point files per client per minute  |
| FABRIQUES_TRUSTED_PROXIES    | 127.0.0.1 | proxies whose X-Forwarded-For names the client (nginx); read by services/clients.py |
| FABRIQUES_PUBLIC_URL         | (none)  | the dashboard's public address, for absolute links (API `Link`); relative links without it |
| FABRIQUES_ALLOW_INDEXING     | 0       | 1: search engines may index the pages (/robots.txt)       |

Who may frame the pages (the `?embed=true` views among them) is set in one place too:
FABRIQUES_FRAME_ANCESTORS, read by app/web/security.py.

Origins are separated by spaces or commas, each `scheme://host[:port]`. Read on each call
(not at import), so a test or a restart with another environment sees the new values.
A malformed value stops the server at start with a message naming the variable
(`check()` is a startup step), rather than silently allowing or refusing everything.
"""
from __future__ import annotations

import os
import re

from services import clients

ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


class ConfigError(ValueError):
    """A setting cannot be read: the message names the variable and the expected form."""


def _origins(variable: str) -> tuple[str, ...]:
    raw = os.environ.get(variable, "")
    origins = tuple(part.rstrip("/") for part in re.split(r"[\s,]+", raw) if part)
    for origin in origins:
        if not ORIGIN.match(origin):
            raise ConfigError(f"{variable} : « {origin} » n'est pas une origine "
                              "(attendu : https://exemple.fr ou http://hote:port).")
    return origins


def _positive_int(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{variable} : « {raw} » n'est pas un entier positif.")
    return int(raw)


def cors_origins() -> tuple[str, ...]:
    """Origins whose scripts may read the API; none by default (CORS off)."""
    return _origins("FABRIQUES_CORS_ORIGINS")


def api_rate_limit() -> int:
    """Requests one client may make to the API in a minute."""
    return _positive_int("FABRIQUES_API_RATE_LIMIT", 60)


def api_max_rows() -> int:
    """The most rows one list response carries (the rest is reached with `offset`)."""
    return _positive_int("FABRIQUES_API_MAX_ROWS", 5000)


def points_rate_limit() -> int:
    """Requests for the map's point files (/points/…) one client may make in a minute."""
    return _positive_int("FABRIQUES_POINTS_RATE_LIMIT", 60)


def trusted_proxies():
    """The proxies trusted to name the client in X-Forwarded-For (the local nginx)."""
    try:
        return clients.trusted_proxies()
    except ValueError as error:
        raise ConfigError(str(error)) from None


PUBLIC_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$")


def public_url() -> str | None:
    """The address the dashboard is reached at (`https://fabriques.example.gouv.fr`), without
    a final slash; None: links are relative. Never read from the request's Host header, which
    the client writes."""
    raw = os.environ.get("FABRIQUES_PUBLIC_URL", "").strip()
    if not raw:
        return None
    if not PUBLIC_URL.match(raw):
        raise ConfigError(f"FABRIQUES_PUBLIC_URL : « {raw[:100]} » n'est pas une adresse "
                          "(attendu : https://exemple.fr ou https://exemple.fr/chemin).")
    return raw.rstrip("/")


def allow_indexing() -> bool:
    """Whether search engines may index the pages (/robots.txt); not by default (an intranet)."""
    raw = os.environ.get("FABRIQUES_ALLOW_INDEXING", "").strip() or "0"
    if raw not in ("0", "1"):
        raise ConfigError(f"FABRIQUES_ALLOW_INDEXING : « {raw[:20]} » : 0 (pas d'indexation) ou 1 attendu.")
    return raw == "1"


def check() -> None:
    """Read every setting once (a startup step): a malformed one stops the server."""
    cors_origins()
    api_rate_limit()
    api_max_rows()
    points_rate_limit()
    trusted_proxies()
    public_url()
    allow_indexing()

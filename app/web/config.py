"""Settings of the API, read from the environment: the one place for each of them.

| variable                     | default | meaning                                                   |
|------------------------------|---------|-----------------------------------------------------------|
| FABRIQUES_CORS_ORIGINS       | (none)  | origins allowed to read /api/v1/ from a browser (CORS)    |
| FABRIQUES_API_RATE_LIMIT     | 60      | API requests per client per minute                        |
| FABRIQUES_API_MAX_ROWS       | 5000    | most rows one list response returns                       |
| FABRIQUES_TRUSTED_PROXIES    | 127.0.0.1 ::1 | peers whose X-Forwarded-For names the client (nginx) |

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


def trusted_proxies() -> frozenset[str]:
    """Direct peers trusted to name the client in X-Forwarded-For (the local nginx)."""
    raw = os.environ.get("FABRIQUES_TRUSTED_PROXIES")
    if raw is None:
        return frozenset({"127.0.0.1", "::1"})
    return frozenset(part for part in re.split(r"[\s,]+", raw) if part)


def check() -> None:
    """Read every setting once (a startup step): a malformed one stops the server."""
    cors_origins()
    api_rate_limit()
    api_max_rows()
    trusted_proxies()

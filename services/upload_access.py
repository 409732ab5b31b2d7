"""Which Streamlit sessions of this process may upload a file (the import's list).

Streamlit accepts a file PUT to `/_stcore/upload_file/<session id>/<file id>` from any open
session, whether or not the page shows an uploader. The Données page adds its session here
once the import password is accepted or an allowed person is signed in, and removes it when
the access is closed or the sign-in has expired;
app/web/security.py refuses every upload from a session that is not here. Session ids are
random UUIDs known only to their browser; a session lives in one process (sticky sessions
behind nginx), so this registry is per process, in memory.
"""
from __future__ import annotations

import threading
import time

# An authorised session stays so for a working day at most; staff are few.
AUTHORISATION_SECONDS = 8 * 3600
MAX_SESSIONS = 200

_lock = threading.Lock()
_authorised: dict[str, float] = {}  # session id -> expiry (monotonic clock)


def authorise(session_id: str, seconds: float = AUTHORISATION_SECONDS) -> None:
    """Let this session upload for `seconds` (a working day at most)."""
    with _lock:
        now = time.monotonic()
        for expired in [sid for sid, until in _authorised.items() if until <= now]:
            del _authorised[expired]
        while len(_authorised) >= MAX_SESSIONS:
            del _authorised[next(iter(_authorised))]  # the oldest authorisation goes first
        _authorised[session_id] = now + min(max(seconds, 0.0), AUTHORISATION_SECONDS)


def revoke(session_id: str) -> None:
    with _lock:
        _authorised.pop(session_id, None)


def may_upload(session_id: str) -> bool:
    with _lock:
        until = _authorised.get(session_id)
        return until is not None and until > time.monotonic()

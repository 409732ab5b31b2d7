"""Who may import: the password hash that enables the import, checked in constant time, and
a lockout of repeated failures shared by every process (below).

The password itself is never stored: the server keeps `pbkdf2_sha256$<iterations>$<salt>$<hash>`
(in `.streamlit/secrets.toml` or $FABRIQUES_IMPORT_PASSWORD_HASH), printed by
`python -m pipeline.importer --hash-password`.
"""
from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


# --- Lockout: failed attempts counted beside the data, shared by every process -------------
#
# Each attempt costs a PBKDF2 hash (about 0.4 s of CPU) and a guess: a client that fails
# CLIENT_FREE_FAILURES times must then wait, longer after each new failure; when the failures
# of all clients together pass GLOBAL_FREE_FAILURES within an hour (many addresses), everybody
# waits. The state is a small JSON file in the data folder, under a file lock, so a reload, a
# new session or another process of the same server changes nothing. A waiting client's
# attempt is refused before any hashing.
LOGINS_FILE = ".import-logins.json"
LOGINS_LOCK = ".import-logins.lock"
CLIENT_FREE_FAILURES = 5
CLIENT_FIRST_DELAY = 30.0
CLIENT_MAX_DELAY = 3600.0
GLOBAL_FREE_FAILURES = 20
GLOBAL_FIRST_DELAY = 10.0
GLOBAL_MAX_DELAY = 900.0
GLOBAL_WINDOW = 3600.0
FORGET_AFTER = 24 * 3600.0

LOGGER = logging.getLogger("fabriques.import")


class LoginStateError(RuntimeError):
    """The attempts cannot be recorded (data folder not writable): the login is refused."""


@dataclass(frozen=True)
class LoginOutcome:
    accepted: bool
    wait_seconds: float  # before the next attempt is allowed (0: now)
    checked: bool  # False when the attempt was refused without looking at the password


def growing_delay(failures: int, free: int, first: float, ceiling: float) -> float:
    """0 up to `free` failures, then first, 2 x first, 4 x first… up to the ceiling."""
    if failures < free:
        return 0.0
    return min(first * 2 ** min(failures - free, 30), ceiling)


def client_key(client: str) -> str:
    """The client as stored on disk: a hash, not the address itself."""
    return hashlib.sha256(client.encode("utf-8")).hexdigest()[:20]


class LoginGate:
    """Password attempts for the import, throttled per client and globally."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time):
        self.data_dir = Path(data_dir)
        self.clock = clock

    @contextlib.contextmanager
    def _locked_state(self):
        try:
            with open(self.data_dir / LOGINS_LOCK, "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield self._read()
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        except OSError as error:
            raise LoginStateError("Les essais de mot de passe ne peuvent pas être enregistrés dans le "
                                  "dossier des données : l'accès à l'import est fermé.") from error

    def _read(self) -> dict:
        try:
            state = json.loads((self.data_dir / LOGINS_FILE).read_text(encoding="utf-8"))
            if isinstance(state, dict) and isinstance(state.get("clients"), dict) \
                    and isinstance(state.get("recent"), list):
                return state
        except (OSError, ValueError):
            pass
        return {"clients": {}, "recent": []}

    def _write(self, state: dict) -> None:
        now = self.clock()
        state["clients"] = {key: entry for key, entry in state["clients"].items()
                            if now - entry.get("last", 0) < FORGET_AFTER}
        state["recent"] = [t for t in state["recent"] if now - t < GLOBAL_WINDOW][-1000:]
        fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=f"{LOGINS_FILE}.", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.data_dir / LOGINS_FILE)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _wait(self, state: dict, key: str) -> float:
        now = self.clock()
        entry = state["clients"].get(key, {"failures": 0, "last": 0})
        client_wait = entry["last"] + growing_delay(entry["failures"], CLIENT_FREE_FAILURES,
                                                    CLIENT_FIRST_DELAY, CLIENT_MAX_DELAY) - now
        recent = [t for t in state["recent"] if now - t < GLOBAL_WINDOW]
        global_wait = (max(recent) + growing_delay(len(recent), GLOBAL_FREE_FAILURES, GLOBAL_FIRST_DELAY,
                                                   GLOBAL_MAX_DELAY) - now) if recent else 0.0
        return max(client_wait, global_wait, 0.0)

    def wait_seconds(self, client: str) -> float:
        with self._locked_state() as state:
            return self._wait(state, client_key(client))

    def attempt(self, client: str, password: str, stored_hash: str) -> LoginOutcome:
        key = client_key(client)
        # The lock is held during the hash: attempts are checked one at a time on this server.
        with self._locked_state() as state:
            wait = self._wait(state, key)
            if wait > 0:
                LOGGER.warning("Import : essai de mot de passe refusé sans vérification (client %s, "
                               "attente de %.0f s en cours).", client, wait)
                return LoginOutcome(False, wait, checked=False)
            if verify_password(password, stored_hash):
                state["clients"].pop(key, None)
                self._write(state)
                LOGGER.info("Import : accès ouvert (client %s).", client)
                return LoginOutcome(True, 0.0, checked=True)
            now = self.clock()
            entry = state["clients"].get(key, {"failures": 0, "last": 0})
            state["clients"][key] = {"failures": entry["failures"] + 1, "last": now}
            state["recent"].append(now)
            self._write(state)
            wait = self._wait(state, key)
            LOGGER.warning("Import : mot de passe incorrect (client %s, %d échec(s) de ce client, %d sur "
                           "l'heure pour tous les clients ; prochain essai dans %.0f s).", client,
                           entry["failures"] + 1, len([t for t in state["recent"] if now - t < GLOBAL_WINDOW]),
                           wait)
            return LoginOutcome(False, wait, checked=True)

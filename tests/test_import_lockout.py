"""Issue 12, defect 5: the import password's lockout survives reloads and processes, per
client and globally, with a growing delay and one log line per failed attempt."""
from __future__ import annotations

import json
import re
import logging
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data
from pipeline import import_auth
from pipeline.import_auth import CLIENT_FREE_FAILURES, GLOBAL_FREE_FAILURES, LoginGate

PASSWORD = "fabriques-import-essai"
PASSWORD_HASH = import_auth.hash_password(PASSWORD, iterations=1_000)


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def counted_hashes(monkeypatch):
    calls = []
    real = import_auth.verify_password

    def counting(password, stored):
        calls.append(password)
        return real(password, stored)

    monkeypatch.setattr(import_auth, "verify_password", counting)
    return calls


def test_failures_lock_a_client_out_with_a_growing_delay(tmp_path, counted_hashes, caplog):
    clock = Clock()
    gate = LoginGate(tmp_path, clock)
    caplog.set_level(logging.INFO, logger="fabriques.import")
    outcomes = [gate.attempt("10.0.0.7", f"essai-{n}", PASSWORD_HASH) for n in range(CLIENT_FREE_FAILURES)]
    assert [o.accepted for o in outcomes] == [False] * CLIENT_FREE_FAILURES
    assert outcomes[-1].wait_seconds == 30
    # Another process (another gate on the same folder): the right password is not even hashed.
    refused = LoginGate(tmp_path, clock).attempt("10.0.0.7", PASSWORD, PASSWORD_HASH)
    assert (refused.accepted, refused.checked, refused.wait_seconds) == (False, False, 30)
    assert len(counted_hashes) == CLIENT_FREE_FAILURES
    # Another client is not concerned.
    assert gate.attempt("10.0.0.8", PASSWORD, PASSWORD_HASH).accepted
    # After the wait, one more failure doubles it, and so on.
    clock.now += 31
    assert gate.attempt("10.0.0.7", "encore", PASSWORD_HASH).wait_seconds == 60
    clock.now += 61
    assert gate.attempt("10.0.0.7", "encore", PASSWORD_HASH).wait_seconds == 120
    clock.now += 121
    assert gate.attempt("10.0.0.7", PASSWORD, PASSWORD_HASH).accepted  # and success resets it
    assert gate.wait_seconds("10.0.0.7") == 0
    failures = [r for r in caplog.records if "mot de passe incorrect" in r.getMessage()]
    assert len(failures) == CLIENT_FREE_FAILURES + 2  # one line per failed attempt
    assert "10.0.0.7" in failures[0].getMessage()
    assert not any(PASSWORD in r.getMessage() or "essai-" in r.getMessage() or "encore" in r.getMessage()
                   for r in caplog.records)
    stored = (tmp_path / import_auth.LOGINS_FILE).read_text()
    assert "10.0.0.7" not in stored and "essai" not in stored  # addresses stored as hashes only


def test_many_addresses_trigger_the_global_delay(tmp_path):
    clock = Clock()
    gate = LoginGate(tmp_path, clock)
    for n in range(GLOBAL_FREE_FAILURES):
        assert gate.attempt(f"10.1.0.{n}", "mauvais", PASSWORD_HASH).wait_seconds < 20
    fresh = gate.attempt("10.2.0.1", PASSWORD, PASSWORD_HASH)
    assert (fresh.accepted, fresh.checked) == (False, False)
    assert fresh.wait_seconds == import_auth.GLOBAL_FIRST_DELAY
    clock.now += import_auth.GLOBAL_WINDOW + 1  # an hour later the failures no longer count
    assert gate.attempt("10.2.0.1", PASSWORD, PASSWORD_HASH).accepted


def test_the_lockout_is_shared_with_another_process(tmp_path):
    code = ("import sys; from pipeline.import_auth import LoginGate\n"
            f"[LoginGate(sys.argv[1]).attempt('10.0.0.9', 'faux', {PASSWORD_HASH!r}) for _ in range(5)]")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, check=True, timeout=60)
    assert LoginGate(tmp_path).wait_seconds("10.0.0.9") > 25


def test_a_reload_does_not_give_new_tries(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)

    def open_donnees() -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/donnees.py").run()
        assert not at.exception, at.exception
        return at

    at = open_donnees()
    for _ in range(CLIENT_FREE_FAILURES):
        at.text_input[0].input("mauvais mot de passe")
        at.button[0].click().run()
    assert "Mot de passe incorrect." in [e.value for e in at.error]
    reloaded = open_donnees()  # a new session, as after a reload
    assert not [t for t in reloaded.text_input if t.label == "Mot de passe d'import"]
    assert any(re.match(r"Trop d'essais de mot de passe : réessayez dans ([12]?[0-9]|30) secondes", e.value)
               for e in reloaded.error)
    assert json.loads((data_dir / import_auth.LOGINS_FILE).read_text())["recent"]


def test_lock_and_state_files_are_named_alike_in_code_docs_and_gitignore():
    from pipeline import versions

    ignored = (ROOT / ".gitignore").read_text().splitlines()
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in (versions.LOCK_FILE, import_auth.LOGINS_FILE, import_auth.LOGINS_LOCK):
        assert f"data/{name}" in ignored
        assert f"`{name}`" in deploy

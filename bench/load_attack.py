"""make load-attack: the crowd of make load, without then with an attacker (issue 12).

One process is started and warmed as for make load (bench/load.py), on a copy of data/ (the
password lockout writes its counts beside the data: each run starts from none) and with an
import password that nobody knows. The same crowd (CROWD sessions arriving within 10 s on /
and /carte, each changing filters, plus sessions that close their tab mid-run) then runs
three times with the same seed: once to fill the caches (not counted), once alone, once
while an attacker
- sends files to `/_stcore/upload_file/<its session>/…` from a real, open session that the
  import never authorised (every UPLOAD_INTERVAL_S, UPLOAD_BYTES each: twenty times what
  nginx lets through, since this run has no nginx), and
- submits wrong passwords on the Données page's form, each from a fresh session, back to back
  (the lockout's growing delay should leave it a few hashed guesses, then refusals that cost
  the server no hashing).
Budget (issue 12): the other sessions' p95 (page loads, and filter changes) with the attacker
≤ 1.5× the p95 without. Reported besides: what the attacker got back (status codes, who
refused, bytes sent before the answer, password attempts hashed or refused, the delay
announced) and the server's memory before and after.
Hard caps: make load's deadline and request cap per crowd, ATTACK_MAX_REQUESTS for the
attacker; the run stops by itself (about four minutes with the warm-up).

    python -m bench.load_attack [--sessions 25] [--interactions 6] [--warm all] [--seed 8]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import select
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import budgets
from bench.load import RESULTS, Servers, run_level
from bench.load_sessions import Budget
from pipeline import import_auth
from services.loopback_session import StreamlitSession

ROOT = Path(__file__).resolve().parent.parent
CROWD = 25
UPLOAD_BYTES = 16 * 2**20  # under the 20 MB cap: the refusal must come from the access rule
UPLOAD_INTERVAL_S = 0.5
ATTACK_MAX_REQUESTS = 1500
ATTACK_DEADLINE_S = 300
PASSWORD_LABEL = "Mot de passe d'import"
ACCESS_REFUSAL = "agent habilité"  # app/web/security.py's 403 body
WAIT_UNITS = {"seconde": 1, "minute": 60, "heure": 3600}


# --- pure parts (tests/test_bench_units.py) -----------------------------------------------
def announced_wait_seconds(text: str) -> int | None:
    """The wait the page announces ('… réessayez dans 2 minutes.' -> 120), None if none."""
    found = re.search(r"réessayez dans (\d+) (seconde|minute|heure)s?\b", text)
    return int(found.group(1)) * WAIT_UNITS[found.group(2)] if found else None


def multipart_envelope(boundary: str, file_name: str) -> tuple[bytes, bytes]:
    """What a browser puts around a file in the uploader's PUT (form field 'file')."""
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


def upload_request_head(url: str, session_id: str, file_id: str, length: int, boundary: str,
                        cookie: str = "") -> bytes:
    """The request line and headers of an upload, as Streamlit's frontend sends it."""
    parts = urlsplit(url)
    path = f"{parts.path.rstrip('/')}/_stcore/upload_file/{session_id}/{file_id}"
    lines = [f"PUT {path} HTTP/1.1", f"Host: {parts.netloc}",
             f"Content-Type: multipart/form-data; boundary={boundary}", f"Content-Length: {length}"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
        xsrf = re.search(r"(?:^|; )_streamlit_xsrf=([^;]+)", cookie)
        if xsrf:
            lines.append(f"X-Xsrftoken: {xsrf.group(1)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def status_code(answer: bytes) -> int | None:
    """The status of an HTTP/1.1 answer's first line (None when nothing came back)."""
    found = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return int(found.group(1)) if found else None


def p95_ratio(without: float | None, with_attack: float | None) -> float | None:
    if not without or with_attack is None:
        return None
    return budgets.ratio(with_attack, without)


def attack_checks(without: dict, with_attack: dict) -> list[budgets.Check]:
    """Issue 12's budget, for page loads and for filter changes: p95 with / p95 without."""
    checks = []
    for key, subject in (("load_p95_ms", "chargements p95"), ("p95_ms", "changements p95")):
        ratio = p95_ratio(without[key], with_attack[key])
        checks.append(budgets.check("attack", subject, math.inf if ratio is None else ratio))
    return checks


def hashes_allowed(duration_s: float) -> int:
    """Attempts one address can get hashed in `duration_s` under the lockout (pipeline/import_auth.py):
    CLIENT_FREE_FAILURES at once, then one each time the growing wait runs out."""
    attempts, elapsed = 0, 0.0
    while True:
        attempts += 1
        elapsed += import_auth.growing_delay(attempts, import_auth.CLIENT_FREE_FAILURES,
                                             import_auth.CLIENT_FIRST_DELAY, import_auth.CLIENT_MAX_DELAY)
        if elapsed > duration_s:
            return attempts


def attacker_findings(attack: dict) -> list[tuple[str, bool]]:
    """(what, held) about the attacker's answers: nothing stored, few hashed guesses."""
    uploads = attack["uploads"]
    refused = uploads["refused_by_access_rule"]
    hashed = attack["guesses"]["hashed"]
    allowed = hashes_allowed(attack["duration_s"])
    return [
        (f"envois de fichier refusés par la règle d'accès : {refused}/{uploads['sent']}",
         uploads["sent"] > 0 and refused == uploads["sent"]),
        (f"essais de mot de passe vérifiés (hachés) : {hashed} sur {attack['guesses']['tried']} "
         f"(le verrouillage en permet {allowed} en {attack['duration_s']:.0f} s)",
         attack["guesses"]["tried"] > 0 and hashed <= allowed),
        (f"accès accordé à l'attaquant : {attack['guesses']['accepted']} fois", attack["guesses"]["accepted"] == 0),
        (f"erreurs de l'attaquant : {len(attack['errors'])}", not attack["errors"]),
    ]


# --- the attacker ---------------------------------------------------------------------------
class AttackerSession(StreamlitSession):
    """A session that also reads the alerts and the password form (text input, submit button)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.alerts: list[str] = []
        self.form_ids: dict[str, str] = {}  # label -> widget id (text input, submit button)

    def _read_delta(self, message, result) -> None:
        super()._read_delta(message, result)
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "alert":
            self.alerts.append(element.alert.body)
        elif kind == "text_input":
            self.form_ids[element.text_input.label] = element.text_input.id
        elif kind == "button" and element.button.is_form_submitter:
            self.form_ids["submit"] = element.button.id

    def submit_password(self, password: str):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        self.widget_states["password"] = WidgetState(id=self.form_ids[PASSWORD_LABEL], string_value=password)
        self.widget_states["submit"] = WidgetState(id=self.form_ids["submit"], trigger_value=True)
        self.alerts = []
        return self.rerun()


@dataclass
class AttackLog:
    statuses: Counter = field(default_factory=Counter)
    refused_by_access_rule: int = 0
    bytes_before_answer: list[int] = field(default_factory=list)
    tried: int = 0
    form_absent: int = 0
    incorrect: int = 0
    accepted: int = 0
    waits: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def put_file(url: str, session: StreamlitSession, size: int) -> tuple[int | None, int, bytes]:
    """One upload from this session: (status, body bytes sent before the answer came, answer)."""
    boundary = f"attaque{secrets.token_hex(8)}"
    head, tail = multipart_envelope(boundary, "liste.csv")
    request = upload_request_head(url, session.session_id, secrets.token_hex(16), len(head) + size + len(tail),
                                  boundary, session.headers.get("Cookie", ""))
    parts = urlsplit(url)
    chunk = b"x" * 65536
    sent, answer = 0, b""
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request + head)
        try:
            while sent < size:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server answered before the whole body: stop sending
                piece = chunk[:min(len(chunk), size - sent)]
                sock.sendall(piece)
                sent += len(piece)
            else:
                sock.sendall(tail)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        try:
            while b"\r\n\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
            answer += sock.recv(65536) if b"\r\n\r\n" in answer else b""
        except (ConnectionResetError, TimeoutError):
            pass
    return status_code(answer), sent, answer


def uploader(url: str, stop: threading.Event, budget: Budget, log: AttackLog) -> None:
    session = StreamlitSession(url)
    try:
        session.open()
        session.rerun()  # a real session, open on Synthèse, as any visitor's
        while not stop.is_set() and budget.take():
            status, sent, answer = put_file(url, session, UPLOAD_BYTES)
            with log.lock:
                log.statuses[status] += 1
                log.refused_by_access_rule += status == 403 and ACCESS_REFUSAL.encode() in answer
                log.bytes_before_answer.append(sent)
            stop.wait(UPLOAD_INTERVAL_S)
    except Exception as error:
        with log.lock:
            log.errors.append(f"envoi de fichier : {type(error).__name__}: {error}")
    finally:
        session.close()


def guesser(url: str, stop: threading.Event, budget: Budget, log: AttackLog) -> None:
    """Wrong passwords on the Données form, each from a fresh session, back to back."""
    while not stop.is_set() and budget.take():
        session = AttackerSession(url, page="donnees")
        try:
            session.open()
            session.rerun()
            if PASSWORD_LABEL not in session.form_ids or "submit" not in session.form_ids:
                alerts = " ".join(session.alerts)  # the page shows the wait instead of the form
                with log.lock:
                    log.form_absent += 1
                    wait = announced_wait_seconds(alerts)
                    if wait is None:
                        log.errors.append(f"ni formulaire ni attente annoncée : {alerts[:120]!r}")
                    else:
                        log.waits.append(wait)
                continue
            result = session.submit_password(secrets.token_urlsafe(12))
            alerts = " ".join(session.alerts)
            with log.lock:
                log.tried += 1
                log.incorrect += "Mot de passe incorrect" in alerts
                log.accepted += "Mot de passe incorrect" not in alerts and not result.exceptions \
                    and announced_wait_seconds(alerts) is None
                wait = announced_wait_seconds(alerts)
                if wait is not None:
                    log.waits.append(wait)
                log.errors.extend(result.exceptions)
        except Exception as error:
            with log.lock:
                log.errors.append(f"mot de passe : {type(error).__name__}: {error}")
        finally:
            session.close()


def attack_summary(log: AttackLog, server_log: str, duration_s: float) -> dict:
    return {
        "duration_s": duration_s,
        "uploads": {"sent": sum(log.statuses.values()), "statuses": {str(k): v for k, v in log.statuses.items()},
                    "refused_by_access_rule": log.refused_by_access_rule,
                    "max_bytes_before_answer": max(log.bytes_before_answer, default=0)},
        "guesses": {"tried": log.tried + log.form_absent, "submitted": log.tried, "form_absent": log.form_absent,
                    "incorrect": log.incorrect, "accepted": log.accepted,
                    # pipeline/import_auth.py logs one line per attempt, hashed or refused unseen
                    "hashed": server_log.count("Import : mot de passe incorrect"),
                    "refused_unhashed": server_log.count("refusé sans vérification"),
                    "first_wait_s": log.waits[0] if log.waits else None,
                    "last_wait_s": log.waits[-1] if log.waits else None},
        "errors": log.errors,
    }


# --- the run ----------------------------------------------------------------------------------
def copy_data(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for path in [*(ROOT / "data").glob("*.parquet"), ROOT / "data" / "manifest.json"]:
        shutil.copy(path, destination / path.name)
    return destination


def crowd(servers: Servers, args, label: str) -> dict:
    print(f"… {args.sessions} sessions, {label}", flush=True)
    return run_level(servers, args.sessions, args.interactions, args.leaving, args.seed)


def print_report(without: dict, with_attack: dict, attack: dict, rss: dict, loads: dict) -> list:
    def ms(value):
        return "—" if value is None else f"{value:.0f}"

    print(f"\nTest de charge avec un attaquant (un processus, boucle locale, {without['sessions']} sessions)")
    print(f"{'':<16}{'erreurs':>9}{'chargement p50':>16}{'p95':>8}{'changement p50':>16}{'p95':>8}")
    for name, level in (("sans attaquant", without), ("avec attaquant", with_attack)):
        print(f"{name:<16}{len(level['errors']):>9}{ms(level['load_p50_ms']):>16}{ms(level['load_p95_ms']):>8}"
              f"{ms(level['p50_ms']):>16}{ms(level['p95_ms']):>8}")
        for error in level["errors"][:5]:
            print(f"{'':<16}! {error}")
    uploads, guesses = attack["uploads"], attack["guesses"]
    print(f"\nL'attaquant : {uploads['sent']} envois de {UPLOAD_BYTES // 2**20} Mo, réponses {uploads['statuses']}, "
          f"{uploads['refused_by_access_rule']} refusés par la règle d'accès, au plus "
          f"{uploads['max_bytes_before_answer'] / 2**20:.1f} Mo envoyés avant la réponse ;")
    print(f"  {guesses['tried']} sessions neuves sur Données : {guesses['submitted']} mots de passe soumis "
          f"({guesses['hashed']} vérifiés, {guesses['refused_unhashed']} refusés sans calcul), "
          f"{guesses['form_absent']} fois le formulaire remplacé par l'attente ; attente annoncée "
          f"{guesses['first_wait_s']} s d'abord, {guesses['last_wait_s']} s à la fin.")
    print(f"  Mémoire du serveur : {rss['before_mb']:.0f} Mo avant l'attaque, {rss['after_mb']:.0f} Mo après. "
          f"Charge de la machine (1 min) : {loads['start']:.2f} au début, {loads['end']:.2f} à la fin.")
    for error in attack["errors"][:5]:
        print(f"  ! {error}")
    checks = attack_checks(without, with_attack)
    print()
    print(budgets.format_checks(checks, details="voir bench/.work/load_attack_results.json"))
    findings = attacker_findings(attack)
    for what, held in findings:
        print(f"  {budgets.PASS if held else budgets.MISS}  {what}")
    return [*(item.passed for item in checks), *(held for _, held in findings)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=CROWD)
    parser.add_argument("--interactions", type=int, default=6)
    parser.add_argument("--leaving", type=int, default=3)
    parser.add_argument("--warm", default="all", help="préchauffage au démarrage : all, national ou off")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    loads = {"start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="fabriques-attack-") as work:
        work = Path(work)
        # The servers inherit this environment (deploy/scale_out.py): a copy of the data, whose
        # lockout file starts empty, and a password that no one knows.
        os.environ["FABRIQUES_DATA_DIR"] = str(copy_data(work / "data"))
        os.environ[import_auth.PASSWORD_ENV] = import_auth.hash_password(secrets.token_urlsafe(24))
        (work / "counts").mkdir()
        servers = Servers(0, work / "counts", args.warm).start()
        try:
            print(f"Démarrage et préchauffage ({args.warm}) …", flush=True)
            print(f"  préchauffage terminé en {servers.wait_warm():.0f} s", flush=True)
            crowd(servers, args, "pour remplir les caches (non comptée)")
            without = crowd(servers, args, "sans attaquant")
            rss_before = servers.rss()
            stop, log = threading.Event(), AttackLog()
            attack_budget = Budget(ATTACK_DEADLINE_S, ATTACK_MAX_REQUESTS)
            attackers = [threading.Thread(target=target, args=(servers.url, stop, attack_budget, log), daemon=True)
                         for target in (uploader, guesser)]
            attack_start = time.monotonic()
            for thread in attackers:
                thread.start()
            try:
                with_attack = crowd(servers, args, "avec l'attaquant")
            finally:
                stop.set()
                for thread in attackers:
                    thread.join(timeout=120)
            rss = {"before_mb": rss_before / 2**20, "after_mb": servers.rss() / 2**20}
            attack = attack_summary(log, servers.cluster.logs(), time.monotonic() - attack_start)
        finally:
            servers.stop()
    loads["end"] = os.getloadavg()[0]
    target = RESULTS.with_name("load_attack_results.json")
    target.parent.mkdir(exist_ok=True)
    report = {"without": without, "with_attack": with_attack, "attack": attack, "rss": rss, "loadavg": loads}
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    held = print_report(without, with_attack, attack, rss, loads)
    print(f"Résultats écrits dans {target.relative_to(ROOT)}")
    failed = without["errors"] or with_attack["errors"] or without["capped"] or with_attack["capped"]
    return 1 if failed or not all(held) else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

"""make load: N concurrent Streamlit sessions changing filters, on loopback, bounded.

For each level (1, 10, 25 sessions by default) a fresh app process (or N processes behind
nginx with --nginx) is started; every session loads a page (Synthèse or Carte), then changes
the région / département / type de territoire several times, as a user clicking the sidebar.
Some extra sessions click and close their tab while the run is going (bad input). Reported:
errors (must be 0), p50/p95 interaction latency as a ratio to the single session, server
memory per session (RSS), DuckDB cursors still open, stickiness through nginx.
Hard caps: a deadline per level and a maximum number of requests; it stops by itself.

    python -m bench.load [--sessions 1,10,25] [--interactions 6] [--nginx 2]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from services.loopback_session import StreamlitSession
from bench.timing import percentile
from deploy.scale_out import ScaleOut

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / ".work" / "load_results.json"  # git-ignored
PAGES = ["", "carte"]  # Synthèse and Carte: the two pages a shared link opens most
LEVEL_DEADLINE_S = 240
MAX_REQUESTS = 2000


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"RSS introuvable pour le processus {pid}")


class Budget:
    """The hard caps shared by every session of a level."""

    def __init__(self, deadline_s: float, max_requests: int):
        self.deadline = time.monotonic() + deadline_s
        self.max_requests = max_requests
        self.requests = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if time.monotonic() > self.deadline or self.requests >= self.max_requests:
                return False
            self.requests += 1
            return True


class Outcome:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.stickiness: list[tuple[str | None, str | None]] = []
        self.capped = False
        self._lock = threading.Lock()

    def add(self, seconds: float | None = None, error: str | None = None) -> None:
        with self._lock:
            if seconds is not None:
                self.latencies.append(seconds)
            if error is not None:
                self.errors.append(error)


def user_session(url: str, index: int, interactions: int, budget: Budget, outcome: Outcome,
                 connected: threading.Barrier, seed: int) -> None:
    rng = random.Random(seed * 1000 + index)
    session = StreamlitSession(url, page=PAGES[index % len(PAGES)])
    try:
        if not budget.take():
            outcome.capped = True
            return
        session.open()
        first = session.rerun()
        outcome.stickiness.append((session.upstream_http, session.upstream_ws))
        for problem in first.exceptions:
            outcome.add(error=f"session {index}, chargement : {problem}")
        for _ in range(interactions):
            if not budget.take():
                outcome.capped = True
                break
            choose_filter(session, rng)
            result = session.rerun()
            outcome.add(seconds=result.seconds)
            for problem in result.exceptions:
                outcome.add(error=f"session {index} : {problem}")
    except Exception as error:  # every failure of a session is an error of the run
        outcome.add(error=f"session {index} : {type(error).__name__}: {error}")
    finally:
        try:
            connected.wait(timeout=max(1.0, budget.deadline - time.monotonic()))
        except threading.BrokenBarrierError:
            pass
        session.close()


def choose_filter(session: StreamlitSession, rng: random.Random) -> None:
    """A new région, sometimes a département of it, sometimes a territory type."""
    regions = session.widgets["filter_region"].options
    session.choose("filter_region", rng.choice(regions))
    session.choose("filter_departement", session.widgets["filter_departement"].options[0])
    session.choose("filter_territoire", rng.choice(session.widgets["filter_territoire"].options))


def leaving_session(url: str, index: int, budget: Budget, outcome: Outcome, seed: int) -> None:
    """Opens, clicks a new filter and closes the tab at once: the run is cut mid-way."""
    rng = random.Random(seed * 7 + index)
    session = StreamlitSession(url, page="carte")
    try:
        if not (budget.take() and budget.take()):
            outcome.capped = True
            return
        session.open()
        session.rerun()
        choose_filter(session, rng)
        session.send_rerun_and_leave()
    except Exception as error:
        outcome.add(error=f"session qui part {index} : {type(error).__name__}: {error}")


class Servers:
    """One instrumented app process, or N behind nginx; counters and RSS of each."""

    def __init__(self, nginx_backends: int, counts_dir: Path):
        self.counts_dir = counts_dir
        env = {"FABRIQUES_CURSOR_COUNTS": ""}
        self.cluster = ScaleOut(
            max(1, nginx_backends), app_module="bench.instrumented_serve", env=env,
            backend_header=True,
            backend_env=lambda index: {"FABRIQUES_CURSOR_COUNTS": str(counts_dir / f"counts-{index}.json")},
        )
        self.behind_nginx = nginx_backends > 0

    def start(self) -> Servers:
        if self.behind_nginx:
            self.cluster.start()
        else:
            self.cluster._start_backends()  # one process, the app's own port, no proxy
        return self

    @property
    def url(self) -> str:
        if self.behind_nginx:
            return self.cluster.url
        return f"http://127.0.0.1:{self.cluster.backend_ports[0]}"

    def rss(self) -> int:
        return sum(rss_bytes(process.pid) for process in self.cluster.backend_processes)

    def open_cursors(self) -> dict:
        totals = {"opened": 0, "closed": 0, "open": 0}
        for path in sorted(self.counts_dir.glob("counts-*.json")):
            for key, value in json.loads(path.read_text()).items():
                totals[key] += value
        return totals

    def server_errors(self) -> list[str]:
        return [line for line in self.cluster.logs().splitlines()
                if "Traceback" in line or " ERROR " in line or "Exception" in line]

    def stop(self) -> None:
        self.cluster.stop()


def run_level(sessions: int, interactions: int, leaving: int, nginx_backends: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="fabriques-load-") as counts:
        servers = Servers(nginx_backends, Path(counts)).start()
        try:
            # One session on each process first (directly, not through nginx), so that every
            # process has loaded the extracts before the clock and the RSS base.
            for port in servers.cluster.backend_ports:
                warm = StreamlitSession(f"http://127.0.0.1:{port}").open()
                warm.rerun()
                warm.close()
            time.sleep(1)
            base_rss = servers.rss()
            budget, outcome = Budget(LEVEL_DEADLINE_S, MAX_REQUESTS), Outcome()
            connected = threading.Barrier(sessions + 1)
            threads = [threading.Thread(target=user_session, daemon=True,
                                        args=(servers.url, index, interactions, budget, outcome, connected, seed))
                       for index in range(sessions)]
            threads += [threading.Thread(target=leaving_session, daemon=True,
                                         args=(servers.url, index, budget, outcome, seed))
                        for index in range(leaving)]
            for thread in threads:
                thread.start()
            # Every user session is done and still connected: the memory they hold now.
            try:
                connected.wait(timeout=max(1.0, budget.deadline - time.monotonic()))
            except threading.BrokenBarrierError:
                outcome.add(error="délai dépassé avant la fin des sessions")
            peak_rss = servers.rss()
            for thread in threads:
                thread.join(timeout=max(1.0, budget.deadline - time.monotonic()))
            time.sleep(2)  # runs cut by a closed tab end; counters are written every 0.2 s
            cursors = servers.open_cursors()
            log_errors = servers.server_errors()
        finally:
            servers.stop()
    sticky = [pair for pair in outcome.stickiness if pair[0] is not None]
    return {
        "sessions": sessions, "leaving_sessions": leaving, "interactions": len(outcome.latencies),
        "requests": budget.requests, "capped": outcome.capped,
        "errors": outcome.errors + [f"journal du serveur : {line}" for line in log_errors],
        "p50_ms": percentile(outcome.latencies, 0.50) * 1000 if outcome.latencies else None,
        "p95_ms": percentile(outcome.latencies, 0.95) * 1000 if outcome.latencies else None,
        "rss_base_mb": base_rss / 2**20, "rss_peak_mb": peak_rss / 2**20,
        "rss_per_session_mb": (peak_rss - base_rss) / 2**20 / sessions,
        "cursors": cursors,
        "sticky_sessions": sum(http == ws for http, ws in sticky), "routed_sessions": len(sticky),
        "backends_used": sorted({ws for _, ws in sticky if ws}),
    }


def print_table(levels: list[dict], nginx_backends: int) -> None:
    where = f"{nginx_backends} processus derrière nginx" if nginx_backends else "un processus"
    print(f"\nTest de charge ({where}, boucle locale)")
    single = levels[0]
    print(f"{'sessions':>9}{'erreurs':>9}{'p50 ms':>9}{'×1':>7}{'p95 ms':>9}{'×1':>7}"
          f"{'Mo/session':>12}{'curseurs ouverts':>18}  verdict")
    for level in levels:
        ok = not level["errors"] and level["cursors"]["open"] == 0 and not level["capped"]
        print(f"{level['sessions']:>9}{len(level['errors']):>9}{level['p50_ms']:>9.0f}"
              f"{level['p50_ms'] / single['p50_ms']:>7.1f}{level['p95_ms']:>9.0f}"
              f"{level['p95_ms'] / single['p95_ms']:>7.1f}{level['rss_per_session_mb']:>12.1f}"
              f"{level['cursors']['open']:>18}  {'✓ 0 erreur' if ok else '✗ à corriger'}")
        if nginx_backends:
            print(f"{'':>9}collantes : {level['sticky_sessions']}/{level['routed_sessions']} sessions "
                  f"(page et websocket sur le même processus), processus servis : {level['backends_used']}")
        for error in level["errors"][:5]:
            print(f"{'':>9}! {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1,10,25")
    parser.add_argument("--interactions", type=int, default=6)
    parser.add_argument("--leaving", type=int, default=3, help="sessions qui ferment l'onglet en cours d'exécution")
    parser.add_argument("--nginx", type=int, default=0, help="nombre de processus derrière nginx (0 : sans nginx)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    levels = []
    for count in [int(value) for value in args.sessions.split(",")]:
        print(f"… {count} session(s)", flush=True)
        levels.append(run_level(count, args.interactions, args.leaving if count > 1 else 0,
                                args.nginx, args.seed))
    print_table(levels, args.nginx)
    target = RESULTS.with_name(f"load_results{'_nginx' if args.nginx else ''}.json")
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(levels, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = any(level["errors"] or level["cursors"]["open"] or level["capped"] for level in levels)
    failed = failed or (args.nginx and any(level["sticky_sessions"] != level["routed_sessions"]
                                           for level in levels))
    print(f"Résultats écrits dans {target.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

"""make load: a crowd opening the link, as N Streamlit sessions on loopback, bounded.

The app (one process, or N behind nginx with --nginx) is started once and warmed as in
production (app/web/warm_start.py: the national view and each région, --warm); then for each
level (1, 10, 25, 50 sessions) the sessions arrive at random moments within ARRIVAL_S
(10 s) on / or /carte (a third with a région in the link), load the page, then change the
région / département / type de territoire several times, as a user clicking the sidebar.
Some extra sessions click and close their tab while the run is going (bad input). Level 1
opens SINGLE_SAMPLES sessions one after the other: its page loads are the reference.
Then one session holds the → key on Présentation (a burst of reruns) while others load
pages: they must not be starved.
Reported: errors, p50/p95 of page loads and of interactions, as ratios to the single
session's p50, server memory per session (RSS), DuckDB cursors still open, stickiness
through nginx. Budgets (issue 15): 0 errors at 50 sessions; p95 of page loads at 25
sessions ≤ 4× the single session's p50 on one process, ≤ 2.5× behind nginx; the same for
the sessions loading pages during the burst.
Hard caps: a deadline per level and a maximum number of requests; it stops by itself.

    python -m bench.load [--sessions 1,10,25,50] [--interactions 6] [--nginx 2] [--warm all]
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
from bench.load_sessions import Budget, Outcome, leaving_session, user_session
from bench.timing import percentile
from deploy.scale_out import ScaleOut

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / ".work" / "load_results.json"  # git-ignored
LEVEL_DEADLINE_S = 300
MAX_REQUESTS = 3000
ARRIVAL_S = 10.0
SINGLE_SAMPLES = 6
BURST_RERUNS = 40  # a held arrow key: ~30 repeats a second for a bit more than a second
BURST_INTERVAL_S = 0.033
CROWD_LEVEL = 25
ZERO_ERROR_LEVEL = 50
P95_BUDGET = {False: 4.0, True: 2.5}  # behind nginx or not -> p95 at 25 / single p50
WARM_WAIT_S = 900


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"RSS introuvable pour le processus {pid}")


class Servers:
    """One instrumented app process, or N behind nginx; counters and RSS of each."""

    def __init__(self, nginx_backends: int, counts_dir: Path, warm: str):
        self.counts_dir = counts_dir
        env = {"FABRIQUES_CURSOR_COUNTS": "", "FABRIQUES_WARM_AT_START": warm}
        self.cluster = ScaleOut(
            max(1, nginx_backends), app_module="bench.instrumented_serve", env=env,
            backend_header=True,
            backend_env=lambda index: {"FABRIQUES_CURSOR_COUNTS": str(counts_dir / f"counts-{index}.json")},
        )
        self.behind_nginx = nginx_backends > 0
        self.warm = warm

    def start(self) -> Servers:
        if self.behind_nginx:
            self.cluster.start()
        else:
            self.cluster._start_backends()  # one process, the app's own port, no proxy
        return self

    def wait_warm(self) -> float:
        """Seconds until every process has logged the end of its warm-up (app/web/warm_start.py)."""
        start = time.monotonic()
        if self.warm in ("0", "off"):
            return 0.0
        for port in self.cluster.backend_ports:  # health first: the logs exist from then on
            StreamlitSession(f"http://127.0.0.1:{port}").open().close()
        while time.monotonic() - start < WARM_WAIT_S:
            if self.cluster.logs().count("Préchauffage :") >= len(self.cluster.backend_ports):
                return time.monotonic() - start
            time.sleep(1)
        raise RuntimeError(f"préchauffage non terminé après {WARM_WAIT_S} s")

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


def region_codes() -> list[str]:
    import pandas as pd

    return sorted(pd.read_parquet(ROOT / "data" / "regions.parquet").reg_code.astype(str))


def run_level(servers: Servers, sessions: int, interactions: int, leaving: int, seed: int) -> dict:
    """One level: `sessions` users arriving within ARRIVAL_S (one after the other for 1)."""
    errors_before = len(servers.server_errors())
    cursors_before = servers.open_cursors()
    base_rss = servers.rss()
    budget, outcome = Budget(LEVEL_DEADLINE_S, MAX_REQUESTS), Outcome()
    codes = region_codes()
    rng = random.Random(seed + sessions)
    if sessions == 1:
        # The reference: single sessions, never two at once, several samples.
        for index in range(SINGLE_SAMPLES):
            user_session(servers.url, index, interactions, budget, outcome, None, seed, 0.0, codes)
        peak_rss = servers.rss()
        threads: list[threading.Thread] = []
    else:
        connected = threading.Barrier(sessions + 1)
        threads = [threading.Thread(target=user_session, daemon=True,
                                    args=(servers.url, index, interactions, budget, outcome, connected, seed,
                                          rng.uniform(0, ARRIVAL_S), codes))
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
    log_errors = servers.server_errors()[errors_before:]
    sticky = [pair for pair in outcome.stickiness if pair[0] is not None]
    return {
        "sessions": sessions, "leaving_sessions": leaving, "interactions": len(outcome.latencies),
        "page_loads": len(outcome.loads), "requests": budget.requests, "capped": outcome.capped,
        "errors": outcome.errors + [f"journal du serveur : {line}" for line in log_errors],
        "load_p50_ms": percentile(outcome.loads, 0.50) * 1000 if outcome.loads else None,
        "load_p95_ms": percentile(outcome.loads, 0.95) * 1000 if outcome.loads else None,
        "p50_ms": percentile(outcome.latencies, 0.50) * 1000 if outcome.latencies else None,
        "p95_ms": percentile(outcome.latencies, 0.95) * 1000 if outcome.latencies else None,
        "rss_base_mb": base_rss / 2**20, "rss_peak_mb": peak_rss / 2**20,
        "rss_per_session_mb": (peak_rss - base_rss) / 2**20 / max(1, sessions if sessions > 1 else 1),
        "cursors": {key: cursors[key] - cursors_before.get(key, 0) for key in cursors},
        "sticky_sessions": sum(http == ws for http, ws in sticky), "routed_sessions": len(sticky),
        "backends_used": sorted({ws for _, ws in sticky if ws}),
    }


def held_arrow_key(url: str, outcome: Outcome, stop: threading.Event) -> None:
    """Présentation with → held down: reruns sent back to back, without waiting for each."""
    session = StreamlitSession(url, page="presentation")
    try:
        session.open()
        session.rerun()
        for _ in range(BURST_RERUNS):
            if stop.is_set():
                break
            session._send_rerun()
            time.sleep(BURST_INTERVAL_S)
        session.rerun()  # the last one: the burst ends when its run ends
    except Exception as error:
        outcome.add(error=f"touche maintenue : {type(error).__name__}: {error}")
    finally:
        session.close()


def run_burst(servers: Servers, others: int, seed: int) -> dict:
    """`others` sessions load pages (one after the other, each) while one session holds →."""
    outcome, burst_outcome, stop = Outcome(), Outcome(), threading.Event()
    budget = Budget(LEVEL_DEADLINE_S, MAX_REQUESTS)
    codes = region_codes()
    burst = threading.Thread(target=held_arrow_key, args=(servers.url, burst_outcome, stop), daemon=True)
    visitors = [threading.Thread(target=user_session, daemon=True,
                                 args=(servers.url, 1000 + index, 1, budget, outcome, None, seed,
                                       0.2 * index, codes))
                for index in range(others)]
    burst.start()
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join(timeout=max(1.0, budget.deadline - time.monotonic()))
    stop.set()
    burst.join(timeout=60)
    return {"sessions": others, "errors": outcome.errors + burst_outcome.errors,
            "load_p50_ms": percentile(outcome.loads, 0.50) * 1000 if outcome.loads else None,
            "load_p95_ms": percentile(outcome.loads, 0.95) * 1000 if outcome.loads else None}


def verdicts(levels: list[dict], burst: dict | None, behind_nginx: bool) -> list[tuple[str, bool, str]]:
    """(budget, met, figures) of issue 15's load budgets, from the single session's p50."""
    single = levels[0]["load_p50_ms"]
    limit = P95_BUDGET[behind_nginx]
    checks = []
    for level in levels:
        if level["sessions"] == ZERO_ERROR_LEVEL:
            checks.append((f"0 erreur à {ZERO_ERROR_LEVEL} sessions", not level["errors"] and not level["capped"],
                           f"{len(level['errors'])} erreur(s)"))
        if level["sessions"] == CROWD_LEVEL and level["load_p95_ms"] is not None and single:
            ratio = level["load_p95_ms"] / single
            checks.append((f"p95 à {CROWD_LEVEL} sessions ≤ {limit}× p50 d'une session", ratio <= limit,
                           f"{level['load_p95_ms']:.0f} ms / {single:.0f} ms = {ratio:.2f}×"))
    if burst is not None and burst["load_p95_ms"] is not None and single:
        ratio = burst["load_p95_ms"] / single
        checks.append((f"touche maintenue : p95 des autres ≤ {limit}× p50 d'une session",
                       ratio <= limit and not burst["errors"],
                       f"{burst['load_p95_ms']:.0f} ms / {single:.0f} ms = {ratio:.2f}×"))
    return checks


def print_table(levels: list[dict], nginx_backends: int, burst: dict | None = None) -> list:
    where = f"{nginx_backends} processus derrière nginx" if nginx_backends else "un processus"
    print(f"\nTest de charge ({where}, boucle locale, arrivées en {ARRIVAL_S:.0f} s)")
    single = levels[0]
    print(f"{'sessions':>9}{'erreurs':>9}{'chargement p50':>15}{'×1':>6}{'p95':>8}{'×1':>6}"
          f"{'interaction p50':>16}{'×1':>6}{'p95':>8}{'×1':>6}{'Mo/session':>12}{'curseurs':>10}")
    def ms(value, width):
        return f"{'—' if value is None else f'{value:.0f}':>{width}}"

    def times(value, reference, width=6):
        return f"{'—' if value is None or not reference else f'{value / reference:.1f}':>{width}}"

    for level in levels:
        print(f"{level['sessions']:>9}{len(level['errors']):>9}{ms(level['load_p50_ms'], 15)}"
              f"{times(level['load_p50_ms'], single['load_p50_ms'])}{ms(level['load_p95_ms'], 8)}"
              f"{times(level['load_p95_ms'], single['load_p50_ms'])}{ms(level['p50_ms'], 16)}"
              f"{times(level['p50_ms'], single['p50_ms'])}{ms(level['p95_ms'], 8)}"
              f"{times(level['p95_ms'], single['p50_ms'])}{level['rss_per_session_mb']:>12.1f}"
              f"{level['cursors']['open']:>10}")
        if nginx_backends:
            print(f"{'':>9}collantes : {level['sticky_sessions']}/{level['routed_sessions']} sessions "
                  f"(page et websocket sur le même processus), processus servis : {level['backends_used']}")
        for error in level["errors"][:5]:
            print(f"{'':>9}! {error}")
    if burst is not None:
        print(f"{'':>9}pendant une touche maintenue (Présentation) : {burst['sessions']} chargements, "
              f"p50 {ms(burst['load_p50_ms'], 0)} ms, p95 {ms(burst['load_p95_ms'], 0)} ms, "
              f"{len(burst['errors'])} erreur(s)")
        for error in burst["errors"][:5]:
            print(f"{'':>9}! {error}")
    checks = verdicts(levels, burst, bool(nginx_backends))
    print()
    for name, met, figures in checks:
        print(f"  {'✓ tenu' if met else '✗ dépassé':<10} {name} : {figures}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1,10,25,50")
    parser.add_argument("--interactions", type=int, default=6)
    parser.add_argument("--leaving", type=int, default=3, help="sessions qui ferment l'onglet en cours d'exécution")
    parser.add_argument("--nginx", type=int, default=0, help="nombre de processus derrière nginx (0 : sans nginx)")
    parser.add_argument("--warm", default="all", help="préchauffage au démarrage : all, national ou off")
    parser.add_argument("--burst-others", type=int, default=10,
                        help="sessions qui chargent une page pendant la touche maintenue (0 : pas d'essai)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    counts = [int(value) for value in args.sessions.split(",")]
    if counts[0] != 1:
        parser.error("le premier niveau doit être 1 (la référence)")
    levels, burst = [], None
    with tempfile.TemporaryDirectory(prefix="fabriques-load-") as counts_dir:
        servers = Servers(args.nginx, Path(counts_dir), args.warm).start()
        try:
            print(f"Démarrage et préchauffage ({args.warm}) …", flush=True)
            print(f"  préchauffage terminé en {servers.wait_warm():.0f} s", flush=True)
            time.sleep(1)
            for count in counts:
                print(f"… {count} session(s)", flush=True)
                levels.append(run_level(servers, count, args.interactions,
                                        args.leaving if count > 1 else 0, args.seed))
            if args.burst_others:
                print(f"… touche maintenue et {args.burst_others} chargements", flush=True)
                burst = run_burst(servers, args.burst_others, args.seed)
        finally:
            servers.stop()
    target = RESULTS.with_name(f"load_results{'_nginx' if args.nginx else ''}.json")
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps({"levels": levels, "burst": burst}, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")  # first, so that a figure is never lost to the printing
    checks = print_table(levels, args.nginx, burst)
    target.write_text(json.dumps({"levels": levels, "burst": burst,
                                  "checks": [{"budget": name, "met": met, "figures": figures}
                                             for name, met, figures in checks]},
                                 indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = any(level["errors"] or level["cursors"]["open"] or level["capped"] for level in levels)
    failed = failed or (args.nginx and any(level["sticky_sessions"] != level["routed_sessions"]
                                           for level in levels))
    failed = failed or not all(met for _, met, _ in checks)
    print(f"Résultats écrits dans {target.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

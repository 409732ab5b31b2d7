"""make soak: a steady crowd for a long time, on loopback, bounded: does one process hold?

One app process (as make run serves it, bench/instrumented_serve.py counting DuckDB cursors),
warmed as in production; then SESSIONS (25) simulated visitors for --minutes (30), each in a
loop: arrive by a shared link (one of the pages a link opens, a third with a région), load the
page, click the filters a few times with a pause between clicks as a reader would, leave, come
back as a new visitor; now and then one leaves in the middle of a run. The server's memory
(RSS) is sampled throughout.

Budgets (issue 25), from the moment every visitor has loaded its first page:
- memory: the median RSS of the last WINDOW_S ≤ 1.10 × that of the first WINDOW_S;
- latency: the p95 of every wait (page loads and clicks) of the last window ≤ 1.2 × the first;
- 0 errors: no failed run, no error in the server's log, no DuckDB cursor left open, no cap hit.
The window is 5 minutes, or a third of a shorter run. The machine's load average and the
server's CPU time are recorded with every memory sample: the machine is shared, a neighbour's
work shows in the p95, not in the server's CPU time per wait (printed beside it: if that stays
flat while the p95 grows, the server did not slow down, the machine did).
Hard caps: a deadline (the duration plus DEADLINE_MARGIN_S) and a number of requests.

    python -m bench.soak [--minutes 30] [--sessions 25] [--warm all]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import Servers, region_codes
from bench.load_sessions import Budget, choose_filter
from bench.timing import percentile
from services.loopback_session import StreamlitSession

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / ".work" / "soak_results.json"  # git-ignored
SESSIONS = 25
WINDOW_S = 300.0
ARRIVAL_S = 10.0
THINK_S = (1.0, 4.0)  # a reader's pause between two clicks
CLICKS_PER_VISIT = (3, 12)
LEAVE_MID_RUN = 0.1  # share of visits that end with a click and a closed tab
PAGES = ("", "carte", "territoires", "laureats", "presentation")  # those a shared link opens
SAMPLE_EVERY_S = 5.0
DEADLINE_MARGIN_S = 180.0
MAX_REQUESTS_PER_S = 40  # far above what 25 readers pausing 1 to 4 s can send
MEMORY_GROWTH_BUDGET = 0.10
P95_RATIO_BUDGET = 1.2


@dataclass
class Record:
    """What the visitors saw: every wait (start time, seconds, kind) and every error."""
    waits: list[tuple[float, float, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_loads: int = 0
    visits: int = 0
    capped: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, at: float, seconds: float, kind: str) -> None:
        with self._lock:
            self.waits.append((at, seconds, kind))

    def error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def visit(self, first: bool) -> None:
        with self._lock:
            self.visits += 1
            self.first_loads += first


# --- pure parts (tests/test_bench_units.py) -------------------------------------------------
def window_length(steady_s: float, window_s: float = WINDOW_S) -> float:
    """The length of the first and last windows: WINDOW_S, or a third of a shorter steady run."""
    if steady_s <= 0:
        raise ValueError(f"pas de régime établi à mesurer ({steady_s:.0f} s)")
    return min(window_s, steady_s / 3)


def in_window(samples: list[tuple[float, float]], start: float, end: float) -> list[float]:
    """Values of the (time, value) samples taken in [start, end)."""
    return [value for at, value in samples if start <= at < end]


def compare_windows(samples: list[tuple[float, float]], steady_from: float, steady_to: float,
                    window_s: float = WINDOW_S) -> tuple[list[float], list[float]]:
    """Values of the first and of the last window of the steady run [steady_from, steady_to)."""
    length = window_length(steady_to - steady_from, window_s)
    return (in_window(samples, steady_from, steady_from + length),
            in_window(samples, steady_to - length, steady_to))


def verdicts(waits: list[tuple[float, float]], rss: list[tuple[float, float]], errors: int,
             steady_from: float, steady_to: float, window_s: float = WINDOW_S) -> list[dict]:
    """The three budgets of the soak, each with its figures."""
    first_waits, last_waits = compare_windows(waits, steady_from, steady_to, window_s)
    first_rss, last_rss = compare_windows(rss, steady_from, steady_to, window_s)
    checks = [{"budget": "0 erreur", "met": errors == 0, "value": errors, "limit": 0,
               "figures": f"{errors} erreur(s)"}]
    if first_rss and last_rss:
        before, after = statistics.median(first_rss), statistics.median(last_rss)
        growth = after / before - 1
        checks.append({"budget": f"mémoire : croissance ≤ {MEMORY_GROWTH_BUDGET:.0%}",
                       "met": after <= before * (1 + MEMORY_GROWTH_BUDGET), "value": growth, "limit": MEMORY_GROWTH_BUDGET,
                       "figures": f"{before / 2**20:.0f} Mo → {after / 2**20:.0f} Mo ({growth:+.1%})"})
    else:
        checks.append({"budget": "mémoire", "met": False, "value": None, "limit": MEMORY_GROWTH_BUDGET,
                       "figures": "pas de mesure dans une des fenêtres"})
    if first_waits and last_waits:
        before, after = percentile(first_waits, 0.95), percentile(last_waits, 0.95)
        ratio = after / before
        checks.append({"budget": f"p95 de la dernière fenêtre ≤ {P95_RATIO_BUDGET}× la première",
                       "met": after <= before * P95_RATIO_BUDGET, "value": ratio, "limit": P95_RATIO_BUDGET,
                       "figures": f"{before * 1000:.0f} ms → {after * 1000:.0f} ms = {ratio:.2f}×"})
    else:
        checks.append({"budget": "p95", "met": False, "value": None, "limit": P95_RATIO_BUDGET,
                       "figures": "pas d'attente dans une des fenêtres"})
    return checks


def format_table(summary: dict) -> str:
    """The table printed at the end: windows side by side, then the budgets."""
    lines = [f"\nEndurance : {summary['sessions']} sessions pendant {summary['minutes']:g} min "
             f"(un processus, boucle locale) ; fenêtres de {summary['window_s'] / 60:.1f} min",
             f"{'fenêtre':<10}{'attentes':>9}{'p50 ms':>8}{'p95 ms':>8}{'chargements p95':>16}"
             f"{'clics p95':>10}{'RSS Mo':>8}{'charge machine':>15}{'CPU serveur ms/attente':>23}"]
    for name in ("première", "dernière"):
        row = summary["windows"][name]
        lines.append(f"{name:<10}{row['waits']:>9}{_ms(row['p50_ms']):>8}{_ms(row['p95_ms']):>8}"
                     f"{_ms(row['load_p95_ms']):>16}{_ms(row['click_p95_ms']):>10}"
                     f"{_mb(row['rss_mb']):>8}{_load(row['loadavg']):>15}{_ms1(row.get('cpu_per_wait_ms')):>23}")
    lines.append(f"visites {summary['visits']}, attentes {summary['waits']}, RSS avant la foule "
                 f"{summary['rss_before_mb']:.0f} Mo, au plus haut {summary['rss_peak_mb']:.0f} Mo, "
                 f"curseurs DuckDB ouverts à la fin {summary['cursors_open']}")
    for error in summary["errors"][:5]:
        lines.append(f"  ! {error}")
    lines.append("")
    for item in summary["checks"]:
        lines.append(f"  {'✓ tenu' if item['met'] else '✗ dépassé':<10} {item['budget']} : {item['figures']}")
    return "\n".join(lines)


def _ms(value):
    return "—" if value is None else f"{value:.0f}"


def _ms1(value):
    return "—" if value is None else f"{value:.1f}"


def _mb(value):
    return "—" if value is None else f"{value:.0f}"


def _load(value):
    return "—" if value is None else f"{value:.2f}"


def window_rows(waits: list[tuple[float, float, str]], rss: list[tuple[float, float]],
                loadavg: list[tuple[float, float]], steady_from: float, steady_to: float,
                window_s: float = WINDOW_S, cpu: list[tuple[float, float]] = ()) -> dict:
    """Figures of the first and last windows, for the table and the results file."""
    length = window_length(steady_to - steady_from, window_s)
    rows = {}
    for name, start in (("première", steady_from), ("dernière", steady_to - length)):
        end = start + length
        every = in_window([(at, s) for at, s, _ in waits], start, end)
        loads = in_window([(at, s) for at, s, kind in waits if kind == "chargement"], start, end)
        clicks = in_window([(at, s) for at, s, kind in waits if kind == "clic"], start, end)
        memory = in_window(rss, start, end)
        machine = in_window(loadavg, start, end)
        rows[name] = {
            "from_s": start, "to_s": end, "waits": len(every),
            "p50_ms": percentile(every, 0.5) * 1000 if every else None,
            "p95_ms": percentile(every, 0.95) * 1000 if every else None,
            "load_p95_ms": percentile(loads, 0.95) * 1000 if loads else None,
            "click_p95_ms": percentile(clicks, 0.95) * 1000 if clicks else None,
            "rss_mb": statistics.median(memory) / 2**20 if memory else None,
            "loadavg": statistics.median(machine) if machine else None,
            "cpu_per_wait_ms": cpu_per_wait_ms(list(cpu), len(every), start, end),
        }
    return rows


# --- the run -------------------------------------------------------------------------------
def visitor(url: str, index: int, until: float, clock_zero: float, budget: Budget, record: Record,
            codes: list[str], seed: int, arrival_s: float) -> None:
    """One visitor after another on the same seat, until `until` (monotonic)."""
    rng = random.Random(seed * 1000 + index)
    time.sleep(arrival_s)
    first = True
    while time.monotonic() < until:
        page = PAGES[rng.randrange(len(PAGES))]
        query = f"region={rng.choice(codes)}" if rng.random() < 1 / 3 else ""
        session = StreamlitSession(url, page=page, query_string=query)
        try:
            if not budget.take():
                record.capped = True
                return
            start = time.monotonic()
            session.open()
            result = session.rerun()
            record.wait(start - clock_zero, time.monotonic() - start, "chargement")
            record.visit(first)
            first = False
            for problem in result.exceptions:
                record.error(f"/{page}?{query} : {problem}")
            for _ in range(rng.randint(*CLICKS_PER_VISIT)):
                time.sleep(rng.uniform(*THINK_S))
                if time.monotonic() >= until:
                    break
                if not budget.take():
                    record.capped = True
                    return
                choose_filter(session, rng)
                if rng.random() < LEAVE_MID_RUN:
                    session.send_rerun_and_leave()
                    break
                start = time.monotonic()
                result = session.rerun()
                record.wait(start - clock_zero, result.seconds, "clic")
                for problem in result.exceptions:
                    record.error(f"/{page} après un clic : {problem}")
        except Exception as error:  # every failure of a visitor is an error of the run
            record.error(f"visiteur {index} /{page}?{query} : {type(error).__name__}: {error}")
        finally:
            session.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample(servers: Servers, clock_zero: float, stop: threading.Event, rss: list[tuple[float, float]],
           loadavg: list[tuple[float, float]], cpu: list[tuple[float, float]]) -> None:
    pids = [process.pid for process in servers.cluster.backend_processes]
    while not stop.is_set():
        at = time.monotonic() - clock_zero
        rss.append((at, float(servers.rss())))
        loadavg.append((at, os.getloadavg()[0]))
        cpu.append((at, sum(cpu_seconds(pid) for pid in pids)))
        stop.wait(SAMPLE_EVERY_S)


def cpu_per_wait_ms(cpu: list[tuple[float, float]], waits: int, start: float, end: float) -> float | None:
    """The server's CPU time in [start, end) divided by the waits of that window (ms): what a
    page load or a click costs the server, whatever the neighbours on the machine do."""
    inside = [(at, value) for at, value in cpu if start <= at < end]
    if len(inside) < 2 or not waits:
        return None
    return (inside[-1][1] - inside[0][1]) / waits * 1000 * (end - start) / (inside[-1][0] - inside[0][0])


def soak(minutes: float, sessions: int, warm: str, seed: int) -> dict:
    duration = minutes * 60
    record, rss, loadavg, cpu = Record(), [], [], []
    with tempfile.TemporaryDirectory(prefix="fabriques-soak-") as counts_dir:
        servers = Servers(0, Path(counts_dir), warm).start()
        try:
            print(f"Démarrage et préchauffage ({warm}) …", flush=True)
            warm_s = servers.wait_warm()
            print(f"  préchauffage terminé en {warm_s:.0f} s ; {sessions} sessions pendant {minutes:g} min",
                  flush=True)
            errors_before = len(servers.server_errors())
            rss_before = servers.rss()
            codes = region_codes()
            clock_zero = time.monotonic()
            until = clock_zero + duration
            budget = Budget(duration + DEADLINE_MARGIN_S, int(MAX_REQUESTS_PER_S * duration))
            stop = threading.Event()
            sampler = threading.Thread(target=sample, args=(servers, clock_zero, stop, rss, loadavg, cpu), daemon=True)
            sampler.start()
            rng = random.Random(seed)
            threads = [threading.Thread(target=visitor, daemon=True,
                                        args=(servers.url, index, until, clock_zero, budget, record, codes, seed,
                                              rng.uniform(0, ARRIVAL_S)))
                       for index in range(sessions)]
            for thread in threads:
                thread.start()
            report_every = max(60.0, duration / 10)
            next_report = clock_zero + report_every
            while any(thread.is_alive() for thread in threads):
                if time.monotonic() > budget.deadline:
                    record.error("délai dépassé : des visiteurs n'ont pas fini")
                    break
                if time.monotonic() >= next_report:
                    next_report += report_every
                    print(f"  {(time.monotonic() - clock_zero) / 60:4.0f} min : {len(record.waits)} attentes, "
                          f"{len(record.errors)} erreur(s), RSS {rss[-1][1] / 2**20:.0f} Mo, "
                          f"charge {os.getloadavg()[0]:.2f}", flush=True)
                time.sleep(1)
            stop.set()
            sampler.join(timeout=30)
            time.sleep(2)  # runs cut by a closed tab end; counters are written every 0.2 s
            cursors = servers.open_cursors()
            log_errors = servers.server_errors()[errors_before:]
        finally:
            servers.stop()
    arrivals = [at + seconds for at, seconds, kind in _first_loads(record.waits, sessions)]
    steady_from = max(arrivals) if len(arrivals) == sessions else ARRIVAL_S
    steady_to = duration
    errors = record.errors + [f"journal du serveur : {line}" for line in log_errors]
    if cursors["open"]:
        errors.append(f"{cursors['open']} curseur(s) DuckDB encore ouverts")
    if record.capped:
        errors.append("plafond de requêtes atteint")
    waits = [(at, seconds) for at, seconds, _ in record.waits]
    return {
        "minutes": minutes, "sessions": sessions, "warm": warm, "warm_s": warm_s,
        "window_s": window_length(steady_to - steady_from), "steady_from_s": steady_from, "steady_to_s": steady_to,
        "visits": record.visits, "waits": len(record.waits), "errors": errors, "cursors_open": cursors["open"],
        "rss_before_mb": rss_before / 2**20, "rss_peak_mb": max(value for _, value in rss) / 2**20,
        "windows": window_rows(record.waits, rss, loadavg, steady_from, steady_to, cpu=cpu),
        "checks": verdicts(waits, rss, len(errors), steady_from, steady_to),
        "samples": {"waits": record.waits, "rss": rss, "loadavg": loadavg, "cpu_s": cpu},
    }


def _first_loads(waits: list[tuple[float, float, str]], sessions: int) -> list[tuple[float, float, str]]:
    """The first `sessions` page loads in time: when they end, every seat is taken."""
    return sorted((item for item in waits if item[2] == "chargement"), key=lambda item: item[0])[:sessions]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--warm", default="all", help="préchauffage au démarrage : all, national ou off")
    parser.add_argument("--seed", type=int, default=25)
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.sessions < 1:
        parser.error("--minutes et --sessions doivent être positifs")
    started = time.strftime("%Y-%m-%d %H:%M")
    load_before = os.getloadavg()
    summary = soak(args.minutes, args.sessions, args.warm, args.seed)
    summary.update(started=started, loadavg_before=load_before, loadavg_after=os.getloadavg(), cpus=os.cpu_count())
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_table(summary))
    print(f"Charge de la machine ({summary['cpus']} cœurs) : {load_before[0]:.2f} avant, "
          f"{summary['loadavg_after'][0]:.2f} après")
    print(f"Résultats écrits dans {RESULTS.relative_to(ROOT)}")
    return 0 if all(item["met"] for item in summary["checks"]) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

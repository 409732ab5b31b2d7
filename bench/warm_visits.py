"""The warm-up and the visitors (issue 25): a first visit of / during the warm-up against after
it, and the warm-up's duration with and without visitors.

Two servers, one after the other, each started as make run starts it, with the full warm-up
(app/web/warm_start.py), its duration read from its own log line:
- alone: nobody visits until the warm-up has logged its end;
- with visitors: from the server's first healthy answer, a first visit of / in a fresh Chromium
  context (bench/browser.py: navigation → the page stops changing) starts every PACE_S seconds
  until the warm-up has logged its end, then as many visits at the same pace after it.
Budgets: the median visit during the warm-up ≤ 1.5× the median after it; the warm-up alone
≤ 60 s (what a 2-core machine should take).

    python -m bench.warm_visits [--pace 6] [--after 5]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from bench import budgets
from bench.browser import CHROMIUM, CHROMIUM_ARGS, served, visit
from bench.timing import median

PACE_S = 6.0  # a visitor every 6 s: the warm-up runs between them, as it would between real ones
AFTER_VISITS = 5
WARM_WAIT_S = 600
# The warm-up's own line (app/web/warm_start.py), e.g.
# "Préchauffage : 238 pages calculées en 52 s (dont 9 s cédées aux visiteurs), 0 erreur(s)".
WARM_LINE = re.compile(r"Préchauffage : (\d+) pages calculées en (\d+) s(?: \(dont (\d+) s cédées[^)]*\))?, "
                       r"(\d+) erreur")


def warm_line(log: str) -> dict | None:
    """The warm-up's figures from the server's log, once it has written them."""
    match = WARM_LINE.search(log)
    if match is None:
        return None
    runs, seconds, yielded, errors = match.groups()
    return {"runs": int(runs), "seconds": int(seconds), "yielded_s": int(yielded or 0), "errors": int(errors)}


def _server(log: Path):
    return served(["-m", "app.serve"], env={"FABRIQUES_WARM_AT_START": "all"}, log=log)


def _wait_for_line(log: Path) -> dict:
    deadline = time.monotonic() + WARM_WAIT_S
    while time.monotonic() < deadline:
        found = warm_line(log.read_text(encoding="utf-8", errors="replace"))
        if found is not None:
            return found
        time.sleep(0.5)
    raise RuntimeError(f"pas de fin de préchauffage en {WARM_WAIT_S} s ({log})")


def _warm_over(log: Path) -> bool:
    return warm_line(log.read_text(encoding="utf-8", errors="replace")) is not None


def _paced_visits(browser, url: str, log: Path, pace_s: float, count: int | None = None) -> list[dict]:
    """Visits of `url`, one starting every pace_s, until the warm-up ends (or `count` of them)."""
    samples = []
    while len(samples) < count if count is not None else not _warm_over(log):
        start = time.monotonic()
        sample = visit(browser, url)
        sample["during_warm_up"] = not _warm_over(log)
        samples.append(sample)
        time.sleep(max(0.0, pace_s - (time.monotonic() - start)))
    return samples


def measure(pace_s: float = PACE_S, after: int = AFTER_VISITS) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fabriques-warm-") as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            alone_log = Path(folder) / "seul.log"
            with _server(alone_log):
                alone = _wait_for_line(alone_log)
            load_alone = os.getloadavg()[0]
            visited_log = Path(folder) / "visites.log"
            with _server(visited_log) as url:
                during = _paced_visits(browser, url + "/", visited_log, pace_s)
                with_visitors = _wait_for_line(visited_log)
                after_samples = _paced_visits(browser, url + "/", visited_log, pace_s, count=after)
            load_visited = os.getloadavg()[0]
        finally:
            browser.close()
    # A visit that ended after the warm-up's end counts with those after it.
    during_visits = [sample for sample in during if sample["during_warm_up"]]
    after_visits = [sample for sample in during if not sample["during_warm_up"]] + after_samples
    result = {"pace_s": pace_s, "alone": alone, "with_visitors": with_visitors,
              "loadavg_alone": load_alone, "loadavg_visited": load_visited}
    # settled: the page stops changing (the measure); served: the server's last message
    # (what the warm-up competes for on a server; the drawing after it is the browser's, which
    # here shares the machine's two cores with the server, as it would not in production).
    for measure, key in (("", "settled_ms"), ("served_", "last_msg")):
        for when, samples in (("during", during_visits), ("after", after_visits)):
            values = [_value(sample, key) for sample in samples if _value(sample, key) is not None]
            result[f"{measure}{when}_ms"] = values
            result[f"{measure}{when}_median_ms"] = median(values) if values else None
    return result


def _value(sample: dict, key: str) -> float | None:
    return sample[key] if key in sample else sample["milestones"].get(key)


def checks(result: dict) -> list[budgets.Check]:
    found = [budgets.check("warm_up", "seul, 2 cœurs" if os.cpu_count() == 2 else f"seul, {os.cpu_count()} cœurs",
                           result["alone"]["seconds"])]
    if result["during_median_ms"] and result["after_median_ms"]:
        found.append(budgets.check("warm_visit", "/ pendant / après",
                                   budgets.ratio(result["during_median_ms"], result["after_median_ms"])))
    return found


def table(result: dict) -> str:
    alone, visited = result["alone"], result["with_visitors"]
    during, after = result["during_median_ms"], result["after_median_ms"]
    ratio = f"{during / after:.2f}×" if during and after else "—"
    served_during, served_after = result.get("served_during_median_ms"), result.get("served_after_median_ms")
    served = (f"{served_during:.0f} ms pendant, {served_after:.0f} ms après, rapport {served_during / served_after:.2f}×"
              if served_during and served_after else "—")
    return "\n".join([
        "Préchauffage au démarrage (toutes les pages, chaque région et type de territoire) :",
        f"  sans visiteur : {alone['seconds']} s, {alone['runs']} pages, {alone['errors']} erreur(s) "
        f"(charge machine {result['loadavg_alone']:.2f})",
        f"  avec un visiteur de / toutes les {result['pace_s']:g} s : {visited['seconds']} s, dont "
        f"{visited['yielded_s']} s cédées aux visiteurs, {visited['errors']} erreur(s) "
        f"(charge machine {result['loadavg_visited']:.2f})",
        f"  première visite de / pendant : {len(result['during_ms'])} visites, médiane "
        f"{during or 0:.0f} ms ; après : {len(result['after_ms'])} visites, médiane {after or 0:.0f} ms ; "
        f"rapport {ratio} (page stable)",
        f"  dernier message du serveur (médianes) : {served}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pace", type=float, default=PACE_S)
    parser.add_argument("--after", type=int, default=AFTER_VISITS)
    args = parser.parse_args(argv)
    result = measure(args.pace, args.after)
    print(table(result))
    found = checks(result)
    print(budgets.format_checks(found, details="voir ci-dessus"))
    return 0 if all(item.passed for item in found) else 1


if __name__ == "__main__":
    sys.exit(main())

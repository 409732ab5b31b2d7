"""make bench: server-side rerun time of each page, as a ratio to a one-line page.

Absolute times depend on a shared, noisy machine: only the ratios to the baseline measured
in the same run mean something. Prints a table and writes bench/results.json.

    python -m bench.run [--runs 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
REGIONS = ["53", "11", "76", "84", "75", "44", "32", "28", "27", "24", "52", "93", "94",
           "01", "02", "03", "04", "06"]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_baseline(runs: int) -> float:
    app = AppTest.from_file(str(ROOT / "bench" / "one_line_page.py"), default_timeout=60).run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        app.run()
        samples.append(time.perf_counter() - start)
    return _median_ms(samples)


def _page_app(page: Path) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    if page.name != "synthese.py":
        app.switch_page(str(page.relative_to(ROOT))).run()
    if app.exception:
        raise RuntimeError(f"{page.name} : {app.exception[0].value}")
    return app


def time_page(page: Path, runs: int) -> dict:
    app = _page_app(page)
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        app.run()
        warm.append(time.perf_counter() - start)
    cold = []
    for region in (REGIONS * 2)[:runs]:
        # A région never asked before in this process: the query cache misses.
        app = _page_app(page)
        app.selectbox(key="filter_region").set_value(region)
        start = time.perf_counter()
        app.run()
        cold.append(time.perf_counter() - start)
        if app.exception:
            raise RuntimeError(f"{page.name}, région {region} : {app.exception[0].value}")
    return {"warm_ms": _median_ms(warm), "cold_ms": _median_ms(cold)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    baseline = time_baseline(args.runs)
    results = {"runs": args.runs, "baseline_one_line_page_ms": baseline, "pages": {}}
    print(f"Page d'une ligne (référence) : {baseline:.1f} ms (médiane de {args.runs})")
    print(f"{'page':<16}{'relance (ms)':>14}{'ratio':>8}{'nouveau filtre (ms)':>22}{'ratio':>8}")
    for page in sorted((ROOT / "pages").glob("*.py")):
        timing = time_page(page, args.runs)
        timing["warm_ratio"] = timing["warm_ms"] / baseline
        timing["cold_ratio"] = timing["cold_ms"] / baseline
        results["pages"][page.stem] = timing
        print(f"{page.stem:<16}{timing['warm_ms']:>14.1f}{timing['warm_ratio']:>8.1f}"
              f"{timing['cold_ms']:>22.1f}{timing['cold_ratio']:>8.1f}")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Résultats écrits dans {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

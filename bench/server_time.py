"""Warm and cold rerun server time of each page, and of the one-line baseline, in AppTest.

warm: the same session reruns with the same filters (every query is in the cache);
cold: the same session picks a filter combination no run of this process has asked for
(région × type de territoire × définition du rural), so every filtered query misses.
"""
from __future__ import annotations

import itertools
import os
import random
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from app import slideshow
from bench.timing import ScriptTimer, median
from domain.territory_types import FILTERABLE_TERRITORY_TYPES, RURAL_DEFINITIONS

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PAGE = ROOT / "bench" / "one_line_page.py"
TIMEOUT = 300


def route_through_dashboard() -> None:
    """What app/serve.py does for the server, done for AppTest before each run.

    AppTest resets PagesManager.uses_pages_directory before every run; with a pages/ folder
    next to dashboard.py, a run after switch_page() would then execute the page file alone
    (Streamlit's legacy multipage mode), without the router and its filter bar: the page
    would reuse the previous run's context and no filter change would reach it.
    """
    PagesManager.uses_pages_directory = False


def filter_combinations(region_codes: list[str], seed: int = 8) -> list[tuple[str, str, str]]:
    """Every (région, type, définition du rural) once, in a shuffled but repeatable order."""
    combinations = list(itertools.product(sorted(region_codes), ["", *FILTERABLE_TERRITORY_TYPES],
                                          list(RURAL_DEFINITIONS)))
    random.Random(seed).shuffle(combinations)
    return combinations


class FreshFilters:
    """Hands out filter combinations never used before in this process (per data folder)."""

    def __init__(self, region_codes: list[str]):
        self._all = filter_combinations(region_codes)
        self._next: dict[str, int] = {}

    def take(self, data_folder: str) -> tuple[str, str, str]:
        index = self._next.get(data_folder, 0)
        if index >= len(self._all):
            raise RuntimeError("plus de combinaison de filtres inédite pour une mesure à froid")
        self._next[data_folder] = index + 1
        return self._all[index]


def region_codes(data_folder: Path) -> list[str]:
    return sorted(pd.read_parquet(data_folder / "regions.parquet").reg_code.astype(str))


@contextmanager
def data_folder(folder: Path | None):
    """Point the loader at another extract folder (the synthetic one) for a block."""
    previous = os.environ.get("FABRIQUES_DATA_DIR")
    if folder is not None:
        os.environ["FABRIQUES_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("FABRIQUES_DATA_DIR", None)
        else:
            os.environ["FABRIQUES_DATA_DIR"] = previous


def _raise_on_exception(app: AppTest, what: str) -> None:
    if app.exception:
        raise RuntimeError(f"{what} : {app.exception[0].value}")


def timed_run(app: AppTest, timer: ScriptTimer, cpu: list | None = None) -> float:
    mark = timer.mark()
    app.run()
    if cpu is not None:
        cpu.append(timer.cpu_since(mark))
    return timer.since(mark)


def time_baseline(timer: ScriptTimer, runs: int, cpu: list | None = None) -> list[float]:
    app = AppTest.from_file(str(BASELINE_PAGE), default_timeout=TIMEOUT).run()
    app.run()  # the first reruns compile the script and warm Streamlit's own caches
    return [timed_run(app, timer, cpu) for _ in range(runs)]


def time_next_slide(timer: ScriptTimer, runs: int) -> dict:
    """Présentation: a click on the next-slide button (the → key), then back with the previous one (←).

    Each sample is one change of slide, on the same filter: what a presenter's arrow key costs.
    """
    app = page_app(ROOT / "pages" / "presentation.py")
    app.run()
    samples, cpu, forward = [], [], True
    while len(samples) < runs:
        button = app.button(key=slideshow.NEXT_KEY if forward else slideshow.PREVIOUS_KEY)
        if button.disabled:
            forward = not forward
            continue
        mark = timer.mark()
        button.click().run()
        samples.append(timer.since(mark))
        cpu.append(timer.cpu_since(mark))
        _raise_on_exception(app, "presentation.py, diapositive suivante")
    return {"warm_s": samples, "warm_ms": median(samples) * 1000, "warm_cpu_ms": median(cpu) * 1000}


def page_app(page: Path) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    if page.name != "synthese.py":
        app.switch_page(str(page.relative_to(ROOT))).run()
    _raise_on_exception(app, page.name)
    return app


def set_filters(app: AppTest, region: str, territoire: str, rural: str) -> None:
    """As a user would: through the sidebar widgets (their callbacks run too)."""
    app.selectbox(key="filter_region").set_value(region)
    app.selectbox(key="filter_departement").set_value("")
    app.selectbox(key="filter_territoire").set_value(territoire)
    app.radio(key="filter_rural").set_value(rural)


def time_page(page: Path, timer: ScriptTimer, runs: int, fresh: FreshFilters) -> dict:
    """Samples (seconds) of warm and cold reruns of one page in one session."""
    app = page_app(page)
    app.run()
    warm_cpu: list[float] = []
    warm = [timed_run(app, timer, warm_cpu) for _ in range(runs)]
    _raise_on_exception(app, page.name)
    cold = []
    folder = os.environ.get("FABRIQUES_DATA_DIR", str(ROOT / "data"))
    for _ in range(runs):
        region, territoire, rural = fresh.take(folder)
        set_filters(app, region, territoire, rural)
        cold.append(timed_run(app, timer))
        _raise_on_exception(app, f"{page.name}, filtre {region}/{territoire or 'tous'}/{rural}")
    return {"warm_s": warm, "cold_s": cold, "warm_cpu_ms": median(warm_cpu) * 1000,
            "warm_ms": median(warm) * 1000, "cold_ms": median(cold) * 1000}

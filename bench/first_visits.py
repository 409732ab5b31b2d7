"""Issue 25's table of first visits: each page against the hello-world page and against the
one-gauge page of the same run, with its budgets.

The time is the page's own clock from navigation until the page stops changing ("settled",
bench/browser.py), medians of the interleaved visits. The one-gauge page (bench/one_chart_page.py)
is the floor of any page drawing a plotly chart: the one-line page plus a single gauge.
"""
from __future__ import annotations

from pathlib import Path

from bench import budgets

LANDING, CARTE, LAUREATS = "/", "/carte", "/laureats"
BENCH = Path(__file__).resolve().parent
# Each page's own floor: the framework's parts it is made of, without its data (bench/floor_parts.py).
FLOOR_PAGES = {"cadre + un graphique": BENCH / "floor_chart_page.py",
               "cadre + grille": BENCH / "floor_grid_page.py",
               "cadre + carte + grille": BENCH / "floor_map_page.py",
               "cadre + 4 barres + grille": BENCH / "floor_charts_page.py"}
FRAME = "barre de filtres"  # bench/filter_bar_page.py: what every page of the app draws first
FLOOR_OF = {LANDING: FRAME, "/territoires": "cadre + 4 barres + grille", CARTE: "cadre + carte + grille",
            LAUREATS: "cadre + grille", "/donnees": "cadre + grille", "/presentation": "cadre + un graphique"}


def page_checks(visits: dict, paths: list[str]) -> list[budgets.Check]:
    """Issue 25's budgets: every page ≤ 1.25× the one-gauge page (Carte ≤ 1.5×), Lauréats
    ≤ 1.8× and the landing page ≤ 1.5× the hello-world page."""
    hello = visits["hello"]["settled_median_ms"]
    gauge = visits["one_chart"]["settled_median_ms"]
    checks = []
    for path in paths:
        settled = visits[path]["settled_median_ms"]
        checks.append(budgets.check("gauge_map" if path == CARTE else "gauge", path, budgets.ratio(settled, gauge)))
        if path == LAUREATS:
            checks.append(budgets.check("hello_laureats", path, budgets.ratio(settled, hello)))
        if path == LANDING:
            checks.append(budgets.check("landing", path, budgets.ratio(settled, hello)))
    return checks


def table(visits: dict, paths: list[str], extra: tuple[str, ...] = ()) -> str:
    """Each page's settled time, × hello-world, × one-gauge, and its issue 25 budget."""
    hello = visits["hello"]["settled_median_ms"]
    gauge = visits["one_chart"]["settled_median_ms"]
    lines = ["Première visite jusqu'à la page stable, médianes (ticket 25) :",
             f"  {'page':<27}{'stable ms':>10}{'× bonjour':>11}{'× une jauge':>13}{'× son plancher':>16}  budget"]
    for path in (*paths, *extra):
        settled = visits[path]["settled_median_ms"]
        floor = FLOOR_OF.get(path)
        floor_ms = visits.get("one_chart" if floor == "une jauge" else floor, {}).get("settled_median_ms")
        of_floor = f"{settled / floor_ms:>6.2f} ({floor})" if floor_ms else ""
        limit = (f"≤ {budgets.BUDGETS['gauge_map'].limit}× une jauge" if path == CARTE
                 else f"≤ {budgets.BUDGETS['gauge'].limit}× une jauge" if path in paths else "")
        if path == LAUREATS:
            limit += f", ≤ {budgets.BUDGETS['hello_laureats'].limit}× bonjour"
        if path == LANDING:
            limit += f", ≤ {budgets.BUDGETS['landing'].limit}× bonjour"
        lines.append(f"  {path:<27}{settled:>10.0f}{settled / hello:>11.2f}{settled / gauge:>13.2f}{'':>4}"
                     f"{of_floor:<30}  {limit}")
    lines.append(f"  {'« bonjour »':<27}{hello:>10.0f}{1:>11.2f}{hello / gauge:>13.2f}")
    lines.append(f"  {'une jauge':<27}{gauge:>10.0f}{gauge / hello:>11.2f}{1:>13.2f}{'':>34}  (plancher d'une page plotly)")
    return "\n".join(lines)

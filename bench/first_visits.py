"""Issue 25's table of first visits: each page against the hello-world page and against the
one-gauge page of the same run, with its budgets.

The time is the page's own clock from navigation until the page stops changing ("settled",
bench/browser.py), medians of the interleaved visits. The one-gauge page (bench/one_chart_page.py)
is the floor of any page drawing a plotly chart: the one-line page plus a single gauge.
"""
from __future__ import annotations

from bench import budgets

LANDING, CARTE, LAUREATS = "/", "/carte", "/laureats"


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
             f"  {'page':<22}{'stable ms':>10}{'× bonjour':>11}{'× une jauge':>13}  budget"]
    for path in (*paths, *extra):
        settled = visits[path]["settled_median_ms"]
        limit = (f"≤ {budgets.BUDGETS['gauge_map'].limit}× une jauge" if path == CARTE
                 else f"≤ {budgets.BUDGETS['gauge'].limit}× une jauge" if path in paths else "")
        if path == LAUREATS:
            limit += f", ≤ {budgets.BUDGETS['hello_laureats'].limit}× bonjour"
        if path == LANDING:
            limit += f", ≤ {budgets.BUDGETS['landing'].limit}× bonjour"
        lines.append(f"  {path:<22}{settled:>10.0f}{settled / hello:>11.2f}{settled / gauge:>13.2f}  {limit}")
    lines.append(f"  {'« bonjour »':<22}{hello:>10.0f}{1:>11.2f}{hello / gauge:>13.2f}")
    lines.append(f"  {'une jauge':<22}{gauge:>10.0f}{gauge / hello:>11.2f}{1:>13.2f}  (plancher d'une page plotly)")
    return "\n".join(lines)

"""The EPCI level as a user meets it, in a real browser: Finistère chosen in the sidebar, the
intercommunalités without a fabrique and their population read on Territoires, then Brest
Métropole chosen and its one fabrique found on every page and embedded view.

Every expected figure is recomputed here from the raw files of data/sources (communes -> EPCI,
commune populations, the ANCT list of fabriques), never from the dashboard's SQL."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from conftest import new_page, screenshot, wait_for_app, wait_until
from domain.format import fr_decimal, fr_int
from test_epci import raw  # noqa: F401  (the raw files joined by hand, a module fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FINISTERE = "29"
BREST_NAME = "Brest Métropole"


@pytest.fixture(scope="module")
def expected(raw):  # noqa: F811
    """Finistère's EPCI and Brest Métropole's fabrique, from the raw files only."""
    epci, population, fabriques = raw
    members = epci[(epci.epci_siren != "") & (epci.insee_com.str[:2] == FINISTERE)]
    # The build folds runs of white space in names (one name has a double space).
    names = members.groupby("epci_siren").epci_nom.first().str.split().str.join(" ")
    whole = epci[epci.epci_siren.isin(names.index)]
    populations = whole.assign(population=whole.insee_com.map(population)).groupby("epci_siren").population.sum()
    counts = fabriques[fabriques.epci_siren.isin(names.index)].groupby("epci_siren").size()
    counts = counts.reindex(names.index, fill_value=0)
    without = counts[counts == 0].index
    brest = names[names == BREST_NAME].index
    assert len(brest) == 1, "Brest Métropole n'est pas dans le fichier des EPCI"
    siren = brest[0]
    brest_fabriques = fabriques[fabriques.epci_siren == siren]
    assert len(brest_fabriques) == 1  # the reference figure, from the raw files
    return {
        "names": dict(names), "counts": dict(counts),
        "without": {names[s] for s in without}, "without_population": int(populations[without].sum()),
        "epci_count": len(names), "siren": siren, "population": int(populations[siren]),
        "fabrique_id": brest_fabriques.fabrique_id.iloc[0], "commune": brest_fabriques.commune.iloc[0],
        "commune_name": brest_fabriques.nom.iloc[0],
    }


# --- What the user sees ----------------------------------------------------------------------

def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _wait_text(page, text: str, timeout: int = 60_000) -> None:
    """Wait until the page's main area shows `text` (exact characters, French spaces included)."""
    page.wait_for_function(
        "t => (document.querySelector('[data-testid=\"stMain\"]') || document.body).innerText.includes(t)",
        arg=text, timeout=timeout)


METRICS_JS = ("() => Object.fromEntries([...document.querySelectorAll('[data-testid=\"stMetric\"]')].map(e => ["
              "e.querySelector('[data-testid=\"stMetricLabel\"]').innerText.trim(),"
              " e.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim()]))")


def _metric(page, label: str) -> str:
    """The value of the metric card `label`, once the page shows it."""
    page.wait_for_function(f"label => label in ({METRICS_JS})()", arg=label, timeout=60_000)
    return page.evaluate(METRICS_JS)[label]


def _metric_labels(page) -> set[str]:
    return set(page.evaluate(METRICS_JS))


def _choose_in_sidebar(page, label: str, typed: str, option: str, url_part: str) -> None:
    """Open a sidebar filter, type to narrow its list, click the option, wait for the new run."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=page.get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_url(re.compile(url_part))
    wait_for_app(page)


def _go_to(page, title: str, path: str, siren: str | None, heading: str) -> None:
    """Open a page from the sidebar's navigation (the filters follow in the URL) and wait for
    its own title, so that nothing is read from the page left."""
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).first.click()
    pattern = rf"/{path}\?.*departement={FINISTERE}" + (rf".*epci={siren}" if siren else "")
    page.wait_for_url(re.compile(pattern))
    page.get_by_role("heading", name=heading, level=1, exact=True).wait_for(timeout=60_000)
    wait_for_app(page)


def _epci_chart_totals(page) -> dict[str, int]:
    """The EPCI bars as drawn: each name written above its bar and the total written at its
    bar's end, read from the plotly figure in the page (its annotations: names from the plot's
    left edge, totals on the x axis, in the same band)."""
    chart = ("n => [...document.querySelectorAll('.js-plotly-plot')].find(p => ((p.layout || {}).annotations "
             "|| []).some(a => (a.text || '').replace(/<br>/g, ' ').includes(n)))")
    page.wait_for_function(f"n => !!({chart})(n)", arg=BREST_NAME, timeout=60_000)
    annotations = page.evaluate(
        f"n => ({chart})(n).layout.annotations.map(a => ({{text: a.text, xref: a.xref, y: a.y}}))", BREST_NAME)
    names = {round(a["y"] + 0.5): html.unescape(re.sub(r"</?b>", "", a["text"].replace("<br>", " ")))
             for a in annotations if a["xref"] == "paper"}
    totals = {round(a["y"]): int(a["text"].strip()) for a in annotations if a["xref"] == "x"}
    assert set(names) == set(totals), "un total au bout de chaque barre nommée"
    return {names[index]: totals[index] for index in names}


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.dialogs == []


def _point_records(responses, siren: str) -> list[dict]:
    """The fabriques the map drew: the point files it fetched for this EPCI."""
    records = []
    for response in responses:
        if "/points/" in response.url and f"epci={siren}" in response.url:
            assert response.status == 200
            records += response.json()
    return records


def test_finistere_then_brest_metropole_on_every_page(app_url, browser, expected):
    siren = expected["siren"]
    page = new_page(browser, 1280, 720)
    responses = []
    page.on("response", lambda response: responses.append(response) if "/points/" in response.url else None)
    try:
        page.goto(app_url + "/")
        wait_for_app(page)

        # 1. Finistère, chosen in the sidebar; Territoires says which EPCI have no fabrique.
        _choose_in_sidebar(page, "Département", "Finist", "Finistère (29)", rf"departement={FINISTERE}")
        _go_to(page, "Territoires", "territoires", None, "Territoires")
        without = len(expected["without"])
        _wait_text(page, f"Finistère (29) : {fr_int(without)} intercommunalités sur "
                         f"{fr_int(expected['epci_count'])} n'ont aucune fabrique ; "
                         f"{fr_int(expected['without_population'])} habitants y vivent")
        drawn = _epci_chart_totals(page)
        assert set(drawn) == set(expected["names"].values())
        assert {name for name, total in drawn.items() if total == 0} == expected["without"]
        assert drawn == {expected["names"][s]: int(n) for s, n in expected["counts"].items()}
        _no_error(page)
        screenshot(page, "epci-finistere-territoires-1280")

        # 2. Brest Métropole, chosen in the sidebar under the département.
        _choose_in_sidebar(page, "Intercommunalité (EPCI)", "Brest", BREST_NAME, rf"epci={siren}")
        scope = SCOPE
        _wait_text(page, f"À {BREST_NAME} : 1 fabrique, soit "
                         f"{fr_decimal(100_000 / expected['population'], 2)} pour 100 000 habitants "
                         f"({fr_int(expected['population'])} habitants")
        assert _metric(page, "Fabriques dans le périmètre") == "1"
        assert f"Périmètre : {scope}" in _main_text(page)
        _no_error(page)
        screenshot(page, "epci-brest-territoires-1280")

        _go_to(page, "Synthèse", "", siren, "Synthèse du programme Fabriques de territoire")
        assert _metric(page, "Fabriques dans la liste") == "1"
        assert "Hors grands centres urbains" in _metric_labels(page)  # the rural card names its definition
        _wait_text(page, f"{scope} : 1 fabrique dans la liste")
        _no_error(page)
        screenshot(page, "epci-brest-synthese-1280")

        _go_to(page, "Lauréats", "laureats", siren, "Lauréats")
        _wait_text(page, f"1 fabrique — {scope}.")
        # The card under the list is the one fabrique's, with its EPCI.
        _wait_text(page, f"{BREST_NAME} (métropole, SIREN {siren})")
        card = page.locator("[data-testid='stText']").all_inner_texts()
        assert any(text.startswith(f"{expected['fabrique_id']} (rang ") for text in card)
        assert f"{expected['commune_name']} (code INSEE {expected['commune']})" in card
        # The list itself, as its download gives it ("exactly the list shown").
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Télécharger la liste (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(open(download_info.value.path(), encoding="utf-8-sig").read()),
                                   delimiter=";"))
        assert [(r["Identifiant"], r["Intercommunalité (EPCI)"], r["SIREN de l'EPCI"], r["Code commune"])
                for r in rows] == [(expected["fabrique_id"], BREST_NAME, siren, expected["commune"])]
        _no_error(page)
        screenshot(page, "epci-brest-laureats-1280")

        _go_to(page, "Carte", "carte", siren, "Carte des Fabriques de territoire")
        assert (_metric(page, "Fabriques"), _metric(page, "Communes")) == ("1", "1")
        _wait_text(page, "Pas d'aplat par intercommunalité")
        wait_until(page, lambda: _point_records(responses, siren), "les points de la carte")
        points = _point_records(responses, siren)
        assert len(points) == 1 and points[0]["r"] > 0
        assert f"{expected['commune_name']}, Finistère (29)" in points[0]["t"]
        _no_error(page)
        screenshot(page, "epci-brest-carte-1280")

        _go_to(page, "Présentation", "presentation", siren, f"Fabriques de territoire à {BREST_NAME}")
        _wait_text(page, f"À {BREST_NAME}, la liste de l'ANCT de janvier 2024 compte 1 fabrique de territoire")
        assert page.get_by_role("heading", name=f"Fabriques de territoire à {BREST_NAME}", level=1).count() == 1
        _no_error(page)
        screenshot(page, "epci-brest-presentation-1280")

        # 3. The embeddable views, given the same filter in their address.
        filters = f"departement={FINISTERE}&epci={siren}"
        page.goto(f"{app_url}/?embed=true&{filters}")
        wait_for_app(page)
        _wait_text(page, f"{scope} : 1 fabrique dans la liste")
        assert page.locator("[data-testid='stSidebar']").count() == 0
        _no_error(page)
        screenshot(page, "epci-brest-embed-synthese-1280")

        responses.clear()
        page.goto(f"{app_url}/carte?embed=true&{filters}")
        wait_for_app(page)
        assert _metric(page, "Fabriques") == "1"
        wait_until(page, lambda: _point_records(responses, siren), "les points de la carte intégrée")
        assert len(_point_records(responses, siren)) == 1
        _no_error(page)
        screenshot(page, "epci-brest-embed-carte-1280")
    finally:
        page.context.close()


SCOPE = f"{BREST_NAME} — Finistère (29)"
# Each page and embedded view, and what shows its one fabrique: a metric card or a sentence.
PAGES = [("synthese", "/", "Fabriques dans la liste", f"{SCOPE} : 1 fabrique dans la liste"),
         ("territoires", "/territoires", "Fabriques dans le périmètre", f"À {BREST_NAME} : 1 fabrique, soit"),
         ("laureats", "/laureats", None, f"1 fabrique — {SCOPE}."),
         ("carte", "/carte", "Fabriques", "Pas d'aplat par intercommunalité"),
         ("presentation", "/presentation", None, f"À {BREST_NAME}, la liste de l'ANCT de janvier 2024 compte "
                                                 "1 fabrique de territoire"),
         ("embed-synthese", "/?embed=true", None, f"{SCOPE} : 1 fabrique dans la liste"),
         ("embed-carte", "/carte?embed=true", "Fabriques", "Pas d'aplat par intercommunalité")]


@pytest.mark.parametrize("width, height, theme", [(1920, 1080, "light"), (1280, 720, "dark")],
                         ids=["1920-clair", "1280-sombre"])
def test_brest_metropole_pages_from_a_shared_link(app_url, browser, expected, width, height, theme):
    """The same scope opened from a shared link, at another size and in the dark theme: each
    page and embedded view shows the one fabrique; screenshots for the eye."""
    siren = expected["siren"]
    page = new_page(browser, width, height, color_scheme=theme)
    try:
        for name, path, metric, sentence in PAGES:
            joiner = "&" if "?" in path else "?"
            page.goto(f"{app_url}{path}{joiner}departement={FINISTERE}&epci={siren}")
            wait_for_app(page)
            _wait_text(page, sentence)
            if metric:
                assert _metric(page, metric) == "1", name
            if name.startswith("embed"):
                assert page.locator("[data-testid='stSidebar']").count() == 0
            _no_error(page)
            screenshot(page, f"epci-brest-{name}-{width}-{theme}")
    finally:
        page.context.close()

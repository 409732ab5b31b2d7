"""Territoires and Lauréats in a real browser: charts drawn, a shared link, the accent-blind
search, and the CSV/XLSX downloads read back."""
import csv
import io

import openpyxl
import pytest

import queries
from conftest import ServedApp, copy_data, screenshot, wait_for_app
from views.colors import contrast_ratio

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _open(page, url: str) -> None:
    # Straight to the sub-page, as a shared link does (app/serve.py makes that work on a
    # fresh server; tests/test_browser_synthese.py checks it).
    page.goto(url)
    wait_for_app(page)


def _metric_values(page):
    # The page may rerun once after the router's run: wait for its metrics.
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def _no_error(page):
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.dialogs == []


def test_territoires_national_draws_labelled_charts(app_url, page):
    _open(page, app_url + "/territoires")
    page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
    assert _metric_values(page)[:3] == ["382", "101 + Saint-Martin", "1"]
    assert page.locator(".js-plotly-plot").count() >= 4
    # Exact numbers are written on the bars (the national total of Auvergne-Rhône-Alpes: 48).
    bar_texts = page.eval_on_selector_all(".js-plotly-plot text", "els => els.map(e => e.textContent.trim())")
    assert "48" in bar_texts and "22" in bar_texts and "non disponible" in bar_texts
    assert page.get_by_text("France entière : 1 département sur 101 n'a aucune fabrique.", exact=False).count() == 1
    _no_error(page)
    screenshot(page, "territoires")


def test_territoires_from_a_shared_link(app_url, page):
    _open(page, app_url + "/territoires?region=76")
    page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
    assert _metric_values(page)[0] == "42"
    assert page.get_by_text("Fabriques par département — Occitanie").count() == 1
    assert "region=76" in page.url
    # The table tab shows the same numbers as the chart: its grid is sent once the tab is chosen.
    assert page.locator("[role=tabpanel] [data-testid=stDataFrame]").count() == 0
    page.get_by_role("tab", name="Tableau").first.click()
    page.locator("[role=tab][aria-selected=true]", has_text="Tableau").first.wait_for()
    page.locator("[role=tabpanel] [data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    wait_for_app(page)
    _no_error(page)
    screenshot(page, "territoires-occitanie")


def _search(page, text: str, answer: str) -> None:
    """Search, then wait for the count sentence the search should produce."""
    box = page.get_by_role("textbox", name="Rechercher une fabrique")
    box.fill(text)
    box.press("Enter")
    page.get_by_text(answer).first.wait_for(timeout=60_000)
    wait_for_app(page)


def test_laureats_search_ignores_accents(app_url, page):
    _open(page, app_url + "/laureats")
    _search(page, "saint-etienne", "3 fabriques sur 382 correspondent à la recherche")
    assert page.get_by_text("3 fabriques sur 382 correspondent à la recherche").count() == 1
    assert page.get_by_text("Saint-Étienne (code INSEE 42218)").count() == 1
    _search(page, "' or 1=1 --", "Aucune fabrique ne correspond à la recherche")
    assert page.get_by_text("Aucune fabrique ne correspond à la recherche").count() == 1
    _no_error(page)


@pytest.fixture(scope="module")
def realmont_app_url(tmp_path_factory):
    """The app on a copy of the extracts in which one fabrique is moved to Réalmont (test data:
    the shipped list has no fabrique there)."""
    def move_to_realmont(frame):
        frame.loc[frame.fabrique_id == "fabt-116", "commune_name"] = "Réalmont"
        return frame

    data = copy_data(tmp_path_factory.mktemp("realmont") / "data", move_to_realmont)
    served = ServedApp(env={"FABRIQUES_DATA_DIR": str(data)})
    yield served.url
    served.stop()


def test_laureats_search_realmont_finds_realmont(realmont_app_url, page):
    _open(page, realmont_app_url + "/laureats")
    _search(page, "realmont", "1 fabrique sur 382 correspond à la recherche")
    assert page.get_by_text("1 fabrique sur 382 correspond à la recherche").count() == 1
    # The detail card of the only match (the commune code is the source's: Graulhet's).
    assert page.get_by_text("Réalmont (code INSEE 81105)").count() == 1
    # The selector above the card names the same fabrique (not the one shown before the search).
    chosen = page.locator("[data-testid='stSelectbox']").last.get_by_role("combobox").input_value()
    assert chosen.startswith("fabt-116 — ")
    _no_error(page)
    screenshot(page, "laureats-recherche-realmont")


def test_laureats_downloads_what_is_shown(app_url, page):
    _open(page, app_url + "/laureats?region=53")
    assert page.get_by_text("23 fabriques — Bretagne.", exact=False).count() == 1
    screenshot(page, "laureats-bretagne")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger la liste (CSV)").click()
    download = download_info.value
    version = queries.read_manifest()["data_version"]
    assert download.suggested_filename == f"fabriques_bretagne_{version}.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Identifiant", "Nom", "Commune"]
    assert len(rows) - 1 == 23
    assert {row[rows[0].index("Région")] for row in rows[1:]} == {"Bretagne"}
    assert any(row[rows[0].index("Département")] == "Côtes-d'Armor (22)" for row in rows[1:])

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger la liste (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == f"fabriques_bretagne_{version}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    sheet = workbook["Fabriques"]
    assert sheet.max_row - 1 == 23
    about = {row[0].value: row[1].value for row in workbook["À propos"].iter_rows()}
    assert about["Périmètre (filtres)"] == "Bretagne"
    assert about["Version des données"] == version
    _no_error(page)


def _first_listed(page) -> str:
    """The first fabrique id the grid shows (its accessible table holds the visible rows)."""
    return page.evaluate("""() => [...document.querySelectorAll("[data-testid='stDataFrame'] tr td")]
        .map(cell => cell.innerText.trim()).filter(text => /^fabt-[0-9]+$/.test(text))[0]""")


def test_the_files_keep_the_order_the_list_shows(app_url, page):
    """The list's order is the page's own control: a click on a column header does not sort the
    grid (the files could not follow it) and its menu is not offered; « Trier par » sorts both."""
    _open(page, app_url + "/laureats?region=53")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stDataFrame'] tr\").length > 3")
    assert _first_listed(page) == "fabt-13"
    box = grid.bounding_box()
    for x in (200, 600):  # the headers of "Nom" and of the intercommunalité
        page.mouse.click(box["x"] + x, box["y"] + 15)
        wait_for_app(page)
        assert _first_listed(page) == "fabt-13"
        assert not page.locator("[data-testid='stDataFrameColumnMenu']").is_visible()
    order = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(
        has=page.get_by_text("Trier par", exact=True))
    order.get_by_role("combobox").click()
    page.get_by_role("option", name="Nom", exact=True).click()
    wait_for_app(page)
    page.wait_for_function("""() => [...document.querySelectorAll("[data-testid='stDataFrame'] tr td")]
        .map(cell => cell.innerText.trim()).filter(text => /^fabt-[0-9]+$/.test(text))[0] !== 'fabt-13'""")
    shown = _first_listed(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger la liste (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download_info.value.path(), "rb").read().decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1][0] == shown != "fabt-13"  # the file starts where the list does
    _no_error(page)


AXIS_TEXT = (".js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .g-xtitle text, "
             ".js-plotly-plot .g-ytitle text, .js-plotly-plot .legendtext")


def test_chart_axis_text_reads_on_the_light_page(app_url, page):
    """Streamlit's chart theme writes ticks in a grey of 3.8:1 on white; app/chrome.py darkens it:
    every tick, axis title and legend text of Territoires' charts reaches 4.5:1 on the page."""
    _open(page, app_url + "/territoires?region=53")
    page.wait_for_function(f"() => document.querySelectorAll({AXIS_TEXT!r}).length > 20", timeout=60_000)
    fills = page.evaluate(f"""() => [...new Set([...document.querySelectorAll({AXIS_TEXT!r})]
        .map(t => getComputedStyle(t).fill))]""")
    background = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    hex_of = lambda rgb: "#" + "".join(f"{int(v):02X}" for v in rgb[4:-1].split(","))  # noqa: E731
    ratios = {fill: contrast_ratio(hex_of(fill), "#FFFFFF") for fill in fills}
    assert ratios and all(ratio >= 4.5 for ratio in ratios.values()), ratios

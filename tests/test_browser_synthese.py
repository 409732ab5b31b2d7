"""The Synthèse page in a real browser: gauges drawn, the Bretagne count shown."""
import pytest

from conftest import ARTIFACTS, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _metric_values(page):
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def test_synthese_draws_gauges_and_national_count(app_url, page):
    """The landing page's figures come drawn by the server (app/static_charts.py): four gauges
    and the announced totals, each one SVG shown for its column's width, with its numbers and
    its text alternative; no plotly.js chart on the page."""
    page.goto(app_url + "/")
    wait_for_app(page)
    # The page's last element drawn (the app's state may read "not running" before the first
    # run), and the cards' own code loaded: till then each card is a grey placeholder.
    page.locator(".st-key-announced_totals svg[role=img]").first.wait_for(state="attached", timeout=60_000)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert "382" in _metric_values(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    shown = page.evaluate("""() => [...document.querySelectorAll('.figure-statique svg[role=img]')]
        .filter((svg) => svg.checkVisibility()).map((svg) => ({
          key: svg.closest('[class*=st-key-]').className.match(/st-key-(\\S+)/)[1],
          alt: svg.getAttribute('aria-label'), width: svg.getBoundingClientRect().width,
          texts: [...svg.querySelectorAll('text')].map((t) => t.textContent.trim())}))""")
    assert [figure["key"] for figure in shown] == ["gauge_total_2021", "gauge_qpv_2021", "gauge_rural_2021",
                                                   "gauge_total_2023", "announced_totals"]
    gauge_382 = shown[3]
    assert "382" in gauge_382["texts"] and "+2" in "".join(gauge_382["texts"])
    assert "382 fabriques étaient labellisées, pour un objectif de 380" in gauge_382["alt"]
    assert "407" in shown[4]["texts"] and shown[4]["alt"].startswith("Courbe des totaux annoncés : 80 ")
    assert all(figure["width"] > 250 for figure in shown)
    screenshot(page, "synthese")


def test_synthese_bretagne_from_url(app_url, page):
    page.goto(app_url + "/?region=53")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .barlayer .point", timeout=30_000)
    assert _metric_values(page)[0] == "23"
    assert page.get_by_text("Périmètre : Bretagne").count() == 1
    assert "region=53" in page.url
    screenshot(page, "synthese-bretagne")


def test_hostile_url_shows_notice_not_error(app_url, page):
    page.goto(app_url + "/?region=%3Cscript%3Ealert(1)%3C%2Fscript%3E&departement=" + "9" * 10000)
    wait_for_app(page)
    assert page.get_by_text("Filtre « région » ignoré").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.dialogs == []


def test_a_shared_sub_page_link_works_on_a_fresh_server(page):
    """The first request a new server gets is a sub-page link (app/serve.py says why)."""
    from conftest import ServedApp

    served = ServedApp()
    try:
        page.goto(served.url + "/territoires?region=76")
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_role("heading", name="Territoires").count() >= 1
        assert page.get_by_text("Périmètre : Occitanie").count() == 1
    finally:
        served.stop()


@pytest.mark.parametrize("width", [1280, 1366, 1440, 1920])
def test_census_cards_show_their_whole_figure(app_url, browser, width):
    """"près de 1 800" is never cut to "près de …": each value fits (or wraps) inside its card."""
    from conftest import new_page

    page = new_page(browser, width, 900)
    try:
        page.goto(app_url + "/")
        wait_for_app(page)
        values = page.locator(".st-key-recensements [data-testid='stMetricValue']")
        values.nth(3).wait_for(timeout=30_000)
        values.first.scroll_into_view_if_needed()
        assert values.count() == 4
        for i in range(values.count()):
            value = values.nth(i)
            text = value.inner_text()
            assert "…" not in text and any(ch.isdigit() for ch in text), text
            sizes = value.evaluate("""e => { const inner = e.querySelector('*') || e; const card = e.closest('[data-testid="stMetric"]').getBoundingClientRect();
                const box = inner.getBoundingClientRect();
                return {overflow: inner.scrollWidth - inner.clientWidth, right: box.right - card.right,
                        ellipsis: getComputedStyle(inner).textOverflow}; }""")
            assert sizes["overflow"] <= 1 and sizes["right"] <= 1 and sizes["ellipsis"] != "ellipsis", (text, sizes)
        page.locator(".st-key-recensements").screenshot(path=str(ARTIFACTS / f"synthese-recensements-{width}.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_synthese_of_a_region_shows_its_counts_not_a_national_dial(app_url, browser, width, height, theme):
    """Bretagne: no gauge with a 0–382 (or 0–300) axis holding 23; the région's own counts as
    bars, each with its share of France and the national targets said to be national."""
    from conftest import new_page

    page = new_page(browser, width, height, color_scheme=theme)
    try:
        page.goto(app_url + "/?region=53")
        wait_for_app(page)
        chart = page.locator(".js-plotly-plot").filter(has=page.locator(".barlayer"))
        chart.locator(".barlayer .point").nth(2).wait_for(timeout=30_000)
        assert chart.locator(".barlayer .point").count() == 3
        assert page.locator(".js-plotly-plot .indicatorlayer .trace").count() == 0
        text = chart.inner_text()
        assert "objectif national" in text and "des 382 de France" in text, text
        assert page.get_by_text("Bretagne : 23 fabriques dans la liste", exact=False).count() == 1
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"synthese-bretagne-objectifs-{width}x{height}-{theme}.png"))
    finally:
        page.context.close()

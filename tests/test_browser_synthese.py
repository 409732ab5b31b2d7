"""The Synthèse page in a real browser: gauges drawn, the Bretagne count shown."""
import pytest

from conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _metric_values(page):
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def test_synthese_draws_gauges_and_national_count(app_url, page):
    page.goto(app_url + "/")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .indicatorlayer", timeout=30_000)
    assert page.locator(".js-plotly-plot .indicatorlayer").count() >= 4
    assert "382" in _metric_values(page)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "synthese")


def test_synthese_bretagne_from_url(app_url, page):
    page.goto(app_url + "/?region=53")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .indicatorlayer", timeout=30_000)
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

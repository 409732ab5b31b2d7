"""The Synthèse page in a real browser: gauges drawn, the Bretagne count shown."""
import pytest

from conftest import ARTIFACTS, new_page, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _metric_values(page):
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


# Each static figure shown (one variant per figure): its SVG read back from the image's source,
# the image decoded by the browser, and the SVG's texts; in page order.
SHOWN_FIGURES = """async () => {
  const shown = [...document.querySelectorAll('.figure-statique img')].filter((img) => img.checkVisibility());
  return Promise.all(shown.map(async (img) => {
    const bytes = Uint8Array.from(atob(img.getAttribute('src').split(',')[1]), (c) => c.charCodeAt(0));
    const svg = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'image/svg+xml');
    let decoded = true;
    try { await img.decode(); } catch (error) { decoded = false; }
    return {key: img.closest('[class*=st-key-]').className.match(/st-key-(\\S+)/)[1], alt: img.alt,
            width: img.getBoundingClientRect().width, decoded,
            texts: [...svg.querySelectorAll('text')].map((t) => t.textContent.trim())};
  }));
}"""

# Each text of the shown variants, placed inline at the image's width: the texts whose box
# leaves the figure's (what plotly laid out for that width, the image only scales it).
CUT_IN_FIGURES = """() => {
  const cut = [];
  for (const img of document.querySelectorAll('.figure-statique img')) {
    if (!img.checkVisibility()) continue;
    const bytes = Uint8Array.from(atob(img.getAttribute('src').split(',')[1]), (c) => c.charCodeAt(0));
    const holder = document.createElement('div');
    holder.style.cssText = `position: absolute; left: 0; top: 0; width: ${img.getBoundingClientRect().width}px`;
    holder.innerHTML = new TextDecoder().decode(bytes);
    document.body.appendChild(holder);
    const figure = holder.querySelector('svg').getBoundingClientRect();
    for (const text of holder.querySelectorAll('text')) {
      const box = text.getBoundingClientRect();
      if (box.width && text.textContent.trim() && (box.left < figure.left - 1 || box.right > figure.right + 1
          || box.top < figure.top - 1 || box.bottom > figure.bottom + 1)) cut.push(text.textContent.trim());
    }
    holder.remove();
  }
  return cut;
}"""

# The shown timeline image drawn on a canvas: how many of its pixels are dark ink and light ink.
TIMELINE_INK = """async () => {
  const img = [...document.querySelectorAll('.st-key-announced_totals .figure-statique img')]
    .find((image) => image.checkVisibility());
  await img.decode();
  const canvas = document.createElement('canvas');
  const shown = img.getBoundingClientRect();
  canvas.width = Math.round(shown.width); canvas.height = Math.round(shown.height);
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0, light = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] < 100) continue;  // faded labels are drawn at 0.6
    const level = (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
    if (level < 60) dark += 1; else if (level > 200) light += 1;
  }
  return {dark, light};
}"""


def _open_landing(page, app_url):
    page.goto(app_url + "/")
    wait_for_app(page)
    # The page's last element drawn (the app's state may read "not running" before the first
    # run), and the cards' own code loaded: till then each card is a grey placeholder.
    page.locator(".st-key-announced_totals .figure-statique img").first.wait_for(state="attached", timeout=60_000)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
    wait_for_app(page)


def test_synthese_draws_gauges_and_national_count(app_url, page):
    """The landing page's figures come drawn by the server (app/static_charts.py): four gauges
    and the announced totals, each one image shown for its column's width (the SVG as its
    source), with its numbers and its text alternative; no plotly.js chart on the page."""
    _open_landing(page, app_url)
    assert "382" in _metric_values(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    shown = page.evaluate(SHOWN_FIGURES)
    assert [figure["key"] for figure in shown] == ["gauge_total_2021", "gauge_qpv_2021", "gauge_rural_2021",
                                                   "gauge_total_2023", "announced_totals"]
    assert all(figure["decoded"] for figure in shown)
    gauge_382 = shown[3]
    assert "382" in gauge_382["texts"] and "+2" in "".join(gauge_382["texts"])
    assert "382 fabriques étaient labellisées, pour un objectif de 380" in gauge_382["alt"]
    assert "407" in shown[4]["texts"] and shown[4]["alt"].startswith("Courbe des totaux annoncés : 80 ")
    assert all(figure["width"] > 250 for figure in shown)
    assert page.evaluate(CUT_IN_FIGURES) == []
    screenshot(page, "synthese")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_static_figures_take_the_theme_text_colour(app_url, browser, scheme):
    """An image does not inherit the page's colour: its own style follows the same system
    setting as Streamlit's theme. Light theme: dark text (and no light ink); dark theme: the
    reverse."""
    page = new_page(browser, color_scheme=scheme)
    try:
        _open_landing(page, app_url)
        ink = page.evaluate(TIMELINE_INK)
        ours, other = (ink["dark"], ink["light"]) if scheme == "light" else (ink["light"], ink["dark"])
        assert ours > 200 and ours > 5 * other, ink
        screenshot(page, f"synthese-figures-{scheme}")
    finally:
        page.context.close()


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

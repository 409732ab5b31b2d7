"""The Présentation page in headless Chromium at projector sizes (1280 x 720 to 1920 x 1080): step
through the slides with the buttons and the arrow keys, the URL follows, each slide with its
sentence and navigation fits the screen without scrolling, full screen with the F key,
screenshots kept in tests/artifacts/; then download the PPTX and a PNG as a user would."""
import io
import re

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from conftest import ARTIFACTS, new_page, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLES = ["Fabriques de territoire en Bretagne", "Part des fabriques de France en Bretagne",
          "Où sont les fabriques en Bretagne", "Les vagues annoncées depuis 2020 (France entière)",
          "Types de territoire en Bretagne"]


@pytest.fixture
def projector(browser):
    page = new_page(browser, 1920, 1080, accept_downloads=True)
    yield page
    page.context.close()


def _open(page, url: str) -> None:
    # Straight to the sub-page, as a shared link does (app/serve.py makes that work on a
    # fresh server; tests/test_browser_synthese.py checks it).
    page.goto(url)
    wait_for_app(page)


def _wait_for_slide(page, number: int) -> None:
    page.wait_for_url(re.compile(rf"[?&]slide={number}(&|$)"), timeout=30_000)
    page.get_by_text(f"Diapositive {number} sur 5", exact=True).wait_for(timeout=30_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)


def _projector_screenshot(page, name: str) -> None:
    """What the projector shows: the 1920 x 1080 viewport, not the whole scrolled page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


PROJECTORS = [(1280, 720), (1366, 768), (1440, 900), (1920, 1080)]


def _fits_the_screen(page, width: int, height: int) -> None:
    """Navigation inside the viewport, nothing to scroll (neither the document nor Streamlit's main)."""
    for name in ("Diapositive précédente", "Diapositive suivante", "Exporter"):
        box = page.get_by_role("button", name=re.compile(name)).bounding_box()
        assert box is not None, name
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (name, box)
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, (name, box)
    full_screen = page.locator(".plein-ecran").bounding_box()
    assert full_screen is not None and full_screen["y"] + full_screen["height"] <= height
    sizes = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {doc: document.documentElement.scrollHeight, docWidth: document.documentElement.scrollWidth,
                main: main.scrollHeight, mainClient: main.clientHeight, scrolled: main.scrollTop + window.scrollY};
    }""")
    assert sizes["doc"] <= height and sizes["docWidth"] <= width, sizes
    assert sizes["main"] <= sizes["mainClient"] + 1 and sizes["scrolled"] == 0, sizes
    # The sentence and the footer are readable: inside the viewport, not under the buttons.
    sentence = page.get_by_text("À lire :").bounding_box()
    footer = page.get_by_text(re.compile(r"^Source :")).bounding_box()
    buttons = page.get_by_role("button", name=re.compile("Diapositive suivante")).bounding_box()
    assert sentence["y"] >= 0 and footer["y"] + footer["height"] <= buttons["y"] + 1, (footer, buttons)
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert chart["height"] >= height * 0.4, chart  # the chart takes what is left, not a sliver
    assert chart["y"] + chart["height"] <= sentence["y"] + 1, (chart, sentence)


@pytest.mark.parametrize("width, height", PROJECTORS)
def test_every_slide_fits_each_projector(app_url, browser, width, height):
    page = new_page(browser, width, height)
    try:
        _open(page, app_url + "/presentation?region=53")
        _wait_for_slide(page, 1)
        for number in range(1, 6):
            _fits_the_screen(page, width, height)
            _projector_screenshot(page, f"presentation-bretagne-{width}x{height}-{number}")
            if number < 5:
                page.get_by_role("button", name=re.compile("Diapositive suivante")).click()
                _wait_for_slide(page, number + 1)
        # One arrow per button: the icon, no shortcut badge repeating it.
        labels = [page.get_by_role("button", name=re.compile(name)).inner_text()
                  for name in ("Diapositive précédente", "Diapositive suivante")]
        assert all("←" not in label and "→" not in label for label in labels), labels
    finally:
        page.context.close()


def test_keys_and_full_screen(app_url, browser):
    page = new_page(browser, 1280, 720)
    try:
        _open(page, app_url + "/presentation?region=53")
        _wait_for_slide(page, 1)
        # Click in the page (a presenter does), then the keys of a keyboard or a clicker.
        page.locator("[data-testid='stMainBlockContainer'] h1").first.click()
        page.keyboard.press("ArrowRight")
        _wait_for_slide(page, 2)
        page.keyboard.press("PageDown")
        _wait_for_slide(page, 3)
        page.keyboard.press("ArrowLeft")
        _wait_for_slide(page, 2)
        # No frame around the screen: the page's scrolling area does not keep a visible focus...
        focused = page.evaluate("""() => [document.activeElement.tagName,
            document.activeElement.matches(':focus-visible')]""")
        assert focused[0] != "MAIN" and not (focused[0] in ("DIV", "SECTION") and focused[1]), focused
        # ...and the screen's left edge is the page's background from top to bottom.
        _projector_screenshot(page, "presentation-after-keys-1280x720")
        edge = Image.open(ARTIFACTS / "presentation-after-keys-1280x720.png").convert("RGB")
        assert {edge.getpixel((1, y)) for y in range(0, 720, 20)} == {edge.getpixel((1, 5))}
        # F: the browser's full screen (Fullscreen API); F again (or Échap) leaves it.
        page.keyboard.press("f")
        page.wait_for_function("() => document.fullscreenElement !== null", timeout=10_000)
        page.get_by_text("Quitter le plein écran (Échap)").wait_for(timeout=10_000)
        _fits_the_screen(page, *page.evaluate("[innerWidth, innerHeight]"))
        _projector_screenshot(page, "presentation-full-screen")
        page.keyboard.press("f")
        page.wait_for_function("() => document.fullscreenElement === null", timeout=10_000)
        # The button does the same with a click.
        page.locator(".plein-ecran").click()
        page.wait_for_function("() => document.fullscreenElement !== null", timeout=10_000)
        page.evaluate("document.exitFullscreen()")
        page.wait_for_function("() => document.fullscreenElement === null", timeout=10_000)
        page.get_by_text("Plein écran (F)").wait_for(timeout=10_000)
    finally:
        page.context.close()


def _check_slide(page, number: int) -> None:
    heading = page.locator("[data-testid='stMainBlockContainer'] h1").first
    assert heading.inner_text().strip() == TITLES[number - 1]
    assert page.get_by_text("À lire :").count() == 1
    assert page.get_by_text(re.compile(r"Version des données : [0-9a-f]{6,}")).count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    # Projector: no sidebar, no toolbar, and the slide down to its buttons fits the screen.
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stToolbar']").is_visible()
    _fits_the_screen(page, 1920, 1080)
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert chart["width"] >= 1700  # full width


def test_step_through_the_slides_with_the_buttons(app_url, projector):
    page = projector
    _open(page, app_url + "/presentation?region=53")
    _wait_for_slide(page, 1)
    for number in range(1, 6):
        _check_slide(page, number)
        _projector_screenshot(page, f"presentation-bretagne-{number}")
        if number < 5:
            page.get_by_role("button", name=re.compile("Diapositive suivante")).click()
            _wait_for_slide(page, number + 1)
    assert "region=53" in page.url
    assert page.get_by_role("button", name=re.compile("Diapositive suivante")).is_disabled()
    # Back with the left arrow key (a presenter's keyboard or clicker).
    page.locator("[data-testid='stMainBlockContainer'] h1").first.click()
    page.keyboard.press("ArrowLeft")
    _wait_for_slide(page, 4)
    _check_slide(page, 4)
    assert page.dialogs == []


def test_bad_slide_number_in_a_link_goes_to_the_first(app_url, projector):
    page = projector
    _open(page, app_url + "/presentation?slide=42")
    _wait_for_slide(page, 1)
    assert page.get_by_text("La diapositive 42 n'existe pas").count() == 1
    screenshot(page, "presentation-bad-slide")


def test_download_the_deck_and_a_png(app_url, projector):
    page = projector
    _open(page, app_url + "/presentation?region=53&slide=3")
    _wait_for_slide(page, 3)
    page.get_by_role("button", name=re.compile("Exporter")).click()
    permalink = page.locator("[data-testid='stCode']").inner_text()
    assert re.search(r"/presentation\?region=53&slide=3&version=[0-9a-f]{6,}", permalink)
    page.get_by_role("button", name=re.compile("Préparer l'image et le diaporama")).click()
    png_button = page.get_by_role("button", name=re.compile(r"Télécharger cette diapositive \(PNG\)"))
    png_button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        png_button.click()
    assert download.value.suggested_filename.startswith("fabriques-de-territoire-diapositive-3-carte-")
    image = Image.open(download.value.path())
    assert image.size == (1920, 1080)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"Télécharger le diaporama \(PPTX\)")).click()
    deck = Presentation(io.BytesIO(open(download.value.path(), "rb").read()))
    assert len(deck.slides) == 5
    assert "En Bretagne" in deck.slides[0].notes_slide.notes_text_frame.text
    assert deck.slides[2].shapes.title.text_frame.text == "Où sont les fabriques en Bretagne"
    assert sum(shape.has_chart for page in deck.slides for shape in page.shapes) == 3  # native charts
    # The press kit of the same filter.
    page.get_by_role("button", name=re.compile(r"Préparer le dossier de presse \(PDF\)")).click()
    pdf_button = page.get_by_role("button", name=re.compile(r"Télécharger le dossier de presse \(PDF\)"))
    pdf_button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        pdf_button.click()
    assert download.value.suggested_filename.startswith("fabriques-de-territoire-dossier-de-presse-region-53-")
    reader = PdfReader(download.value.path())
    assert reader.metadata.title == "Dossier de presse — Fabriques de territoire en Bretagne"
    assert "Les fabriques du périmètre (23)" in " ".join(p.extract_text() for p in reader.pages)
    screenshot(page, "presentation-exports")


SCOPE_BARS_JS = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return {plots: plots.length, dials: document.querySelectorAll('.js-plotly-plot .indicatorlayer .trace').length,
            bars: document.querySelectorAll('.js-plotly-plot .barlayer .point').length};
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_regional_targets_slide_has_bars_not_a_national_dial(app_url, browser, width, height, theme):
    """Bretagne's 23 fabriques are not drawn on a 0–382 (or 0–300) dial: the slide shows the
    région's own counts, one bar per target category, the targets written as national."""
    page = new_page(browser, width, height, color_scheme=theme)
    try:
        _open(page, app_url + "/presentation?region=53&slide=2")
        _wait_for_slide(page, 2)
        page.wait_for_function(f"() => ({SCOPE_BARS_JS})().bars === 3", timeout=30_000)
        drawn = page.evaluate(SCOPE_BARS_JS)
        assert drawn["dials"] == 0, drawn
        chart = page.locator(".js-plotly-plot").first
        text = chart.inner_text()
        assert "objectif national" in text and "des 382 de France" in text, text
        _fits_the_screen(page, width, height)
        _projector_screenshot(page, f"presentation-bretagne-objectifs-{width}x{height}-{theme}")
    finally:
        page.context.close()

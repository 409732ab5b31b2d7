"""The Présentation page in headless Chromium at projector size (1920 x 1080): step through the
slides with the buttons and the arrow key, the URL follows, each slide fits the screen,
screenshots kept in tests/artifacts/; then download the PPTX and a PNG as a user would."""
import io
import re

import pytest
from PIL import Image
from pptx import Presentation

from conftest import ARTIFACTS, new_page, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLES = ["Fabriques de territoire en Bretagne", "Part des fabriques de France en Bretagne",
          "Où sont les fabriques en Bretagne", "Les vagues annoncées depuis 2020",
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
    page.wait_for_timeout(800)


def _projector_screenshot(page, name: str) -> None:
    """What the projector shows: the 1920 x 1080 viewport, not the whole scrolled page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _check_slide(page, number: int) -> None:
    heading = page.locator("[data-testid='stMainBlockContainer'] h1").first
    assert heading.inner_text().strip() == TITLES[number - 1]
    assert page.get_by_text("À lire :").count() == 1
    assert page.get_by_text(re.compile(r"Version des données : [0-9a-f]{6,}")).count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    # Projector: no sidebar, no toolbar, and the slide down to its buttons fits the screen.
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stToolbar']").is_visible()
    following = page.get_by_role("button", name=re.compile("Diapositive suivante"))
    box = following.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1080, box
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert chart["width"] >= 1700  # full width
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1920  # nothing overflows sideways


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
    screenshot(page, "presentation-exports")

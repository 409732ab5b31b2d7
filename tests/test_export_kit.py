"""Exports of the slides: PNG at 1920 x 1080 with title and footer drawn in (the editable PPTX
is tested in test_announcement_kit.py), and the French error when no Chromium can be driven. One kaleido batch for the whole module
(it launches Chromium, about two seconds)."""
import io
import time
from datetime import date

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageStat

from conftest import announcement_data
from queries import read_manifest
from services import export_kit
from views import slides
from views.filters import Filters


def build_deck(filters: Filters) -> list[slides.Slide]:
    return slides.build_slides(announcement_data(filters, date(2026, 11, 28)))


@pytest.fixture(scope="module")
def brittany():
    deck = build_deck(Filters(region="53"))
    pngs = export_kit.slide_pngs(deck)
    return deck, pngs


def _spread(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("L")).stddev[0]


def test_deck_has_the_five_slides_of_the_issue():
    deck = build_deck(Filters(region="53"))
    assert [s.slug for s in deck] == ["1-nombre-de-fabriques", "2-objectifs", "3-carte", "4-vagues",
                                      "5-types-de-territoire"]
    for slide in deck:
        assert "Version des données : " + read_manifest()["data_version"] in slide.footer
        assert "Filtres : Bretagne" in slide.footer and "Produit le 28 novembre 2026" in slide.footer
        assert slide.sentence and slide.title


def test_pngs_are_1920_by_1080_and_not_blank(brittany):
    deck, pngs = brittany
    assert len(pngs) == len(deck) == 5
    for slide, png in zip(deck, pngs):
        image = Image.open(io.BytesIO(png))
        assert image.size == (1920, 1080), slide.slug
        assert _spread(image) > 15, slide.slug  # a blank or single-colour image has a spread near 0
        # The title and the footer are drawn into the image, in their own bands.
        title_band = image.crop((0, 0, 1920, export_kit.TITLE_BAND))
        footer_band = image.crop((0, 1080 - export_kit.FOOTER_BAND, 1920, 1080))
        assert _spread(title_band) > 5 and _spread(footer_band) > 5, slide.slug


def test_image_figure_carries_title_source_version_date_and_filters(brittany):
    deck, _ = brittany
    figure = export_kit.slide_image_figure(deck[2])
    assert figure.layout.title.text == "Où sont les fabriques en Bretagne"
    assert (figure.layout.width, figure.layout.height) == (1920, 1080)
    footer = figure.layout.annotations[-1].text.replace("<br>", " ")
    for part in ("Source : ANCT", f"Version des données : {read_manifest()['data_version']}",
                 "Produit le 28 novembre 2026", "Filtres : Bretagne"):
        assert part in footer


def test_missing_chromium_says_what_to_install(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(export_kit.ExportError) as error:
        export_kit.browser_path()
    assert "apt-get install chromium" in str(error.value)
    assert "/nonexistent/chromium" in str(error.value)
    slide = slides.Slide("1-essai", "Essai sans navigateur", go.Figure(go.Bar(x=[1], y=[2])), "Phrase.", "Pied.")
    with pytest.raises(export_kit.ExportError, match="apt-get install chromium"):
        export_kit.slide_pngs([slide])


def test_a_browser_that_fails_gives_the_french_message(monkeypatch):
    # An executable that is not a browser: kaleido starts it and fails.
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    slide = slides.Slide("1-essai", "Essai navigateur défaillant", go.Figure(go.Bar(x=[1], y=[3])),
                         "Phrase.", "Pied.")
    with pytest.raises(export_kit.ExportError) as error:
        export_kit.slide_pngs([slide])
    message = str(error.value)
    assert message.startswith("Export d'image impossible") and "apt-get install chromium" in message


def test_renders_are_kept_per_slide_content(brittany, monkeypatch):
    """Counted, not timed: the same slides launch no browser again; other content does, once."""
    import dataclasses

    import kaleido

    launches = []

    def counted_render(jobs, **options):
        launches.append(len(jobs))
        for job in jobs:  # what a render leaves behind: one file per slide
            job["path"].write_bytes(b"rendu " + str(job["path"].name).encode())

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", counted_render)
    deck, pngs = brittany
    assert export_kit.slide_pngs(deck) == pngs
    assert launches == []  # the module's render of these slides is reused
    # Other content (one title changed) is rendered, once: the cache is keyed on what is drawn.
    changed = [dataclasses.replace(deck[0], title=deck[0].title + " (modifiée)"), *deck[1:]]
    first = export_kit.slide_pngs(changed)
    assert launches == [len(changed)] and first[0] != pngs[0]
    assert export_kit.slide_pngs(changed) == first and launches == [len(changed)]


def test_a_render_that_never_returns_is_reported(monkeypatch):
    monkeypatch.setattr(export_kit, "RENDER_TIMEOUT", 0.2)
    with pytest.raises(export_kit.ExportError, match="n'a pas répondu"):
        export_kit._within_time_limit(lambda: time.sleep(2))

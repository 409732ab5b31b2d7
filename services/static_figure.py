"""Figures that need no interaction, drawn by plotly on the server as static SVG (issue 25).

A gauge or a slide chart drawn by plotly.js costs the browser the plotly.js bundle (about
4.6 MB of script to fetch, parse and run) on a first visit. The same figure drawn once on the
server by plotly's own static export (kaleido, which drives Chromium) is a few kB of SVG that
the page places with `st.html`: no plotly.js at all when every figure of a page is static.

- `render_svgs(figures)`: one Chromium session for a batch of figures (starting the browser is
  most of the cost: about 2 to 8 s; then about 0.3 s a figure), kept per figure content.
  A service, as the exports (services/export_kit.py): it launches a browser.
- `sanitised_svg(raw, alt, ...)`: pure. The SVG is plotly's, but the text in it comes from the
  data: it is parsed and rebuilt from a list of allowed elements and attributes (no link, no
  script, no event handler, no external reference), the text escaped by the serialiser. The
  root gets role="img", an aria-label and a <title>: the figure's text alternative.
- Placing it: `st.markdown(figure.svg, unsafe_allow_html=True)`. Streamlit's `st.html` keeps
  HTML only (its sanitiser's HTML profile drops every SVG element); Markdown's raw HTML keeps
  inline SVG, and this module is then what vouches for the markup (the text's punctuation is
  written as character references, so no Markdown reads it).
- Theme: the text colour is rendered as a marker colour and rewritten to `currentColor`, so the
  inline SVG takes the page's text colour in the light and the dark theme alike (Streamlit's own
  chart theme does this for plotly.js figures).

The caller caches what it places per (data version, scope), as any built figure
(models/store.py); a figure is rendered again only if its content changes.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go

from services.export_kit import ExportError, INSTALL_HINT, _within_time_limit, browser_path

SVG_NS = "http://www.w3.org/2000/svg"
# Marker colours: whatever plotly writes in them becomes the page's text colour.
TEXT_MARKER = "rgb(1, 2, 3)"
GRID_MARKER = "rgb(1, 2, 4)"
GRID_OPACITY = "0.25"
RENDER_TIMEOUT_S = 120
ALLOWED_ELEMENTS = {"svg", "g", "defs", "clipPath", "rect", "path", "text", "tspan", "line", "circle",
                    "ellipse", "polygon", "polyline", "linearGradient", "radialGradient", "stop"}
# Elements whose text is kept but not the element (plotly writes a link as <a> in a title).
TEXT_ONLY_ELEMENTS = {"a"}
ALLOWED_ATTRIBUTES = {
    "class", "id", "x", "y", "dx", "dy", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "width", "height", "viewBox", "d", "points", "transform", "style", "text-anchor", "clip-path",
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "opacity",
    "font-family", "font-size", "font-weight", "font-style", "dominant-baseline", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "preserveAspectRatio",
}
# A reference may only point inside the figure (url(#id)), never to another resource.
URL_REFERENCE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
UNSAFE_STYLE = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|[<>\\]", re.IGNORECASE)
NAME = re.compile(r"^[A-Za-z_][\w.-]{0,100}$")
# ASCII punctuation that Markdown, its math and Streamlit's directives read; `&` and `;` are
# left alone (the serialiser's own references use them).
MARKDOWN_PUNCTUATION = re.compile(r"[!\"#$%'()*+,\-./:<=>?@\[\\\]^_`{|}~]")


class UnsafeSvg(ValueError):
    """The renderer's output is not an SVG this module can vouch for."""


@dataclass(frozen=True)
class StaticFigure:
    """A figure ready for `st.html(figure.svg)`; `alt` is its text alternative."""
    svg: str
    alt: str


def for_static_render(figure: go.Figure, width: int, height: int | None = None) -> go.Figure:
    """A copy of the figure with fixed pixel size and the marker colours for text and grid."""
    static = go.Figure(figure)
    size = {"width": width} | ({"height": height} if height else {})
    static.update_layout(font_color=TEXT_MARKER, **size)
    static.update_xaxes(gridcolor=GRID_MARKER, linecolor=TEXT_MARKER, tickcolor=TEXT_MARKER)
    static.update_yaxes(gridcolor=GRID_MARKER, linecolor=TEXT_MARKER, tickcolor=TEXT_MARKER)
    static.update_traces(selector={"type": "indicator"},
                         gauge={"axis": {"tickcolor": TEXT_MARKER}, "bordercolor": TEXT_MARKER})
    return static


def render_svgs(figures: list[go.Figure], alts: list[str], width: int = 600,
                height: int | None = None) -> tuple[StaticFigure, ...]:
    """Each figure as sanitised SVG with its text alternative, in one browser session."""
    if len(figures) != len(alts):
        raise ValueError("une alternative textuelle par figure")
    texts = tuple(for_static_render(figure, width, height).to_json() for figure in figures)
    raws = _render_cached(texts)
    return tuple(StaticFigure(sanitised_svg(raw, alt, id_prefix="f" + _digest(text)[:10]), alt)
                 for raw, text, alt in zip(raws, texts, alts))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def _render_cached(figure_jsons: tuple[str, ...]) -> tuple[bytes, ...]:
    """Raw SVG of each figure; one Chromium started for the whole batch."""
    browser_path()
    import kaleido
    from choreographer.errors import ChromeNotFoundError

    async def batch() -> list[bytes]:
        async with kaleido.Kaleido(n=1) as renderer:
            return [await renderer.calc_fig(json.loads(text), opts={"format": "svg"}) for text in figure_jsons]

    outcome: list = []
    try:
        # In a thread of its own (its own event loop), given up after RENDER_TIMEOUT_S.
        _within_time_limit(lambda: outcome.append(asyncio.run(batch())))
    except ChromeNotFoundError as error:
        raise ExportError(f"Figure statique impossible : Chromium est introuvable. {INSTALL_HINT}") from error
    except ExportError:
        raise
    except Exception as error:  # kaleido reports browser crashes and timeouts as many types
        raise ExportError(f"Figure statique impossible ({type(error).__name__}). {INSTALL_HINT}") from error
    return tuple(outcome[0])


# --- sanitising (pure) ----------------------------------------------------------------------
def sanitised_svg(raw: bytes | str, alt: str, id_prefix: str = "fig") -> str:
    """Plotly's SVG rebuilt from allowed elements and attributes, ids prefixed (several figures
    share one page), text and grid colours following the page's theme, and the text
    alternative on the root (role="img", aria-label, <title>)."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise UnsafeSvg("déclaration DOCTYPE ou ENTITY dans le SVG")
    try:
        source = ET.fromstring(text)
    except ET.ParseError as error:
        raise UnsafeSvg(f"SVG illisible : {error}") from error
    if _local(source.tag) != "svg":
        raise UnsafeSvg(f"racine inattendue : {_local(source.tag)}")
    if not NAME.match(id_prefix):
        raise ValueError(f"préfixe d'identifiant invalide : {id_prefix!r}")
    ET.register_namespace("", SVG_NS)
    root = _copy_element(source, id_prefix)
    width, height = source.get("width"), source.get("height")
    if "viewBox" not in root.attrib and width and height:
        root.set("viewBox", f"0 0 {width} {height}")
    # Scaled to its column, the aspect kept.
    root.attrib.pop("height", None)
    root.set("width", "100%")
    root.set("style", "height: auto; max-width: 100%; display: block;")
    root.set("role", "img")
    root.set("aria-label", alt)
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = alt
    root.insert(0, title)
    return _inert_text(ET.tostring(root, encoding="unicode"))


def _inert_text(markup: str) -> str:
    """Punctuation of the text nodes written as character references: the markup can be placed
    with st.markdown (the way Streamlit keeps inline SVG: its st.html drops SVG), where a `$`, a
    `*` or a `:` of the data would otherwise start a formula, an emphasis or an icon. The
    serialiser escaped every `>` of the attributes, so text nodes are exactly what lies between
    `>` and `<`."""
    return re.sub(r">([^<]+)<", lambda match: ">" + MARKDOWN_PUNCTUATION.sub(
        lambda char: f"&#{ord(char.group())};", match.group(1)) + "<", markup)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _copy_element(source: ET.Element, id_prefix: str) -> ET.Element:
    tag = _local(source.tag)
    element = ET.Element(f"{{{SVG_NS}}}{tag}")
    for name, value in source.attrib.items():
        name = _local(name)
        if name not in ALLOWED_ATTRIBUTES:
            continue  # event handlers, links, data-* (plotly keeps the raw text there) and all others
        cleaned = _attribute(name, value, id_prefix)
        if cleaned is not None:
            element.set(name, cleaned)
    element.text = source.text
    for child in source:
        child_tag = _local(child.tag)
        if child_tag in ALLOWED_ELEMENTS:
            element.append(_copy_element(child, id_prefix))
        elif child_tag in TEXT_ONLY_ELEMENTS:
            # Its text stays, as a plain tspan, without the element or its attributes.
            span = ET.SubElement(element, f"{{{SVG_NS}}}tspan")
            span.text = "".join(child.itertext())
        # Anything else (script, foreignObject, image, use, style…) is dropped with its content;
        # the text that follows it stays where it was.
        if child.tail:
            if len(element):
                element[-1].tail = (element[-1].tail or "") + child.tail
            else:
                element.text = (element.text or "") + child.tail
    return element


def _attribute(name: str, value: str, id_prefix: str) -> str | None:
    if name == "id":
        return f"{id_prefix}-{value}" if NAME.match(value) else None
    if name in {"style", "clip-path", "fill", "stroke"}:
        if UNSAFE_STYLE.search(value):
            return None
        value = _local_references(value, id_prefix)
        if value is None:
            return None
        return _themed(value)
    return value


def _local_references(value: str, id_prefix: str) -> str | None:
    """url(#id) rewritten to the prefixed id; any other url() refuses the attribute."""
    safe = True

    def rewrite(match: re.Match) -> str:
        nonlocal safe
        target = match.group(2)
        if not target.startswith("#") or not NAME.match(target[1:]):
            safe = False
            return ""
        return f"url(#{id_prefix}-{target[1:]})"

    rewritten = URL_REFERENCE.sub(rewrite, value)
    return rewritten if safe else None


def _themed(value: str) -> str:
    value = re.sub(rf"stroke:\s*{re.escape(GRID_MARKER)};\s*stroke-opacity:\s*[\d.]+",
                   f"stroke: currentColor; stroke-opacity: {GRID_OPACITY}", value)
    return value.replace(GRID_MARKER, "currentColor").replace(TEXT_MARKER, "currentColor")

"""Figures that need no interaction, drawn by plotly on the server as static SVG (issue 25).

A gauge or a slide chart drawn by plotly.js costs the browser the plotly.js bundle (about
4.6 MB of script to fetch, parse and run) on a first visit. The same figure drawn once on the
server by plotly's own static export (kaleido, which drives Chromium) is a few kB of SVG that
the page places with `st.markdown`: no plotly.js at all when every figure of a page is static.

- `render_svgs(figures)`: one Chromium session for a batch of figures (starting the browser is
  most of the cost: about 2 to 8 s; then about 0.3 s a figure), kept per figure content.
  A service, as the exports (services/export_kit.py): it launches a browser.
- `sanitised_svg(raw, alt, ...)`: pure. The SVG is plotly's, but the text in it comes from the
  data: it is parsed and rebuilt from a list of allowed elements and attributes (no link, no
  script, no event handler, no external reference), the text escaped by the serialiser. The
  root gets role="img", an aria-label and a <title>: the figure's text alternative.
- Placing it: `ResponsiveFigure.markup()`, each variant an `<img>` whose source is the sanitised
  SVG itself (a data URL) and whose `alt` is the text alternative, for `st.markdown(...,
  unsafe_allow_html=True)` (Streamlit's `st.html` keeps HTML only: its sanitiser's HTML profile
  drops every SVG element). As an image, the SVG is a document of its own: no script runs in
  it, nothing outside it is fetched, and the page's Markdown does not parse its elements. Inline,
  it did: the landing page's 28 variants hold 2,518 SVG elements for the browser's Markdown
  renderer to turn into components (issue 25, first visits of `/`, 7 each, alternated: 1,905 ms
  as images against 1,970 ms inline, the browser's script time 885 ms against 1,012 ms).
- Theme: the figure is rendered in the page's chart theme (PAGE_TEMPLATE: what Streamlit's theme
  gives a plotly.js figure), its text and grid colours as marker colours rewritten to
  `currentColor` (faded text and grid at an opacity). The image sets that colour to the theme's
  text colour (.streamlit/config.toml), the dark one under `prefers-color-scheme: dark`: the
  media query Streamlit itself follows to choose its theme (its menu, the only other way, is
  hidden: app/chrome.py). One SVG reads in the light and the dark theme alike, as plotly.js
  figures do under Streamlit's theme.

The caller caches what it places per (data version, scope), as any built figure
(models/store.py); a figure is rendered again only if its content changes.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import plotly.graph_objects as go

from services.export_kit import ExportError, INSTALL_HINT, _within_time_limit, browser_path

SVG_NS = "http://www.w3.org/2000/svg"
# Marker colours: whatever plotly writes in them becomes the page's text colour (at an opacity
# for the faded text and the grid), so that one SVG reads in the light and the dark theme.
TEXT_MARKER = "rgb(1, 2, 3)"
GRID_MARKER = "rgb(1, 2, 4)"
FADED_MARKER = "rgb(1, 2, 5)"
# On the light theme's white, the page's text colour (#161616) at these opacities gives the grey
# of Streamlit's grid (#e6eaf1) and, for its faded labels (#808495, 3.9:1), a slightly darker
# grey that reads at 4.5:1 or more on both themes (#737373 on white, #9f9f9f on #161616).
GRID_OPACITY = "0.1"
FADED_OPACITY = "0.6"
# What Streamlit 1.67's chart theme gives a figure drawn by plotly.js on this page (its
# layout.template, read in the browser), the colours replaced by the markers: the static
# figure looks as the figure drawn in the browser did (the figure's own settings still win).
PAGE_TEMPLATE = go.layout.Template(layout={
    "font": {"color": FADED_MARKER, "size": 12},
    "legend": {"title": {"font": {"size": 12, "color": FADED_MARKER}, "side": "top"}, "valign": "top",
               "bordercolor": "rgba(0,0,0,0)", "borderwidth": 0, "font": {"size": 12, "color": TEXT_MARKER}},
    "margin": {"pad": 8, "r": 0, "l": 0},
    "xaxis": {"gridcolor": GRID_MARKER, "zerolinecolor": GRID_MARKER, "tickcolor": GRID_MARKER,
              "showgrid": False, "zeroline": False, "automargin": True,
              "tickfont": {"color": FADED_MARKER, "size": 12},
              "title": {"font": {"color": FADED_MARKER, "size": 14}, "standoff": 20}},
    "yaxis": {"gridcolor": GRID_MARKER, "zerolinecolor": GRID_MARKER, "tickcolor": GRID_MARKER,
              "ticklabelposition": "outside", "automargin": True,
              "tickfont": {"color": FADED_MARKER, "size": 12},
              "title": {"font": {"color": FADED_MARKER, "size": 14}, "standoff": 24}},
    "title": {"font": {"size": 16, "color": TEXT_MARKER}, "pad": {"l": 4}, "xanchor": "left", "x": 0},
    "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
})
RENDER_TIMEOUT_S = 120
# The theme's text colours, light and dark: what `currentColor` is in a figure placed as an image.
THEME_FILE = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
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
    """A figure ready for `st.markdown(figure.svg, unsafe_allow_html=True)`; `alt` is its text alternative."""
    svg: str
    alt: str


def for_static_render(figure: go.Figure, width: int, height: int | None = None) -> go.Figure:
    """A copy of the figure at a fixed pixel size, in the page's chart theme (PAGE_TEMPLATE)."""
    static = go.Figure(figure)
    size = {"width": width} | ({"height": height} if height else {})
    static.update_layout(template=PAGE_TEMPLATE, **size)
    # plotly's dark grey (#444) for a dial's outline and ticks: the page's text colour instead.
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


@dataclass(frozen=True)
class ResponsiveFigure:
    """One figure rendered at several widths, narrowest first. In the page each variant is
    scaled to its column (at most by the ratio of two neighbouring widths) and only the one the
    column fits is shown (CSS container queries, `css()`): plotly lays a figure out for its
    width (ticks, legend lines, margins), which scaling alone would not do on a phone."""
    name: str  # a CSS name: the variants' classes and rules are this figure kind's own
    variants: tuple[tuple[int, str], ...]  # (rendered width in px, sanitised SVG)
    alt: str

    def markup(self) -> str:
        """The variants as images, for `st.markdown(..., unsafe_allow_html=True)`; on one line
        (a blank line would end Markdown's HTML block). Built once per figure."""
        return self._markup

    @cached_property
    def _markup(self) -> str:
        return (f'<div class="figure-statique fs-{self.name}">'
                + "".join(f'<div class="fs-{self.name}-{width}">{image(svg, self.alt)}</div>'
                          for width, svg in self.variants)
                + "</div>")

    def css(self) -> str:
        """Which variant shows at which column width: the widest not wider than the column
        (the narrowest below it)."""
        return variants_css(self.name, tuple(width for width, _ in self.variants))


def variants_css(name: str, widths: tuple[int, ...]) -> str:
    if not NAME.match(name):
        raise ValueError(f"nom de figure invalide : {name!r}")
    rules = [f".fs-{name} {{ container-type: inline-size; width: 100%; }}",
             f".fs-{name} > div {{ display: none; }}",
             f".fs-{name} > div > img {{ display: block; width: 100%; height: auto; }}"]
    for index, width in enumerate(widths):
        low = "" if index == 0 else f"(min-width: {width}px)"
        high = "" if index == len(widths) - 1 else f"(max-width: {widths[index + 1] - 0.02}px)"
        condition = " and ".join(part for part in (low, high) if part) or "(min-width: 0px)"
        rules.append(f"@container {condition} {{ .fs-{name} > .fs-{name}-{width} {{ display: block; }} }}")
    # The widest is not enlarged beyond its width, centred in a wider column (as plotly.js
    # centres a figure whose height limits it).
    rules.append(f".fs-{name} > .fs-{name}-{widths[-1]} > img {{ max-width: {widths[-1]}px; margin: 0 auto; }}")
    return "\n".join(rules)


def render_responsive(items: list[tuple[str, go.Figure, str, tuple[int, ...]]]) -> tuple[ResponsiveFigure, ...]:
    """(name, figure, alt, widths) → each figure at each of its widths, in one browser session."""
    texts = tuple(for_static_render(figure, width).to_json()
                  for _, figure, _, widths in items for width in widths)
    raws = iter(zip(_render_batch(texts), texts))
    return tuple(ResponsiveFigure(name, tuple(
        (width, sanitised_svg(raw, alt, id_prefix="f" + _digest(text)[:10]))
        for width, (raw, text) in zip(widths, raws)), alt) for name, _, alt, widths in items)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def _render_cached(figure_jsons: tuple[str, ...]) -> tuple[bytes, ...]:
    return _render_batch(figure_jsons)


def _render_batch(figure_jsons: tuple[str, ...]) -> tuple[bytes, ...]:
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


@lru_cache(maxsize=1)
def theme_text_colors() -> tuple[str, str]:
    """(light, dark): the text colours of the app's two themes."""
    theme = tomllib.loads(THEME_FILE.read_text(encoding="utf-8"))["theme"]
    colors = (theme["light"]["textColor"], theme["dark"]["textColor"])
    for color in colors:
        if not HEX_COLOR.match(color):
            raise ValueError(f"couleur de texte du thème invalide : {color!r}")
    return colors


def image(svg: str, alt: str) -> str:
    """A sanitised SVG (`sanitised_svg`) as an `<img>`: the SVG as its data URL, in the theme's
    text colour (the dark theme's under `prefers-color-scheme: dark`), `alt` as its text
    alternative (its punctuation as character references, as the SVG's text)."""
    light, dark = theme_text_colors()
    style = f"<style>svg {{ color: {light}; }} @media (prefers-color-scheme: dark) {{ svg {{ color: {dark}; }} }}</style>"
    # The first ">" closes the root's opening tag: the serialiser escaped those of the attributes.
    themed = svg.replace(">", ">" + style, 1)
    source = base64.b64encode(themed.encode("utf-8")).decode("ascii")
    text = MARKDOWN_PUNCTUATION.sub(lambda char: f"&#{ord(char.group())};", html.escape(alt, quote=False))
    return f'<img src="data:image/svg+xml;base64,{source}" alt="{text}">'


def _inert_text(markup: str) -> str:
    """Punctuation of the text nodes written as character references: the markup can be placed
    inline with st.markdown (its st.html drops SVG), where a `$`, a `*` or a `:` of the data would
    otherwise start a formula, an emphasis or an icon (the bench's test page does). The
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
    for marker, opacity in ((GRID_MARKER, GRID_OPACITY), (FADED_MARKER, FADED_OPACITY)):
        value = re.sub(rf"(fill|stroke):\s*{re.escape(marker)};\s*(fill|stroke)-opacity:\s*[\d.]+",
                       rf"\1: currentColor; \1-opacity: {opacity}", value)
    for marker in (GRID_MARKER, FADED_MARKER, TEXT_MARKER):
        value = value.replace(marker, "currentColor")
    return value

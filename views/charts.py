"""Settings every plotly figure shares: French separators, DSFR colours, readable type.

On screen, Streamlit's chart theme colours the text, axes and grid for the light or the dark
theme the user sees: builders therefore leave the text colour unset. A figure that is also
exported (the slides) gets fixed colours on a white page from `on_white_page`.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

from views.colors import GREY_GRID, GREY_TEXT, WHITE

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def add_annotations(figure: go.Figure, annotations: list[dict]) -> None:
    """Add many annotations in one step. plotly's add_annotation checks again every annotation the
    figure already holds, so a chart of n labelled bars added one by one cost n² checks: the
    Territoires page of a région took most of its time there (the warm-up at start, a first visit)."""
    if annotations:  # an assignment: update_layout would walk the figure's whole tree for each one
        figure.layout.annotations = (*figure.layout.annotations, *annotations)


def french_layout(figure: go.Figure, **layout) -> go.Figure:
    # separators: decimal comma, then a no-break space between thousands ("1 800", "42,5").
    figure.update_layout(
        separators=",\u00a0",
        font={"family": FONT, "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        **layout,
    )
    return figure


def on_white_page(figure: go.Figure) -> go.Figure:
    """Fixed dark text on a white page: the same on screen (either theme), in the PNG and the PPTX."""
    figure.update_layout(font_color=GREY_TEXT, paper_bgcolor=WHITE, plot_bgcolor=WHITE)
    figure.update_xaxes(gridcolor=GREY_GRID, zerolinecolor=GREY_GRID)
    figure.update_yaxes(gridcolor=GREY_GRID, zerolinecolor=GREY_GRID)
    return figure


# Names above bars -------------------------------------------------------------------------------
# The server builds a figure once for every screen: it cannot know the width it will be drawn at.
# A name written beside its bar takes its own width out of the bars' (half of a phone's 360 px for
# "Provence-Alpes-Côte d'Azur") and is cut when it is longer; written above the bar, from the
# plot's left edge, it leaves the bars the chart's whole width at any size. Plotly never wraps a
# text: a name is wrapped here, at LINE_CHARS characters, which fit the narrowest chart the pages
# are made for (a 390 px phone: about 340 px of plot).
LINE_CHARS = 40
LABEL_FONT_PX = 13
LABEL_LINE_PX = 17


def wrapped(text: str, width: int = LINE_CHARS) -> str:
    """Lines of at most `width` characters joined by <br> (a no-break space keeps two words together)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


@dataclass(frozen=True)
class BarRows:
    """Where the bars of `labels_above_bars` lie: one band of `band_px` per category, its name on
    top, then its bar(s) `bar_px` thick, from `start` (in category units) below the band's centre."""
    band_px: int
    bar_px: int
    start: float
    bar_width: float  # in category units

    def centre(self, index: int, bar: int = 0) -> float:
        """The middle of a category's `bar`-th bar, in the axis's units (for a text beside it)."""
        return index + self.start + (bar + 0.5) * self.bar_width


def bar_rows(figure: go.Figure, labels: list[str], bar_px: int, *, grouped: bool = False,
             gap_px: int = 10, font_size: int = LABEL_FONT_PX) -> BarRows:
    """Where labels_above_bars will place the bars of `figure` (same arguments), before it does:
    texts placed against the bars can then be added with the names, in one step."""
    lines = max(label.count("<br>") + 1 for label in labels)
    line_px = round(LABEL_LINE_PX * font_size / LABEL_FONT_PX)
    label_px = lines * line_px + 4
    places = sum(trace.type == "bar" for trace in figure.data) if grouped else 1
    band_px = label_px + places * bar_px + gap_px
    return BarRows(band_px, bar_px, -0.5 + label_px / band_px, bar_px / band_px)


def labels_above_bars(figure: go.Figure, labels: list[str], bar_px: int, *, grouped: bool = False,
                      gap_px: int = 10, font_size: int = LABEL_FONT_PX,
                      more_annotations: tuple[dict, ...] = ()) -> BarRows:
    """Write each category's name (its traces' `y`, in order) above its bar(s), from the plot's left
    edge, and hide the names beside the bars. Grouped bars (one per trace) are placed one under the
    other; stacked or single bars share one place. A name may hold <br> (see `wrapped`): every band
    has room for the longest. Returns where the bars lie; the figure's height is the caller's
    (`len(labels) * band_px` plus its margins). `more_annotations` are added with the names."""
    rows = bar_rows(figure, labels, bar_px, grouped=grouped, gap_px=gap_px, font_size=font_size)
    bars = [trace for trace in figure.data if trace.type == "bar"]
    for k, trace in enumerate(bars):
        # An explicit offset takes a trace out of plotly's grouping: each is placed here.
        trace.update(offset=rows.start + (k if grouped else 0) * rows.bar_width, width=rows.bar_width)
    add_annotations(figure, [
        {"x": 0, "xref": "paper", "xanchor": "left", "y": index - 0.5, "yref": "y", "yanchor": "top",
         "text": label, "showarrow": False, "align": "left", "font": {"size": font_size}}
        for index, label in enumerate(labels)] + list(more_annotations))
    figure.update_yaxes(showticklabels=False, ticks="", autorange=False, range=[len(labels) - 0.5, -0.5])
    return rows

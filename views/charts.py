"""Settings every plotly figure shares: French separators, DSFR colours, readable type.

On screen, Streamlit's chart theme colours the text, axes and grid for the light or the dark
theme the user sees: builders therefore leave the text colour unset. A figure that is also
exported (the slides) gets fixed colours on a white page from `on_white_page`.
"""
from __future__ import annotations

import plotly.graph_objects as go

from views.colors import GREY_GRID, GREY_TEXT, WHITE

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


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

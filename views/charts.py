"""Settings every plotly figure shares: French separators, DSFR colours, readable type."""
from __future__ import annotations

import plotly.graph_objects as go

from views.colors import GREY_TEXT

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def french_layout(figure: go.Figure, **layout) -> go.Figure:
    # separators: decimal comma, then a no-break space between thousands ("1 800", "42,5").
    figure.update_layout(
        separators=",\u00a0",
        font={"family": FONT, "color": GREY_TEXT, "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        **layout,
    )
    return figure

"""The national gauges of the Synthèse page (heading, figure, readings, sentence), for the two
test pages of make bench that compare plotly.js with static SVG (issue 25). Read from the page's
own model (models/synthese.py), so both test pages hold what a visitor of / sees."""
from __future__ import annotations

from views import filters as flt
from models import scope as scopes
from models import synthese


def national_gauges() -> list[dict]:
    """One dict per national target: heading, figure, readings (Markdown), sentence (alt)."""
    model = synthese.page(scopes.of(flt.Filters()))
    return [{"id": gauge.target_id, "heading": gauge.heading, "figure": gauge.figure,
             "readings": gauge.readings, "sentence": gauge.sentence}
            for gauge in model.gauges]

"""The national gauges of the Synthèse page (heading, figure, readings, sentence), for the two
test pages of make bench that compare plotly.js with static SVG (issue 25). Built from the same
query and builders as the page, so both test pages hold what a visitor of / sees."""
from __future__ import annotations

from datetime import date

import queries
from domain.territory_types import DEFAULT_RURAL_DEFINITION
from views import synthese

NATIONAL = {"region": None, "departement": None, "epci": None, "territoire": None,
            "rural_definition": DEFAULT_RURAL_DEFINITION}


def national_gauges() -> list[dict]:
    """One dict per national target: heading, figure, readings (Markdown), sentence (alt)."""
    list_date = date.fromisoformat(queries.read_manifest()["laureates_list_date"])
    targets = queries.run("progress_toward_targets", **NATIONAL)
    gauges = synthese.gauges_to_show(targets, True)
    return [{"id": target.target_id, "heading": synthese.gauge_heading(target),
             "figure": synthese.progress_gauge(target, list_date),
             "readings": synthese.gauge_readings_markdown(target, list_date),
             "sentence": synthese.progress_sentence(target, True, "France entière", list_date, targets)}
            for target in gauges.itertuples()]

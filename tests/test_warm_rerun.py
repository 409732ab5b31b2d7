"""A warm rerun (same filter) only sends what was built: it runs no query, and the grids get
the very bytes Streamlit's own conversion would have made (counted, never timed)."""
from __future__ import annotations

import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import queries
from conftest import ROOT
from models.grid import for_grid
from views import laureats as lv
from views.filters import Filters


def _page(page: str, query: dict) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "synthese":
        app.switch_page(f"pages/{page}.py").run()
    app.run()  # warm: this filter's objects are built
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("page", ["synthese", "territoires", "laureats", "carte", "donnees", "presentation"])
@pytest.mark.parametrize("query", [{}, {"region": "53"}], ids=["france", "bretagne"])
def test_a_warm_rerun_runs_no_query(monkeypatch, page, query):
    app = _page(page, query)
    before = [element.value for element in app.metric]
    calls = []
    original = queries.run_at

    def counted(version, name, **params):
        calls.append(name)
        return original(version, name, **params)

    monkeypatch.setattr(queries, "run_at", counted)
    app.run()
    assert not app.exception, app.exception
    assert calls == [], f"{page} relancée avec le même filtre a exécuté {calls}"
    assert [element.value for element in app.metric] == before  # and shows the same figures


def test_a_grid_gets_the_bytes_streamlit_would_have_made():
    found = lv.sort_laureates(queries.run("laureates_list", **Filters().params(), search=None),
                              next(iter(lv.SORTS)))
    table = lv.laureates_table(found, Filters().rural_definition)
    assert len(table) == 382
    assert (dataframe_util.convert_arrow_table_to_arrow_bytes(for_grid(table))
            == dataframe_util.convert_pandas_df_to_arrow_bytes(table))

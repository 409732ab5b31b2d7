"""Models are kept per (surface, scope): a warm rerun sends them as built, concurrent requests of
one key build once, and an import is seen at once by a page that was already open."""
from __future__ import annotations

import copy
import json
import pickle

import plotly.graph_objects as go
import pydeck as pdk
from streamlit.testing.v1 import AppTest

import threading

from models import store
from conftest import ROOT, copy_data
from pipeline import import_workflow, versions
from pipeline.import_workflow import ImportRequest
from test_import_versions import list_with_new_fabriques


def test_built_once_per_key_and_version():
    calls = []

    def build():
        calls.append(1)
        return go.Figure(go.Bar(x=["a"], y=[len(calls)]))

    first = store.kept("test_once", ("v1", "53", "insee"), build)
    assert store.kept("test_once", ("v1", "53", "insee"), build) is first
    assert len(calls) == 1
    # Another filter, another data version: built again, never the older entry.
    assert store.kept("test_once", ("v1", "76", "insee"), build) is not first
    newer = store.kept("test_once", ("v2", "53", "insee"), build)
    assert newer is not first and newer.data[0].y == (3,)
    assert len(calls) == 3


def test_a_failing_build_is_not_kept():
    outcomes = iter([RuntimeError("extrait illisible"), "figure"])

    def build():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    try:
        store.kept("test_failing", ("v1",), build)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the builder's error should reach the page")
    assert store.kept("test_failing", ("v1",), build) == "figure"


def test_a_sent_figure_is_the_same_json_and_its_copies_are_plain_figures():
    def build():
        figure = go.Figure(go.Indicator(mode="gauge+number", value=382))
        return figure.update_layout(separators=",\u00a0", height=210)

    reference = build().to_dict()
    sent = store.kept("test_sent", ("v1",), build)
    assert isinstance(sent, store.SentFigure)
    assert sent.to_dict() == reference
    assert sent.to_dict() is sent.to_dict()  # made once, then only sent

    # The exports add a title to a deep copy: the copy is a plain figure with the change,
    # the figure on screen keeps its own dict.
    for duplicate in (copy.deepcopy(sent), pickle.loads(pickle.dumps(sent))):
        assert type(duplicate) is go.Figure
        duplicate.update_layout(title="Copie", height=1080)
        assert duplicate.to_dict()["layout"]["height"] == 1080
    assert sent.to_dict() == reference
    assert "_grid_str" not in sent.to_dict()


def test_a_sent_deck_keeps_its_json_and_tooltip():
    def build():
        layer = pdk.Layer("ScatterplotLayer", [{"p": [2.35, 48.85]}], id="points", get_position="p")
        return pdk.Deck(layers=[layer], map_provider=None, tooltip={"text": "{t}"})

    reference = json.loads(build().to_json())
    deck = store.kept("test_deck", ("v1",), build)
    assert isinstance(deck, pdk.Deck)
    assert json.loads(deck.to_json()) == reference
    assert deck.to_json() is deck.to_json()
    assert deck._tooltip == {"text": "{t}"}


def test_figures_inside_tuples_and_lists_are_sent_as_built():
    value = store.kept("test_nested", ("v1",), lambda: (go.Figure(), "texte", [go.Figure()]))
    assert isinstance(value[0], store.SentFigure) and isinstance(value[2][0], store.SentFigure)


def _gauge_values(app) -> list[int]:
    specs = [json.loads(element.proto.spec) for element in app.main
             if type(element).__name__ == "UnknownElement" and element.type == "plotly_chart"]
    return [trace["value"] for spec in specs for trace in spec["data"] if trace.get("type") == "indicator"]


def _chart_numbers(app) -> set[int]:
    """Every whole number drawn in the page's plotly charts (values, texts, hover data)."""
    import re

    specs = [element.proto.spec for element in app.main
             if type(element).__name__ == "UnknownElement" and element.type == "plotly_chart"]
    return {int(n) for spec in specs for n in re.findall(r"(?<![\d.])(\d{3})(?![\d.])", spec)}


def _deck_points(app) -> list[dict]:
    """The point records of the page's deck: its layers name files (app/web/static_points.py)."""
    from app.web import static_points

    decks = [json.loads(element.proto.json) for element in app.main
             if type(element).__name__ == "UnknownElement" and element.type == "deck_gl_json_chart"]
    return [record for layer in decks[0]["layers"] if layer["id"].startswith("fabriques-")
            for record in json.loads(static_points.file_of_url(layer["data"]))]


def test_an_import_is_seen_at_once_by_an_open_warm_page(tmp_path, monkeypatch):
    """Pages built and cached on one version; an import; the same sessions rerun."""
    data_dir = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    synthese = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    carte = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    carte.switch_page("pages/carte.py").run()
    for app in (synthese, carte):
        app.run()  # warm: every figure of this filter and version is in the cache
        assert not app.exception, app.exception
    assert synthese.metric[0].value == "382" and 382 in _gauge_values(synthese)
    assert 385 not in _chart_numbers(synthese)
    points_before = _deck_points(carte)

    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    import_workflow.apply(import_workflow.preview(listing.name, listing.read_bytes(), data_dir), data_dir,
                          ImportRequest("agent", source="ANCT"))
    assert versions.read_manifest(data_dir)["extracts"]["laureates"]["rows"] == 385

    synthese.run()
    carte.run()
    assert not synthese.exception and not carte.exception
    assert synthese.metric[0].value == "385"
    # The gauges judge each target at its deadline (the new fabriques come after it); the
    # chart of announced totals draws the list's own count: built again on the new version.
    assert 385 in _chart_numbers(synthese)
    assert carte.metric[0].value == "385"
    # Rennes and Guéret already have a fabrique; Saint-Denis (La Réunion) too: the points are
    # communes, so the deck must at least be rebuilt from the new list (its tooltips say 2).
    # Its point files are named by the new version: no browser keeps the old ones for it.
    deck_text = json.dumps([element.proto.json for element in carte.main
                            if type(element).__name__ == "UnknownElement"
                            and element.type == "deck_gl_json_chart"], ensure_ascii=False)
    assert f"version={versions.read_manifest(data_dir)['data_version']}" in deck_text
    points_after = _deck_points(carte)
    assert any("Fabrique du Limousin" in record["t"] for record in points_after)
    assert not any("Fabrique du Limousin" in record["t"] for record in points_before)
    assert len(points_after) >= len(points_before) > 300


def test_large_entries_are_kept_fewer():
    assert store.MAX_LARGE_ENTRIES < store.MAX_ENTRIES
    first = store.kept("test_large", ("v1", "53"), lambda: go.Figure(), large=True)
    assert store.kept("test_large", ("v1", "53"), lambda: go.Figure(), large=True) is first
    for index in range(store.MAX_LARGE_ENTRIES):
        store.kept("test_large", ("v1", f"autre-{index}"), lambda: go.Figure(), large=True)
    # The oldest entry is gone: built again.
    assert store.kept("test_large", ("v1", "53"), lambda: go.Figure(), large=True) is not first


def test_concurrent_requests_of_one_key_build_once():
    """Two sessions (or a page and an API call) asking the same model at the same time: the
    second waits for the first one's build and gets the same object."""
    started, release = threading.Event(), threading.Event()
    calls, results = [], []

    def build():
        calls.append(1)
        started.set()
        release.wait(10)
        return go.Figure()

    def ask():
        results.append(store.kept("test_concurrent", ("v1", "53"), build))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(10)
    second = threading.Thread(target=ask)
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 1 and len(results) == 2 and results[0] is results[1]

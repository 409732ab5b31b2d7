"""AppTest: the dashboard and its Synthèse page, with and without filters, and bad inputs."""
import pytest

import queries
from conftest import copy_data, run_app


def _metrics(app):
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize(
    "query, fabriques",
    [
        ({}, "382"),
        ({"region": "53"}, "23"),
        ({"departement": "971"}, "2"),
        ({"region": "76", "territoire": "rural"}, None),
        ({"territoire": "rural", "rural": "hors_grands_centres"}, "182"),
    ],
)
def test_synthese_runs_with_filters(query, fabriques):
    app = run_app(query=query)
    assert not app.exception
    metrics = _metrics(app)
    assert "Fabriques dans la liste" in metrics
    if fabriques:
        assert metrics["Fabriques dans la liste"] == fabriques
    assert not app.warning  # valid filters: no notice


@pytest.mark.parametrize(
    "query",
    [
        {"region": "53'; drop table laureates; --"},
        {"departement": "9" * 10_000},
        {"territoire": "<img src=x onerror=alert(1)>"},
        {"rural": "[lien](http://exemple.invalid)"},
        {"region": "00"},
    ],
)
def test_hostile_parameters_are_ignored_with_a_notice(query):
    app = run_app(query=query)
    assert not app.exception
    assert len(app.warning) == 1 and "ignoré" in app.warning[0].value
    assert "http://" not in app.warning[0].value
    assert _metrics(app)["Fabriques dans la liste"] == "382"


def test_empty_combination_shows_a_french_empty_state():
    app = run_app(query={"departement": "978", "territoire": "qpv"})
    assert not app.exception
    assert any("Aucune fabrique" in info.value for info in app.info)


def test_regional_filter_speaks_of_share_of_national_total():
    app = run_app(query={"region": "53"})
    captions = " ".join(c.value for c in app.caption)
    assert "6,0\u00a0% des 382 fabriques de France" in captions
    assert "il n'existe pas d'objectif régional" in captions


def test_sidebar_filter_changes_the_figures_and_the_url():
    app = run_app()
    app.selectbox(key="filter_region").set_value("53").run()
    assert _metrics(app)["Fabriques dans la liste"] == "23"
    assert app.query_params["region"] == "53"
    app.selectbox(key="filter_departement").set_value("29").run()
    assert app.query_params["departement"] == "29"
    app.selectbox(key="filter_region").set_value("11").run()  # Finistère is not in Île-de-France
    assert "departement" not in app.query_params
    assert _metrics(app)["Fabriques dans la liste"] == "35"


def test_missing_extract_gives_a_french_page_naming_file_and_command(tmp_path, monkeypatch):
    data = copy_data(tmp_path / "data")
    (data / "laureates.parquet").unlink()
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data))
    app = run_app()
    assert not app.exception
    assert app.title[0].value == "Données indisponibles"
    assert "laureates.parquet" in app.error[0].value and "make data" in app.error[0].value


def test_corrupt_extract_gives_the_same_page(tmp_path, monkeypatch):
    data = copy_data(tmp_path / "data")
    (data / "regions.parquet").write_bytes(b"PAR1 ceci n'est pas un fichier parquet")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data))
    app = run_app()
    assert not app.exception
    assert "regions.parquet" in app.error[0].value and "make data" in app.error[0].value


def test_missing_manifest(tmp_path, monkeypatch):
    data = copy_data(tmp_path / "data")
    (data / "manifest.json").unlink()
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data))
    app = run_app()
    assert not app.exception
    assert "manifest.json" in app.error[0].value


def test_a_single_fabrique_is_singular():
    app = run_app(query={"departement": "978"})  # Saint-Martin: one fabrique, type undetermined
    captions = " ".join(c.value for c in app.caption)
    assert "1 fabrique dans la liste" in captions and "1 fabriques" not in captions
    assert "0 fabrique en commune avec QPV dans la liste" in captions


@pytest.mark.parametrize("definition", ["insee", "hors_grands_centres"])
def test_rural_card_names_the_definition_chosen(definition):
    """The rural card says which definition it counts ('En commune rurale (INSEE)' or 'Hors
    grands centres urbains'), and the count is the one of that definition."""
    from domain.labels import scope_label

    app = run_app(query={"rural": definition})
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    headline = queries.run("headline_counts", region=None, departement=None, epci=None,
                           territoire=None, rural_definition=definition).iloc[0]
    label = {"insee": "En commune rurale (INSEE)", "hors_grands_centres": "Hors grands centres urbains"}[definition]
    assert scope_label("rural", definition) == label
    assert metrics[label] == str(headline.rural)
    assert "En commune rurale" not in metrics


def test_by_default_the_rural_card_and_the_rural_gauge_tell_one_figure():
    """The default definition is the rural target's own: the card and the gauge's list count are the
    same number (182), under the same name, and the gauge judges the target on 126 at its deadline."""
    app = run_app()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Hors grands centres urbains"] == "182"
    texts = " ".join(m.value for m in app.markdown)
    assert "**Hors grands centres urbains** — objectif 150 au 31 décembre 2021" in texts
    assert "Dans la liste de janvier 2024 : **182**" in texts
    assert "rural" not in " ".join(metrics).lower()  # no bare "rural" label: the definition's name


def test_closed_expanders_send_no_grid_until_opened():
    """Issue 15: nothing hidden is computed. The two tables of Synthèse are in closed expanders
    that track their state: closed, no grid is built or sent; opened, each shows its table."""
    app = run_app()
    assert not app.exception
    assert [e.label for e in app.expander][:1] == ["Voir les jauges en tableau"]
    assert len(app.dataframe) == 0
    app.session_state["synthese_gauges_table"] = True
    app.run()
    assert len(app.dataframe) == 1 and "Objectif" in " ".join(app.dataframe[0].value.columns)
    app.session_state["synthese_announced_table"] = True
    app.run()
    assert len(app.dataframe) == 2 and "Source" in app.dataframe[1].value.columns

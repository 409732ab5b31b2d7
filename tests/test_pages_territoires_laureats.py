"""AppTest: the Territoires and Lauréats pages with filters, search (hostile included), the
detail card and the download buttons."""
import pytest

from conftest import run_app
from views.laureats import SEARCH_MAX_CHARS, clean_search


def _page(path, query=None):
    app = run_app(query=query)
    app.switch_page(path).run()
    assert not app.exception
    return app


def _metrics(app):
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize(
    "query, fabriques, departements, without",
    [
        ({}, "382", "101 + Saint-Martin", "1"),
        ({"region": "76"}, "42", "13", "0"),
        ({"region": "53"}, "23", "4", "0"),
        ({"departement": "978"}, "1", "Saint-Martin", "0"),
        ({"region": "02", "territoire": "rural"}, "0", "1", "1"),
        ({"region": "53", "territoire": "qpv"}, "8", "4", None),
    ],
)
def test_territoires_runs_with_filters(query, fabriques, departements, without):
    app = _page("pages/territoires.py", query)
    metrics = _metrics(app)
    assert metrics["Fabriques dans le périmètre"] == fabriques
    assert metrics["Départements du périmètre"] == departements
    if without is not None:
        assert metrics["Départements sans fabrique"] == without
    # Each chart has its table tab.
    labels = [tab.label for tab in app.tabs]
    assert labels.count("Graphique") == labels.count("Tableau") >= 3
    assert "arrondissements" in " ".join(m.value for m in app.markdown)
    if fabriques == "0":
        assert any("Aucune fabrique dans la liste pour ce périmètre" in i.value for i in app.info)
    if "territoire" in query:
        assert any("recensement 2023 des tiers-lieux ne distingue pas" in i.value for i in app.info)


def test_territoires_lists_the_departements_without_fabrique():
    app = _page("pages/territoires.py")
    gaps = next(frame.value for frame in app.dataframe if "Département" in frame.value.columns
                and "Fabriques" not in frame.value.columns)
    assert list(gaps["Département"]) == ["Territoire de Belfort"]
    text = " ".join(m.value for m in app.markdown)
    assert ("1 département sur 101 n'a aucune fabrique. Saint-Martin (collectivité d'outre-mer, comptée "
            "à part) compte au moins une fabrique.") in text
    # The 2023 wave is said in words, its recorded detail quoted whole (no cut table cell).
    wave = next(m.value for m in app.markdown if m.value.startswith("Pour mémoire, la vague lancée"))
    assert "> 80 projets dans 144 territoires" in wave and "Source : [banquedesterritoires.fr](" in wave
    assert "pas d'objectif régional" in text


def test_territoires_ignores_a_hostile_url():
    app = run_app(query={"region": "<script>alert(1)</script>", "departement": "9" * 10_000})
    assert len(app.warning) == 2  # the filter bar's notices, on the first page shown
    app.switch_page("pages/territoires.py").run()
    assert not app.exception
    assert _metrics(app)["Fabriques dans le périmètre"] == "382"


def test_territoires_offers_the_press_kit_of_the_filter():
    """Prepared on request; the PDF's content is read back in tests/test_announcement_kit.py."""
    app = _page("pages/territoires.py", {"departement": "29"})
    assert not [d for d in app.get("download_button") if "dossier de presse" in d.proto.label]
    app.button(key="territoires_press_kit").click().run()
    assert not app.exception and not app.error
    downloads = [d for d in app.get("download_button") if "dossier de presse" in d.proto.label]
    assert len(downloads) == 1


def _search(app, text):
    app.text_input(key="laureates_search").input(text).run()
    assert not app.exception
    return app


def _list(app):
    frames = [frame.value for frame in app.dataframe if "Identifiant" in frame.value.columns]
    return frames[0] if frames else None


def test_laureats_lists_the_filter_and_offers_downloads():
    app = _page("pages/laureats.py", {"region": "53"})
    table = _list(app)
    assert len(table) == 23
    assert list(table.columns[:3]) == ["Identifiant", "Nom", "Commune"]
    assert set(table["Région"]) == {"Bretagne"}
    buttons = app.get("download_button")
    assert len(buttons) == 2
    # The detail card of the first fabrique, as text.
    texts = [t.value for t in app.text]
    assert table["Nom"].iloc[0] in texts
    assert any("déduite" in t for t in texts)


def test_laureats_search_ignores_accents_and_case():
    app = _search(_page("pages/laureats.py"), "SAINT-etienne")
    table = _list(app)
    assert len(table) == 3 and set(table["Commune"]) == {"Saint-Étienne"}
    assert any(c.value.startswith("3 fabriques sur 382") for c in app.caption)


def test_laureats_sort_and_detail_selector():
    app = _page("pages/laureats.py", {"region": "53"})
    app.selectbox(key="laureates_sort").set_value("commune").run()
    communes = list(_list(app)["Commune"])
    assert communes == sorted(communes, key=lambda c: c.lower().replace("é", "e"))
    app.selectbox(key="laureates_detail").set_value("fabt-96").run()
    assert not app.exception
    assert "LES COLS VERTS RENNES" in [t.value for t in app.text]


@pytest.mark.parametrize(
    "search",
    ["%", "_", "'", "\\", "' or 1=1 --", "<img src=x onerror=alert(1)>", "**gras** [lien](http://x)",
     "x" * 10_000],
)
def test_laureats_hostile_search_finds_nothing_unexpected(search):
    app = _search(_page("pages/laureats.py"), search)
    table = _list(app)
    if search == "'":
        assert table is not None and all(
            "'" in f"{row.Nom}{row.Commune}{row.Département}" for row in table.itertuples())
    elif len(search) > SEARCH_MAX_CHARS:
        # The widget refuses a text over its limit: the list stays whole.
        assert len(app.text_input(key="laureates_search").value) <= SEARCH_MAX_CHARS
        assert len(table) == 382
    else:
        assert table is None
        assert any("Aucune fabrique ne correspond à la recherche" in i.value for i in app.info)
    # The search text is never echoed in Markdown.
    assert not any("onerror" in m.value or "http://x" in m.value for m in app.markdown)


def test_laureats_empty_filter_says_so():
    app = _page("pages/laureats.py", {"region": "02", "territoire": "rural"})
    assert _list(app) is None
    assert any("Aucune fabrique dans la liste pour ce périmètre" in i.value for i in app.info)


@pytest.mark.parametrize(
    "raw, search, notice",
    [
        (None, None, False),
        ("", None, False),
        ("   ", None, False),
        ("  Réalmont ", "Réalmont", False),
        ("a\x00b\nc\ud800", "abc", False),  # control characters and a lone surrogate dropped
        ("x" * 10_000, "x" * SEARCH_MAX_CHARS, True),
    ],
)
def test_search_text_is_cleaned_and_capped(raw, search, notice):
    cleaned, message = clean_search(raw)
    assert cleaned == search
    assert (message is not None) == notice
    if notice:
        assert "limitée à 100 caractères" in message


def test_hidden_tabs_and_closed_expanders_send_no_grid():
    """Issue 15: each chart's "Tableau" tab builds its grid only once chosen, and the closed
    population expander builds none; chosen or opened, they show their tables."""
    def grids(app):
        return [list(frame.value.columns) for frame in app.dataframe]

    app = _page("pages/territoires.py")
    assert [columns[:3] for columns in grids(app)] == [["Code", "Département", "Région"]]  # départements without fabrique
    charts = len(app.get("plotly_chart"))
    assert charts >= 3  # each chart is drawn in its "Graphique" tab, shown first
    app.session_state["counts_by_region_tabs"] = "Tableau"
    app.session_state["territoires_epci_coverage"] = True
    app.run()
    assert not app.exception
    regions = next(frame.value for frame in app.dataframe if list(frame.value.columns)[:2] == ["Région", "Fabriques"])
    assert len(regions) >= 18
    assert sum("Intercommunalités" in columns for columns in grids(app)) == 2
    assert len(app.get("plotly_chart")) == charts - 1  # the régions' chart, its tab hidden, is not sent

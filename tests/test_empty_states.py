"""A filter that matches no fabrique (Saint-Martin has no commune with a QPV): every page says
so in French, without an exception and without an empty chart."""
import pytest

from conftest import run_app
from domain.format import fr_percent

EMPTY = {"departement": "978", "territoire": "qpv"}
SCOPE = "Saint-Martin (978) — communes avec QPV"


def _open(path: str):
    app = run_app(query=EMPTY)
    app.switch_page(path).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_filter_really_matches_no_fabrique():
    from queries import run

    headline = run("headline_counts", region=None, departement="978", epci=None, territoire="qpv",
                   rural_definition="insee").iloc[0]
    assert headline.fabriques == 0 and headline.national_fabriques > 0


@pytest.mark.parametrize("path", ["pages/synthese.py", "pages/territoires.py", "pages/carte.py",
                                  "pages/laureats.py", "pages/presentation.py"])
def test_filtered_pages_say_there_is_no_fabrique(path):
    app = _open(path)
    notices = [info.value for info in app.info]
    assert any(notice.startswith("Aucune fabrique dans la liste pour ce périmètre") and SCOPE in notice
               for notice in notices), notices
    assert len(app.title) == 1


def test_carte_draws_no_map_and_laureats_no_table_when_empty():
    carte = _open("pages/carte.py")
    assert carte.get("deck_gl_json_chart") == []
    assert carte.toggle == []  # the map's options are not offered for an empty map
    laureats = _open("pages/laureats.py")
    assert laureats.dataframe == [] and laureats.get("download_button") == []


@pytest.mark.parametrize("slide, chart", [("1", False), ("3", False), ("4", True), ("5", False)])
def test_presentation_replaces_the_empty_slides_by_a_notice(slide, chart):
    app = run_app(query={**EMPTY, "slide": slide})
    app.switch_page("pages/presentation.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == (1 if chart else 0)  # the waves' timeline is national
    notices = [info.value for info in app.info]
    assert any("cette diapositive n'a rien à montrer" in notice for notice in notices) != chart
    assert "Quitter la présentation" in [link.proto.label for link in app.get("page_link")]


def test_synthese_gauges_show_zero_shares_not_blank_charts():
    app = _open("pages/synthese.py")
    captions = " ".join(caption.value for caption in app.caption)
    assert f"{SCOPE} : 0 fabrique dans la liste de janvier 2024, soit {fr_percent(0.0)} des" in captions


def test_donnees_says_the_filters_do_not_apply():
    app = _open("pages/donnees.py")
    assert any("Les filtres du panneau latéral ne s'appliquent pas à cette page" in c.value for c in app.caption)


@pytest.mark.parametrize("path", ["pages/synthese.py", "pages/carte.py"])
def test_embedded_views_point_to_their_address_not_to_a_sidebar(path, monkeypatch):
    """The embeddable views (?embed=true) have no sidebar: their empty notice names the URL
    parameters that set their scope; the pages keep pointing to the sidebar."""
    from app import context

    monkeypatch.setattr(context, "embedded", lambda: True)
    app = _open(path)
    notices = [info.value for info in app.info if info.value.startswith("Aucune fabrique")]
    assert len(notices) == 1, [info.value for info in app.info]
    assert SCOPE in notices[0]
    assert "panneau latéral" not in notices[0]
    assert "Cette vue intégrée prend son périmètre dans son adresse (paramètres `region`, `departement`, " \
           "`epci` et `territoire`)" in notices[0]
    assert app.sidebar.selectbox == []  # really the embedded view: no filter widgets
    monkeypatch.undo()
    page = _open(path)
    assert any("panneau latéral" in info.value for info in page.info
               if info.value.startswith("Aucune fabrique"))

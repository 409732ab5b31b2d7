"""AppTest of the Présentation page: every slide, a filter, bad slide numbers and views, the
presenter's window (buttons, what comes next, the link to the audience's window, the way out)
and the audience's (the slide only), the permalink with an unknown or an older data version, and
a missing Chromium."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data
from pipeline import versions
from queries import read_manifest

NBSP = "\u00a0"
TITLES = ["Fabriques de territoire", "Objectifs du programme", "Où sont les fabriques",
          "Les vagues annoncées depuis 2020", "Types de territoire"]

BRITTANY_TITLES = ["Fabriques de territoire en Bretagne", "Part des fabriques de France en Bretagne",
                   "Où sont les fabriques en Bretagne", "Les vagues annoncées depuis 2020 (France entière)",
                   "Types de territoire en Bretagne"]


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/presentation.py").run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """The text a reader sees: the page escapes every markup character of data text."""
    return re.sub(r"\\(.)", r"\1", markdown)


def title(at) -> str:
    return plain(at.title[0].value)


def sentence(at) -> str:
    return next(plain(m.value) for m in at.markdown if m.value.startswith("**À lire :**"))


def footer(at) -> str:
    return next(plain(c.value) for c in at.caption if "Version des données" in c.value)


def projection_link(at) -> str:
    return next(b.proto.url for b in at.get("link_button") if "projection" in b.proto.label)


def permalink(at) -> str:
    return next(c.value for c in at.code if "/presentation?" in c.value)


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_slide_shows_title_sentence_footer_and_its_number_in_the_url(number):
    at = open_page({"slide": str(number)})
    assert title(at) == TITLES[number - 1]
    assert len(sentence(at)) > 40
    version = read_manifest()["data_version"]
    assert f"Version des données : {version}" in footer(at) and "Filtres : France entière" in footer(at)
    assert at.query_params["slide"] == [str(number)] or at.query_params["slide"] == str(number)
    assert not at.warning
    assert any(m.value == f"**Diapositive {number} sur 5**" for m in at.markdown)
    assert permalink(at).endswith(f"/presentation?slide={number}&version={version}")
    assert projection_link(at) == f"/presentation?slide={number}&vue=projection"
    following = [plain(m.value) for m in at.markdown if m.value.startswith(("Ensuite", "C'est la dernière"))]
    assert following == ([f"Ensuite : {TITLES[number]}"] if number < 5 else ["C'est la dernière diapositive."])
    assert any(c.value.startswith("Source") and "Version" not in c.value for c in at.caption)  # the audience's line


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_slide_honours_the_region_filter(number):
    at = open_page({"region": "53", "slide": str(number)})
    assert "Filtres : Bretagne" in footer(at)
    if number != 4:  # the waves timeline is national: it says so instead
        assert "Bretagne" in title(at)
    else:
        assert sentence(at).startswith("**À lire :** Les annonces du programme sont nationales")
    assert "region=53" in permalink(at) and f"slide={number}" in permalink(at)


def test_region_filter_headline_reads_the_brittany_sentence():
    at = open_page({"region": "53"})
    assert sentence(at).startswith(
        f"**À lire :** En Bretagne, la liste de l'ANCT de janvier 2024 compte 23 fabriques de territoire, soit 6,0{NBSP}% des 382"
    )
    assert "quartier prioritaire de la politique de la ville (QPV)" in sentence(at)


def test_territory_filter_reaches_the_slides():
    at = open_page({"departement": "29", "territoire": "rural", "slide": "5"})
    assert "Finistère (29) — hors grands centres urbains" in footer(at)
    assert "rural : « hors grands centres urbains »" in footer(at)
    assert sentence(at).startswith("**À lire :** Dans le Finistère, sur ")


@pytest.mark.parametrize("raw, says", [("0", "n'existe pas"), ("6", "n'existe pas"), ("99999999999", "n'existe pas"),
                                       ("abc", "illisible"), ("-1", "illisible"), ("2.5", "illisible"),
                                       ("<script>alert(1)</script>", "illisible")])
def test_bad_slide_numbers_go_to_the_first_slide_with_a_notice(raw, says):
    at = open_page({"slide": raw})
    assert title(at) == TITLES[0]
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and says in notices[0] and "retour à la première" in notices[0]
    assert "<script>" not in notices[0]
    assert at.query_params["slide"] in ("1", ["1"])


def test_buttons_step_through_the_slides():
    at = open_page({"region": "53"})
    previous, following = at.button(key="diapositive_precedente"), at.button(key="diapositive_suivante")
    assert previous.disabled and not following.disabled
    for number in range(2, 6):
        at.button(key="diapositive_suivante").click().run()
        assert title(at) == BRITTANY_TITLES[number - 1]
        assert at.query_params["slide"] in (str(number), [str(number)])
    assert at.button(key="diapositive_suivante").disabled
    at.button(key="diapositive_precedente").click().run()
    assert at.query_params["slide"] in ("4", ["4"])


@pytest.mark.parametrize("number", [1, 3, 5])
def test_the_audience_window_shows_the_slide_only(number):
    at = open_page({"region": "53", "slide": str(number), "vue": "projection"})
    assert title(at) == BRITTANY_TITLES[number - 1]
    assert not at.button and not at.get("link_button") and not at.get("page_link") and not at.get("popover")
    shown_texts = [m.value for m in at.markdown if not m.value.startswith("<style>")] + [c.value for c in at.caption]
    assert [plain(t) for t in shown_texts] == [next(s.source_line for s in _deck(number))]
    assert not at.warning and at.query_params["vue"] in ("projection", ["projection"])


def _deck(number):
    from datetime import date

    from models import presentation
    from models import scope as scopes
    return [presentation.screen_slides(scopes.from_url({"region": "53"})[0], date.today())[number - 1]]


@pytest.mark.parametrize("query, says", [
    ({"vue": "tableau", "slide": "3"}, "Vue inconnue (« tableau »)"),
    ({"vue": "<b>x</b>", "slide": "4"}, "Vue inconnue"),
    ({"vue": "projection", "slide": "9"}, "La diapositive 9 n'existe pas"),
])
def test_a_bad_view_or_slide_goes_to_the_first_slide_with_a_notice(query, says):
    at = open_page({"region": "53", **query})
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and says in notices[0] and "<b>" not in notices[0]
    assert title(at) == BRITTANY_TITLES[0] and at.query_params["slide"] in ("1", ["1"])
    # An unknown view opens the presenter's window; the projection stays the projection.
    assert bool(at.button) == (query["vue"] != "projection")


def test_the_presenter_has_a_way_out_and_opens_the_audience_window():
    at = open_page({"region": "53", "slide": "2"})
    way_out = [link for link in at.get("page_link") if link.proto.label == "Quitter la présentation"]
    assert len(way_out) == 1 and way_out[0].proto.query_string == "region=53"
    assert projection_link(at) == "/presentation?region=53&slide=2&vue=projection"
    assert any("À savoir" in c.value for c in at.caption)


def test_unknown_version_says_so_and_shows_the_current_figures():
    at = open_page({"region": "53", "version": "0123456789ab"})
    notices = [w.value for w in at.warning]
    assert any("version des données inconnue" in n and "0123456789ab" in n for n in notices)
    current = read_manifest()["data_version"]
    assert f"Version des données : {current}" in footer(at)
    assert f"version={current}" in permalink(at)
    assert "23 fabriques" in sentence(at)


def test_hostile_version_is_not_echoed():
    at = open_page({"version": "../../etc/passwd<b>"})
    notices = " ".join(w.value for w in at.warning)
    assert "inconnue" in notices and "/" not in notices.split("(")[1] and "<b>" not in notices


@pytest.fixture
def newer_data(tmp_path, monkeypatch):
    """A data folder whose current version dropped Brittany's fabriques; the shipped one archived."""
    directory = copy_data(tmp_path / "data")
    old_version = read_manifest(directory)["data_version"]
    laureates = pd.read_parquet(directory / "laureates.parquet")
    kept = laureates[laureates.reg_code != "53"]
    buffer = io.BytesIO()
    kept.to_parquet(buffer, index=False)
    manifest = versions.publish_laureates(directory, buffer.getvalue(), len(kept), {})
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(directory))
    return old_version, manifest["data_version"]


def test_older_version_permalink_offers_the_figures_as_they_were(newer_data):
    old_version, new_version = newer_data
    assert old_version != new_version
    at = open_page({"region": "53", "slide": "1", "version": old_version})
    info = " ".join(i.value for i in at.info)
    assert "ont changé" in info and old_version in info and new_version in info
    # First the current figures (Brittany emptied in the newer version)...
    assert "aucune fabrique" in sentence(at)
    assert f"Version des données : {new_version}" in footer(at)
    # ...and, on request, the figures as they were.
    at.toggle(key="presentation_as_they_were").set_value(True).run()
    assert not at.exception
    assert "compte 23 fabriques de territoire" in sentence(at)
    assert f"Version des données : {old_version}" in footer(at)
    assert f"version={old_version}" in permalink(at)


def test_missing_chromium_is_said_and_the_rest_keeps_working(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = open_page({"slide": "2"})
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "apt-get install chromium" in errors[0]
    assert title(at) == TITLES[1]
    labels = [b.label for b in at.button]  # navigation still there, no image nor deck
    assert "Suivante" in labels and "Préparer l'image et le diaporama" not in labels
    # The press kit is drawn without a browser: it still downloads.
    at.button(key="presentation_press_kit").click().run()
    assert not at.exception and len(at.error) == 1
    pdf = [d for d in at.get("download_button") if "dossier de presse" in d.proto.label]
    assert len(pdf) == 1


def test_missing_font_is_said_and_the_other_exports_keep_working(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUES_PDF_FONT_DIR", str(tmp_path))
    at = open_page({"region": "53", "slide": "3"})
    at.button(key="presentation_press_kit").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "fonts-dejavu-core" in errors[0] and "Dossier de presse impossible" in errors[0]
    assert title(at) == BRITTANY_TITLES[2]
    # The image and the deck are still offered (they need Chromium, not the font).
    assert any("Préparer l'image et le diaporama" in b.label for b in at.button)

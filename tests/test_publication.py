"""The accessibility declaration and the legal notices: the committed test results are those of
the code served, the conformity state follows the RGAA rule, the pages render what the audit,
the operator's settings and the manifest say, and the French chrome is what it claims."""
from __future__ import annotations

import copy
import json

import pytest
from streamlit.testing.v1 import AppTest

import test_browser_accessibility as browser_test
from app import chrome
from conftest import ROOT
from services import publication
from views import declarations as dc

COMMITTED = publication.read_audit()


def _sample_audit() -> dict:
    """A synthetic audit in the file's shape (the committed one when there is one)."""
    if COMMITTED is not None:
        return copy.deepcopy(COMMITTED)
    views = {browser_test._key(page, scope, theme): {"blocking": [], "other": [], "streamlit_english": []}
             for page in browser_test.PAGES for scope in browser_test.SCOPES for theme in browser_test.THEMES}
    views["carte/france/dark"]["other"] = ["moderate region"]
    views["synthese/france/light"]["streamlit_english"] = ["Main menu"]
    return {"generated": "2026-11-29T01:00:00+00:00", "commit": "0123456789ab",
            "code_fingerprint": publication.code_fingerprint(), "streamlit": "1.67.0",
            "axe_core": "4.12.1", "browser": "131.0", "rgaa_audit": None, "views": views,
            "keyboard": {"passed": True, "steps": ["un", "deux"]},
            "browser_storage": {"cookies": ["_streamlit_xsrf"], "local_storage": ["stSidebarSectionsState-"],
                                "session_storage": []}}


AUDIT = _sample_audit()


def test_committed_audit_was_measured_on_the_streamlit_served():
    """A Streamlit upgrade changes its own words and widgets: the declaration must be measured
    again (`make audit`). A change to the pages shows on /accessibilite ("Code servi : modifié
    depuis la mesure", from the fingerprint); the browser test fails when the committed results
    differ from what the browser measures. With no results committed, the page says so."""
    import streamlit

    assert COMMITTED is not None, (
        "docs/accessibilite/audit.json manque : /accessibilite déclarerait le service non conforme "
        "faute de résultats. Lancez `make audit` et validez le fichier.")
    assert COMMITTED["streamlit"] == streamlit.__version__, (
        "Streamlit a changé depuis la dernière mesure d'accessibilité : lancez `make audit` "
        "(navigateur, une vingtaine de minutes) et validez docs/accessibilite/audit.json.")


def test_without_results_the_page_says_so_and_declares_non_conforme(monkeypatch, tmp_path):
    monkeypatch.setattr(publication, "AUDIT_PATH", tmp_path / "absent.json")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/accessibilite.py").run()
    assert any("introuvables" in warning.value for warning in at.warning)
    assert "**non conforme**" in _markdown(at)


def test_the_page_says_whether_the_code_served_is_the_code_measured():
    facts = dict(dc.audit_facts(AUDIT, AUDIT["code_fingerprint"]))
    assert facts["Code servi"] == "identique au code mesuré"
    facts = dict(dc.audit_facts(AUDIT, "autre"))
    assert facts["Code servi"].startswith("modifié depuis la mesure")


def test_audit_covers_every_page_scope_and_theme_the_browser_test_visits():
    expected = {browser_test._key(page, scope, theme) for page in browser_test.PAGES
                for scope in browser_test.SCOPES for theme in browser_test.THEMES}
    assert set(AUDIT["views"]) == expected
    assert set(dc.PAGE_TITLES) == set(browser_test.PAGES)


def test_every_page_of_the_navigation_is_audited():
    routed = {line.split('"pages/')[1].split('.py"')[0]
              for line in (ROOT / "dashboard.py").read_text().splitlines() if 'st.Page("pages/' in line}
    assert routed == set(browser_test.PAGES)


def test_every_english_string_cookie_and_storage_key_found_is_explained():
    found = {text for view in AUDIT["views"].values() for text in view["streamlit_english"]}
    assert found <= set(dc.STREAMLIT_STRINGS)
    assert set(AUDIT["browser_storage"]["cookies"]) <= set(dc.COOKIE_PURPOSES)
    assert set(AUDIT["browser_storage"]["local_storage"]) <= set(dc.STORAGE_PURPOSES)


def _audit(blocking=(), keyboard=True, rgaa=None) -> dict:
    audit = copy.deepcopy(AUDIT)
    first = next(iter(audit["views"]))
    audit["views"][first]["blocking"] = list(blocking)
    audit["keyboard"]["passed"] = keyboard
    audit["rgaa_audit"] = rgaa
    return audit


@pytest.mark.parametrize("audit, state, reasons", [
    (None, "non conforme", 1),
    ("no rgaa audit", "non conforme", 1),
    ("blocking", "non conforme", 2),
    ("keyboard fails", "non conforme", 2),
    ("rgaa 106/106", "totalement conforme", 0),
    ("rgaa 60/106", "partiellement conforme", 1),
    ("rgaa 40/106", "non conforme", 1),
    ("rgaa 106/106 but blocking", "non conforme", 1),
])
def test_conformity_state_follows_the_rgaa_rule(audit, state, reasons):
    rgaa = lambda met: {"criteria_met": met, "criteria_applicable": 106}  # noqa: E731
    audits = {
        None: None,
        "no rgaa audit": _audit(),
        "blocking": _audit(blocking=["serious color-contrast"]),
        "keyboard fails": _audit(keyboard=False),
        "rgaa 106/106": _audit(rgaa=rgaa(106)),
        "rgaa 60/106": _audit(rgaa=rgaa(60)),
        "rgaa 40/106": _audit(rgaa=rgaa(40)),
        "rgaa 106/106 but blocking": _audit(blocking=["critical aria-required-children"], rgaa=rgaa(106)),
    }
    conformity = dc.conformity(audits[audit])
    assert conformity.state == state
    assert len(conformity.reasons) == reasons
    assert dc.link_label(audits[audit]) == f"Accessibilité : {state}"


def test_measured_state_counts_come_from_the_audit():
    audit = _audit(blocking=["serious color-contrast"])
    text = dc.measured_state(audit)
    assert f"{len(audit['views'])} vues vérifiées" in text
    assert "**1 violation grave ou critique**" in text
    table = dc.results_table(audit)
    assert table["Vues vérifiées"].sum() == len(audit["views"])
    assert table["Violations graves ou critiques"].sum() == 1
    assert any("color-contrast" in line for line in dc.non_conformities(audit))


def test_licences_are_the_manifests():
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text())
    table = dc.licences_table(manifest)
    assert set(table.Licence) == {source["licence"] for source in manifest["sources"]}
    assert table["Fichiers sources"].sum() == len(manifest["sources"])


def test_fingerprint_follows_the_audited_files(tmp_path):
    for name in ("dashboard.py", "pages/a.py", ".streamlit/config.toml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    before = publication.code_fingerprint(tmp_path)
    (tmp_path / "pages" / "a.py").write_text("x = 2\n")
    assert publication.code_fingerprint(tmp_path) != before
    (tmp_path / "pages" / "a.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not audited\n")
    assert publication.code_fingerprint(tmp_path) == before


def _open(page: str, monkeypatch, settings: dict | None = None) -> AppTest:
    for variable in publication.OPERATOR_SETTINGS.values():
        monkeypatch.delenv(variable, raising=False)
    for name, value in (settings or {}).items():
        monkeypatch.setenv(publication.OPERATOR_SETTINGS[name], value)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _markdown(at) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_accessibility_page_states_the_derived_conformity(monkeypatch):
    at = _open("pages/accessibilite.py", monkeypatch)
    text = _markdown(at)
    assert f"**{dc.conformity(COMMITTED).state}**" in text
    if COMMITTED is not None:
        assert dc.measured_state(COMMITTED) in text
    assert "Libre réponse 71120" in text and "09 69 39 00 00" in text
    assert "FABRIQUES_CONTACT" in text  # unset here: the page says who must fill it


def test_operator_settings_are_shown_as_text(monkeypatch):
    hostile = "<b>Hébergeur</b> [lien](javascript:alert(1))"
    at = _open("pages/mentions_legales.py", monkeypatch,
               {"hebergeur": hostile, "contact": "accessibilite@example.org"})
    texts = [element.value for element in at.text]
    assert hostile in texts and "accessibilite@example.org" in texts
    assert hostile not in _markdown(at)


def test_legal_notices_say_what_is_unset_and_what_the_browser_keeps(monkeypatch):
    at = _open("pages/mentions_legales.py", monkeypatch)
    text = _markdown(at)
    assert "FABRIQUES_HEBERGEUR" in text
    assert "non renseigné par l'exploitant (variable FABRIQUES_DIRECTEUR_PUBLICATION)" in [t.value for t in at.text]
    if COMMITTED is None:
        assert "Aucune mesure des cookies n'est disponible." in text
    else:
        for cookie in COMMITTED["browser_storage"]["cookies"]:
            assert f"`{cookie}`" in text
    assert "gatherUsageStats = false" in text


def test_config_hides_the_menu_and_sends_no_usage_statistics():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert 'toolbarMode = "minimal"' in config
    assert "gatherUsageStats = false" in config
    assert '[data-testid="stMainMenu"]' in chrome.HIDE_ENGLISH_CONTROLS
    assert '[data-testid="stElementToolbar"]' in chrome.HIDE_ENGLISH_CONTROLS  # charts' and the map's


def test_translations_target_strings_streamlit_really_has():
    """A Streamlit upgrade that renames a string must not leave a dead translation."""
    import streamlit_strings

    scoped = [text for texts in chrome.SCOPED_TEXTS.values() for text in texts]
    for text in [*chrome.TEXTS, *chrome.ARIA_LABELS, *chrome.GRID_TEXTS, *scoped]:
        # (A word spelt the same in French, "Distinct", is not in the list of English strings.)
        assert text in streamlit_strings.builtin_strings() or text in streamlit_strings.ALSO_FRENCH, text
    for prefix in chrome.ARIA_PREFIXES:
        if prefix.endswith(": "):  # an element toolbar's "<label>: <the grid's alt>"
            assert prefix[:-2] in streamlit_strings.builtin_strings(), prefix
            assert streamlit_strings.is_builtin(prefix + "liste des fabriques"), prefix  # the sweep sees it
            continue
        assert prefix in streamlit_strings.template_prefixes(), prefix
        assert prefix in streamlit_strings.TEMPLATE_PREFIXES, prefix  # the sweep looks for it


def test_data_grids_keep_a_french_toolbar_without_its_raw_csv():
    """The grids' toolbar is shown (search, full screen, columns), its English named in French;
    its CSV (cells written raw, commas) is hidden: the pages' own downloads neutralise formulas.
    The toolbars of charts and of the map stay hidden."""
    hidden = chrome.HIDE_ENGLISH_CONTROLS
    assert '[data-testid="stElementToolbar"]:not([data-testid="stDataFrame"] *)' in hidden
    assert 'button[aria-label^="Download as CSV"]' in hidden
    assert f'button[aria-label^="{chrome.ARIA_LABELS["Download as CSV"]}"]' in hidden
    for english in ("Search", "Fullscreen", "Show/hide columns", "Previous Result", "Next Result", "Close Search",
                    "Dataframe column menu", "Expand sidebar"):
        assert not streamlit_strings_looks_english(chrome.ARIA_LABELS[english]), english
    assert chrome.ARIA_LABELS["Expand sidebar"].startswith("Filtres")  # the visible word first
    assert 'content: "Filtres"' in hidden


def streamlit_strings_looks_english(label: str) -> bool:
    import streamlit_strings

    return streamlit_strings.looks_english(label)

"""An import records the list's source, licence and date (asked on the Données page and by the
command line, prefilled with the version in service) and every footer then cites them; an
import without a source is refused in French."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data
from pipeline import importer, versions
from pipeline.build import LAUREATES_LICENCE, LAUREATES_SOURCE_NAME
from test_page_donnees import listing_bytes, logged_in

SOURCE = "ANCT, liste des Fabriques de territoire (octobre 2024)"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    directory = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def listing(data_dir, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(listing_bytes(data_dir))
    return path


def cli(listing, data_dir, *extra) -> int:
    return importer.main([str(listing), "--yes", "--user", "test", "--data-dir", str(data_dir), *extra])


def footer_text(page: str) -> str:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    if page != "pages/synthese.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return next(c.value for c in at.caption if "Version des données" in c.value)


def test_cli_import_records_source_licence_and_list_date_and_the_footer_cites_them(data_dir, listing):
    assert cli(listing, data_dir, "--source", SOURCE, "--licence", "Licence Ouverte 2.0",
               "--date-liste", "28/10/2024") == 0
    manifest = versions.read_manifest(data_dir)
    assert manifest["laureates_source"] == f"{SOURCE}, Licence Ouverte 2.0"
    assert manifest["laureates_list_date"] == "2024-10-28"
    assert manifest["laureates_attribution"] == {"source": SOURCE, "licence": "Licence Ouverte 2.0"}
    assert manifest["imported"]["file_name"] == "x.csv"
    assert versions.read_history(data_dir)[-1]["source"] == f"{SOURCE}, Licence Ouverte 2.0"
    laureates = versions.read_extract(data_dir, manifest, "laureates")
    assert laureates.source.str.startswith(f"{SOURCE}, Licence Ouverte 2.0 (fichier « x.csv »").all()
    footer = footer_text("pages/laureats.py")
    assert f"Source : {SOURCE}, Licence Ouverte 2.0." in footer
    assert "Liste importée" not in footer


def test_cli_licence_and_date_default_to_the_version_in_service(data_dir, listing):
    before = versions.read_manifest(data_dir)
    assert cli(listing, data_dir, "--source", SOURCE) == 0
    manifest = versions.read_manifest(data_dir)
    assert manifest["laureates_source"] == f"{SOURCE}, {LAUREATES_LICENCE}"
    assert manifest["laureates_list_date"] == before["laureates_list_date"]


@pytest.mark.parametrize("extra", [[], ["--source", "   "]])
def test_cli_import_without_a_source_is_refused_and_names_the_flag(data_dir, listing, capsys, extra):
    before = versions.read_manifest(data_dir)
    assert cli(listing, data_dir, *extra) == 1
    message = capsys.readouterr().err
    assert "Indiquez la source de la liste" in message and "--source" in message
    assert "Rien n'a été importé" in message
    assert versions.read_manifest(data_dir) == before


def test_cli_refuses_a_list_date_in_the_future(data_dir, listing, capsys):
    assert cli(listing, data_dir, "--source", SOURCE, "--date-liste",
               date(date.today().year + 1, 1, 1).isoformat()) == 1
    assert "Date de la liste" in capsys.readouterr().err


def test_page_asks_the_attribution_prefilled_and_the_footer_cites_it(data_dir, monkeypatch):
    at = logged_in(monkeypatch)
    at.file_uploader[0].set_value(("x.csv", listing_bytes(data_dir), "text/csv")).run()
    assert not at.exception, at.exception
    # Prefilled with the version in service (built from the ANCT list).
    assert at.text_input(key="import_source").value == LAUREATES_SOURCE_NAME
    assert at.text_input(key="import_licence").value == LAUREATES_LICENCE
    assert at.date_input(key="import_list_date").value == date(2024, 1, 26)
    at.text_input(key="import_source").input(SOURCE)
    at.date_input(key="import_list_date").set_value(date(2024, 10, 28))
    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    assert any("Import réussi" in s.value for s in at.success)
    manifest = versions.read_manifest(data_dir)
    assert manifest["laureates_source"] == f"{SOURCE}, {LAUREATES_LICENCE}"
    assert manifest["laureates_list_date"] == "2024-10-28"
    footer = next(c.value for c in at.caption if "Version des données" in c.value)
    assert f"Source : {SOURCE}, {LAUREATES_LICENCE}." in footer and "Liste importée" not in footer
    assert f"{SOURCE}, {LAUREATES_LICENCE}" in [t.value for t in at.text]  # Version en service


def test_page_refuses_an_import_without_a_source(data_dir, monkeypatch):
    before = versions.read_manifest(data_dir)
    at = logged_in(monkeypatch)
    at.file_uploader[0].set_value(("x.csv", listing_bytes(data_dir), "text/csv")).run()
    at.text_input(key="import_source").input("").run()
    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    assert any("Indiquez la source de la liste" in e.value for e in at.error)
    assert versions.read_manifest(data_dir) == before

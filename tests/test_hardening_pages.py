"""Issue 12, defects 4, 6 and 7: hostile URL parameters, malformed manifests and archives,
versions that never went into service; a French error page that names no server path."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data, run_app
from pipeline import import_workflow, versions
from services import imports
from views.slides import slide_number_from_url


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def texts(at) -> str:
    return "\n".join(e.value for e in [*at.title, *at.error, *at.warning, *at.info])


@pytest.mark.parametrize("raw", ["²", "³", "9" * 5000, "١", "1e3", "-1", "0x1", " 2 "])
def test_slide_numbers_are_parsed_strictly(raw):
    number, notice = slide_number_from_url(raw, 5)
    assert number == (2 if raw == " 2 " else 1)
    assert (notice is None) == (raw == " 2 ")
    if notice:
        assert len(notice) < 120  # a 5,000-digit value is not echoed whole


@pytest.mark.parametrize("query", [{"slide": "²"}, {"slide": "9" * 5000}, {"region": "٥٣" * 3000},
                                   {"version": "f" * 5000}, {"departement": "²"}])
def test_hostile_url_parameters_never_crash_the_presentation(query):
    at = open_page("pages/presentation.py", query)
    assert not at.exception, at.exception
    assert "indisponibles" not in texts(at)


def publish(directory, rows: int) -> dict:
    """Another laureate list put in service through the import workflow (history included)."""
    laureates = pd.read_parquet(directory / "laureates.parquet").head(rows)
    listing = pd.DataFrame({"id_territoire": laureates.fabrique_id, "id_geo": laureates.commune_code,
                            "lib_territoire": laureates["name"]}).to_csv(sep=";", index=False).encode()
    candidate = import_workflow.preview("liste.csv", listing, directory)
    return import_workflow.apply(candidate, directory, import_workflow.ImportRequest("agent", True, source="ANCT"))


def test_a_malformed_manifest_gives_the_french_unavailable_page(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    (data_dir / "manifest.json").write_text("{}")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    at = run_app()
    assert not at.exception, at.exception
    assert at.title[0].value == "Données indisponibles"
    assert "manifest.json" in at.error[0].value and "data_version" in at.error[0].value
    assert str(tmp_path) not in texts(at)  # no server path
    with pytest.raises(versions.VersionError, match="incomplet"):
        versions.read_manifest(data_dir)


def test_an_archive_without_data_version_is_not_offered_and_breaks_nothing(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    base = versions.read_manifest(data_dir)["data_version"]
    publish(data_dir, 380)
    archive = versions.archived_manifest_path(data_dir, base)
    broken = json.loads(archive.read_text())
    del broken["data_version"]
    archive.write_text(json.dumps(broken))
    assert imports.restorable_versions(data_dir) == []
    with pytest.raises(versions.VersionError):
        versions.rollback(data_dir, base, "agent")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    at = open_page("pages/donnees.py")
    assert not at.exception, at.exception


def test_a_permalink_to_an_archive_whose_extract_is_gone_says_data_unavailable(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    imported = publish(data_dir, 380)["to_version"]
    versions.rollback(data_dir, versions.list_versions(data_dir)[0]["version"], "agent")
    (data_dir / "versions" / imported / "laureates.parquet").unlink()
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    at = open_page("pages/presentation.py", {"version": imported})
    at.toggle(key="presentation_as_they_were").set_value(True).run()
    assert not at.exception, at.exception
    assert "Données indisponibles" in [t.value for t in at.title]
    message = " ".join(e.value for e in at.error)
    assert f"versions/{imported}/laureates.parquet" in message and "n'est pas disponible" in message
    assert str(tmp_path) not in message


def test_a_version_written_but_never_put_in_service_is_not_offered(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    laureates = pd.read_parquet(data_dir / "laureates.parquet").head(380)
    buffer = io.BytesIO()
    laureates.to_parquet(buffer, index=False)
    real_write = versions.atomic_write

    def killed_at_the_switch(directory, target, content):
        if target.name == "manifest.json" and target.parent == directory:
            raise KeyboardInterrupt("tué entre l'écriture de la version et la bascule")
        real_write(directory, target, content)

    monkeypatch.setattr(versions, "atomic_write", killed_at_the_switch)
    with pytest.raises(KeyboardInterrupt):
        versions.publish_laureates(data_dir, buffer.getvalue(), len(laureates), {})
    monkeypatch.undo()
    written = [p.parent.name for p in (data_dir / "versions").glob("*/laureates.parquet")]
    assert written  # the version's extract was written…
    assert imports.restorable_versions(data_dir) == []  # …but it never was in service
    # An archive left by such a run (or copied by hand) is not offered either.
    orphan = versions.archived_manifest_path(data_dir, written[0])
    orphan.write_text(json.dumps({**versions.read_manifest(data_dir), "data_version": written[0]}))
    assert imports.restorable_versions(data_dir) == []


def test_an_unexpected_error_shows_a_french_page_without_server_paths(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data", lambda frame: frame.drop(columns=["commune_code"]))
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    at = run_app()
    assert [t.value for t in at.title][-1] == "Une erreur est survenue"
    message = at.error[-1].value
    assert "référence" in message and "/" not in message
    assert at.exception  # still recorded (redacted in the browser by showErrorDetails = "none")

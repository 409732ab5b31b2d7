"""The Données page: visible to all; import and rollback only with the password (AppTest), and
once in a real browser as staff would use it."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, ServedApp, copy_data, screenshot, wait_for_app
from pipeline import import_auth, importer, versions

PASSWORD = "fabriques-import-essai"
# Few iterations: the format is the real one, the test just does not spend seconds hashing.
PASSWORD_HASH = import_auth.hash_password(PASSWORD, iterations=1_000)
NEW_ROWS = [("fabt-383", "35238", "<b>Tiers-lieu</b> de la gare", "Rennes"),
            ("fabt-384", "23096", "=1+1 Fabrique du Limousin", "Guéret"),
            ("fabt-385", "97411", "Fabrique de Saint-Denis", "Saint-Denis")]


def listing_bytes(directory) -> bytes:
    laureates = pd.read_parquet(directory / "laureates.parquet")
    frame = pd.DataFrame({"id_territoire": laureates.fabrique_id, "id_geo": laureates.commune_code,
                          "lib_territoire": laureates["name"], "lib_geo": laureates.commune_name})
    frame = pd.concat([frame, pd.DataFrame(NEW_ROWS, columns=frame.columns)], ignore_index=True)
    return frame.to_csv(sep=";", index=False).encode("utf-8")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    directory = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(directory))
    monkeypatch.delenv(import_auth.PASSWORD_ENV, raising=False)
    return directory


def open_page(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    at.switch_page("pages/donnees.py").run()
    assert not at.exception, at.exception
    return at


def table_with(at, column: str) -> pd.DataFrame:
    """The first table showing this column (AppTest does not keep a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def texts(at) -> str:
    return "\n".join([e.value for e in [*at.markdown, *at.info, *at.caption, *at.text, *at.success,
                                        *at.error, *at.warning]])


def test_page_shows_version_sources_limits_and_downloads_to_everyone(data_dir):
    at = open_page()
    manifest = versions.read_manifest(data_dir)
    shown = texts(at)
    assert manifest["data_version"] in shown and "382" in shown
    sources = table_with(at, "Licence")
    assert sources["Licence"].str.contains("Licence Ouverte 2.0").any()
    assert "COG 2023" in sources["Millésime"].tolist()
    assert "sont **déduites** de l'ordre des identifiants" in shown
    assert "approximations au niveau de la commune" in shown
    assert "407 fabriques annoncées" in shown
    # The inferred ranges come from the data (the wave labels of the build).
    assert "`fabt-01` à `fabt-80` : vague 1 (3 février 2020)" in shown
    assert "`fabt-301` à `fabt-382` : vague 2023" in shown
    assert [b.label for b in at.get("download_button")][0].startswith("Lauréats (CSV, 382 lignes)")


def splits_shown(at) -> pd.DataFrame:
    """The page's announced splits, one table per announcement under its heading, put back
    together as one frame with the columns of views/donnees.splits_table."""
    headings = [m.value for m in at.markdown if m.value.startswith("**") and " fabriques" in m.value
                and ("Vague" in m.value or "annonce" in m.value.lower())]
    tables = [t.value for t in at.table if "Annoncé (nombre)" in list(t.value.columns)]
    assert len(headings) == len(tables) >= 3, (headings, len(tables))
    rows = []
    for heading, table in zip(headings, tables):
        # One unit per column (a count or a share), short columns.
        approximation = "Approxi\u00admation"  # may break there on a phone
        assert list(table.columns) == ["Catégorie", "Annoncé (nombre)", "Annoncé (part)",
                                       f"{approximation} (nombre)", f"{approximation} (part)"]
        title = heading.split("**")[1].replace("\\", "")
        for values in table.itertuples(index=False):
            rows.append({"Annonce": title, "Catégorie": values[0].replace("\\", ""),
                         "Annoncé : fabriques": values[1], "Annoncé : part": values[2],
                         "Approximation : fabriques": values[3], "Approximation : part": values[4]})
    return pd.DataFrame(rows)


def test_announced_splits_beside_the_commune_level_approximation(data_dir):
    at = open_page()
    table = splits_shown(at)
    # One unit per column: counts in the "fabriques" columns, shares in the "part" columns.
    for column in ("Annoncé : fabriques", "Approximation : fabriques"):
        assert not table[column].str.contains("%").any(), column
    for column in ("Annoncé : part", "Approximation : part"):
        assert table[column].map(lambda v: v == "—" or v.endswith("\u00a0%")).all(), column
    rows = {(announcement.split(" : ")[-1].split(" ")[0], category): row
            for announcement, category, row in zip(table["Annonce"], table["Catégorie"],
                                                     table.to_dict("records"))}
    # Wave 1: 80 announced in QPV; 75 of fabt-01..80 are in a commune with a 2024 QPV (94 %).
    assert rows[("80", "QPV")]["Annoncé : fabriques"] == "80"
    assert (rows[("80", "QPV")]["Approximation : fabriques"], rows[("80", "QPV")]["Approximation : part"]) \
        == ("75", "94\u00a0%")
    # 22 October 2020: 102 QPV + 68 rural announced; 119 QPV, 35 INSEE rural, 51 outside large centres.
    assert rows[("170", "QPV")]["Annoncé : fabriques"] == "102"
    assert rows[("170", "Rural : commune rurale (INSEE)")]["Annoncé : fabriques"] == "68"
    assert rows[("170", "QPV")]["Approximation : fabriques"] == "119"
    assert rows[("170", "Rural : commune rurale (INSEE)")]["Approximation : fabriques"] == "35"
    assert rows[("170", "Rural : hors grands centres urbains")]["Approximation : fabriques"] == "51"
    # 2024: 42 % QPV, 50 % rural announced; the wave is not in the list.
    assert rows[("407", "QPV")]["Annoncé : part"] == "42\u00a0%"
    assert rows[("407", "QPV")]["Approximation : fabriques"] == "—"
    assert any("postérieure à la liste" in announcement for announcement in table["Annonce"])
    assert "Pourquoi les deux diffèrent" in texts(at)


def test_import_controls_absent_without_a_configured_password(data_dir):
    at = open_page()
    assert len(at.file_uploader) == 0
    assert not [t for t in at.text_input if t.label == "Mot de passe d'import"]
    assert not [b for b in at.button if b.label == "Revenir à cette version"]
    shown = texts(at)
    assert "**ne sont pas activés sur ce serveur**" in shown
    # A visitor never reads an operator command (issue 24): they are in docs/donnees.md.
    assert not any(command in shown for command in ("--hash-password", "secrets.toml", "pipeline.importer",
                                                    "FABRIQUES_IMPORT_PASSWORD_HASH", "import_allowed"))


def test_password_from_secrets_shows_the_login_only(data_dir):
    at = open_page({"import_password_hash": PASSWORD_HASH})
    assert [t.label for t in at.text_input] == ["Mot de passe d'import"]
    assert len(at.file_uploader) == 0


def test_wrong_password_keeps_import_closed(data_dir, monkeypatch):
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)
    at = open_page()
    at.text_input[0].input("mauvais mot de passe")
    at.button[0].click().run()
    assert "Mot de passe incorrect." in [e.value for e in at.error]
    assert len(at.file_uploader) == 0


def test_import_then_rollback_with_the_password(data_dir, monkeypatch):
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)
    base = versions.read_manifest(data_dir)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert len(at.file_uploader) == 1
    # Once authorised, the operator's instructions are in the import section (issue 24), and
    # the page says the shared password is a fallback (issue 26).
    assert "--hash-password" in "\n".join(m.value for m in at.markdown)
    assert any("Mode de secours" in c.value for c in at.caption)

    at.text_input(key="import_user").input("Agent ANCT")
    at.file_uploader[0].set_value(("liste-vague-10.csv", listing_bytes(data_dir), "text/csv")).run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"Ajoutées": "3", "Retirées": "0", "Modifiées": "0", "Fabriques après import": "385"}
    totals = table_with(at, "Indicateur").set_index("Indicateur")
    assert totals.loc["Objectif toutes les fabriques au 31 décembre 2021", ["Avant", "Après"]].tolist() == [382, 385]
    # Named by what it counts, under the definition the totals say (the rural target too).
    assert "Objectif hors grands centres urbains au 31 décembre 2021" in totals.index
    # Names holding markup or a formula are shown as typed, in a table, never as Markdown.
    added = table_with(at, "Nom")
    assert "<b>Tiers-lieu</b> de la gare" in added["Nom"].tolist()
    assert not any("Tiers-lieu" in m.value for m in at.markdown)
    assert versions.read_manifest(data_dir) == base  # nothing written before the confirmation

    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    imported = versions.read_manifest(data_dir)
    assert imported["extracts"]["laureates"]["rows"] == 385
    assert any("Import réussi" in s.value and "385 fabriques" in s.value for s in at.success)
    assert len(at.file_uploader) == 1 and at.file_uploader[0].value is None  # the form starts afresh
    history = table_with(at, "Action")
    assert history.iloc[0][["Action", "Par", "Connexion", "Fichier", "Ajoutées"]].tolist() == [
        "Import", "Agent ANCT", "mot de passe partagé", "liste-vague-10.csv", "3"]
    assert "Adresse" not in history.columns  # a typed name proves no address

    at.switch_page("pages/synthese.py").run()
    assert "385" in [m.value for m in at.metric]
    at.switch_page("pages/donnees.py").run()

    assert at.button(key="rollback_apply").disabled
    assert at.selectbox(key="rollback_version").value == base["data_version"]
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_apply").click().run()
    assert not at.exception, at.exception
    assert versions.read_manifest(data_dir) == base
    assert any("Retour arrière effectué" in s.value for s in at.success)
    rollback = table_with(at, "Action").iloc[0]
    assert rollback[["Action", "Fabriques", "Ajoutées"]].tolist() == ["Retour arrière", "382", "—"]
    at.switch_page("pages/synthese.py").run()
    assert "382" in [m.value for m in at.metric]


def test_refused_file_shows_the_report_and_writes_nothing(data_dir, monkeypatch):
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    at.file_uploader[0].set_value(("liste.csv", b"id_territoire;id_geo;lib_territoire\nfabt-01;99999;X\n",
                                   "text/csv")).run()
    assert not at.exception
    assert any("1 problème(s) bloquant(s) : rien ne sera importé" in e.value for e in at.error)
    report = at.code[0].value
    assert report.startswith("• Ligne 2, colonne « id_geo » : code commune 99999 inconnu")
    assert not [b for b in at.button if b.label == "Importer cette liste"]
    assert not (data_dir / "versions").exists()


def logged_in(monkeypatch, user: str = "Agent ANCT") -> AppTest:
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    at.text_input(key="import_user").input(user).run()
    return at


def shipped_list_bytes(directory, rows: int | None = None) -> bytes:
    laureates = pd.read_parquet(directory / "laureates.parquet").head(rows)
    return pd.DataFrame({"id_territoire": laureates.fabrique_id, "id_geo": laureates.commune_code,
                         "lib_territoire": laureates["name"]}).to_csv(sep=";", index=False).encode()


def test_the_list_in_service_uploaded_again_changes_nothing(data_dir, monkeypatch):
    at = logged_in(monkeypatch)
    at.file_uploader[0].set_value(("liste.csv", shipped_list_bytes(data_dir), "text/csv")).run()
    assert not at.exception
    assert any("identique à la version en service : rien ne sera modifié" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Importer cette liste"]
    assert not (data_dir / "versions").exists()


def test_removing_many_fabriques_needs_the_confirmation_box(data_dir, monkeypatch):
    at = logged_in(monkeypatch)
    at.file_uploader[0].set_value(("liste.csv", shipped_list_bytes(data_dir, 300), "text/csv")).run()
    assert {m.label: m.value for m in at.metric}["Retirées"] == "82"
    assert at.button(key="import_apply").disabled
    at.checkbox(key="import_confirm_removals").check().run()
    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    assert versions.read_manifest(data_dir)["extracts"]["laureates"]["rows"] == 300


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_staff_import_and_rollback_in_a_browser(tmp_path, page):
    data_dir = copy_data(tmp_path / "data")
    upload = tmp_path / "liste-vague-10.csv"
    upload.write_bytes(listing_bytes(data_dir))
    served = ServedApp(env={"FABRIQUES_DATA_DIR": str(data_dir), import_auth.PASSWORD_ENV: PASSWORD_HASH})
    try:
        page.goto(served.url + "/donnees")  # a deep link as the server's very first request
        wait_for_app(page)
        page.get_by_label("Mot de passe d'import").fill(PASSWORD)
        page.get_by_role("button", name="Accéder à l'import").click()
        page.get_by_label("Votre nom (inscrit dans l'historique)").fill("Agent ANCT")
        page.keyboard.press("Tab")
        # The file is given at once, as a quick user would, while the rerun for the name may still
        # run: the uploader must keep it (it was redrawn empty when the hint above it went away).
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
        page.get_by_text("Aperçu de ce qui change").wait_for(timeout=60_000)
        wait_for_app(page)
        screenshot(page, "donnees-apercu")
        assert "385" in page.locator("[data-testid='stMetricValue']").all_inner_texts()
        # The attribution, prefilled with the version in service, is corrected before importing.
        source = page.get_by_label("Source de la liste (producteur et titre)")
        assert source.input_value() == "ANCT, liste des Fabriques de territoire (janvier 2024)"
        source.fill("ANCT, liste des Fabriques de territoire (octobre 2024)")
        page.keyboard.press("Tab")
        wait_for_app(page)
        screenshot(page, "donnees-attribution")
        page.get_by_role("button", name="Importer cette liste").click()
        page.get_by_text("Import réussi").wait_for(timeout=60_000)
        screenshot(page, "donnees-importee")
        assert versions.read_manifest(data_dir)["extracts"]["laureates"]["rows"] == 385

        page.goto(served.url + "/")
        wait_for_app(page)
        # The cards' code may load after the script's end: till then each card is a placeholder.
        page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
        assert "385" in page.locator("[data-testid='stMetricValue']").all_inner_texts()
        footer = page.locator(".st-key-pied_de_page").inner_text()
        assert "Source : ANCT, liste des Fabriques de territoire (octobre 2024), Licence Ouverte 2.0." in footer
        assert "Liste importée" not in footer
        screenshot(page, "synthese-apres-import-pied-de-page")

        page.goto(served.url + "/donnees")
        wait_for_app(page)
        page.get_by_label("Mot de passe d'import").fill(PASSWORD)
        page.get_by_role("button", name="Accéder à l'import").click()
        page.get_by_label("Votre nom (inscrit dans l'historique)").fill("Agent ANCT")
        page.keyboard.press("Tab")
        page.get_by_text("Je confirme remettre cette version en service").click()
        page.get_by_role("button", name="Revenir à cette version").click()
        page.get_by_text("Retour arrière effectué").wait_for(timeout=60_000)
        screenshot(page, "donnees-retour-arriere")
        assert versions.read_manifest(data_dir)["extracts"]["laureates"]["rows"] == 382
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.dialogs == []
    finally:
        served.stop()


def test_hash_password_command_prints_a_verifiable_salted_hash(monkeypatch, capsys):
    import io

    hashes = []
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert importer.main(["--hash-password"]) == 0
        hashes.append(capsys.readouterr().out.strip())
    assert hashes[0] != hashes[1]  # a new salt each time
    scheme, iterations, _, _ = hashes[0].split("$")
    assert (scheme, int(iterations)) == ("pbkdf2_sha256", import_auth.PASSWORD_ITERATIONS)
    assert import_auth.verify_password(PASSWORD, hashes[0])
    assert not import_auth.verify_password(PASSWORD + "x", hashes[0])
    assert not import_auth.verify_password(PASSWORD, "pas une empreinte")
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert importer.main(["--hash-password"]) == 1


def test_a_stale_preview_is_refused_when_another_import_came_first(data_dir, monkeypatch):
    """Agent B previews a list; agent A imports another one; B's click must not import a
    recomputed preview that B never saw (issue 12, defect 3)."""
    at = logged_in(monkeypatch, "Agent B")
    at.file_uploader[0].set_value(("liste-b.csv", listing_bytes(data_dir), "text/csv")).run()
    assert {m.label: m.value for m in at.metric}["Ajoutées"] == "3"
    base = versions.read_manifest(data_dir)["data_version"]
    assert any(f"Aperçu établi sur la version {base}" in c.value for c in at.caption)

    from pipeline import import_workflow  # agent A, from the command line, meanwhile
    other = import_workflow.preview("liste-a.csv", shipped_list_bytes(data_dir, 381), data_dir)
    import_workflow.apply(other, data_dir, import_workflow.ImportRequest(user="Agent A", source="ANCT"))
    after_a = versions.read_manifest(data_dir)

    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    assert any("Les données ont changé depuis l'aperçu" in e.value for e in at.error)
    assert not at.success
    assert versions.read_manifest(data_dir) == after_a
    assert [entry["user"] for entry in versions.read_history(data_dir)] == ["Agent A"]
    # A new preview, on the version now in service, shows what B's list would change there.
    at.button(key="import_refresh").click().run()
    assert {m.label: m.value for m in at.metric}["Ajoutées"] == "4"
    assert any(f"Aperçu établi sur la version {after_a['data_version']}" in c.value for c in at.caption)

"""Bad laureate lists, built here: each gets a French message naming the row and column (or the
file-level reason) and leaves the data folder byte for byte as it was."""
from __future__ import annotations

import hashlib
import io
import os
import pathlib

import openpyxl
import pandas as pd
import pytest

from conftest import copy_data
from pipeline import import_workflow, importer, versions
from pipeline.import_workflow import ImportRequest
from pipeline.import_files import MAX_BYTES
from views import donnees as dv

HEADER = ["id_territoire", "id_geo", "lib_territoire", "lib_geo"]


@pytest.fixture
def data_dir(tmp_path):
    return copy_data(tmp_path / "data")


def fingerprint(directory: pathlib.Path) -> dict:
    """Every file of the data folder with its hash: nothing added, removed or changed."""
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def real_list(directory: pathlib.Path) -> pd.DataFrame:
    """The shipped list as ANCT publishes its columns: id, commune code, name, commune name."""
    laureates = pd.read_parquet(directory / "laureates.parquet")
    return pd.DataFrame({"id_territoire": laureates.fabrique_id, "id_geo": laureates.commune_code,
                         "lib_territoire": laureates["name"], "lib_geo": laureates.commune_name})


def csv_file(tmp_path, frame: pd.DataFrame, name="liste.csv", sep=";", encoding="utf-8") -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(frame.to_csv(sep=sep, index=False).encode(encoding))
    return path


def cli(path, directory, *extra) -> int:
    return importer.main([str(path), "--yes", "--user", "test", "--source", "ANCT", "--data-dir", str(directory), *extra])


def refused_cli(path, directory, capsys, *extra) -> str:
    """Run the command line; assert it refused and changed nothing; return what it printed."""
    before = fingerprint(directory)
    assert cli(path, directory, *extra) != 0
    assert fingerprint(directory) == before
    out = capsys.readouterr()
    return out.out + out.err


def test_empty_file(tmp_path, data_dir, capsys):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    assert "Le fichier est vide (0 octet)" in refused_cli(path, data_dir, capsys)


def test_only_a_header(tmp_path, data_dir, capsys):
    path = tmp_path / "entete.csv"
    path.write_text("id_territoire;id_geo;lib_territoire\n\n;;\n", encoding="utf-8")
    assert "ne contient que la ligne d'en-tête" in refused_cli(path, data_dir, capsys)


def test_utf16_file(tmp_path, data_dir, capsys):
    path = csv_file(tmp_path, real_list(data_dir), encoding="utf-16")
    assert "encodé en UTF-16" in refused_cli(path, data_dir, capsys)


def test_bytes_unreadable_in_utf8_and_windows_1252(tmp_path, data_dir, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(b"id_territoire;id_geo;lib_territoire\nfabt-01;03310;Vichy\nfabt-02;06088;Caf\x81\n")
    assert "Ligne 3 : octet 0x81 illisible" in refused_cli(path, data_dir, capsys)


def test_binary_file_renamed_csv(tmp_path, data_dir, capsys):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    assert "n'est pas un fichier texte CSV" in refused_cli(path, data_dir, capsys)


def test_200_mb_file_refused_by_size_before_reading(tmp_path, data_dir, capsys, monkeypatch):
    path = tmp_path / "enorme.csv"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB long, nothing on disk
    original = pathlib.Path.read_bytes

    def read_bytes(self):
        assert self != path, "le fichier trop gros a été lu"
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    message = refused_cli(path, data_dir, capsys)
    assert "pèse 200,0 Mo, au-delà de la limite de 20,0 Mo" in message
    assert MAX_BYTES == 20 * 1024 * 1024


def _workbook_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_several_sheets(tmp_path, data_dir, capsys):
    def build(workbook):
        workbook.active.title = "Lauréats"
        workbook.active.append(HEADER)
        workbook.active.append(["fabt-01", "03310", "Fabrique", "Vichy"])
        workbook.create_sheet("Notes").append(["brouillon"])

    path = tmp_path / "liste.xlsx"
    path.write_bytes(_workbook_bytes(build))
    assert "Le classeur contient 2 feuilles (Lauréats, Notes)" in refused_cli(path, data_dir, capsys)


def test_xlsx_with_merged_header_cells(tmp_path, data_dir, capsys):
    def build(workbook):
        workbook.active.append(["Fabrique", None, "lib_territoire"])
        workbook.active.append(["fabt-01", "03310", "Fabrique"])
        workbook.active.merge_cells("A1:B1")

    path = tmp_path / "liste.xlsx"
    path.write_bytes(_workbook_bytes(build))
    assert "Ligne 1 : cellules d'en-tête fusionnées (A1:B1)" in refused_cli(path, data_dir, capsys)


def test_text_renamed_xlsx(tmp_path, data_dir, capsys):
    path = tmp_path / "liste.xlsx"
    path.write_text("id_territoire;id_geo\n", encoding="utf-8")
    assert "n'est pas un classeur Excel lisible" in refused_cli(path, data_dir, capsys)


def test_duplicate_ids(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame.loc[3, "id_territoire"] = "fabt-2"  # row 5 repeats fabt-02 (row 3), written without its zero
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 5, colonne « id_territoire » : identifiant fabt-02 en double (déjà ligne 3)" in message


def test_unknown_and_outdated_commune_codes(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame.loc[0, "id_geo"] = "99999"
    frame.loc[1, "id_geo"] = "75112"  # an arrondissement of Paris
    frame.loc[2, ["id_geo", "lib_geo"]] = ["35999", "Rennes"]
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 2, colonne « id_geo » : code commune 99999 inconnu" in message
    assert "Ligne 3, colonne « id_geo » : code commune 75112 inconnu" in message
    assert "utilisez 75056" in message
    assert "Commune du même nom au COG 2025 : 35238 (Rennes, 35)" in message
    # 49069 (Orée d'Anjou, COG 2023) is in the shipped list: a notice with the COG 2025 code.
    row = frame.index[frame.id_geo == "49069"][0] + 2
    assert f"Ligne {row}, colonne « id_geo » : code 49069 périmé : la commune porte le code 49126" in message


def test_coordinates_swapped_or_outside_france(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame["latitude"], frame["longitude"] = "", ""
    frame.loc[0, ["id_geo", "latitude", "longitude"]] = ["35238", "-1.6778", "48.1173"]  # Rennes, swapped
    frame.loc[1, ["id_geo", "latitude", "longitude"]] = ["35238", "40.7128", "-74.0060"]  # New York
    frame.loc[2, ["id_geo", "latitude", "longitude"]] = ["35238", "43.2965", "5.3698"]  # Marseille
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 2, colonne « latitude » : latitude et longitude inversées (-1.6778 ; 48.1173)" in message
    assert "Ligne 3, colonne « latitude » : point (40.7128 ; -74.0060) hors de France et des outre-mer" in message
    assert "Ligne 4, colonne « latitude » : point (43.2965 ; 5.3698) hors du département de la commune 35238" in message


def test_overseas_point_is_accepted(tmp_path, data_dir):
    frame = real_list(data_dir)
    frame["latitude"], frame["longitude"] = "", ""
    frame.loc[len(frame)] = ["fabt-383", "97411", "Fabrique de Saint-Denis", "Saint-Denis", "-20,8823", "55,4504"]
    candidate = import_workflow.preview("liste.csv", csv_file(tmp_path, frame).read_bytes(), data_dir)
    assert not candidate.errors
    added = candidate.laureates.set_index("fabrique_id").loc["fabt-383"]
    assert (added.lat, added.lon, added.dep_code) == (-20.8823, 55.4504, "974")


def test_empty_required_cell_and_control_characters(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame.loc[4, "lib_territoire"] = ""
    frame.loc[6, "lib_territoire"] = "Fabrique\x07 cachée"
    frame.loc[7, "lib_territoire"] = "Fabrique \u202eeuqirbaf"
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 6, colonne « lib_territoire » : cellule vide : le nom de la fabrique est obligatoire" in message
    assert "Ligne 8, colonne « lib_territoire » : caractère de contrôle invisible (U+0007)" in message
    assert "Ligne 9, colonne « lib_territoire » : caractère de contrôle invisible (U+202E)" in message


def test_column_renamed(tmp_path, data_dir, capsys):
    frame = real_list(data_dir).rename(columns={"id_geo": "code_postal"})
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 1 : colonne obligatoire absente : code INSEE de la commune" in message
    assert "Colonnes du fichier : id_territoire, code_postal, lib_territoire, lib_geo" in message


def test_invalid_id_and_date(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame["date"] = ""
    frame.loc[0, "id_territoire"] = "FT-1"
    frame.loc[1, "date"] = "31/02/2024"
    frame.loc[2, "date"] = "01/01/2018"
    message = refused_cli(csv_file(tmp_path, frame), data_dir, capsys)
    assert "Ligne 2, colonne « id_territoire » : identifiant « FT-1 » invalide" in message
    assert "Ligne 3, colonne « date » : date « 31/02/2024 » illisible" in message
    assert "Ligne 4, colonne « date » : date 01/01/2018 antérieure à l'appel à manifestation d'intérêt" in message


def test_removing_many_fabriques_needs_confirmation(tmp_path, data_dir, capsys):
    path = csv_file(tmp_path, real_list(data_dir).head(300))
    message = refused_cli(path, data_dir, capsys)
    assert "Cette liste retire 82 des 382 fabriques en service (21\u00a0%)" in message
    assert "rien n'a été importé" in message
    assert cli(path, data_dir, "--allow-removals") == 0
    assert len(pd.read_parquet(data_dir / versions.read_manifest(data_dir)["extracts"]
                               ["laureates"]["file"])) == 300


def test_html_and_formula_names_are_stored_and_exported_as_text(tmp_path, data_dir):
    frame = real_list(data_dir)
    script = "<script>alert('fabrique')</script>"
    formula = '=HYPERLINK("http://exemple.invalid";"clic")'
    frame.loc[len(frame)] = ["fabt-383", "35238", script, "Rennes"]
    frame.loc[len(frame)] = ["fabt-384", "29019", formula, "Brest"]
    before = fingerprint(data_dir)
    candidate = import_workflow.preview("liste.csv", csv_file(tmp_path, frame).read_bytes(), data_dir)
    assert fingerprint(data_dir) == before  # a preview writes nothing
    notices = [p.text() for p in candidate.notices]
    assert any(n.startswith("Ligne 384, colonne « lib_territoire » : le nom contient du code HTML") for n in notices)
    assert any(n.startswith("Ligne 385, colonne « lib_territoire »") for n in notices)
    import_workflow.apply(candidate, data_dir, ImportRequest("test", source="ANCT"))
    stored = versions.read_extract(data_dir, versions.read_manifest(data_dir), "laureates")
    names = stored.set_index("fabrique_id")["name"]
    assert (names["fabt-383"], names["fabt-384"]) == (script, formula)
    exported = dv.extract_csv(stored).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported and ";=HYPERLINK" not in exported


def test_same_file_imported_twice_changes_nothing(tmp_path, data_dir, capsys):
    frame = real_list(data_dir)
    frame.loc[len(frame)] = ["fabt-383", "35238", "Nouvelle fabrique", "Rennes"]
    path = csv_file(tmp_path, frame)
    assert cli(path, data_dir) == 0
    after_first = fingerprint(data_dir)
    capsys.readouterr()
    assert cli(path, data_dir) == 0
    assert fingerprint(data_dir) == after_first
    out = capsys.readouterr().out
    assert "La liste est identique à la version en service" in out and "rien n'a été modifié" in out
    assert "Ce fichier a déjà été importé le" in out and "par test" in out


@pytest.mark.parametrize("encoding,sep", [("cp1252", ";"), ("utf-8-sig", ","), ("utf-8", ";")])
def test_accepted_encodings_and_separators(tmp_path, data_dir, encoding, sep):
    frame = real_list(data_dir)
    frame.loc[len(frame)] = ["fabt-383", "2A004", "Fabrique d'Ajaccio — été", "Ajaccio"]
    frame.loc[len(frame)] = ["384", "1004", "Fabrique d'Ambérieu", ""]  # zero lost by a spreadsheet
    if encoding == "cp1252":
        frame["lib_territoire"] = frame.lib_territoire.map(lambda s: s.encode("cp1252", "replace").decode("cp1252"))
        frame["lib_geo"] = frame.lib_geo.map(lambda s: s.encode("cp1252", "replace").decode("cp1252"))
    candidate = import_workflow.preview("liste.csv", csv_file(tmp_path, frame, sep=sep, encoding=encoding).read_bytes(),
                                 data_dir)
    assert not candidate.errors, [p.text() for p in candidate.errors]
    assert "Windows-1252" in candidate.description if encoding == "cp1252" else "UTF-8" in candidate.description
    added = candidate.laureates.set_index("fabrique_id").loc[["fabt-383", "fabt-384"]]
    assert added["name"].tolist() == ["Fabrique d'Ajaccio — été", "Fabrique d'Ambérieu"]
    assert added.commune_code.tolist() == ["2A004", "01004"]
    assert any("code 1004 lu comme 01004" in p.text() for p in candidate.notices)
    assert candidate.changed.empty and candidate.removed.empty


def test_missing_file_or_no_file_given(tmp_path, data_dir, capsys):
    assert "Le fichier " in refused_cli(tmp_path / "absent.csv", data_dir, capsys)
    assert "est introuvable" in refused_cli(tmp_path / "absent.csv", data_dir, capsys)
    assert "n'est pas un fichier" in refused_cli(tmp_path, data_dir, capsys)


def test_xlsx_list_is_read_with_numbers_and_formulas_as_text(tmp_path, data_dir):
    laureates = real_list(data_dir)

    def build(workbook):
        sheet = workbook.active
        sheet.append(["id_territoire", "code_insee", "lib_projet", "vague", "date"])
        for row in laureates.itertuples():
            sheet.append([row.id_territoire, row.id_geo, row.lib_territoire, None, None])
        sheet.append([383, 35238, "=1+1", 10, pd.Timestamp("2024-10-28").to_pydatetime()])
        sheet.append(["fabt-384", 1004, "Fabrique d'Ambérieu", None, None])  # a number: zero lost

    path = tmp_path / "liste.xlsx"
    path.write_bytes(_workbook_bytes(build))
    candidate = import_workflow.preview(path.name, path.read_bytes(), data_dir)
    assert not candidate.errors, [p.text() for p in candidate.errors]
    assert candidate.description == "classeur XLSX, feuille « Sheet »"
    added = candidate.laureates.set_index("fabrique_id").loc[["fabt-383", "fabt-384"]]
    assert added["name"].tolist() == ["=1+1", "Fabrique d'Ambérieu"]  # the formula's text, not 2
    assert added.commune_code.tolist() == ["35238", "01004"]
    assert added.wave_label.tolist() == ["Vague 10", "Vague non connue"]
    assert candidate.added.fabrique_id.tolist() == ["fabt-383", "fabt-384"] and candidate.changed.empty

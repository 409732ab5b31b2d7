"""Reading an uploaded laureate list into a table of text cells, refusing what is not one.

CSV (`,` or `;` separated; UTF-8 with or without BOM, or Windows-1252) and XLSX (one sheet,
header on the first row). The size is checked before any parsing, and every refusal is a
French sentence a staff member can act on. Cells are kept as text: nothing is evaluated
(a spreadsheet formula stays the text "=…"), and XLSX numbers are written back as text.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from domain.format import fr_size

# The programme counts a few hundred fabriques: a real list is well under 1 MB.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: refuse one whose content would expand beyond this (a "zip bomb").
MAX_XLSX_EXPANDED_BYTES = 200 * 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"


class FileRefused(ValueError):
    """The file cannot be read as a list: the message says why and what to do, in French."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    description: str  # "CSV séparé par « ; », encodage UTF-8" — said in the report


def check_size(size: int) -> None:
    if size == 0:
        raise FileRefused("Le fichier est vide (0 octet) : aucune fabrique à importer.")
    if size > MAX_BYTES:
        raise FileRefused(
            f"Le fichier pèse {fr_size(size)}, au-delà de la limite de {fr_size(MAX_BYTES)} : "
            "une liste de fabriques pèse moins de 1 Mo. Vérifiez qu'il s'agit du bon fichier."
        )


def read_path(path: Path) -> bytes:
    """The file's bytes, its size checked first (a huge file is never read)."""
    if not path.exists():
        raise FileRefused(f"Le fichier {path} est introuvable.")
    if not path.is_file():
        raise FileRefused(f"{path} n'est pas un fichier : indiquez la liste à importer.")
    check_size(path.stat().st_size)
    try:
        return path.read_bytes()
    except OSError as error:
        raise FileRefused(f"Le fichier {path.name} ne peut pas être lu (droits d'accès ?).") from error


def read_table(file_name: str, content: bytes) -> Table:
    check_size(len(content))
    is_xlsx_name = file_name.lower().endswith((".xlsx", ".xlsm"))
    if content.startswith(XLSX_SIGNATURE):
        return _read_xlsx(content)
    if is_xlsx_name:
        raise FileRefused(f"« {file_name} » porte l'extension .xlsx mais n'est pas un classeur "
                          "Excel lisible : enregistrez-le de nouveau depuis le tableur.")
    return _read_csv(content)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("Le fichier est encodé en UTF-16 (« texte Unicode » d'Excel) : "
                          "enregistrez-le en « CSV UTF-8 » ou en XLSX.")
    if b"\x00" in content[:65536]:
        raise FileRefused("Le fichier n'est pas un fichier texte CSV (il contient des données "
                          "binaires) : exportez la liste en CSV ou en XLSX depuis le tableur.")
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FileRefused(
            f"Ligne {line} : octet {content[error.start]:#04x} illisible en UTF-8 comme en "
            "Windows-1252. Enregistrez le fichier en « CSV UTF-8 » depuis le tableur."
        ) from error


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    first_line = text.split("\n", 1)[0]
    # The separator is the one the header uses most: French Excel writes ";".
    delimiter = max([";", ",", "\t"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise FileRefused(
            "Ligne 1 : aucun séparateur « ; » ni « , » dans l'en-tête. Le fichier doit avoir une "
            "ligne d'en-tête avec les noms de colonnes (identifiant, code commune, nom…)."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        header = next(reader)
        for cells in reader:
            # line_num counts physical lines: a quoted cell may hold a line break.
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise FileRefused(f"Le fichier compte plus de {MAX_ROWS} lignes : ce n'est pas "
                                  "une liste de fabriques.")
    except csv.Error as error:
        raise FileRefused(f"Ligne {reader.line_num} : CSV mal formé ({error}). Vérifiez les "
                          "guillemets de cette ligne.") from error
    name = {";": "« ; »", ",": "« , »", "\t": "tabulation"}[delimiter]
    return _finish(header, rows, f"CSV séparé par {name}, encodage {encoding}")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(content: bytes) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > MAX_XLSX_EXPANDED_BYTES:
            raise FileRefused(f"Le classeur se décompresse en {fr_size(expanded)} : "
                              "ce n'est pas une liste de fabriques.")
        # Not read-only: merged cells are only known in the full mode. data_only=False keeps a
        # formula as its text, never as a computed value.
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a corrupt or foreign zip
        raise FileRefused("Le fichier n'est pas un classeur XLSX lisible : enregistrez-le de "
                          "nouveau depuis le tableur, ou exportez-le en CSV.") from error
    sheets = workbook.sheetnames
    if len(sheets) > 1:
        raise FileRefused(
            f"Le classeur contient {len(sheets)} feuilles ({', '.join(sheets)}) : gardez une seule "
            "feuille, celle de la liste des fabriques, puis importez de nouveau."
        )
    sheet = workbook.worksheets[0]
    merged_header = [str(cells) for cells in sheet.merged_cells.ranges if cells.min_row == 1]
    if merged_header:
        raise FileRefused(
            f"Ligne 1 : cellules d'en-tête fusionnées ({', '.join(merged_header)}). Chaque colonne "
            "doit avoir son propre nom sur la première ligne : annulez la fusion."
        )
    values = sheet.iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(values, ())]
    rows = []
    for number, cells in enumerate(values, start=2):
        rows.append((number, [_cell_text(v) for v in cells]))
        if len(rows) > MAX_ROWS:
            raise FileRefused(f"La feuille compte plus de {MAX_ROWS} lignes : ce n'est pas "
                              "une liste de fabriques.")
    return _finish(header, rows, f"classeur XLSX, feuille « {sheets[0]} »")


def _finish(header: list[str], rows: list[tuple[int, list[str]]], description: str) -> Table:
    header = [cell.strip() for cell in header]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileRefused("Ligne 1 : l'en-tête est vide. La première ligne doit porter les noms "
                          "de colonnes (identifiant, code commune, nom…).")
    # Rows left blank by a spreadsheet (often at the end) carry no fabrique.
    rows = [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise FileRefused("Le fichier ne contient que la ligne d'en-tête : aucune fabrique à importer.")
    return Table(header, rows, description)

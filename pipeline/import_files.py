"""Reading an uploaded laureate list into a table of text cells, refusing what is not one.

CSV (`,` or `;` separated; UTF-8 with or without BOM, or Windows-1252) and XLSX (one sheet,
header on the first row). Every refusal is a French sentence a staff member can act on.
Cells are kept as text: nothing is evaluated (a spreadsheet formula stays the text "=…"),
and XLSX numbers are written back as text.

Reading streams and stops early, so that a hostile file costs little: the size is checked
before any parsing; a CSV is decoded and parsed line by line; an XLSX is refused on the sizes
its zip directory declares (a "zip bomb"), then on the dimension its sheet declares, then
read lazily (openpyxl read-only) and stopped at the first row beyond the limit.
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from domain.format import fr_int, fr_size
from domain.spreadsheet import EXPORT_ABOUT_SHEET, EXPORT_COLUMNS, EXPORT_DATA_SHEET, unneutralised_text

# The programme counts a few hundred fabriques: a real list is well under 1 MB.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
# An XLSX is a zip: refuse one whose content would expand beyond this. A 20,000-row list of
# ten columns with 100-character names unpacks to about 14 MB; 1,000-character names, the
# longest the checks accept, to about 35 MB.
MAX_XLSX_EXPANDED_BYTES = 40 * 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"
CHUNK = 1 << 20
# Bytes that Windows-1252 leaves undefined: a file holding one is neither UTF-8 nor 1252.
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")

Source = bytes | BinaryIO


class FileRefused(ValueError):
    """The file cannot be read as a list: the message says why and what to do, in French."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    description: str  # "CSV séparé par « ; », encodage UTF-8" — said in the report
    is_export: bool = False  # laid out as the dashboard's own export of the list


def check_size(size: int) -> None:
    if size == 0:
        raise FileRefused("Le fichier est vide (0 octet) : aucune fabrique à importer.")
    if size > MAX_BYTES:
        raise FileRefused(
            f"Le fichier pèse {fr_size(size)}, au-delà de la limite de {fr_size(MAX_BYTES)} : "
            "une liste de fabriques pèse moins de 1 Mo. Vérifiez qu'il s'agit du bon fichier."
        )


def open_path(path: Path) -> BinaryIO:
    """The file opened for reading, its size checked first (a huge file is never read)."""
    if not path.exists():
        raise FileRefused(f"Le fichier {path} est introuvable.")
    if not path.is_file():
        raise FileRefused(f"{path} n'est pas un fichier : indiquez la liste à importer.")
    check_size(path.stat().st_size)
    try:
        return open(path, "rb")
    except OSError as error:
        raise FileRefused(f"Le fichier {path.name} ne peut pas être lu (droits d'accès ?).") from error


def as_stream(source: Source) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source


def stream_size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def sha256_of(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(CHUNK), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def read_table(file_name: str, source: Source) -> Table:
    stream = as_stream(source)
    check_size(stream_size(stream))
    head = stream.read(65536)
    stream.seek(0)
    if head.startswith(XLSX_SIGNATURE):
        return _read_xlsx(stream)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused(f"« {file_name} » porte l'extension .xlsx mais n'est pas un classeur "
                          "Excel lisible : enregistrez-le de nouveau depuis le tableur.")
    return _read_csv(stream, head)


def _too_many_rows(where: str) -> FileRefused:
    return FileRefused(f"{where} compte plus de {fr_int(MAX_ROWS)} lignes : ce n'est pas une liste "
                       "de fabriques (le programme en compte quelques centaines).")


def _read_csv(stream: BinaryIO, head: bytes) -> Table:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("Le fichier est encodé en UTF-16 (« texte Unicode » d'Excel) : "
                          "enregistrez-le en « CSV UTF-8 » ou en XLSX.")
    if b"\x00" in head:
        raise FileRefused("Le fichier n'est pas un fichier texte CSV (il contient des données "
                          "binaires) : exportez la liste en CSV ou en XLSX depuis le tableur.")
    for encoding, label in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            return _parse_csv(text, label)
        except UnicodeDecodeError:
            continue
        finally:
            text.detach()  # the caller's stream stays open
    line = _first_undefined_byte_line(stream)
    raise FileRefused(f"Ligne {line[0]} : octet {line[1]:#04x} illisible en UTF-8 comme en "
                      "Windows-1252. Enregistrez le fichier en « CSV UTF-8 » depuis le tableur.")


def _first_undefined_byte_line(stream: BinaryIO) -> tuple[int, int]:
    """(line number, byte) of the first byte Windows-1252 cannot read, scanning by blocks."""
    stream.seek(0)
    lines_before = 0
    for block in iter(lambda: stream.read(CHUNK), b""):
        found = CP1252_UNDEFINED.search(block)
        if found:
            return lines_before + block.count(b"\n", 0, found.start()) + 1, block[found.start()]
        lines_before += block.count(b"\n")
    return lines_before + 1, 0


def _parse_csv(text: io.TextIOWrapper, encoding: str) -> Table:
    first_line = text.readline()
    # The separator is the one the header uses most: French Excel writes ";".
    delimiter = max([";", ",", "\t"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise FileRefused(
            "Ligne 1 : aucun séparateur « ; » ni « , » dans l'en-tête. Le fichier doit avoir une "
            "ligne d'en-tête avec les noms de colonnes (identifiant, code commune, nom…)."
        )
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter, strict=True)
    rows = []
    # Rows are numbered as a spreadsheet shows them (header = 1): one per record, even when a
    # quoted cell holds a line break (the text file then has more lines than the sheet rows).
    parsing = 1  # the number of the record being read
    try:
        header = next(reader)
        parsing = 2
        for cells in reader:
            if parsing - 1 > MAX_ROWS:
                raise _too_many_rows("Le fichier")
            rows.append((parsing, cells))
            parsing += 1
    except csv.Error as error:
        raise FileRefused(f"Ligne {parsing} : CSV mal formé ({error}). Vérifiez les guillemets "
                          "de cette ligne.") from error
    name = {";": "« ; »", ",": "« , »", "\t": "tabulation"}[delimiter]
    description = f"CSV séparé par {name}, encodage {encoding}"
    if [cell.strip() for cell in header] == EXPORT_COLUMNS:
        # The dashboard's own export: undo the apostrophe it put before formula-like cells.
        rows = [(number, [unneutralised_text(cell) for cell in cells]) for number, cells in rows]
        description += ", export du tableau de bord"
    return _finish(header, rows, description, True)


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


def _check_zip(stream: BinaryIO) -> None:
    """The sizes the zip declares: zipfile stops reading a member at its declared size."""
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
    expanded = sum(info.file_size for info in members)
    if expanded > MAX_XLSX_EXPANDED_BYTES or len(members) > 1000:
        raise FileRefused(f"Le classeur se décompresse en {fr_size(expanded)}, au-delà des "
                          f"{fr_size(MAX_XLSX_EXPANDED_BYTES)} d'une liste de {fr_int(MAX_ROWS)} "
                          "fabriques : ce n'est pas une liste de fabriques.")


def _merged_header_cells(archive: zipfile.ZipFile, sheet_path: str) -> list[str]:
    """Merged ranges touching row 1, read from the sheet's XML by blocks (read-only mode of
    openpyxl does not load merged cells)."""
    found, tail = [], b""
    with archive.open(sheet_path) as sheet:
        for block in iter(lambda: sheet.read(CHUNK), b""):
            text = tail + block
            for match in MERGE_CELL.finditer(text):
                first_col, first_row, last_col, last_row = match.groups()
                if int(first_row) == 1:
                    cells = f"{first_col.decode()}1" + (f":{last_col.decode()}{last_row.decode()}"
                                                         if last_col else "")
                    if cells not in found:
                        found.append(cells)
            tail = text[-200:]
    return found


def _read_xlsx(stream: BinaryIO) -> Table:
    import openpyxl

    try:
        _check_zip(stream)
        stream.seek(0)
        # read_only: rows are parsed as they are asked for. data_only=False keeps a formula
        # as its text, never as a computed value.
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a corrupt or foreign zip
        raise FileRefused("Le fichier n'est pas un classeur XLSX lisible : enregistrez-le de "
                          "nouveau depuis le tableur, ou exportez-le en CSV.") from error
    try:
        return _read_sheet(workbook)
    except FileRefused:
        raise
    except Exception as error:
        raise FileRefused("Le classeur n'a pas pu être lu jusqu'au bout (fichier abîmé ?) : "
                          "enregistrez-le de nouveau depuis le tableur, ou exportez-le en CSV.") from error
    finally:
        workbook.close()


def _read_sheet(workbook) -> Table:
    sheets = workbook.sheetnames
    # The dashboard's own export: the list, then a sheet saying where it comes from.
    exported = sheets == [EXPORT_DATA_SHEET, EXPORT_ABOUT_SHEET]
    if len(sheets) > 1 and not exported:
        raise FileRefused(
            f"Le classeur contient {len(sheets)} feuilles ({', '.join(sheets)}) : gardez une seule "
            "feuille, celle de la liste des fabriques, puis importez de nouveau."
        )
    sheet = workbook.worksheets[0]
    # The dimension the sheet declares (`<dimension ref="A1:J383"/>`), read before any row.
    if sheet.max_row is not None and sheet.max_row - 1 > MAX_ROWS:
        raise FileRefused(
            f"La feuille déclare {fr_int(sheet.max_row)} lignes, au-delà de {fr_int(MAX_ROWS)} : "
            "ce n'est pas une liste de fabriques. S'il s'agit de lignes vides mises en forme, "
            "supprimez-les dans le tableur.")
    if sheet.max_column is not None and sheet.max_column > MAX_COLUMNS:
        raise FileRefused(f"La feuille déclare {fr_int(sheet.max_column)} colonnes, au-delà de "
                          f"{MAX_COLUMNS} : gardez les seules colonnes de la liste.")
    merged_header = _merged_header_cells(workbook._archive, sheet._worksheet_path)
    if merged_header:
        raise FileRefused(
            f"Ligne 1 : cellules d'en-tête fusionnées ({', '.join(merged_header)}). Chaque colonne "
            "doit avoir son propre nom sur la première ligne : annulez la fusion."
        )
    # A declared dimension may also be too small (a stale one): read every row there is.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
    header = [_cell_text(v) for v in next(values, ())]
    rows = []
    for number, cells in enumerate(values, start=2):
        if number - 1 > MAX_ROWS:
            raise _too_many_rows("La feuille")
        if cells[MAX_COLUMNS] is not None:
            raise FileRefused(f"Ligne {number} : cellule au-delà de la colonne {MAX_COLUMNS} : "
                              "gardez les seules colonnes de la liste.")
        rows.append((number, [_cell_text(v) for v in cells[:MAX_COLUMNS]]))
    if header and header[MAX_COLUMNS:] and header[MAX_COLUMNS]:
        raise FileRefused(f"Ligne 1 : plus de {MAX_COLUMNS} colonnes : gardez les seules colonnes de la liste.")
    description = f"classeur XLSX, feuille « {sheets[0]} »" + (", export du tableau de bord" if exported else "")
    return _finish(header[:MAX_COLUMNS], rows, description, exported)


def _finish(header: list[str], rows: list[tuple[int, list[str]]], description: str,
            export_layout: bool = False) -> Table:
    """export_layout: the file may be the dashboard's export (a CSV, or the export's two sheets);
    it is one when its header is the export's."""
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
    return Table(header, rows, description, export_layout and header == EXPORT_COLUMNS)

"""Checks of an imported laureate list, cell by cell, before anything is written.

Each problem names its row (as the spreadsheet numbers it, header = row 1) and its column
(as the file names it). Blocking problems stop the import; notices (a code updated by the
COG, a name kept as text…) are shown and do not.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.spreadsheet import starts_like_formula
from pipeline import sources
from pipeline.import_files import Table

# Columns of ANCT's lists: the published map file (id_territoire, id_geo, lib_territoire,
# lib_geo) and its source table (code_insee, lib_projet, vague), plus plain French names.
# Header cells are compared without accents, case or punctuation.
COLUMNS = {
    "fabrique_id": ("identifiant de la fabrique", True,
                    ["id_territoire", "id_fabt", "fabrique_id", "identifiant", "id_fabrique",
                     "identifiant_fabrique", "id"]),
    "commune_code": ("code INSEE de la commune", True,
                     ["id_geo", "code_insee", "insee_com", "code_commune", "code_insee_commune",
                      "codgeo", "commune_code", "insee"]),
    "name": ("nom de la fabrique", True,
             ["lib_territoire", "lib_fabt", "lib_projet", "nom", "nom_fabrique", "nom_de_la_fabrique",
              "nom_du_projet", "projet", "name", "libelle"]),
    "commune_name": ("nom de la commune", False, ["lib_geo", "lib_com", "commune", "nom_commune"]),
    "departement": ("département", False,
                    ["departement", "code_departement", "insee_dep", "dep", "lib_dep"]),
    "region": ("région", False, ["region", "code_region", "insee_reg", "reg", "lib_reg"]),
    "lat": ("latitude", False, ["latitude", "lat", "y"]),
    "lon": ("longitude", False, ["longitude", "lon", "lng", "long", "x"]),
    "wave": ("vague", False, ["vague", "n_vague", "numero_vague", "wave"]),
    "wave_date": ("date", False, ["date", "date_vague", "date_annonce", "date_labellisation",
                                  "date_de_labellisation"]),
}
MAX_NAME_LENGTH = 1000  # the ANCT list holds a 550-character description as a name
PROGRAMME_START = date(2019, 7, 11)  # call for interest: no fabrique before it
# Arrondissements are folded into their commune everywhere in the extracts.
ARRONDISSEMENTS = [(re.compile(r"^751\d\d$"), "75056", "Paris"),
                   (re.compile(r"^6938\d$"), "69123", "Lyon"),
                   (re.compile(r"^132\d\d$"), "13055", "Marseille")]
# C0/C1 control characters (a tab or line break inside a name is folded to a space) and
# the invisible bidirectional overrides that can disguise a text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MARKUP = re.compile(r"<\s*[a-zA-Z/!]")
# Overseas outlines are far from the mainland: a box around each département, widened by
# this much, says whether a point is in France at all.
FRANCE_MARGIN_DEG = 0.5


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str
    blocking: bool = True

    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Ligne {self.row}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


def normalise(text: str) -> str:
    stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", stripped.lower()).strip("_")


@dataclass
class Reference:
    """What the checks compare a list with: the current extracts."""
    communes: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame
    dep_shapes: dict
    epci: pd.DataFrame | None = None  # None for a version built before the EPCI level

    def __post_init__(self):
        self.commune_by_code = self.communes.set_index("commune_code")
        self.dep_names = dict(zip(self.departements.dep_code, self.departements.dep_name))
        self.reg_names = dict(zip(self.regions.reg_code, self.regions.reg_name))
        boxes = self.departements[["min_lon", "min_lat", "max_lon", "max_lat"]].to_numpy()
        self.france_boxes = [(a - FRANCE_MARGIN_DEG, b - FRANCE_MARGIN_DEG,
                              c + FRANCE_MARGIN_DEG, d + FRANCE_MARGIN_DEG) for a, b, c, d in boxes]

    def in_france(self, lon: float, lat: float) -> bool:
        return any(a <= lon <= c and b <= lat <= d for a, b, c, d in self.france_boxes)


def map_columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Field -> column index; problems for missing or doubled columns."""
    alias_field = {alias: field for field, (_, _, aliases) in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        field = alias_field.get(normalise(cell))
        if field is None:
            continue
        if field in found:
            problems.append(Problem(1, cell, f"désigne aussi le {COLUMNS[field][0]}, déjà donné par "
                                             f"la colonne « {header[found[field]]} » : gardez-en une."))
        else:
            found[field] = index
    for field, (label, required, aliases) in COLUMNS.items():
        if required and field not in found:
            problems.append(Problem(1, None, f"colonne obligatoire absente : {label} (noms reconnus : "
                                             f"{', '.join(aliases[:5])}…). Colonnes du fichier : "
                                             f"{', '.join(header)}."))
    if ("lat" in found) != ("lon" in found):
        present = "latitude" if "lat" in found else "longitude"
        problems.append(Problem(1, header[found.get("lat", found.get("lon"))],
                                f"la {present} est donnée sans l'autre coordonnée : ajoutez les deux "
                                "colonnes ou retirez celle-ci."))
    return found, problems


def _fabrique_number(value: str) -> int | None:
    match = re.fullmatch(r"(?:fabt-)?0*(\d{1,4})", value.strip().lower())
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _parse_float(value: str) -> float | None:
    try:
        number = float(value.strip().replace(",", ".").replace("\u00a0", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_date(value: str) -> date | None:
    value = value.strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", (0, 1, 2)),
                           (r"(\d{1,2})/(\d{1,2})/(\d{4})", (2, 1, 0))):
        match = re.fullmatch(pattern, value)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                return date(*parts)
            except ValueError:
                return None
    return None


def _matches_place(value: str, code: str, name: str | None) -> bool:
    """A département / région cell may hold its code, its name or "35 - Ille-et-Vilaine"."""
    cell = normalise(value)
    # ... or "Ille-et-Vilaine (35)", as the dashboard's export writes it.
    return (cell in {normalise(code), normalise(name or ""), normalise(f"{name} ({code})")}
            or cell.startswith(normalise(code) + "_"))


def _suggest_commune(code: str, commune_name: str, reference: Reference) -> str:
    for pattern, replacement, city in ARRONDISSEMENTS:
        if pattern.match(code):
            return f" Les arrondissements de {city} sont comptés dans la commune : utilisez {replacement}."
    if commune_name:
        communes = reference.communes
        same_name = communes[communes.commune_name.map(normalise) == normalise(commune_name)]
        if not same_name.empty:
            options = ", ".join(f"{row.commune_code} ({row.commune_name}, {row.dep_code})"
                                for row in same_name.head(3).itertuples())
            return f" Commune du même nom au COG 2025 : {options}."
    return ""


class ListChecker:
    """Checks one table against the reference; collects problems and the rows to derive."""

    def __init__(self, table: Table, reference: Reference, in_service: dict[str, str] | None = None):
        self.table = table
        # fabrique id -> commune code of the version in service. In the dashboard's own export,
        # a stale code already in service was reported when it came in: not a remark again.
        self.in_service = (in_service or {}) if table.is_export else {}
        self.reference = reference
        self.problems: list[Problem] = []
        self.columns, header_problems = map_columns(table.header)
        self.problems.extend(header_problems)

    def problem(self, row, field, message, blocking=True):
        column = self.table.header[self.columns[field]] if field in self.columns else None
        self.problems.append(Problem(row, column, message, blocking))

    def cell(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def check(self) -> pd.DataFrame | None:
        """The bare list for derive_laureates, or None when a blocking problem was found."""
        if any(p.blocking for p in self.problems):
            return None
        records, first_row_of = [], {}
        for row, cells in self.table.rows:
            record = self.check_row(row, cells, first_row_of)
            if record is not None:
                records.append(record)
        if any(p.blocking for p in self.problems):
            return None
        return pd.DataFrame(records)

    def check_row(self, row: int, cells: list[str], first_row_of: dict) -> dict | None:
        ok = True
        for field in self.columns:
            found = CONTROL.search(self.cell(cells, field))
            if found:
                self.problem(row, field, f"caractère de contrôle invisible (U+{ord(found.group()):04X}) : "
                                         "retirez-le de la cellule.")
                ok = False
        for field in ("fabrique_id", "commune_code", "name"):
            if not self.cell(cells, field):
                self.problem(row, field, f"cellule vide : le {COLUMNS[field][0]} est obligatoire.")
                ok = False
        if not ok:
            return None
        number = _fabrique_number(self.cell(cells, "fabrique_id"))
        if number is None:
            self.problem(row, "fabrique_id", f"identifiant « {self.cell(cells, 'fabrique_id')} » invalide : "
                                             "attendu « fabt- » suivi d'un numéro, par exemple fabt-383.")
            return None
        fabrique_id = f"fabt-{number:02d}"
        if fabrique_id in first_row_of:
            self.problem(row, "fabrique_id", f"identifiant {fabrique_id} en double (déjà ligne "
                                             f"{first_row_of[fabrique_id]}) : chaque fabrique une seule fois.")
            return None
        first_row_of[fabrique_id] = row
        code = self.check_commune(row, cells, fabrique_id)
        name = self.check_name(row, cells)
        point = self.check_point(row, cells, code)
        wave, wave_date = self.check_wave(row, cells)
        if code is None or name is None or point is False or wave_date is False:
            return None
        lon, lat = point if point else (None, None)
        return {"fabrique_id": fabrique_id, "fabrique_number": number, "name": name,
                "commune_code": code, "source_commune_name": sources.clean_text(self.cell(cells, "commune_name")),
                "source_lon": lon, "source_lat": lat, "source_feature": row,
                "wave": wave, "wave_date": wave_date}

    def lookup(self, code: str):
        return self.reference.commune_by_code.loc[sources.COG_FIXES.get(code, code)]

    def check_commune(self, row: int, cells: list[str], fabrique_id: str | None = None) -> str | None:
        code = self.cell(cells, "commune_code").upper()
        if re.fullmatch(r"\d{4}", code):
            self.problem(row, "commune_code", f"code {code} lu comme 0{code} (zéro initial perdu par "
                                              "le tableur).", blocking=False)
            code = "0" + code
        if not sources.COMMUNE_CODE.match(code):
            self.problem(row, "commune_code", f"code commune « {code} » invalide : 5 caractères, par "
                                              "exemple 35238 ou 2A004.")
            return None
        if code in sources.COG_FIXES and self.in_service.get(fabrique_id) != code:
            new = sources.COG_FIXES[code]
            self.problem(row, "commune_code", f"code {code} périmé : la commune porte le code {new} au "
                                              f"COG 2025 ({self.lookup(code).commune_name}). Ses "
                                              f"caractéristiques sont lues sous {new} ; la fabrique garde "
                                              f"le code de la liste. Mettez {new} dans la liste à la "
                                              "prochaine mise à jour.", blocking=False)
        elif code not in sources.COG_FIXES and code not in self.reference.commune_by_code.index:
            hint = _suggest_commune(code, self.cell(cells, "commune_name"), self.reference)
            self.problem(row, "commune_code", f"code commune {code} inconnu du Code officiel "
                                              f"géographique 2025 utilisé par le tableau de bord.{hint}")
            return None
        commune = self.lookup(code)
        given_dep = self.cell(cells, "departement")
        if given_dep and not _matches_place(given_dep, commune.dep_code,
                                            self.reference.dep_names.get(commune.dep_code)):
            self.problem(row, "departement", f"« {given_dep} » ne correspond pas au département de la "
                                             f"commune {code} ({self.reference.dep_names.get(commune.dep_code)}, "
                                             f"{commune.dep_code}) ; le code commune fait foi.", blocking=False)
        given_reg = self.cell(cells, "region")
        if given_reg and isinstance(commune.reg_code, str) and not _matches_place(
                given_reg, commune.reg_code, self.reference.reg_names.get(commune.reg_code)):
            self.problem(row, "region", f"« {given_reg} » ne correspond pas à la région de la commune "
                                        f"{code} ({self.reference.reg_names.get(commune.reg_code)}) ; "
                                        "le code commune fait foi.", blocking=False)
        return code

    def check_name(self, row: int, cells: list[str]) -> str | None:
        name = sources.clean_text(self.cell(cells, "name"))
        if len(name) > MAX_NAME_LENGTH:
            self.problem(row, "name", f"nom de {len(name)} caractères, au-delà de {MAX_NAME_LENGTH} : "
                                      "la cellule contient sans doute autre chose que le nom.")
            return None
        if MARKUP.search(name) or starts_like_formula(name):
            self.problem(row, "name", "le nom contient du code HTML ou commence comme une formule de "
                                      "tableur : il est gardé tel quel, comme du texte, et jamais exécuté.",
                         blocking=False)
        return name

    def check_point(self, row: int, cells: list[str], code: str | None):
        """(lon, lat), None when the list gives no point, False when the point is wrong."""
        raw_lat, raw_lon = self.cell(cells, "lat"), self.cell(cells, "lon")
        if not raw_lat and not raw_lon:
            return None
        for field, raw in (("lat", raw_lat), ("lon", raw_lon)):
            if not raw:
                self.problem(row, field, "coordonnée manquante alors que l'autre est donnée : "
                                         "remplissez les deux ou aucune.")
                return False
        lat, lon = _parse_float(raw_lat), _parse_float(raw_lon)
        if lat is None or lon is None:
            field, raw = ("lat", raw_lat) if lat is None else ("lon", raw_lon)
            self.problem(row, field, f"« {raw} » n'est pas un nombre (degrés décimaux, ex. 48,11).")
            return False
        if code is None:
            return False
        dep_code = self.lookup(code).dep_code
        from pipeline.geography import inside_territory  # the same test derive_laureates applies

        if inside_territory(lon, lat, dep_code, self.reference.dep_shapes):
            return lon, lat
        where = f"({raw_lat} ; {raw_lon})"
        if inside_territory(lat, lon, dep_code, self.reference.dep_shapes):
            self.problem(row, "lat", f"latitude et longitude inversées {where} : le point ne tombe dans "
                                     f"le département {dep_code} qu'une fois les deux colonnes échangées.")
        elif not self.reference.in_france(lon, lat):
            self.problem(row, "lat", f"point {where} hors de France et des outre-mer.")
        else:
            self.problem(row, "lat", f"point {where} hors du département de la commune {code} "
                                     f"({self.reference.dep_names.get(dep_code)}, {dep_code}).")
        return False

    def check_wave(self, row: int, cells: list[str]):
        """(label or None, date or None); date False when unreadable."""
        wave = self.cell(cells, "wave")
        if re.fullmatch(r"\d{1,2}", wave):
            wave = f"Vague {int(wave)}"
        raw_date = self.cell(cells, "wave_date")
        if not raw_date:
            return wave or None, None
        parsed = _parse_date(raw_date)
        if parsed is None:
            self.problem(row, "wave_date", f"date « {raw_date} » illisible : attendu 28/10/2024 ou 2024-10-28.")
            return wave or None, False
        if parsed < PROGRAMME_START:
            self.problem(row, "wave_date", f"date {raw_date} antérieure à l'appel à manifestation "
                                           "d'intérêt du 11 juillet 2019.")
            return wave or None, False
        if parsed > date.today():
            self.problem(row, "wave_date", f"date {raw_date} dans le futur.", blocking=False)
        return wave or None, parsed

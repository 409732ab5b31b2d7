"""French number, percentage, size and date formatting (1 800 ; 42,5 % ; 2,0 Mo ; 3 février 2020)."""
from __future__ import annotations

import re
from datetime import date, datetime

NBSP = "\u00a0"  # no-break space: a figure never breaks across lines

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def _missing(value) -> bool:
    """None, NaN or pandas' NA (whose truth value is ambiguous)."""
    try:
        return value is None or bool(value != value)
    except TypeError:
        return True


def fr_int(value) -> str:
    if _missing(value):
        return "non disponible"
    return f"{int(round(value)):,}".replace(",", NBSP)


def fr_decimal(value, digits: int = 1) -> str:
    if _missing(value):
        return "non disponible"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return text


def fr_percent(value, digits: int = 1) -> str:
    """value is a percentage already (42.5 -> '42,5 %')."""
    if _missing(value):
        return "non disponible"
    return f"{fr_decimal(value, digits)}{NBSP}%"


def fr_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def fr_milestone_date(value: date, precision: str = "jour") -> str:
    """An announcement's date as precisely as its source gives it: '3 février 2020', or
    'fin 2021' when the source says only that (pipeline/facts.py DATE_PRECISIONS)."""
    return f"fin {value.year}" if precision == "fin_annee" else fr_date(value)


def fr_milestone_when(value: date, precision: str = "jour", day_word: str = "le") -> str:
    """The same after a number or a noun: 'le 3 février 2020' (or 'du …', 'au …' with
    `day_word`), and 'fin 2021' ('de fin 2021' after 'du')."""
    if precision == "fin_annee":
        return ("de " if day_word == "du" else "") + fr_milestone_date(value, precision)
    return f"{day_word} {fr_date(value)}"


def fr_month(value: date) -> str:
    """'février 2020'."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def fr_datetime(value: str) -> str:
    """'2026-11-28T13:02:44+00:00' -> '28 novembre 2026 à 13 h 02'; empty -> '—'."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value)
    return f"{fr_date(moment.date())} à {moment.hour} h {moment.minute:02d}"


def fr_size(size: int) -> str:
    """A file size in bytes: '12 Ko', '2,0 Mo'."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def capitalised(text: str) -> str:
    """First letter upper case, accents kept: 'à La Réunion' -> 'À La Réunion'."""
    return text[:1].upper() + text[1:]


def share(part, whole) -> float | None:
    """Percentage of part in whole, None when whole is zero."""
    return None if not whole else 100.0 * part / whole


def as_text(text) -> str:
    """Text from the data inside a Markdown sentence: its Markdown characters escaped."""
    return re.sub(r"([\\`*_\[\]<>$~#|:])", r"\\\1", str(text))

"""The budgets of issues 8, 15 and 25 and how a measured figure is checked against them.

Every budget is a ratio to a baseline measured in the same run (or, for the map, a number of
bytes; for the warm-up, seconds, as the issue asks): absolute times on a shared machine are
printed for information only. Issue 15 added budgets beside those of issue 8, issue 25 beside
both (none is loosened: all are checked).
"""
from __future__ import annotations

from dataclasses import dataclass

PASS, MISS = "✓ tenu", "✗ dépassé"


@dataclass(frozen=True)
class Budget:
    name: str
    limit: float
    unit: str  # "×" for a ratio, "o/point" or "o" for the map payload
    meaning: str


BUDGETS = {
    "warm": Budget("relance", 4.0, "×", "relance (même filtre) / page d'une ligne"),
    "cold": Budget("nouveau filtre", 15.0, "×", "relance avec un filtre nouveau / page d'une ligne"),
    "scale": Budget("100 000 fabriques", 20.0, "×", "même page avec 100 000 fabriques / avec 382"),
    "map_bytes": Budget("carte", 40.0, "o/point", "octets envoyés au navigateur par point de la carte"),
    "browser": Budget("navigateur", 1.5, "×", "navigation → dernier graphique peint / page « bonjour »"),
    # Issue 15: a crowd on announcement day.
    "warm_15": Budget("relance (t. 15)", 40.0, "×",
                      "relance (même filtre, ou diapositive suivante) / page d'une ligne"),
    "map_rerun": Budget("carte par relance", 60_000, "o",
                        "octets de la carte à chaque relance (liste réelle), contours hors relance"),
    "settled": Budget("page stable", 1.5, "×",
                      "navigation → la page ne change plus, première visite / page « bonjour »"),
    "settled_map": Budget("carte stable", 2.5, "×",
                          "navigation → /carte ne change plus, première visite / page « bonjour »"),
    # Issue 12: an attacker uploading and guessing the import password meanwhile (make load-attack).
    "attack": Budget("attaquant", 1.5, "×", "p95 des autres sessions avec l'attaquant / sans lui"),
    # Issue 25: first visits against the floor of a plotly page, the landing page, the warm-up.
    "gauge": Budget("page / une jauge", 1.25, "×",
                    "navigation → la page ne change plus / page d'une seule jauge plotly, même essai"),
    "gauge_map": Budget("carte / une jauge", 1.5, "×",
                        "navigation → /carte ne change plus / page d'une seule jauge plotly"),
    "hello_laureats": Budget("lauréats / bonjour", 1.8, "×",
                             "navigation → /laureats ne change plus / page « bonjour »"),
    "landing": Budget("accueil / bonjour", 1.5, "×",
                      "navigation → / ne change plus / page « bonjour » (la page de chaque lien partagé)"),
    "warm_visit": Budget("visite préchauffage", 1.5, "×",
                         "première visite de / pendant le préchauffage / après lui (médianes)"),
    "warm_up": Budget("préchauffage", 60.0, "s", "durée du préchauffage complet au démarrage, sans visiteur"),
}


@dataclass(frozen=True)
class Check:
    budget: str
    subject: str
    value: float
    limit: float
    unit: str

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    @property
    def mark(self) -> str:
        return PASS if self.passed else MISS

    def as_dict(self) -> dict:
        return {"budget": self.budget, "subject": self.subject, "value": round(self.value, 3),
                "limit": self.limit, "unit": self.unit, "passed": self.passed}


def check(budget_key: str, subject: str, value: float) -> Check:
    budget = BUDGETS[budget_key]
    return Check(budget_key, subject, value, budget.limit, budget.unit)


def ratio(value: float, baseline: float) -> float:
    if baseline <= 0:
        raise ValueError(f"référence nulle ou négative : {baseline}")
    return value / baseline


def format_checks(checks: list[Check], details: str = "voir le profil dans bench/results.json") -> str:
    """The budget table printed at the end of `make bench` (and of `make load-attack`)."""
    lines = [f"{'budget':<20}{'objet':<22}{'mesure':>12}{'plafond':>12}  verdict"]
    for item in checks:
        if item.unit == "o":  # whole bytes, with a thin space between thousands
            value, limit = (f"{number:,.0f} o".replace(",", "\u202f") for number in (item.value, item.limit))
        elif item.unit == "s":
            value, limit = f"{item.value:.0f} s", f"{item.limit:.0f} s"
        else:
            suffix = item.unit if item.unit == "×" else " o"
            value, limit = f"{item.value:.2f}{suffix}", f"{item.limit:g}{suffix}"
        lines.append(f"{BUDGETS[item.budget].name:<20}{item.subject:<22}{value:>12}{limit:>12}  {item.mark}")
    missed = sum(not item.passed for item in checks)
    lines.append(f"{len(checks) - missed}/{len(checks)} budgets tenus"
                 + (f", {missed} dépassé(s) : {details}" if missed else ""))
    return "\n".join(lines)

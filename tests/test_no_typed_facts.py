"""No fact of the programme typed into a page or a view: counts, dates and wave boundaries come
from the milestones, the targets and the manifest through queries, so that an import updates
every sentence. Scans the text a page or view shows (string literals, f-string parts; not the
docstrings, which document) and its literal dates."""
import ast
import re

import pytest

from conftest import ROOT

# The accessibility statement cites a law (n° 2005-102 du 11 février 2005), not the programme.
NOT_ABOUT_THE_PROGRAMME = {"accessibilite.py"}
# Pages, models, views and words, and the other code whose text reaches a screen or a file: the filter bar and
# the page chrome (app/), the API's answers (app/web/), the PowerPoint and the press kit (services/).
FILES = sorted(path for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "views").glob("*.py"),
                                 *(ROOT / "models").glob("*.py"), *(ROOT / "domain").glob("*.py"),
                                 *(ROOT / "app").rglob("*.py"), *(ROOT / "services").glob("*.py")]
               if path.name not in NOT_ABOUT_THE_PROGRAMME)
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
TYPED_FACTS = [
    ("une date écrite en toutes lettres", re.compile(rf"\b\d{{1,2}}(?:er)? (?:{MONTHS}) \d{{4}}\b", re.I)),
    ("une date ISO", re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")),
    ("un identifiant de fabrique (borne de vague)", re.compile(r"fabt-\d")),
    # Counts of the programme and of its lists: targets, announced totals, list sizes, the
    # 2019 census, the deadline counts.
    ("un décompte du programme", re.compile(
        r"(?<![\w.,])(?:80|150|170|189|218|300|380|382|407|1[\s\u00a0\u202f]?512|144|171|126|137|182|195)"
        r"(?![\w.,%])(?!\s*(?:px|ms|kB|Mo|MB|°))")),
    ("un nombre de départements", re.compile(r"\b10[12] départements?\b|\bsur 10[12]\b")),
    ("une vague numérotée", re.compile(r"\b\d+(?:e|ᵉ|ème) vague\b", re.I)),
]


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                ids.add(id(body[0].value))
    return ids


def _shown_strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.lineno, node.value


def _literal_dates(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "date"
                and node.args and all(isinstance(a, ast.Constant) for a in node.args)):
            yield node.lineno, ast.unparse(node)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_programme_fact_is_typed(path):
    name = path.relative_to(ROOT)
    found = [f"{name}:{line} : {what} dans {text!r}"
             for line, text in _shown_strings(path) for what, pattern in TYPED_FACTS if pattern.search(text)]
    found += [f"{name}:{line} : date écrite dans le code {call}"
              for line, call in _literal_dates(path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("text", [
    "La 10ᵉ vague (28 octobre 2024, 407 fabriques annoncées) n'y figure pas encore.",
    "fabt-01 à fabt-80 : vague du 3 février 2020",
    "Base de la Mission Coworking : 1 512 lieux",
    "1 département sur 102",
    "depuis le 2023-09-11",
])
def test_the_scan_catches_what_the_issue_found(text):
    assert any(pattern.search(text) for _, pattern in TYPED_FACTS)


@pytest.mark.parametrize("text", ["QPV 2024", "contours COG 2023", "Tiers-lieux recensés en 2018–2019",
                                  "font-size:0.75em", "Fabriques pour 100 000 habitants"])
def test_the_scan_leaves_vintages_and_units_alone(text):
    assert not any(pattern.search(text) for _, pattern in TYPED_FACTS)

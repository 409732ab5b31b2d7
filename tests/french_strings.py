"""The French text of the project, for tests/test_spelling.py: the string literals of pages/,
views/, domain/ and models/ (read with `ast`; docstrings, identifiers, keys, CSS/HTML/JS, format
specs, URLs and code in backticks left out), the text columns of the facts files, and a checker
built on the Hunspell French dictionary (Debian package hunspell-fr-classical, read by spylls)."""
from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

CODE_FOLDERS = ("pages", "views", "domain", "models")
# The facts files and their columns that reach the screen (events, details, labels, names).
FACTS_TEXT_COLUMNS = {
    "programme_jalons_fabriques.csv": ("evenement", "detail"),
    "objectifs_programme.csv": ("libelle", "detail", "editeur_source"),
    "tiers_lieux_recensements.csv": ("qualificatif", "producteur", "detail"),
    "tiers_lieux_2023_repartition_regionale.csv": ("region",),
}
DICTIONARY = Path("/usr/share/hunspell/fr_FR")  # .aff and .dic, from hunspell-fr-classical
DICTIONARY_PACKAGE = "hunspell-fr-classical"

LETTER = "A-Za-zÀ-ÖØ-öø-ÿŒœÆæ"
WORD = re.compile(rf"[{LETTER}]+(?:['’][{LETTER}]+)*(?:-[{LETTER}]+(?:['’][{LETTER}]+)*)*")
# Elided articles and pronouns before a vowel: "l'ANCT", "d'euros", "qu'une", "jusqu'au".
ELISIONS = {"l", "d", "n", "s", "j", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "presqu", "quelqu"}
# What is not prose inside a string: code in backticks, URLs, HTML tags and entities, plotly and
# printf placeholders, str.format fields, file names and dotted or underscored identifiers.
NOT_PROSE = re.compile(
    r"`[^`]*`"
    r"|\b(?:https?://|www\.)\S+"
    r"|&#?\w+;"
    r"|%\{[^}]*\}|%[-+#0]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|\{[^{}]*\}"
    r"|\S*[/\\_@]\S*"
    r"|(?:[\w-]+)?\.(?:py|sql|csv|xlsx|json|toml|parquet|geojson|md|txt|pdf|pptx|png|svg|html|js|css)\b"
    r"|\?\w+=\S*"
    r"|\b[a-z]\w*(?:\.\w+)+\b"
)
# A whole string without spaces that is a key, a code or an identifier, not a word: lowercase
# ("insee", "reg_code", "#000091", "rgba(0,0,0,.2)", "communauté"), with a digit ("Int64"),
# an underscore, all capitals ("NFKD"), camelCase ("displayModeBar", "GeoJsonLayer") or two
# letters at most ("Cc"). A single word that starts with a capital ("Objectif") is checked.
IDENTIFIER = re.compile(
    rf"[^\sA-Z]*"
    rf"|\S*[\d_]\S*"
    rf"|[^\s{LETTER}]*[A-Z][^\sa-zà-öø-ÿœæ]*"
    rf"|\S*[a-zà-öø-ÿ][A-Z]\S*"
    rf"|\S{{1,2}}"
)
# Positions and CSS values given to plotly and deck.gl, font stacks.
LAYOUT = re.compile(r"(?:(?:top|middle|bottom|left|center|right) ?){1,2}"
                    r"|.*,\s*(?:sans-serif|serif|monospace)\W*"
                    r"|\d[\w.]* (?:solid|dashed|dotted)\b.*")
# CSS declarations ("display:flex;"): French puts a space before its colon, CSS does not.
CSS = re.compile(r"[\w-]+:\s*[^;{}\s][^;{}]*;")
JS = re.compile(r"=>|\bfunction\b|\bdocument\.|\bwindow\.|\bconst |\breturn ")
# Arguments that are keys or type names, not text: row.get("X-Forwarded-For"), .astype("Int64").
KEY_CALLS = {"get", "pop", "setdefault", "getattr", "hasattr", "astype", "category", "normalize"}


@dataclass(frozen=True)
class Text:
    where: str  # "views/synthese.py:87" or "programme_jalons_fabriques.csv, ligne 8, detail"
    text: str


def prose(text: str) -> str | None:
    """The words of a string a reader sees (a screen reader too: an HTML tag's aria-label, title
    and alt), or None when the string is code, not prose."""
    stripped = text.strip()
    if not stripped or IDENTIFIER.fullmatch(stripped) or LAYOUT.fullmatch(stripped):
        return None
    if JS.search(stripped) or stripped.startswith("{"):
        return None
    stripped = re.sub(r"<style\b.*?</style>", " ", stripped, flags=re.S)
    read_aloud = " ".join(re.findall(r'\b(?:aria-label|title|alt)="([^"]*)"', stripped))
    stripped = re.sub(r"<[^<>]*>", " ", stripped) + " " + read_aloud
    if len(CSS.findall(stripped)) >= 2:
        return None
    return NOT_PROSE.sub(" ", stripped)


def _not_text(tree: ast.AST) -> set[int]:
    """Strings that no reader sees: docstrings, annotations ("Bounds"), the keys of a table of
    strings (codes or English strings mapped to French labels), a GeoJSON "type"."""
    nodes = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                nodes.append(first.value)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            nodes += [node.returns] + [a.annotation for a in arguments]
        if isinstance(node, ast.AnnAssign):
            nodes.append(node.annotation)
        if isinstance(node, ast.Dict):
            if node.values and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values):
                nodes += node.keys
            nodes += [v for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and k.value == "type"]
    return {id(inner) for outer in nodes if outer is not None for inner in ast.walk(outer)}


class _Literals(ast.NodeVisitor):
    """Every string literal that a reader may see; an f-string is one text with its fields
    blanked, its format specs (":,.0f") left out; the pattern given to `re` and the key given to
    `.get()` and the like are not text."""

    def __init__(self, skip: set[int]):
        self.skip = skip
        self.found: list[tuple[int, str]] = []

    def visit_Constant(self, node: ast.Constant):
        if isinstance(node.value, str) and id(node) not in self.skip:
            self.found.append((node.lineno, node.value))

    def visit_JoinedStr(self, node: ast.JoinedStr):
        parts = [value.value if isinstance(value, ast.Constant) else " " for value in node.values]
        self.found.append((node.lineno, "".join(parts)))
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)  # the expression, not its format spec

    def visit_Call(self, node: ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        pattern = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"
        if pattern or name in KEY_CALLS:
            self.visit(func)
            for argument in node.args[1 if pattern else 0:]:
                if not (isinstance(argument, ast.Constant) and (pattern or argument is node.args[0])):
                    self.visit(argument)
            for keyword in node.keywords:
                self.visit(keyword.value)
            return
        self.generic_visit(node)


def literal_texts(source: str, where: str) -> list[Text]:
    """The prose of the string literals of one module's source, each with its line."""
    tree = ast.parse(source)
    visitor = _Literals(_not_text(tree))
    visitor.visit(tree)
    return [Text(f"{where}:{line}", words) for line, value in visitor.found if (words := prose(value))]


def code_texts(folders: tuple[str, ...] = CODE_FOLDERS) -> list[Text]:
    return [text for folder in folders for path in sorted((ROOT / folder).glob("*.py"))
            for text in literal_texts(path.read_text(encoding="utf-8"), f"{folder}/{path.name}")]


def facts_texts(source_dir: Path = ROOT / "data" / "sources") -> list[Text]:
    texts = []
    for name, columns in FACTS_TEXT_COLUMNS.items():
        with (source_dir / name).open(encoding="utf-8", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                for column in columns:
                    words = prose(record[column])
                    if words:
                        texts.append(Text(f"{name}, ligne {line}, {column}", words))
    return texts


class Checker:
    """Hunspell's French dictionary, plus the programme's own words (acronyms, names)."""

    def __init__(self, own_words: set[str]):
        from spylls.hunspell import Dictionary

        assert DICTIONARY.with_suffix(".dic").exists(), (
            f"French dictionary missing ({DICTIONARY}.dic): install the Debian package "
            f"{DICTIONARY_PACKAGE} (`make test` installs it)")
        self.dictionary = Dictionary.from_files(str(DICTIONARY))
        self.own_words = own_words
        self._known: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = self._check(word)
        return self._known[word]

    def _check(self, word: str) -> bool:
        if len(word) == 1 or word in self.own_words or self.dictionary.lookup(word):
            return True
        for mark in ("'", "’"):
            head, _, tail = word.partition(mark)
            if tail and head.lower() in ELISIONS:
                return self.known(tail)
        if "-" in word:  # "Île-de-Bréhat": each part ("Bréhat" is a word of the programme)
            return all(self.known(part) for part in word.split("-"))
        return False

    def unknown_words(self, text: str) -> list[str]:
        return [word for word in WORD.findall(text) if not self.known(word)]

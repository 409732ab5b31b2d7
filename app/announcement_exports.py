"""The announcement kit's downloads, shared by Présentation and Territoires: the editable
PowerPoint (needs Chromium for the map picture) and the press-kit PDF (needs the DejaVu font).

What they say comes from models/presentation.py (the figures of the scope, as on screen); this
module renders it with the services and keeps the files per (scope, day). Each export fails on
its own, with a French message naming what to install, and leaves the other one working. Built
on request (a button).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import streamlit as st

from domain.territory_types import DEFAULT_RURAL_DEFINITION, words
from models import presentation
from models.scope import Scope
from models.store import kept
from services import export_kit, pptx_deck, press_kit

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def images_and_deck(scope: Scope, today: date) -> tuple[list[bytes], bytes]:
    """PNG of every slide and the editable PPTX; raises export_kit.ExportError without Chromium."""
    deck_slides = presentation.deck_slides(scope, today)
    pictures = {s.slug: s.picture for s in deck_slides if s.picture is not None}
    images, picture_pngs = export_kit.slide_and_picture_pngs(presentation.export_slides(scope, today),
                                                             pictures)
    pptx = kept("presentation_pptx", (*scope.key, today.isoformat()),
                lambda: pptx_deck.deck(deck_slides, picture_pngs,
                                       f"Fabriques de territoire — {scope.description}"))
    return images, pptx


def press_kit_bytes(scope: Scope, today: date) -> bytes:
    """The press-kit PDF; raises press_kit.PressKitError without the font."""
    press_kit.font_files()  # checked before the cache: a font installed later is then used
    return kept("press_kit_pdf", (*scope.key, today.isoformat()),
                lambda: press_kit.press_kit_pdf(presentation.press_kit(scope, today)))


def press_kit_download(scope: Scope, key: str) -> None:
    """A button that prepares the press kit of the scope, then its download."""
    flag = f"{key}_ready"
    if not st.session_state.get(flag):
        # The flag is set before the rerun: the menu then says at once what it is preparing.
        st.button("Préparer le dossier de presse (PDF)", icon=":material/picture_as_pdf:", key=key,
                  on_click=st.session_state.__setitem__, args=(flag, True))
        return
    try:
        with st.status("Mise en page du dossier de presse (PDF A4 : chiffres, carte, liste des "
                       "fabriques, sources)…", expanded=False) as progress:
            pdf = press_kit_bytes(scope, date.today())
            progress.update(label="Dossier de presse prêt", state="complete")
    except press_kit.PressKitError as error:
        st.error(str(error), icon=":material/error:")
    else:
        st.download_button("Télécharger le dossier de presse (PDF)", pdf,
                           file_name=press_kit.file_name(scope_slug(scope), date.today()), mime="application/pdf",
                           icon=":material/download:", on_click="ignore", key=f"{key}_download")


def scope_slug(scope: Scope) -> str:
    """The scope in a file name: "region-53-bretagne", "departement-29-finistere-hors-grands-centres-urbains",
    "france"; "-rural-insee" when the rural figures are INSEE's (the default is the call's)."""
    f = scope.filters
    level = next(((name, code) for name, code in (("epci", f.epci), ("departement", f.departement),
                                                   ("region", f.region)) if code), None)
    parts = [level[0], level[1], scope.place.name] if level else ["france"]
    if f.territoire:
        parts.append(words(f.territoire, f.rural_definition).plural)
    if f.rural_definition != DEFAULT_RURAL_DEFINITION:
        parts.append(f"rural-{f.rural_definition}")
    return "-".join(filter(None, (_ascii_words(part) for part in parts)))


def _ascii_words(text: str) -> str:
    """"Finistère" → "finistere", "Côtes-d'Armor" → "cotes-d-armor": safe in any file system."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")

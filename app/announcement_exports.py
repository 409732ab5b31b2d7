"""The announcement kit's downloads, shared by Présentation and Territoires: the editable
PowerPoint (needs Chromium for the map picture) and the press-kit PDF (needs the DejaVu font).

Each export fails on its own, with a French message naming what to install, and leaves the
other one working. Built on request (a button), then kept per (filter, data version, day).
"""
from __future__ import annotations

from datetime import date

import streamlit as st

import queries
from app.context import Context
from app.figure_cache import built, filter_key
from services import export_kit, pptx_deck, press_kit
from views import announcement, sentences, slides

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def slide_data(ctx: Context, version: str, manifest: dict, today: date) -> slides.SlideData:
    """What the slides, the deck and the press kit are built from, for this filter and version."""
    place = sentences.place_of(ctx.filters.region, ctx.filters.departement,
                               ctx.geography.regions, ctx.geography.departements, ctx.filters.epci,
                               ctx.geography.epci, ctx.geography.epci_types)
    return slides.SlideData(
        headline=queries.run_at(version, "headline_counts", **ctx.params).iloc[0],
        targets=queries.run_at(version, "progress_toward_targets", **ctx.params),
        announced=queries.run_at(version, "announced_totals"),
        outlines=queries.run_at(version, "static_map_outlines"),
        points=queries.run_at(version, "static_map_points", **ctx.params),
        place=place, region=ctx.filters.region, departement=ctx.filters.departement,
        territoire=ctx.filters.territoire, rural_definition=ctx.filters.rural_definition,
        scope=ctx.scope, manifest=manifest, produced_on=today,
    )


def _key(ctx: Context, version: str, today: date) -> tuple:
    return filter_key(ctx.params, version, today.isoformat())


def export_slides(ctx: Context, version: str, manifest: dict, today: date) -> list[slides.Slide]:
    """The slides with the type sizes of a 1920 x 1080 image."""
    return built("presentation_export_slides", version, _key(ctx, version, today),
                 lambda: slides.build_slides(slide_data(ctx, version, manifest, today)))


def images_and_deck(ctx: Context, version: str, manifest: dict, today: date) -> tuple[list[bytes], bytes]:
    """PNG of every slide and the editable PPTX; raises export_kit.ExportError without Chromium."""
    data = slide_data(ctx, version, manifest, today)
    deck_slides = built("presentation_deck_slides", version, _key(ctx, version, today),
                        lambda: announcement.deck_slides(data))
    pictures = {s.slug: s.picture for s in deck_slides if s.picture is not None}
    images, picture_pngs = export_kit.slide_and_picture_pngs(export_slides(ctx, version, manifest, today),
                                                             pictures)
    pptx = built("presentation_pptx", version, _key(ctx, version, today),
                 lambda: pptx_deck.deck(deck_slides, picture_pngs,
                                        f"Fabriques de territoire — {ctx.scope}"))
    return images, pptx


def press_kit_bytes(ctx: Context, version: str, manifest: dict, today: date) -> bytes:
    """The press-kit PDF; raises press_kit.PressKitError without the font."""
    press_kit.font_files()  # checked before the cache: a font installed later is then used

    def build() -> bytes:
        data = slide_data(ctx, version, manifest, today)
        laureates = queries.run_at(version, "laureates_list", search="", **ctx.params)
        return press_kit.press_kit_pdf(announcement.press_kit(data, laureates))

    return built("press_kit_pdf", version, _key(ctx, version, today), build)


def press_kit_download(ctx: Context, version: str, manifest: dict, key: str) -> None:
    """A button that prepares the press kit of the current filter, then its download."""
    flag = f"{key}_ready"
    if st.button("Préparer le dossier de presse (PDF)", icon=":material/picture_as_pdf:", key=key):
        st.session_state[flag] = True
    if not st.session_state.get(flag):
        return
    try:
        with st.spinner("Mise en page du dossier de presse…"):
            pdf = press_kit_bytes(ctx, version, manifest, date.today())
    except press_kit.PressKitError as error:
        st.error(str(error), icon=":material/error:")
    else:
        st.download_button("Télécharger le dossier de presse (PDF)", pdf,
                           file_name=press_kit.file_name(scope_slug(ctx), version), mime="application/pdf",
                           icon=":material/download:", on_click="ignore", key=f"{key}_download")


def scope_slug(ctx: Context) -> str:
    if ctx.filters.departement:
        return f"departement-{ctx.filters.departement}"
    if ctx.filters.region:
        return f"region-{ctx.filters.region}"
    return "france"

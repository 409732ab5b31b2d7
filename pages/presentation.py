"""Présentation: full-width slides for a projector, their sentences, PNG / PPTX exports, a permalink.

The slide number (`?slide=`) and the data version (`?version=`) are this page's URL parameters;
the filters (`region`, `departement`, `territoire`, `rural`) are the filter bar's.
"""
from datetime import date
from urllib.parse import urlsplit

import streamlit as st

from app import announcement_exports, chrome, context, slideshow
from domain.labels import empty_scope
from models import figures, presentation
from models import scope as scopes
from services import export_kit
from views import slides
from views.filters import shown

ctx = context.current()
slideshow.projector_frame()

# Which data version: the current one, or the one a permalink names.
current_version = ctx.data_version
requested_version = st.query_params.get("version")
scope = ctx.scope
if requested_version and requested_version != current_version:
    try:
        scopes.at_version(requested_version)  # its manifest only: the figures once asked for
    except scopes.UnknownVersion:
        st.warning(f"Ce lien désigne une version des données inconnue (« {shown(requested_version)} ») : "
                   f"les chiffres affichés sont ceux de la version actuelle ({current_version}).",
                   icon=":material/history:")
    else:
        st.info(f"Les données ont changé depuis ce lien : il désigne la version {requested_version}, "
                f"la version en ligne est {current_version}. Les chiffres ont pu évoluer.",
                icon=":material/history:")
        as_they_were = st.toggle(f"Afficher les chiffres tels qu'ils étaient (version {requested_version})",
                                 key="presentation_as_they_were")
        if as_they_were:
            scope = scopes.of(ctx.filters, requested_version)

version = scope.version
today = date.today()
fabriques = figures.of(scope).fabriques
# Built once per scope and day (the footer says the date): the arrow keys then only send the
# next slide's figure.
deck = presentation.screen_slides(scope, today)

number, notice = slides.slide_number_from_url(st.query_params.get("slide"), len(deck))
if notice:
    st.warning(notice, icon=":material/info:")
if st.query_params.get("slide") != str(number):
    st.query_params["slide"] = str(number)
slide = deck[number - 1]


def go_to(target: int) -> None:
    st.query_params["slide"] = str(target)


with st.container(key=slideshow.SLIDE_KEY):
    st.title(slides.as_markdown_text(slide.title), anchor=False)
    with st.container(key=slideshow.FIGURE_KEY):
        if fabriques == 0 and not slide.national:
            # No fabrique in this scope: a notice rather than a chart of zeros or an empty map.
            st.info(f"{empty_scope(scope.description)} : cette diapositive n'a "
                    "rien à montrer. Élargissez les filtres depuis la page Synthèse (lien en bas de page).",
                    icon=":material/slideshow:")
        else:
            # theme=None: the slide keeps its white page (a light card in the dark theme), as exported.
            st.plotly_chart(slide.figure, config={"displayModeBar": False, "responsive": True},
                            key=f"slide_{slide.slug}", alt=slide.sentence, theme=None, height="stretch")
    st.markdown(f"**À lire :** {slides.as_markdown_text(slide.sentence)}")
    if slide.caveats:
        st.caption(f"À savoir (notes de l'orateur, non lues) : {slides.as_markdown_text(slide.caveats)}")
    st.caption(slides.as_markdown_text(slide.footer))

    previous_column, position_column, next_column, screen_column, more_column = st.columns(
        [3, 2, 3, 2, 2], vertical_alignment="center")
    previous_column.button("Diapositive précédente", icon=":material/arrow_back:", on_click=go_to,
                           args=(number - 1,), disabled=number == 1, width="stretch",
                           key=slideshow.PREVIOUS_KEY)
    position_column.markdown(f"Diapositive {number} sur {len(deck)}", text_alignment="center")
    next_column.button("Diapositive suivante", icon=":material/arrow_forward:", icon_position="right",
                       on_click=go_to, args=(number + 1,), disabled=number == len(deck), width="stretch",
                       key=slideshow.NEXT_KEY)
    with screen_column:
        slideshow.fullscreen_button()
    exports_and_link = more_column.popover("Exporter", icon=":material/ios_share:", width="stretch")

with exports_and_link:
    st.subheader("Exporter", anchor=False)
    st.caption("Le diaporama PowerPoint est modifiable (titres, chiffres, graphiques) ; le dossier de "
               "presse est un PDF A4 du même périmètre.")
    # Each export on its own: without Chromium, no PNG and no PPTX, but the PDF still works.
    try:
        export_kit.browser_path()
    except export_kit.ExportError as error:
        st.error(str(error), icon=":material/error:")
    else:
        if st.button("Préparer l'image et le diaporama", icon=":material/photo_library:"):
            st.session_state["presentation_exports"] = True
        if st.session_state.get("presentation_exports"):
            try:
                with st.spinner("Rendu des diapositives en 1920 × 1080…"):
                    images, pptx = announcement_exports.images_and_deck(scope, today)
            except export_kit.ExportError as error:
                st.error(str(error), icon=":material/error:")
            else:
                st.download_button("Télécharger cette diapositive (PNG)", images[number - 1],
                                   file_name=export_kit.file_name(slide, version), mime="image/png",
                                   icon=":material/image:", on_click="ignore")
                st.download_button("Télécharger le diaporama (PPTX)", pptx,
                                   file_name=export_kit.deck_file_name(version),
                                   mime=announcement_exports.PPTX_MIME,
                                   icon=":material/slideshow:", on_click="ignore")
    announcement_exports.press_kit_download(scope, key="presentation_press_kit")
    st.subheader("Lien permanent", anchor=False)
    st.caption("Ce lien rejoue cette diapositive avec ces filtres et cette version des données.")
    origin = None
    if st.context.url:
        parts = urlsplit(st.context.url)
        origin = f"{parts.scheme}://{parts.netloc}"
    # Wrapped: a long link would otherwise scroll sideways in a box the keyboard cannot reach.
    st.code(slides.permalink(origin, ctx.filters.url_params(), number, version), language=None,
            wrap_lines=True)
    st.page_link("pages/synthese.py", label="Quitter la présentation (Synthèse)", icon=":material/close:",
                 query_params=ctx.filters.url_params())
    # The projector has no footer: the legal pages are here, beside the way out.
    chrome.legal_links(ctx.filters.url_params())

"""Présentation: the slides of a scope in two windows, the audience's (`?vue=projection`: the slide
only) and the presenter's (the slide, the next one's title, the sentence to read, the notes, the
time, the navigation, the exports), kept on the same slide (app/slideshow.py).

The slide number (`?slide=`), the window (`?vue=`) and the data version (`?version=`) are this
page's URL parameters; the filters (`region`, `departement`, `territoire`, `rural`) are the filter bar's.
"""
from datetime import date
from urllib.parse import urlencode, urlsplit

import streamlit as st

from app import announcement_exports, chrome, context, slideshow
from domain.labels import empty_scope
from models import figures, presentation
from models import scope as scopes
from services import export_kit
from views import slides
from views.filters import shown

ctx = context.current()
view, view_notice = slideshow.view_from_url(st.query_params.get("vue"))
audience = view == slideshow.PROJECTION
slideshow.frame(view)
if view_notice:
    st.warning(view_notice, icon=":material/info:")
    st.query_params.pop("vue", None)
    st.query_params["slide"] = "1"

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
        if audience:  # the presenter chose it, in the link that opened this window
            scope = scopes.of(ctx.filters, requested_version)
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
# Built once per scope and day (the footer says the date): the keys then only send the next figure.
deck = (presentation.screen_slides if audience else presentation.presenter_slides)(scope, today)

number, notice = slides.slide_number_from_url(st.query_params.get("slide"), len(deck))
if notice:
    st.warning(notice, icon=":material/info:")
if st.query_params.get("slide") != str(number):
    st.query_params["slide"] = str(number)
slide = deck[number - 1]
# The windows of one presentation: same filters and data version (not the same slide: that is
# what they tell each other).
channel = "fabriques-diapositives?" + urlencode({**ctx.filters.url_params(), "version": version})
announce = not slideshow.moved_by_the_other_window()


def go_to(target: int) -> None:
    st.query_params["slide"] = str(target)


def the_slide() -> None:
    """What the audience sees: the title, the figure and a short source line."""
    with st.container(key=slideshow.SLIDE_KEY):
        st.title(slides.as_markdown_text(slide.title), anchor=False)
        with st.container(key=slideshow.FIGURE_KEY):
            if fabriques == 0 and not slide.national:
                # No fabrique in this scope: a notice rather than a chart of zeros or an empty map.
                st.info(f"{empty_scope(scope.description)} : cette diapositive n'a rien à montrer.",
                        icon=":material/slideshow:")
            else:
                # theme=None: the slide keeps its white page (a light card in the dark theme), as exported.
                st.plotly_chart(slide.figure, config={"displayModeBar": False, "responsive": True},
                                key=f"slide_{slide.slug}", alt=slide.sentence, theme=None, height="stretch")
        st.caption(slides.as_markdown_text(slide.source_line))


if audience:
    the_slide()
    slideshow.controls(number, len(deck), view, channel, announce)
    st.stop()

# ---- The presenter's window ----------------------------------------------------------------

params = ctx.filters.url_params()
projection_link = "/presentation?" + urlencode({**params, "slide": number, "vue": slideshow.PROJECTION,
                                                **({"version": version} if version != current_version else {})})
with st.container(key=slideshow.BAR_KEY, horizontal=True, vertical_alignment="center"):
    st.markdown(f"**Diapositive {number} sur {len(deck)}**", width="content")
    slideshow.controls(number, len(deck), view, channel, announce)
    st.link_button("Ouvrir l'écran de projection", projection_link, icon=":material/open_in_new:",
                   help="Une fenêtre avec la diapositive seule, à placer sur le projecteur : elle suit "
                        "cette fenêtre, et cette fenêtre la suit (F : plein écran, B : écran noir).")
    exports_and_link = st.popover("Exporter", icon=":material/ios_share:")
    st.page_link("pages/synthese.py", label="Quitter la présentation", icon=":material/close:",
                 query_params=params, width="content")

slide_column, notes_column = st.columns([2, 1], gap="medium")
with slide_column:
    the_slide()
with notes_column, st.container(key=slideshow.NOTES_KEY):
    # The navigation and what comes next stay on top; the sentence and the notes scroll below them.
    previous_column, next_column = st.columns(2)
    previous_column.button("Précédente", icon=":material/arrow_back:", on_click=go_to,
                           args=(number - 1,), disabled=number == 1, width="stretch", key=slideshow.PREVIOUS_KEY,
                           help="Diapositive précédente (← ou Page précédente)")
    next_column.button("Suivante", icon=":material/arrow_forward:", icon_position="right",
                       on_click=go_to, args=(number + 1,), disabled=number == len(deck), width="stretch",
                       key=slideshow.NEXT_KEY, help="Diapositive suivante (→, Page suivante ou espace)")
    following = f"Ensuite : {deck[number].title}" if number < len(deck) else "C'est la dernière diapositive."
    st.markdown(slides.as_markdown_text(following))
    with st.container(key="a_lire"):
        st.markdown(f"**À lire :** {slides.as_markdown_text(slide.sentence)}")
    if slide.caveats:
        st.caption(f"À savoir (notes de l'orateur, non lues) : {slides.as_markdown_text(slide.caveats)}")
    st.caption(slides.as_markdown_text(slide.footer))

with exports_and_link:
    st.caption("Le diaporama PowerPoint est modifiable (titres, chiffres, graphiques, notes) ; le dossier "
               "de presse est un PDF A4 du même périmètre.")
    # Each export on its own: without Chromium, no PNG and no PPTX, but the PDF still works.
    try:
        export_kit.browser_path()
    except export_kit.ExportError as error:
        st.error(str(error), icon=":material/error:")
    else:
        if not st.session_state.get("presentation_exports"):
            st.button("Préparer l'image et le diaporama", icon=":material/photo_library:",
                      on_click=st.session_state.__setitem__, args=("presentation_exports", True))
        else:
            try:
                with st.status(f"Préparation des {len(deck)} diapositives en 1920 × 1080 et du diaporama "
                               "PowerPoint (quelques secondes)…", expanded=False) as progress:
                    images, pptx = announcement_exports.images_and_deck(scope, today)
                    progress.update(label="Image et diaporama prêts", state="complete")
            except export_kit.ExportError as error:
                st.error(str(error), icon=":material/error:")
            else:
                slug = announcement_exports.scope_slug(scope)
                st.download_button("Télécharger cette diapositive (PNG)", images[number - 1],
                                   file_name=export_kit.file_name(slide, version), mime="image/png",
                                   icon=":material/image:", on_click="ignore")
                st.download_button("Télécharger le diaporama (PPTX)", pptx,
                                   file_name=export_kit.deck_file_name(slug, today),
                                   mime=announcement_exports.PPTX_MIME,
                                   icon=":material/slideshow:", on_click="ignore")
    announcement_exports.press_kit_download(scope, key="presentation_press_kit")
    st.markdown("**Lien permanent** : cette diapositive, ces filtres et cette version des données.")
    origin = None
    if st.context.url:
        parts = urlsplit(st.context.url)
        origin = f"{parts.scheme}://{parts.netloc}"
    # Wrapped: a long link would otherwise scroll sideways in a box the keyboard cannot reach.
    st.code(slides.permalink(origin, params, number, version), language=None, wrap_lines=True)
    # The projector has no footer: the legal pages are here.
    chrome.legal_links(params)

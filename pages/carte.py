"""Carte: the fabriques on our own outlines of France, overseas France in insets.

Lays out models/carte.py: the map's model of the scope (its headline is Synthèse's), its deck,
a fabrique's card.
"""
import re

import streamlit as st

from app import context, map_width
from app.web import static_outlines, static_points
from domain.format import fr_int
from domain.labels import empty_scope, widen_scope
from models import carte, figures
from views import epci as epci_views
from domain.insets import insets_in
from views import map_card, map_options, map_text, map_tooltip, map_view
from views.filters import shown

FABRIQUE_ID = re.compile(r"fabt-[0-9]{1,4}")  # ASCII digits, matched whole
CHOICE_KEY = "carte_fabrique"

ctx = context.current()
st.title("Carte des Fabriques de territoire", anchor=False)
st.caption(f"Périmètre : **{ctx.description}**")

# The scope's counts (Synthèse's); the map's own model follows the placement of overseas France.
headline = figures.of(ctx.scope).headline
if headline.fabriques == 0:
    st.info(f"{empty_scope(ctx.description)} : la carte n'a rien à montrer. {widen_scope(ctx.embedded)}",
            icon=":material/map:")
    context.footer(ctx)
    st.stop()

# --- Options of the map (in the URL: a shared link shows the same layers) -----------------
# Two columns of switches: each label is read whole at 1280 px (three columns cut them).
controls = st.columns(2)
with controls[0]:
    true_positions = st.toggle("Outre-mer à sa position réelle", key="carte_positions_reelles", bind="query-params",
                               help="Par défaut, l'outre-mer est déplacé et agrandi en encarts "
                                    "à l'ouest de la Bretagne, comme sur les cartes de l'INSEE.")
    without_fabrique = st.toggle("Départements sans fabrique", key="carte_sans_fabrique", bind="query-params")
with controls[1]:
    census = st.toggle("Tiers-lieux recensés en 2018–2019", key="carte_recensement", bind="query-params",
                       help=carte.census_help(ctx.scope) + " Le filtre de type de territoire ne s'y applique pas.")
    qpv_communes = st.toggle("Communes avec QPV", key="carte_communes_qpv", bind="query-params",
                             help="Communes comptant au moins un quartier prioritaire (2024).")
# The map and, beside it, the fill choice (above the figures and the legend it changes): a third
# row of options would push Corsica below a 720-pixel screen.
map_column, side_column = st.columns([3, 1])
with side_column:
    choropleth = st.radio("Aplat par département", list(map_options.CHOROPLETHS),
                          format_func=map_options.CHOROPLETHS.get, key="carte_aplat", bind="query-params")
options = map_options.MapOptions(insets=not true_positions, census=census, qpv_communes=qpv_communes,
                                choropleth=choropleth, without_fabrique=without_fabrique)
view = carte.page(ctx.scope, options.insets)

epci = ctx.filters.epci
points, table, missing = view.points, view.table, view.missing


# --- The selected fabrique: URL on arrival, then a click on the map or the list ----------
def _fabrique_from_url() -> str:
    value = st.query_params.get("fabrique")
    if not value:
        return ""
    if FABRIQUE_ID.fullmatch(value) and carte.card(ctx.scope, value) is not None:
        return value
    st.session_state["carte_notice"] = (f"Fabrique « {shown(value)} » introuvable dans la liste : "
                                        "le lien est peut-être incomplet. Aucune fiche n'est ouverte.")
    return ""


if CHOICE_KEY not in st.session_state:
    st.session_state[CHOICE_KEY] = _fabrique_from_url()
# A new map key when the points change: a stale click index never points at another commune.
map_key = "carte_map_" + "_".join(str(v) for v in (*ctx.scope.params.values(), options.insets))
bounds = view.bounds


def close_card() -> None:
    st.session_state[CHOICE_KEY] = ""


def take_click() -> None:
    """A click that is new (the selection differs from the last one seen) chooses its commune's
    first fabrique, or closes the card (a click beside the points). Read before the map is built,
    so that the map rings the point the card describes."""
    state = st.session_state.get(map_key) or {}
    indices = (state.get("selection") or {}).get("indices") or {}
    seen = st.session_state.get("carte_last_click")
    if seen is not None and seen[0] == map_key and seen[1] != indices:
        commune = map_view.clicked_commune(points, {"indices": indices})
        in_commune = table[table.commune_code == commune]
        st.session_state[CHOICE_KEY] = in_commune.fabrique_id.iloc[0] if len(in_commune) else ""
    st.session_state["carte_last_click"] = (map_key, indices)


def detail_card(choice: str, width: int) -> None:
    """The chosen fabrique's card (placed by views/map_card.py), closed by its button or Escape."""
    found = carte.card(ctx.scope, choice)
    if found is None:
        return
    commune_code, fields = found.commune_code, found.fields
    point = view.points[view.points.commune_code == commune_code]
    side = map_view.card_side(bounds, float(point.lon.iloc[0]) if len(point) else None, width)
    st.html(map_card.card_style(map_view.frame_height(bounds, width), side))
    with st.container(border=True, key=map_card.CARD_KEY):
        # Title and button on one line when the card is wide enough, the button under it otherwise.
        heading = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")
        heading.markdown("**Fiche de la fabrique**", width="content")
        heading.button("Fermer la fiche", icon=":material/close:", key=f"{map_card.CARD_KEY}_fermer",
                       on_click=close_card, help="Ou touche Échap.")
        if choice not in view.commune_of:
            st.caption("Cette fabrique est hors du périmètre filtré.")
        in_commune = view.fabriques_in_commune.get(commune_code, 0)
        if in_commune > 1:
            st.caption(f"{fr_int(in_commune)} fabriques dans cette commune : choisissez-les dans "
                       "la liste sous la carte.")
        for label, value in fields:
            st.markdown(f"**{label}**")
            st.text(value)  # data text, shown as text


take_click()
selected_commune = view.commune_of.get(st.session_state[CHOICE_KEY])
with map_column:
    # Fitted to the column's width (mainland France fills a wide screen's map too): known before
    # the first draw when the browser announced its viewport (app/map_width.py), else reported by
    # the browser after it; the narrowest column the page is made for until then.
    width = map_view.map_width(map_width.column_width())
    # Built once per filter, options, selected commune and width; a rerun only sends it. Outlines
    # and points travel by URL: files the browser fetches once (app/web/static_outlines.py,
    # app/web/static_points.py).
    deck = carte.deck(ctx.scope, options, selected_commune, width,
                      outline_urls=static_outlines.outline_urls(options.insets, ctx.data_version),
                      point_urls=static_points.point_urls(options.insets, ctx.data_version, ctx.filters))
    st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=map_key,
                    height=map_view.frame_height(bounds, width),
                    alt=map_text.alt_text(headline, ctx.description, options, view.not_placed,
                                          ctx.filters.rural_definition))
    # The chosen fabrique's card, right after the map: under it on a phone, over it (on the side
    # away from its point) on a wider screen.
    if st.session_state[CHOICE_KEY] and not ctx.embedded:
        detail_card(st.session_state[CHOICE_KEY], width)
    in_view = insets_in(map_view.visible_box(bounds, width)) if options.insets else []
    caption = map_text.insets_caption(in_view)
    if caption:  # only when the view holds an inset: a map of Bretagne holds none
        st.caption(caption)
    if epci:
        st.caption(epci_views.NO_OUTLINES)

with side_column:
    st.metric("Fabriques", fr_int(headline.fabriques), border=True,
              help="Même décompte que la page Synthèse pour ce filtre.")
    st.metric("Communes", fr_int(headline.communes), border=True)
    st.metric("Départements", fr_int(headline.departements), border=True,
              help=(f"Sans compter {headline.collectivites.replace(';', ', ')} (collectivité d'outre-mer, "
                    "pas un département), où la liste compte aussi des fabriques.")
              if headline.collectivites else None)
    st.markdown("**Légende**")
    st.html(view.legend(options, ctx.scope, insets_in_view=bool(in_view)))
    st.html(map_tooltip.HIDE_ON_TOUCH_STYLE)
    # No content: below all.
    st.html(map_tooltip.KEEP_INSIDE_SCRIPT + map_card.CARD_SCRIPT, unsafe_allow_javascript=True)

if ctx.embedded:  # an embed shows the map, its legend and its source only
    context.footer(ctx)
    st.stop()

# --- Choosing a fabrique without the mouse (its card opens over the map, under it on a phone) ----
notice = st.session_state.pop("carte_notice", None)
if notice:
    st.warning(notice, icon=":material/info:")
choices = ["", *view.commune_of]
if st.session_state[CHOICE_KEY] not in view.commune_of and st.session_state[CHOICE_KEY]:
    choices.append(st.session_state[CHOICE_KEY])  # a shared link to a fabrique outside the filter
names = view.names
st.selectbox("Fiche d'une fabrique (ou cliquez sur un point de la carte)", choices, key=CHOICE_KEY,
             placeholder="Choisissez une fabrique",
             format_func=lambda fid: "Aucune fiche ouverte" if fid == "" else f"{fid} — {names.get(fid, '')}")
choice = st.session_state[CHOICE_KEY]
if choice:
    st.query_params["fabrique"] = choice
elif "fabrique" in st.query_params:
    del st.query_params["fabrique"]

# --- What the map shows, as a table -------------------------------------------------------
st.header("Fabriques montrées sur la carte", anchor=False)
if view.not_placed:
    st.warning(f"{fr_int(view.not_placed)} fabrique(s) sans coordonnées ne sont pas sur la carte : "
               "voir « non placée » dans la colonne « Position sur la carte ».", icon=":material/location_off:")
if view.fallback_sentence:
    st.caption("Placée par repli documenté (la liste ANCT n'a pas de point pour elle) :")
    st.text(view.fallback_sentence)
st.dataframe(view.fabriques_table, hide_index=True, key="carte_tableau")
if options.without_fabrique:
    st.markdown(f"**Départements sans fabrique pour ce filtre** : {fr_int(len(missing))}")
    if view.without_table is not None:
        st.dataframe(view.without_table, hide_index=True)
if options.choropleth != map_options.NO_CHOROPLETH:
    st.markdown(f"**{map_options.CHOROPLETHS[options.choropleth]}, par département**"
                + map_text.population_note(options, ctx.manifest.get("population_vintage")))
    st.dataframe(view.choropleth_table, hide_index=True)
context.footer(ctx)

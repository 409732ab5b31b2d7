"""Carte: the fabriques on our own outlines of France, overseas France in insets."""
import dataclasses
import re

import streamlit as st

from app import context, map_width
from app.figure_cache import built, display_table, filter_key
from app.web import static_outlines, static_points
from domain.format import fr_int
from domain.labels import empty_scope, widen_scope
from domain.territory_types import definitions
from queries import run
from views import epci as epci_views
from views import map_card, map_layers, map_options, map_page, map_text, map_tooltip, map_view
from views.filters import shown
from views.synthese import census_2019_description

FABRIQUE_ID = re.compile(r"fabt-[0-9]{1,4}")  # ASCII digits, matched whole
CHOICE_KEY = "carte_fabrique"

ctx = context.current()
st.title("Carte des Fabriques de territoire", anchor=False)
st.caption(f"Périmètre : **{ctx.scope}**")

# The headline of the filter, once per data version (a rerun reads it).
headline = built("carte_headline", ctx.data_version, filter_key(ctx.params),
                 lambda: run("headline_counts", **ctx.params).iloc[0])
if headline.fabriques == 0:
    st.info(f"{empty_scope(ctx.scope)} : la carte n'a rien à montrer. {widen_scope(ctx.embedded)}",
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
                       help=built("carte_recensement_aide", ctx.data_version, (), lambda: census_2019_description(
                           run("tiers_lieux_2019_count", region=None, departement=None, epci=None).iloc[0]))
                            + " Le filtre de type de territoire ne s'y applique pas.")
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

# --- Data of the map, once per filter, placement of overseas France and data version -------
region, departement, epci = ctx.filters.region, ctx.filters.departement, ctx.filters.epci


def page_of_filter() -> map_page.CartePage:
    return map_page.page_view(
        headline=headline, points=run("map_points", **ctx.params, insets=options.insets),
        table=run("map_table", **ctx.params), choropleth_frame=run("map_choropleth", **ctx.params),
        missing=run("map_departements_without_fabrique", **ctx.params),
        bounds=run("map_view_bounds", region=region, departement=departement, epci=epci,
                   insets=options.insets).iloc[0],
        display=display_table, population_vintage=ctx.manifest.get("population_vintage"))


view = built("carte_page", ctx.data_version, filter_key(ctx.params, options.insets), page_of_filter)
points, table, choropleth_frame, missing = view.points, view.table, view.choropleth_frame, view.missing


# --- The selected fabrique: URL on arrival, then a click on the map or the list ----------
def _fabrique_from_url() -> str:
    value = st.query_params.get("fabrique")
    if not value:
        return ""
    if FABRIQUE_ID.fullmatch(value) and not run("map_fabrique_detail", fabrique_id=value,
                                            rural_definition=ctx.filters.rural_definition).empty:
        return value
    st.session_state["carte_notice"] = (f"Fabrique « {shown(value)} » introuvable dans la liste : "
                                        "le lien est peut-être incomplet. Aucune fiche n'est ouverte.")
    return ""


if CHOICE_KEY not in st.session_state:
    st.session_state[CHOICE_KEY] = _fabrique_from_url()
# A new map key when the points change: a stale click index never points at another commune.
map_key = "carte_map_" + "_".join(str(v) for v in (*ctx.params.values(), options.insets))
choice = st.session_state[CHOICE_KEY]
selected_commune = view.commune_of.get(choice)
bounds = view.bounds
with map_column:
    # Fitted to the column's width once the browser has reported it (mainland France fills a
    # wide screen's map too), to the narrowest column the page is made for until then.
    width = map_view.map_width(map_width.reported_width())

    def deck_of_filter():
        return map_layers.build_deck(
            options=options, outlines=run("map_outlines", insets=options.insets),
            choropleth_frame=choropleth_frame, points=points, table=table,
            bounds=bounds, width=width,
            census=(run("map_tiers_lieux_2019", region=region, departement=departement, epci=epci,
                        insets=options.insets)
                    if census else None),
            qpv_communes=(run("map_qpv_communes", region=region, departement=departement, epci=epci,
                              insets=options.insets)
                          if qpv_communes else None),
            without_fabrique=missing, selected_commune=selected_commune,
            # Outlines by URL: files the browser fetched once (app/web/static_outlines.py).
            outline_urls=static_outlines.outline_urls(options.insets, ctx.data_version),
            # Points by URL too: files of this filter, fetched once (app/web/static_points.py).
            point_urls=static_points.point_urls(options.insets, ctx.data_version, ctx.filters),
        )

    # Built once per filter, options and selected commune; a rerun only sends it.
    deck = built("carte_deck", ctx.data_version,
                 filter_key(ctx.params, *dataclasses.astuple(options), selected_commune, width), deck_of_filter,
                 large=True)
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=map_key,
                            height=map_view.frame_height(bounds, width),
                            alt=map_text.alt_text(headline, ctx.scope, options, view.not_placed))
    # A click that is new (the selection differs from the last one seen) chooses its commune.
    selection = event.get("selection", {}) if event is not None else {}
    seen = st.session_state.get("carte_last_click")
    if seen is not None and seen[0] == map_key and seen[1] != selection.get("indices"):
        commune = map_view.clicked_commune(points, {"indices": selection.get("indices", {})})
        in_commune = table[table.commune_code == commune]
        st.session_state[CHOICE_KEY] = in_commune.fabrique_id.iloc[0] if len(in_commune) else ""
    st.session_state["carte_last_click"] = (map_key, selection.get("indices", {}))
    if options.insets:
        st.caption("Encarts : Guadeloupe, Martinique, Guyane, La Réunion, Mayotte et Saint-Martin, "
                   "chacun à sa propre échelle (Guyane réduite, les îles agrandies).")
    if epci:
        st.caption(epci_views.NO_OUTLINES)


def detail_card(choice: str) -> None:
    """The chosen fabrique's card, beside the map (a click must not open it below the fold)."""
    def fields_of_choice() -> tuple[str, list[tuple[str, str]]]:
        detail = run("map_fabrique_detail", fabrique_id=choice,
                     rural_definition=ctx.filters.rural_definition).iloc[0]
        definition = definitions(ctx.filters.rural_definition).get(detail.territory_type, "")
        return detail.commune_code, map_card.detail_fields(detail, definition)

    commune_code, fields = built("carte_fiche", ctx.data_version, (choice, ctx.filters.rural_definition),
                                 fields_of_choice)
    with st.container(border=True, key="carte_fiche"):
        st.markdown("**Fiche de la fabrique**")
        if choice not in view.commune_of:
            st.caption("Cette fabrique est hors du périmètre filtré.")
        in_commune = view.fabriques_in_commune.get(commune_code, 0)
        if in_commune > 1:
            st.caption(f"{fr_int(in_commune)} fabriques dans cette commune : choisissez-les dans "
                       "la liste sous la carte.")
        for label, value in fields:
            st.markdown(f"**{label}**")
            st.text(value)  # data text, shown as text


with side_column:
    if st.session_state[CHOICE_KEY] and not ctx.embedded:
        detail_card(st.session_state[CHOICE_KEY])
    st.metric("Fabriques", fr_int(headline.fabriques), border=True,
              help="Même décompte que la page Synthèse pour ce filtre.")
    st.metric("Communes", fr_int(headline.communes), border=True)
    st.metric("Départements", fr_int(headline.departements), border=True,
              help=(f"Sans compter {headline.collectivites.replace(';', ', ')} (collectivité d'outre-mer, "
                    "pas un département), où la liste compte aussi des fabriques.")
              if headline.collectivites else None)
    st.markdown("**Légende**")
    st.html(map_text.legend_html(map_text.legend_entries(options, headline, choropleth_frame,
                                                         ctx.manifest.get("population_vintage"))))
    st.html(map_tooltip.KEEP_INSIDE_SCRIPT, unsafe_allow_javascript=True)  # no content: below all

if ctx.embedded:  # an embed shows the map, its legend and its source only
    context.footer(ctx)
    st.stop()

# --- Choosing a fabrique without the mouse (its card opens beside the map) ---------------
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

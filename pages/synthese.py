"""Synthèse: headline counts, progress toward the targets, announced totals over time.

Lays out models/synthese.py: the page model of the scope (the same figures the API, the slides
and the exports read) and the national timeline of the data version.
"""
import streamlit as st

from app import context, static_charts
from domain.labels import empty_scope, widen_scope
from domain.territory_types import definition_note
from models import synthese

ctx = context.current()
view = synthese.page(ctx.scope)
timeline = synthese.timeline(ctx.scope)
# The national view's figures as static SVG once the server has drawn them (no plotly.js to load).
static = static_charts.landing(ctx.scope)
static_charts.style(static)

st.title("Synthèse du programme Fabriques de territoire", anchor=False)
st.caption(f"Périmètre : **{ctx.description}**")

if view.fabriques == 0:
    st.info(f"{empty_scope(ctx.description)}. {widen_scope(ctx.embedded)}")
elif not ctx.embedded:  # an embed shows the gauges only
    for column, card in zip(st.columns(3), view.headline_cards):
        column.metric(card.label, card.value, help=card.help, border=True)

st.header("Progression vers les objectifs nationaux", anchor=False)
if view.national:
    st.markdown(view.deadline_note)
    # Two gauges a row: four side by side leave each too narrow for its number at 1280 px.
    per_row = 2 if len(view.gauges) > 3 else len(view.gauges)
    columns = [column for _ in range(0, len(view.gauges), per_row) for column in st.columns(per_row)]
    for column, gauge in zip(columns, view.gauges):
        with column:
            st.markdown(gauge.heading)
            static_charts.show(static and static.gauges.get(gauge.target_id), gauge.figure, gauge.sentence,
                               key=f"gauge_{gauge.target_id}")
            st.markdown(gauge.readings)
            st.caption(gauge.sentence)
else:
    st.markdown(
        "Les objectifs du programme sont **nationaux** : il n'existe pas d'objectif par région ou "
        "département. Le graphique donne donc les fabriques **de ce périmètre**, avec leur **part du "
        "total national** ; l'objectif national est rappelé sous chaque catégorie."
    )
    st.plotly_chart(view.scope_figure, alt=" ".join(view.scope_sentences), config={"displayModeBar": False},
                    key="scope_counts", height=view.scope_figure_height)
    for sentence in view.scope_sentences:
        st.caption(sentence)
# Closed, an expander whose state is tracked builds nothing: the grid (its code and its data)
# reaches the browser only when someone opens it.
gauges_table = st.expander("Voir les jauges en tableau", key="synthese_gauges_table", on_change="rerun")
with gauges_table:
    if gauges_table.open:
        st.dataframe(view.gauges_table, hide_index=True)
definitions = st.expander("Définitions des types de territoire, et les deux définitions du rural comparées",
                          key="synthese_definitions", on_change="rerun")
with definitions:
    if definitions.open:
        st.markdown(definition_note(ctx.filters.rural_definition))
        st.markdown("**Comparaison des deux définitions du rural** (pour information : les chiffres de "
                    "cette page suivent la définition choisie dans les filtres)")
        st.dataframe(view.definitions_comparison, hide_index=True)

if ctx.embedded:
    context.footer(ctx)
    st.stop()

st.header("Tiers-lieux en France", anchor=False)
# Static CSS (no data): a qualified figure ("près de 1 800") wraps inside its card rather than
# being cut to "près de …" when four cards share a 1280-px screen with the sidebar.
st.html("""<style>
.st-key-recensements [data-testid="stMetricValue"], .st-key-recensements [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  font-size: clamp(1.5rem, 2.1vw, 2.25rem); line-height: 1.2;
}
</style>""")
with st.container(key="recensements"):
    columns = st.columns(len(view.census_cards))
for column, card in zip(columns, view.census_cards):
    column.metric(card.label, card.value, help=card.help, border=True)
st.caption(view.census_scope_note)

st.header("Fabriques annoncées au fil du temps", anchor=False)
st.caption("Totaux cumulés annoncés publiquement (niveau national), comparés aux objectifs.")
static_charts.show(static and static.timeline, timeline.announced_figure, timeline.announced_alt,
                   key="announced_totals")
announced_table = st.expander("Voir les annonces en tableau, avec leurs sources",
                              key="synthese_announced_table", on_change="rerun")
with announced_table:
    if announced_table.open:
        st.dataframe(timeline.announced_table, hide_index=True,
                     column_config={"Source": st.column_config.LinkColumn("Source")})

st.caption(timeline.timeline_caption)

st.markdown(timeline.list_limits_note)
context.footer(ctx)

"""Synthèse: headline counts, progress toward the targets, announced totals over time."""
from datetime import date

import streamlit as st

from app import context
from app.figure_cache import built, filter_key
from domain.format import fr_int
from domain.labels import empty_scope, widen_scope
from domain.territory_types import DEFAULT_RURAL_DEFINITION, definition_note
from queries import run
from views import synthese, synthese_page

ctx = context.current()
national = ctx.filters.is_empty
version = ctx.data_version

st.title("Synthèse du programme Fabriques de territoire", anchor=False)
st.caption(f"Périmètre : **{ctx.scope}**")


def page_of_filter() -> synthese_page.SynthesePage:
    return synthese_page.page_view(
        headline=run("headline_counts", **ctx.params).iloc[0],
        targets=run("progress_toward_targets", **ctx.params), census=run("census_totals"),
        census_2019=run("tiers_lieux_2019_count", region=ctx.filters.region,
                        departement=ctx.filters.departement, epci=ctx.filters.epci).iloc[0],
        national=national, scope=ctx.scope, list_source=ctx.manifest["laureates_source"],
        list_date=list_date, rural_definition=ctx.filters.rural_definition)


def national_timeline() -> synthese_page.NationalTimeline:
    # National whatever the filter: the targets' values and deadlines, the list's whole count.
    national_targets = run("progress_toward_targets", region=None, departement=None, epci=None,
                           territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)
    national = run("headline_counts", region=None, departement=None, epci=None, territoire=None,
                   rural_definition=DEFAULT_RURAL_DEFINITION).iloc[0]
    return synthese_page.national_timeline(announced=run("announced_totals"), national_targets=national_targets,
                                           national_count=int(national.fabriques), list_date=list_date)


# Every figure, table and sentence of this filter, computed once per data version: a rerun
# only lays them out (views/synthese_page.py).
list_date = date.fromisoformat(ctx.manifest["laureates_list_date"])
view = built("synthese_page", version, filter_key(ctx.params), page_of_filter)
if view.fabriques == 0:
    st.info(f"{empty_scope(ctx.scope)}. {widen_scope(ctx.embedded)}")
elif not ctx.embedded:  # an embed shows the gauges only
    for column, card in zip(st.columns(3), view.headline_cards):
        column.metric(card.label, card.value, help=card.help, border=True)

st.header("Progression vers les objectifs nationaux", anchor=False)
if national:
    st.markdown(synthese.deadline_note(list_date))
    # Two gauges a row: four side by side leave each too narrow for its number at 1280 px.
    per_row = 2 if len(view.gauges) > 3 else len(view.gauges)
    columns = [column for _ in range(0, len(view.gauges), per_row) for column in st.columns(per_row)]
    for column, gauge in zip(columns, view.gauges):
        with column:
            st.markdown(gauge.heading)
            st.plotly_chart(gauge.figure, alt=gauge.sentence,
                            config={"displayModeBar": False}, key=f"gauge_{gauge.target_id}")
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
with st.expander("Définitions des types de territoire", expanded=False):
    st.markdown(definition_note(ctx.filters.rural_definition))

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
.st-key-recensements [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>""")
with st.container(key="recensements"):
    columns = st.columns(4)
for column, card in zip(columns, view.census_cards):
    column.metric(card.label, card.value, help=card.help, border=True)
columns[3].metric("Base ouverte 2019, ce périmètre", fr_int(view.census_2019_count), border=True,
                  help=view.census_2019_help)
st.caption(view.census_scope_note)

st.header("Fabriques annoncées au fil du temps", anchor=False)
st.caption("Totaux cumulés annoncés publiquement (niveau national), comparés aux objectifs.")
timeline = built("synthese_national_timeline", version, (), national_timeline)
st.plotly_chart(
    timeline.announced_figure, alt=timeline.announced_alt,
    key="announced_totals", config={"displayModeBar": False},  # its buttons are labelled in English
)
announced_table = st.expander("Voir les annonces en tableau, avec leurs sources",
                              key="synthese_announced_table", on_change="rerun")
with announced_table:
    if announced_table.open:
        st.dataframe(timeline.announced_table, hide_index=True,
                 column_config={"Source": st.column_config.LinkColumn("Source")})

st.caption(timeline.timeline_caption)

st.markdown(timeline.list_limits_note)
context.footer(ctx)

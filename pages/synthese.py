"""Synthèse: headline counts, progress toward the targets, announced totals over time."""
from datetime import date

import streamlit as st

from app import context
from app.figure_cache import built, filter_key
from domain.format import fr_int
from domain.labels import empty_scope, widen_scope
from domain.territory_types import definition_note
from queries import run
from views import sentences, synthese, timeline

ctx = context.current()
national = ctx.filters.is_empty
version = ctx.data_version

st.title("Synthèse du programme Fabriques de territoire", anchor=False)
st.caption(f"Périmètre : **{ctx.scope}**")

headline = run("headline_counts", **ctx.params).iloc[0]
if headline.fabriques == 0:
    st.info(f"{empty_scope(ctx.scope)}. {widen_scope(ctx.embedded)}")
elif not ctx.embedded:  # an embed shows the gauges only
    cards = synthese.headline_cards(headline, national, ctx.manifest["laureates_source"],
                                    ctx.filters.rural_definition)
    for column, card in zip(st.columns(3), cards):
        column.metric(card.label, card.value, help=card.help, border=True)

st.header("Progression vers les objectifs nationaux", anchor=False)
targets = run("progress_toward_targets", **ctx.params)
list_date = date.fromisoformat(ctx.manifest["laureates_list_date"])
gauges = synthese.gauges_to_show(targets, national)
if national:
    st.markdown(synthese.deadline_note(list_date))
    # Two gauges a row: four side by side leave each too narrow for its number at 1280 px.
    per_row = 2 if len(gauges) > 3 else len(gauges)
    columns = [column for _ in range(0, len(gauges), per_row) for column in st.columns(per_row)]
    for column, target in zip(columns, gauges.itertuples()):
        with column:
            st.markdown(synthese.gauge_heading(target))
            sentence = synthese.progress_sentence(target, national, ctx.scope, list_date)
            gauge = built("synthese_gauge", version, filter_key(ctx.params, target.target_id),
                          lambda: synthese.progress_gauge(target, list_date))
            st.plotly_chart(gauge, alt=sentence,
                            config={"displayModeBar": False}, key=f"gauge_{target.target_id}")
            st.markdown(synthese.gauge_readings_markdown(target, list_date))
            st.caption(sentence)
else:
    st.markdown(
        "Les objectifs du programme sont **nationaux** : il n'existe pas d'objectif par région ou "
        "département. Le graphique donne donc les fabriques **de ce périmètre**, avec leur **part du "
        "total national** ; l'objectif national est rappelé sous chaque catégorie."
    )
    sentences_of_scope = [synthese.progress_sentence(target, national, ctx.scope, list_date)
                          for target in gauges.itertuples()]
    st.plotly_chart(built("synthese_scope_counts", version, filter_key(ctx.params),
                          lambda: synthese.scope_counts_figure(targets, list_date)),
                    alt=" ".join(sentences_of_scope), config={"displayModeBar": False},
                    key="scope_counts", height=110 * len(gauges) + 80)
    for sentence in sentences_of_scope:
        st.caption(sentence)
with st.expander("Voir les jauges en tableau"):
    st.dataframe(built("synthese_gauges_table", version, filter_key(ctx.params),
                       lambda: synthese.progress_table(gauges, national, list_date)), hide_index=True)
with st.expander("Définitions des types de territoire", expanded=False):
    st.markdown(definition_note(ctx.filters.rural_definition))

if ctx.embedded:
    context.footer(ctx)
    st.stop()

st.header("Tiers-lieux en France", anchor=False)
census = run("census_totals")
census_2019 = run("tiers_lieux_2019_count", region=ctx.filters.region,
                  departement=ctx.filters.departement, epci=ctx.filters.epci).iloc[0]
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
for column, card in zip(columns, synthese.census_cards(census)):
    column.metric(card.label, card.value, help=card.help, border=True)
columns[3].metric("Base ouverte 2019, ce périmètre", fr_int(census_2019.tiers_lieux), border=True,
                  help=synthese.census_2019_help(census_2019))
st.caption(synthese.census_scope_note(census))

st.header("Fabriques annoncées au fil du temps", anchor=False)
st.caption("Totaux cumulés annoncés publiquement (niveau national), comparés aux objectifs.")
announced = run("announced_totals")
st.plotly_chart(
    built("synthese_announced", version, filter_key(ctx.params),
          lambda: timeline.announced_totals_figure(announced, targets, headline.national_fabriques, list_date)),
    alt=synthese.announced_totals_alt(announced),
    key="announced_totals", config={"displayModeBar": False},  # its buttons are labelled in English
)
with st.expander("Voir les annonces en tableau, avec leurs sources"):
    st.dataframe(built("synthese_announced_table", version, (),
                       lambda: synthese.announced_totals_table(announced)), hide_index=True,
                 column_config={"Source": st.column_config.LinkColumn("Source")})

pace = timeline.pace_of(announced)
st.caption(f"{sentences.timeline_sentence(announced, pace, sentences.NATIONAL)} "
           f"{sentences.timeline_caveats(announced, int(headline.national_fabriques), list_date)}")

st.markdown(synthese.list_limits_note(announced, int(headline.national_fabriques), list_date))
context.footer(ctx)

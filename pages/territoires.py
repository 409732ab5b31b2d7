"""Territoires: fabriques by territory type per région and département, per inhabitant, beside
the 2023 tiers-lieux, the départements without a fabrique, the régions' shares of the targets.

Lays out models/territoires.py: the page's model of the scope, built once.
"""
import streamlit as st

from app import announcement_exports, context
from domain.format import fr_int
from domain.labels import empty_scope
from models import territoires

NO_MODEBAR = {"displayModeBar": False}


def chart_with_table(chart: territoires.Chart) -> None:
    """A chart and the same numbers as a table (tabs), with its definitions beside it."""
    main, side = st.columns([3, 1]) if chart.beside else (st.container(), None)
    with main:
        # Tabs whose state is tracked build only the tab shown: a hidden grid is not sent.
        chart_tab, table_tab = st.tabs(["Graphique", "Tableau"], key=f"{chart.key}_tabs", on_change="rerun")
        if chart_tab.open:
            chart_tab.plotly_chart(chart.figure, alt=chart.alt, config=NO_MODEBAR, key=chart.key)
        if table_tab.open:
            table_tab.dataframe(chart.table, hide_index=True, key=f"{chart.key}_table")
    if side is not None:
        side.markdown(chart.beside)


ctx = context.current()
view = territoires.page(ctx.scope)

st.title("Territoires", anchor=False)
st.caption(f"Périmètre : **{ctx.description}**")

columns = st.columns(3)
columns[0].metric("Fabriques dans le périmètre", fr_int(view.fabriques), border=True,
                  help=f"Fabriques de la liste en service ({ctx.manifest['laureates_source']}) pour les filtres choisis.")
columns[1].metric("Départements du périmètre", view.departements_count, border=True,
                  help="Départements des contours COG 2023 ; Saint-Martin, collectivité d'outre-mer et "
                       "non département, est compté à part.")
columns[2].metric("Départements sans fabrique", fr_int(view.without), border=True,
                  help="Départements du périmètre sans aucune fabrique du type choisi.")
if view.fabriques == 0:
    st.info(f"{empty_scope(ctx.description)}. Les graphiques "
            "ci-dessous comparent les régions ; élargissez les filtres dans le panneau latéral.")

with st.expander(view.press_kit_title, icon=":material/picture_as_pdf:"):
    st.caption("Chiffres clés, progression vers les objectifs, carte, types de territoire, liste des "
               "fabriques du périmètre, sources et version des données.")
    announcement_exports.press_kit_download(ctx.scope, key="territoires_press_kit")

st.header("Fabriques par région et par type de territoire", anchor=False)
st.caption("Toutes les régions, pour comparaison" + (f" ; {view.region_name} en gras." if view.region_name else ".")
           + " Le chiffre au bout de chaque barre est le total de la région ; les segments sont "
           "toujours dans l'ordre de la légende, l'onglet « Tableau » donne les mêmes chiffres.")
chart_with_table(view.regions)

st.header(view.departements_heading, anchor=False)
if view.departements is None:
    st.info("Choisissez une région dans le panneau latéral pour voir ses départements un par un ; "
            "les départements sans fabrique de toute la France sont listés plus bas.")
else:
    chart_with_table(view.departements)

st.header(view.rates_heading, anchor=False)
chart_with_table(view.rates)

st.header("Part des fabriques et part des tiers-lieux, par région", anchor=False)
if view.tiers_lieux is None:
    st.info("Le recensement 2023 des tiers-lieux ne distingue pas les types de territoire : la "
            "comparaison n'est faite que pour l'ensemble des fabriques. Retirez le filtre « Type de "
            "territoire » pour l'afficher.")
else:
    chart_with_table(view.tiers_lieux)

st.header("Territoires sans fabrique", anchor=False)
st.markdown(view.coverage)
if view.gaps is not None:
    st.dataframe(view.gaps, hide_index=True, key="coverage_gaps")
st.markdown(
    "Les **arrondissements** et les **sous-préfectures** ne figurent pas dans nos données (seuls les "
    "contours des départements et des régions y sont) : la couverture ne peut pas être mesurée à "
    "cette échelle ici."
)
if view.wave_2023_note:
    st.markdown(view.wave_2023_note)

st.header("Intercommunalités (EPCI)", anchor=False)
for text in view.epci_texts:
    st.markdown(text)
coverage_by_area = st.expander("Part de la population vivant dans une intercommunalité avec fabrique, "
                               "par région et par département", key="territoires_epci_coverage",
                               on_change="rerun")
with coverage_by_area:
    st.caption("Compté commune par commune : une intercommunalité à cheval sur deux départements compte "
               "dans chacun pour ses propres communes. Les communes hors intercommunalité (quatre îles : "
               "Île-de-Bréhat, Île-de-Sein, Ouessant, L'Île-d'Yeu) comptent dans la population, jamais "
               "comme couvertes. Mayotte et Saint-Martin n'ont pas de population dans nos sources : "
               "leur part est non disponible et leur population n'entre pas dans le total national.")
    if coverage_by_area.open:  # closed, it sends nothing (see chart_with_table)
        st.dataframe(view.epci_coverage_regions, hide_index=True, key="epci_coverage_regions")
        st.dataframe(view.epci_coverage_departements, hide_index=True, key="epci_coverage_departements")

if ctx.filters.departement is None and ctx.filters.epci is None:
    st.info("Choisissez un département dans le panneau latéral pour voir ses intercommunalités une "
            "par une, dont celles qui n'ont aucune fabrique, avec leur population.")
else:
    if view.epci_scope_sentence:
        st.markdown(view.epci_scope_sentence)
    of_departement = view.epci_of_departement
    if of_departement is not None:
        st.subheader(of_departement.heading, anchor=False)
        st.markdown(of_departement.without_sentence)
        if of_departement.without_table is not None:
            st.dataframe(of_departement.without_table, hide_index=True, key="epci_without_fabrique")
        if of_departement.chart is not None:
            chart_with_table(of_departement.chart)

st.header("Part de chaque région dans les objectifs nationaux", anchor=False)
st.markdown(view.shares_note)
st.caption("Toutes les fabriques de chaque région, quels que soient les filtres du panneau latéral "
           "(sauf la définition du rural).")
chart_with_table(view.shares)
context.footer(ctx)

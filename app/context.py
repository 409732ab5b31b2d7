"""What every page shares: the filter bar (kept in the URL), the notices, the footer.

dashboard.py calls `filter_bar()` once per rerun, before the page runs; pages call
`current()` to get the context: the scope (models/scope.py: data version, filters, geography,
manifest), from which they ask their models.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from app import chrome
from domain.format import fr_date
from domain.territory_types import (
    DEFAULT_RURAL_DEFINITION,
    FILTERABLE_TERRITORY_TYPES,
    RURAL_DEFINITIONS,
    type_label,
)
from models import scope as scopes
from views import filters as flt

# "All" is an empty string in the widgets: a None value would show Streamlit's English placeholder.
ALL = ""
KEYS = {"region": "filter_region", "departement": "filter_departement", "epci": "filter_epci",
        "territoire": "filter_territoire", "rural": "filter_rural"}


@dataclass(frozen=True)
class Context:
    scope: scopes.Scope
    embedded: bool = False  # `?embed=true`: a view framed in another site's page

    @property
    def filters(self) -> flt.Filters:
        return self.scope.filters

    @property
    def geography(self) -> flt.Geography:
        return self.scope.geography

    @property
    def manifest(self) -> dict:
        return self.scope.manifest

    @property
    def description(self) -> str:
        """The scope in words: 'Bretagne — hors grands centres urbains'."""
        return self.scope.description

    @property
    def data_version(self) -> str:
        return self.scope.version


def _initialise_from_url(geography: flt.Geography) -> None:
    """First run of a session: the URL gives the filters (a shared link)."""
    filters, notices = flt.parse(st.query_params.to_dict(), geography)
    st.session_state[KEYS["region"]] = filters.region or ALL
    st.session_state[KEYS["departement"]] = filters.departement or ALL
    st.session_state[KEYS["epci"]] = filters.epci or ALL
    st.session_state[KEYS["territoire"]] = filters.territoire or ALL
    st.session_state[KEYS["rural"]] = filters.rural_definition
    st.session_state["filter_notices"] = notices
    st.session_state["filters_ready"] = True


def _on_region_change() -> None:
    geography = st.session_state["geography"]
    departement = st.session_state.get(KEYS["departement"])
    region = st.session_state.get(KEYS["region"])
    if departement and region and geography.region_of_departement.get(departement) != region:
        st.session_state[KEYS["departement"]] = ALL
    _drop_epci_outside(geography)
    st.session_state["filter_notices"] = []


def _on_departement_change() -> None:
    _drop_epci_outside(st.session_state["geography"])
    st.session_state["filter_notices"] = []


def _drop_epci_outside(geography: flt.Geography) -> None:
    """An EPCI with no commune in the newly chosen région or département is dropped."""
    epci = st.session_state.get(KEYS["epci"])
    filters = flt.Filters(region=st.session_state.get(KEYS["region"]) or None,
                          departement=st.session_state.get(KEYS["departement"]) or None,
                          epci=epci or None)
    if epci and flt.with_departement(filters, filters.departement, geography).epci is None:
        st.session_state[KEYS["epci"]] = ALL


def _on_filter_change() -> None:
    st.session_state["filter_notices"] = []


def _sync_url(filters: flt.Filters) -> None:
    wanted = filters.url_params()
    for key in flt.URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


# Static text only (no data): the service and the agency, on every page (the Présentation page
# hides it with the rest of the chrome). Not a heading: each page has its own single h1.
SERVICE_HEADER = """
<header aria-label="En-tête du service" style="display:flex;flex-wrap:wrap;align-items:baseline;
  gap:.25rem 1rem;padding-bottom:.5rem;border-bottom:1px solid rgba(128,128,128,.45)">
  <span style="font-weight:700;font-size:1.1rem">Fabriques de territoire — tableau de bord</span>
  <span>Agence nationale de la cohésion des territoires (ANCT)</span>
</header>
"""


# Streamlit serves its index.html with lang="en": screen readers would read the French text
# with English pronunciation. A fixed one-line script (no data) says the page is in French.
SET_LANGUAGE = '<script>document.documentElement.lang = "fr";</script>'


def service_header() -> None:
    with st.container(key="entete_service"):
        st.html(SERVICE_HEADER)
    st.html(SET_LANGUAGE, unsafe_allow_javascript=True)
    chrome.in_french()


def embedded() -> bool:
    """`?embed=true` in the URL (Streamlit keeps `embed` out of st.query_params)."""
    return bool(st.context.is_embedded)


def embed_filters() -> Context:
    """An embedded view: the filters come from its URL only (no sidebar, no service header)."""
    st.html(SET_LANGUAGE, unsafe_allow_javascript=True)
    chrome.in_french()
    scope, notices = scopes.from_url(st.query_params.to_dict())
    for notice in notices:
        st.warning(notice, icon=":material/info:")
    context = Context(scope, embedded=True)
    st.session_state["context"] = context
    return context


def filter_bar() -> Context:
    if embedded():
        return embed_filters()
    service_header()
    version, _ = scopes.at_version()
    geography = scopes.geography(version)
    st.session_state["geography"] = geography
    if not st.session_state.get("filters_ready"):
        _initialise_from_url(geography)

    with st.sidebar:
        st.header("Filtres", anchor=False)
        st.selectbox(
            "Région", [ALL, *geography.regions], key=KEYS["region"], on_change=_on_region_change,
            placeholder="Choisissez une région",
            format_func=lambda code: "Toutes les régions" if code == ALL else geography.regions[code],
        )
        region = st.session_state[KEYS["region"]]
        departements = [code for code, reg in geography.region_of_departement.items()
                        if region == ALL or reg == region]
        st.selectbox(
            "Département", [ALL, *departements], key=KEYS["departement"], on_change=_on_departement_change,
            placeholder="Choisissez un département",
            format_func=lambda code: "Tous les départements" if code == ALL
            else f"{geography.departements[code]} ({code})",
        )
        departement = st.session_state[KEYS["departement"]]
        st.selectbox(
            "Intercommunalité (EPCI)", [ALL, *geography.epci_in(region or None, departement or None)],
            key=KEYS["epci"], on_change=_on_filter_change, placeholder="Choisissez une intercommunalité",
            format_func=lambda code: "Tous les EPCI" if code == ALL else geography.epci[code],
            help="Établissement public de coopération intercommunale à fiscalité propre (COG 2025) : "
                 "la liste suit la région et le département choisis ; tapez un nom pour chercher.",
        )
        # The definition before the type: the type's names follow it ("Hors grands centres urbains").
        st.radio(
            "Définition du rural", list(RURAL_DEFINITIONS), key=KEYS["rural"],
            on_change=_on_filter_change, format_func=RURAL_DEFINITIONS.get,
            help="Par défaut, celle de l'objectif rural : l'appel de 2019 visait des fabriques « hors "
                 "grands centres urbains » (petites villes et centres urbains intermédiaires compris). "
                 "La définition INSEE 2020 du rural retient les 3 niveaux les moins denses. Chaque "
                 "chiffre de chaque page, diapositive et export est compté selon la définition choisie, "
                 "et la nomme.",
        )
        definition = st.session_state[KEYS["rural"]] or DEFAULT_RURAL_DEFINITION
        st.selectbox(
            "Type de territoire", [ALL, *FILTERABLE_TERRITORY_TYPES], key=KEYS["territoire"],
            on_change=_on_filter_change, placeholder="Choisissez un type de territoire",
            format_func=lambda code: "Tous les types" if code == ALL else type_label(code, definition),
        )

    filters = flt.Filters(
        region=st.session_state[KEYS["region"]] or None,
        departement=st.session_state[KEYS["departement"]] or None,
        epci=st.session_state[KEYS["epci"]] or None,
        territoire=st.session_state[KEYS["territoire"]] or None,
        rural_definition=st.session_state[KEYS["rural"]] or DEFAULT_RURAL_DEFINITION,
    )
    _sync_url(filters)
    for notice in st.session_state.get("filter_notices", []):
        st.warning(notice, icon=":material/info:")
    context = Context(scopes.of(filters, version))
    st.session_state["context"] = context
    return context


def current() -> Context:
    """The context dashboard.py built for this rerun."""
    return st.session_state["context"]


def footer(context: Context) -> None:
    """The source line of every page; an embedded view keeps it (without the link to Données)."""
    manifest = context.manifest
    with st.container(key="pied_de_page"):
        if not context.embedded:
            st.divider()
        st.caption(
            f"Fabriques de territoire — tableau de bord de l'Agence nationale de la cohésion des "
            f"territoires (ANCT). Source : {manifest['laureates_source']}. Territoires : INSEE (grille "
            f"de densité), ANCT (QPV 2024, contours COG 2023). Version des données : "
            f"`{manifest['data_version']}`. Page produite le {fr_date(date.today())}."
        )
        if context.embedded:
            return
        st.page_link("pages/donnees.py", label="Données : sources, licences et versions",
                     icon=":material/database:", query_params=context.filters.url_params())
        chrome.legal_links(context.filters.url_params())

"""Lauréats: the filtered list with search and sorting, a card per fabrique, CSV/XLSX exports.

Lays out models/laureats.py: the list of the scope, searched and sorted once; the files are
that list, in that order.
"""
from datetime import date

import streamlit as st

from app import context
from domain.labels import empty_scope, widen_scope
from models import laureats
from views import exports
from views import laureats as lv

SEARCH_KEY = "laureates_search"
DETAIL_KEY = "laureates_detail"

ctx = context.current()
version = ctx.manifest["data_version"]

st.title("Lauréats", anchor=False)
st.caption(f"Périmètre : **{ctx.description}**")

search_column, sort_column = st.columns([2, 1])
raw_search = search_column.text_input(
    "Rechercher une fabrique", key=SEARCH_KEY, max_chars=lv.SEARCH_MAX_CHARS,
    placeholder="Nom, commune ou département, avec ou sans accents",
    help="Les accents et les majuscules sont ignorés ; le texte est cherché tel quel.",
)
sort_key = sort_column.selectbox("Trier par", list(lv.SORTS), format_func=lv.SORTS.get,
                                 key="laureates_sort", placeholder="Choisissez un ordre")
search, notice = lv.clean_search(raw_search)
if notice:
    st.warning(notice, icon=":material/info:")

# Once per scope, search and order: the list, its table (and the table as the grid receives
# it), the card selector's labels and options, the count of the scope. A rerun only sends them.
listing = laureats.listing(ctx.scope, search, sort_key)
found, table, labels, in_scope, options = (listing.found, listing.table, listing.labels,
                                           listing.in_scope, listing.options)

if in_scope == 0:
    st.info(f"{empty_scope(ctx.description)}. {widen_scope(ctx.embedded)}")
elif found.empty:
    st.info(f"Aucune fabrique ne correspond à la recherche dans ce périmètre ({ctx.description}). "
            "Vérifiez l'orthographe ou effacez la recherche.")
else:
    st.caption(lv.count_sentence(len(found), in_scope, ctx.description, search)
               + " Triez avec « Trier par » ; cliquez sur une ligne, ou choisissez la fabrique sous la "
                 "liste, pour ouvrir sa fiche.")
    # On a phone, the same list as cards in place of the grid, whose cells cut names (CSS chooses).
    st.html(lv.COMPACT_STYLE)
    with st.container(key="laureates_fiches"):
        st.html(listing.compact_html)
    # The order is the page's own control, which the files keep: the grid's header menu (whose
    # "Sort ascending/descending" no file could follow) is not offered on this page, and column
    # selection switches the header click's sorting off. Static CSS, no data.
    st.html("<style>[data-testid='stDataFrameColumnMenu'] { display: none !important; }</style>")
    selection = st.dataframe(
        listing.grid, hide_index=True, key="laureates_table", on_select="rerun",
        # Column selection switches the grid's header sorting off: the order is the page's own
        # control above, which the files keep (a header sort would not reach them).
        selection_mode=["single-row", "single-column"],
        column_config={
            "Longitude": st.column_config.NumberColumn("Longitude", format="%.5f"),
            "Latitude": st.column_config.NumberColumn("Latitude", format="%.5f"),
            # Medium, not large: at 1280 px the EPCI column then shows without scrolling.
            "Nom": st.column_config.TextColumn("Nom", width="medium"),
            "Intercommunalité (EPCI)": st.column_config.TextColumn("Intercommunalité (EPCI)", width="medium"),
        },
    )

    sort_label = lv.SORTS[sort_key]
    about = exports.about_rows(ctx.description, search, sort_label, len(table), version,
                               ctx.manifest["laureates_source"], date.today(), ctx.filters.rural_definition)
    # Side by side, each as wide as its label (a quarter of the page cut it at 1280 px).
    downloads = st.container(horizontal=True)
    downloads.download_button(
        # A callable: the file is built on click, not on every rerun (15 s at 100 000 rows).
        # on_click="ignore": a rerun on click would replace the callable before the browser
        # fetches the file (the download then never came, one click in two).
        "Télécharger la liste (CSV)", lambda: exports.csv_bytes(table), on_click="ignore",
        file_name=exports.export_file_name(ctx.description, version, "csv", search),
        mime="text/csv", icon=":material/download:", key="download_csv",
        help="Séparateur « ; », encodage UTF-8 : s'ouvre directement dans un tableur en français.",
    )
    downloads.download_button(
        "Télécharger la liste (XLSX)", lambda: exports.xlsx_bytes(table, about), on_click="ignore",
        file_name=exports.export_file_name(ctx.description, version, "xlsx", search),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", key="download_xlsx",
        help="Une feuille « Fabriques » et une feuille « À propos » (filtres, version, source).",
    )
    st.caption("Les fichiers contiennent exactement la liste affichée, dans le même ordre (filtres, "
               "recherche et « Trier par » compris).")

    st.header("Fiche d'une fabrique", anchor=False)
    rows = selection.selection.rows if selection else []
    if rows:
        picked = options[rows[0]]
        # A new click in the list drives the selector; the selector stays free otherwise.
        if st.session_state.get("laureates_last_click") != picked:
            st.session_state["laureates_last_click"] = picked
            st.session_state[DETAIL_KEY] = picked
    if st.session_state.get(DETAIL_KEY) not in options:
        # Set, not dropped: the browser then shows the fabrique whose card is displayed.
        st.session_state[DETAIL_KEY] = options[0]
    chosen = st.selectbox("Fabrique", options, key=DETAIL_KEY, format_func=labels.get,
                          placeholder="Choisissez une fabrique")
    # The card's fields, once per scope and fabrique (the row is the same whatever the search).
    fields = laureats.card(ctx.scope, chosen)
    with st.container(border=True):
        for label, text in fields:
            label_column, text_column = st.columns([1, 4])
            label_column.markdown(f"**{label}**")
            text_column.text(text)  # data text: shown as text, never as Markdown or HTML

context.footer(ctx)

"""Données: the version in service, its sources and limits, downloads, history; import and
rollback for authorised staff (signed in with the operator's identity provider, or the shared
password as a fallback: app/import_access.py)."""
from datetime import date

from pathlib import Path

import streamlit as st

from app import context, import_access
from domain.format import fr_int
from models import donnees
from services import imports
from views import donnees as dv

ctx = context.current()
data_dir = Path(ctx.scope.directory)
manifest = ctx.manifest
view = donnees.page(ctx.scope)

st.title("Données", anchor=False)
st.caption("D'où viennent les chiffres, ce qu'ils ne disent pas, et chaque version de la liste des "
           "lauréats. Les filtres du panneau latéral ne s'appliquent pas à cette page.")

notice = st.session_state.pop("donnees_done", None)
if notice:
    st.success(notice, icon=":material/check_circle:")

st.header("Version en service", anchor=False)
with st.container(border=True):
    for label, value in view.version_facts:
        label_column, value_column = st.columns([1, 4])
        label_column.markdown(f"**{label}**")
        value_column.text(value)  # may hold a file or user name: text, never Markdown

st.header("Sources, licences et millésimes", anchor=False)
st.dataframe(view.sources, hide_index=True)

st.header("Ce que les données ne contiennent pas", anchor=False)
st.markdown(view.limits)

st.header("Chiffres annoncés et approximation au niveau de la commune", anchor=False)
st.caption("Les répartitions QPV / rural annoncées par le programme, à côté de ce que donne "
           "l'approximation communale du tableau de bord pour les mêmes fabriques.")
# One short table per announcement: a phone's width holds it, where one wide grid was cut.
# On a phone, tighter cells so that the five columns fit in 390 px (static CSS, no data).
st.html("""<style>@media (max-width: 640px) {
  .st-key-repartitions_annoncees th, .st-key-repartitions_annoncees td { padding: 0.3rem 0.2rem !important; font-size: 0.85rem !important; }
}</style>""")
with st.container(key="repartitions_annoncees"):
    for heading, frame in view.splits_shown:
        st.markdown(heading)
        st.table(frame, hide_index=True)
st.markdown(dv.SPLITS_NOTE)

st.header("Télécharger les extraits de cette version", anchor=False)
st.caption("CSV séparés par « ; », encodage UTF-8 : ils s'ouvrent directement dans un tableur en français. "
           "Une cellule qui commencerait par =, +, - ou @ est précédée d'une apostrophe.")
version = manifest["data_version"]
# Side by side, each as wide as its label, the next on a new line when the screen is narrow (four
# equal columns cut "Lauréats (CSV, 382 li…" at 1280 px).
downloads = st.container(horizontal=True)
for name, title, rows in view.downloads:
    downloads.download_button(
        f"{title} (CSV, {fr_int(rows)} lignes)",
        lambda name=name: dv.extract_csv(imports.extract(data_dir, manifest, name)),
        file_name=dv.extract_file_name(title, version), mime="text/csv",
        icon=":material/download:", key=f"download_{name}",
        on_click="ignore",  # a rerun would replace the file callable before the browser fetches it
    )
all_extracts = st.expander("Tous les extraits de cette version", key="donnees_extracts", on_change="rerun")
with all_extracts:
    if all_extracts.open:  # closed, its grid is not sent
        st.dataframe(view.extracts, hide_index=True)

st.header("Historique des versions", anchor=False)
history = imports.history(data_dir)
access = import_access.current()
if history:
    st.dataframe(dv.history_table(history, with_addresses=access.sees_addresses), hide_index=True)
else:
    st.info("Aucun import ni retour arrière : la version en service est celle construite depuis "
            "les fichiers sources.", icon=":material/history:")


def finish(message: str) -> None:
    """After a write: every page must show the new figures, and the form starts afresh."""
    st.cache_data.clear()
    st.session_state["donnees_done"] = message
    st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
    st.session_state.pop("import_candidate", None)
    st.rerun()


def show_candidate(candidate, signer: imports.Signer | None) -> None:
    st.text(f"Fichier lu comme : {candidate.description or 'illisible'}.")  # a sheet name is data
    if candidate.errors:
        st.error(f"{len(candidate.errors)} problème(s) bloquant(s) : rien ne sera importé. Corrigez le "
                 "fichier puis chargez-le de nouveau.", icon=":material/block:")
        st.code(dv.report_text(candidate.errors), language=None, wrap_lines=True)
    if candidate.notices:
        st.warning(f"{len(candidate.notices)} remarque(s), sans effet bloquant :", icon=":material/info:")
        st.code(dv.report_text(candidate.notices), language=None, wrap_lines=True)
    if candidate.laureates is None:
        return
    if candidate.is_unchanged:
        st.info("Cette liste est identique à la version en service : rien ne sera modifié.",
                icon=":material/check:")
        if candidate.previous_import:
            st.text(imports.unchanged_sentence(candidate))
        return
    st.markdown("**Aperçu de ce qui change**")
    st.caption(f"Aperçu établi sur la version {candidate.base_version} des données.")
    for column, (label, value) in zip(st.columns(4), dv.preview_counts(candidate)):
        column.metric(label, value, border=True)
    for title, frame in (("Fabriques ajoutées", dv.fabriques_table(candidate.added)),
                         ("Fabriques retirées", dv.fabriques_table(candidate.removed)),
                         ("Fabriques modifiées", dv.changes_table(candidate.changed))):
        if not frame.empty:
            with st.expander(f"{title} ({frame['Identifiant'].nunique()})", expanded=len(frame) <= 10):
                st.dataframe(frame, hide_index=True)
    st.markdown(f"**Totaux par objectif, avant et après** (rural : {imports.TOTALS_RURAL_DEFINITION})")
    st.dataframe(dv.totals_table(candidate.totals), hide_index=True, key="import_totals")
    confirm_removals = False
    if candidate.needs_removal_confirmation:
        confirm_removals = st.checkbox(
            f"Je confirme retirer {len(candidate.removed)} fabriques sur {candidate.current_count} "
            "(la version actuelle reste archivée et peut être rétablie).", key="import_confirm_removals")
    st.markdown("**Attribution de la liste** (citée dans chaque pied de page, diapositive et export)")
    in_service = imports.attribution_in_service(manifest)
    source = st.text_input("Source de la liste (producteur et titre)", value=in_service.source,
                           max_chars=imports.MAX_ATTRIBUTION_LENGTH, key="import_source")
    source_column, date_column = st.columns([2, 1])
    licence = source_column.text_input("Licence", value=in_service.licence,
                                       max_chars=imports.MAX_ATTRIBUTION_LENGTH, key="import_licence")
    list_date = date_column.date_input("Date de la liste (pas celle de l'import)", value=in_service.list_date,
                                       min_value=imports.PROGRAMME_START, max_value=date.today(),
                                       format="DD/MM/YYYY", key="import_list_date")
    st.caption("Préremplis avec la version en service : corrigez-les si la liste vient d'ailleurs ou "
               "d'une autre date.")
    ready = signer is not None and (confirm_removals or not candidate.needs_removal_confirmation)
    if signer is None:
        st.caption("Indiquez votre nom ci-dessus pour pouvoir importer.")
    if st.button("Importer cette liste", type="primary", disabled=not ready, icon=":material/upload:",
                 key="import_apply"):
        try:
            entry = imports.apply(candidate, data_dir, imports.ImportRequest(
                user=signer.shown_name, confirm_removals=confirm_removals, source=source, licence=licence,
                list_date=list_date, signer=signer))
        except imports.Refused as error:
            st.error(str(error), icon=":material/block:")
            if isinstance(error, imports.StalePreview):
                st.session_state.pop("import_candidate", None)  # the next rerun previews afresh
                st.button("Établir un nouvel aperçu sur la version en service", icon=":material/refresh:",
                          key="import_refresh")
            return
        finish(f"Import réussi : version {entry['to_version']} en service, {entry['laureates']} fabriques. "
               "Toutes les pages affichent désormais ces chiffres.")


def import_section(signer: imports.Signer | None) -> None:
    st.markdown("**Importer une nouvelle liste des lauréats**")
    st.caption("Colonnes reconnues : identifiant (`id_territoire`, `fabt-NNN`), code INSEE de la commune "
               "(`id_geo`, `code_insee`), nom (`lib_territoire`, `nom`) ; facultatives : commune, département, "
               "région, latitude, longitude, vague, date. Rien n'est écrit avant votre confirmation.")
    st.html(dv.UPLOADER_IN_FRENCH, unsafe_allow_javascript=True)
    uploaded = st.file_uploader(
        "Liste des fabriques (CSV ou XLSX, 20 Mo au plus)", type=["csv", "xlsx"],
        max_upload_size=imports.MAX_BYTES // (1024 * 1024),
        key=f"import_file_{st.session_state.get('import_round', 0)}",
    )
    if uploaded is None:
        return
    # The preview is kept as it was computed, with the data version it was computed on: the
    # import applies exactly what was shown, or is refused if that version left service.
    key = uploaded.file_id
    cached = st.session_state.get("import_candidate")
    if cached and cached[0] == key:
        candidate = cached[1]
    else:
        try:
            imports.check_size(uploaded.size)  # before the content is read
        except imports.FileRefused as refusal:
            st.error(str(refusal), icon=":material/block:")
            return
        with st.spinner("Vérification de la liste…"):
            candidate = imports.preview(uploaded.name, uploaded, data_dir)
        st.session_state["import_candidate"] = (key, candidate)
    show_candidate(candidate, signer)


def rollback_section(signer: imports.Signer | None) -> None:
    st.markdown("**Revenir à une version antérieure**")
    earlier = imports.restorable_versions(data_dir)
    if not earlier:
        st.caption("Aucune autre version n'est archivée pour l'instant.")
        return
    labels = {row["version"]: dv.version_label(row) for row in earlier}
    chosen = st.selectbox("Version à remettre en service", list(labels), format_func=labels.get,
                          index=len(earlier) - 1, key="rollback_version",
                          placeholder="Choisissez une version")
    confirmed = st.checkbox("Je confirme remettre cette version en service ; la version actuelle reste "
                            "archivée et peut être rétablie de la même façon.", key="rollback_confirm")
    if st.button("Revenir à cette version", disabled=not (confirmed and signer), icon=":material/undo:",
                 key="rollback_apply"):
        try:
            restored = imports.rollback(data_dir, chosen, signer)
        except imports.Refused as error:
            st.error(str(error))
            return
        finish(f"Retour arrière effectué : version {restored['data_version']} en service, "
               f"{restored['extracts']['laureates']['rows']} fabriques.")


st.header("Import et retour arrière (agents habilités)", anchor=False)
signer = import_access.door(access, data_dir)
if access.is_open:
    with st.container(border=True):
        import_section(signer)
    with st.container(border=True):
        rollback_section(signer)
    import_access.operator_notes(access)

context.footer(ctx)

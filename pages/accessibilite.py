"""Accessibilité: the accessibility declaration (RGAA model), its state derived from the
results the browser tests committed (docs/accessibilite/audit.json)."""
import streamlit as st

from app import context
from services import publication
from views import declarations as dc

ctx = context.current()
audit = publication.read_audit()
settings = publication.operator_settings()
conformity = dc.conformity(audit)

st.title("Déclaration d'accessibilité", anchor=False)
st.markdown("L'Agence nationale de la cohésion des territoires (ANCT) s'engage à rendre ses services "
            "numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du "
            "11 février 2005. Cette déclaration s'applique au **tableau de bord Fabriques de territoire**.")

st.header("État de conformité", anchor=False)
st.markdown(f"Ce tableau de bord est **{conformity.state}** avec le référentiel général "
            "d'amélioration de l'accessibilité (RGAA), version 4.1.")
for reason in conformity.reasons:
    st.markdown(f"- {reason}")

if audit is None:
    st.warning("Les résultats des tests d'accessibilité sont introuvables "
               "(docs/accessibilite/audit.json) : lancez `make audit`.", icon=":material/warning:")
else:
    st.header("Résultats des tests", anchor=False)
    st.markdown(dc.measured_state(audit))
    st.dataframe(dc.results_table(audit), hide_index=True)
    with st.container(border=True):
        for label, value in dc.audit_facts(audit, publication.code_fingerprint()):
            label_column, value_column = st.columns([1, 3])
            label_column.markdown(f"**{label}**")
            value_column.text(value)

    st.header("Contenus non accessibles", anchor=False)
    st.subheader("Non-conformités relevées", anchor=False)
    remarks = dc.non_conformities(audit)
    st.markdown("\n".join(f"- {line}" for line in remarks) if remarks
                else "axe-core ne relève aucune violation sur les vues vérifiées.")
    st.subheader("Limites de Streamlit", anchor=False)
    st.markdown(
        "Le tableau de bord est construit avec Streamlit, dont certains textes sont écrits en anglais "
        "dans son propre code. Ceux que le projet peut traduire le sont dans le navigateur, dès "
        "l'affichage ; le menu ⋮ et les barres d'outils des tableaux et des graphiques, qui n'existent "
        "qu'en anglais, sont masqués (le thème suit le réglage clair ou sombre de votre système ; "
        "l'impression est celle du navigateur). Textes anglais encore relevés par les tests :")
    limits = dc.known_limits(audit)
    st.markdown("\n".join(f"- {line}" for line in limits) if limits else "- aucun.")
    st.subheader("Alternatives proposées", anchor=False)
    st.markdown(dc.ALTERNATIVES)

    st.header("Établissement de cette déclaration", anchor=False)
    st.markdown("**Pages vérifiées** : " + ", ".join(dc.audited_pages(audit)) + ".")
    st.markdown(dc.METHOD)
    checks = publication.read_manual_checks()
    if checks:
        st.dataframe(dc.manual_checks_table(checks), hide_index=True)

st.header("Retour d'information et contact", anchor=False)
if settings["contact"]:
    st.markdown(dc.CONTACT_INTRO)
    st.text(settings["contact"])  # set by the operator: text, never Markdown
else:
    st.markdown(dc.CONTACT_UNSET)

st.header("Voies de recours", anchor=False)
st.markdown(dc.DEFENSEUR_DES_DROITS)

context.footer(ctx)

"""Import a new laureate list from the command line: check it, preview what changes, confirm.

    python -m pipeline.importer FILE --source "ANCT, liste … (mars 2025)" [--licence "Licence Ouverte 2.0"]
        [--date-liste 2025-03-31] [--yes] [--allow-removals] [--user NAME] [--data-dir DIR]
    make import FILE=liste.csv

The list's attribution (source, licence, date of the list) is shown in every footer, slide and
export. Asked when the command is interactive, prefilled with the version in service (Entrée
keeps it); with --yes, --source is required (an import without a source is refused) and the
licence and date default to those in service.
    python -m pipeline.importer --hash-password     # the hash that enables the page's import

Nothing is written until the list passes every check and the import is confirmed; then a
new version is written atomically (pipeline/versions.py) and recorded in history.jsonl.
The work itself is in pipeline/import_files.py (reading), import_checks.py (checks),
import_workflow.py (preview and apply) and import_auth.py (the password hash).

Exit codes: 0 imported or nothing to change, 1 refused (problems listed), 2 not confirmed.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime
from pathlib import Path

from pipeline import import_auth, versions
from pipeline.import_files import FileRefused, open_path
from pipeline.import_identity import COMMAND_LINE, typed_signer
from pipeline.import_report import report_lines
from pipeline.import_workflow import (ImportRefused, ImportRequest, apply, attribution_in_service,
                                      check_attribution, preview)


def default_data_dir() -> Path:
    from queries import data_dir

    return data_dir()


def _parse_list_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date « {text} » illisible : attendu 2025-03-31 ou 31/03/2025")


def _ask_text(question: str, default: str) -> str:
    try:
        answer = input(f"{question} [{default}] : " if default else f"{question} : ").strip()
    except EOFError:
        return default
    return answer or default


def _attribution(args, manifest: dict) -> tuple[str | None, str | None, date | None]:
    """--source, --licence, --date-liste; asked (prefilled with the version in service) when
    the command is interactive and one is missing."""
    in_service = attribution_in_service(manifest)
    source, licence, list_date = args.source, args.licence, args.date_liste
    if args.yes or not sys.stdin.isatty():
        return source, licence if licence is not None else in_service.licence, list_date
    if source is None:
        source = _ask_text("Source de la liste (producteur, titre)", in_service.source)
    if licence is None:
        licence = _ask_text("Licence", in_service.licence)
    while list_date is None:
        answer = _ask_text("Date de la liste (AAAA-MM-JJ)", in_service.list_date.isoformat())
        try:
            list_date = _parse_list_date(answer)
        except argparse.ArgumentTypeError as error:
            print(f"ERREUR — {error}.", file=sys.stderr)
    return source, licence, list_date


def _ask(question: str) -> bool:
    try:
        return input(f"{question} [o/N] ").strip().lower() in {"o", "oui"}
    except EOFError:
        return False


def _print_hash() -> int:
    password = getpass.getpass("Mot de passe : ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < import_auth.MIN_PASSWORD_LENGTH:
        print(f"Mot de passe trop court ({import_auth.MIN_PASSWORD_LENGTH} caractères au moins).",
              file=sys.stderr)
        return 1
    print(import_auth.hash_password(password))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Importe une nouvelle liste de fabriques (CSV ou XLSX).")
    parser.add_argument("file", nargs="?", type=Path, help="liste à importer")
    parser.add_argument("--yes", action="store_true", help="importer sans poser de question")
    parser.add_argument("--allow-removals", action="store_true",
                        help="accepter une liste qui retire plus de 10 %% des fabriques")
    parser.add_argument("--user", default=None, help="nom inscrit dans l'historique")
    parser.add_argument("--source", default=None,
                        help="source de la liste, citée dans chaque pied de page (obligatoire avec --yes)")
    parser.add_argument("--licence", default=None, help="licence de la liste (par défaut : celle en service)")
    parser.add_argument("--date-liste", type=_parse_list_date, default=None,
                        help="date de la liste, AAAA-MM-JJ (par défaut : celle en service)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--hash-password", action="store_true",
                        help="afficher l'empreinte d'un mot de passe d'import")
    args = parser.parse_args(argv)
    if args.hash_password:
        return _print_hash()
    if args.file is None:
        parser.error("indiquez le fichier à importer")
    data_dir = args.data_dir or default_data_dir()
    try:
        source, licence, list_date = _attribution(args, versions.read_manifest(data_dir))
        # Said before the list is read: an import without a source is refused whatever the list.
        check_attribution(source, licence, list_date, attribution_in_service(versions.read_manifest(data_dir)))
    except ImportRefused as refusal:
        flag = " Indiquez-la avec --source \"…\"." if not (source or "").strip() else ""
        print(f"ERREUR — {refusal}{flag}", file=sys.stderr)
        return 1
    except versions.VersionError as error:
        print(f"ERREUR — {error}\nRien n'a été importé.", file=sys.stderr)
        return 1
    try:
        listing = open_path(args.file)
    except FileRefused as refusal:
        print(f"ERREUR — {refusal}\nRien n'a été importé.", file=sys.stderr)
        return 1
    try:
        with listing:
            candidate = preview(args.file.name, listing, data_dir)
    except versions.VersionError as error:  # the manifest in service is unreadable
        print(f"ERREUR — {error}\nRien n'a été importé.", file=sys.stderr)
        return 1
    print("\n".join(report_lines(candidate)))
    if candidate.errors:
        return 1
    if candidate.is_unchanged:
        return 0
    confirm_removals = args.allow_removals
    if candidate.needs_removal_confirmation and not confirm_removals:
        if args.yes or not _ask(f"Confirmez-vous le retrait de {len(candidate.removed)} fabriques ?"):
            print("Retraits non confirmés (--allow-removals) : rien n'a été importé.", file=sys.stderr)
            return 2
        confirm_removals = True
    if not args.yes and not _ask("Importer cette liste ?"):
        print("Import annulé : rien n'a été modifié.")
        return 2
    user = args.user or getpass.getuser()
    request = ImportRequest(user=user, confirm_removals=confirm_removals, source=source, licence=licence,
                            list_date=list_date, signer=typed_signer(user, COMMAND_LINE))
    try:
        entry = apply(candidate, data_dir, request)
    except (ImportRefused, versions.VersionError) as error:
        print(f"ERREUR — {error}", file=sys.stderr)
        return 1
    print(f"Version {entry['to_version']} en service ({entry['laureates']} fabriques) ; "
          f"version précédente : {entry['from_version']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Import a new laureate list from the command line: check it, preview what changes, confirm.

    python -m pipeline.importer FILE [--yes] [--allow-removals] [--user NAME] [--data-dir DIR]
    make import FILE=liste.csv
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
from pathlib import Path

from pipeline import import_auth, versions
from pipeline.import_files import FileRefused, open_path
from pipeline.import_report import report_lines
from pipeline.import_workflow import ImportRefused, ImportRequest, apply, preview


def default_data_dir() -> Path:
    from queries import data_dir

    return data_dir()


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
    request = ImportRequest(user=args.user or getpass.getuser(), confirm_removals=confirm_removals)
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

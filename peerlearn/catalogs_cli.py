"""`peerlearn catalogs export`: the interface texts reviewed in the console, written back
into the gettext files of bot/locale for the repository.

Each text goes into the file that defines its key (bot/locale/<lang>.po, or
bot/locale/<flow>/<lang>.po); a reviewed text loses its `#, fuzzy` flag. Only the
entries that change are rewritten (bot/catalog_files.py), so the diff shows exactly
what the reviewers did.

The rows keep overriding the files after the export. Once the exported files are
committed and deployed, `peerlearn catalogs prune` deletes the rows the files now say
word for word, so that a later change to a file in the repository is not hidden by an
old row.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from bot.catalog import LOCALE_DIR, Catalog, Override
from bot.catalog_files import path_of, update
from content.db import make_engine, session_scope
from content.languages import LANGUAGE_CODES
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import Settings
from services import catalog_texts

app = typer.Typer(help="The interface texts reviewed in the console.", no_args_is_help=True)


@app.command()
def export(lang: Annotated[str | None, typer.Option(help="Only this language (km, lo ...)")]
           = None,
           locale: Annotated[Path, typer.Option(help="The catalog folder to write into")]
           = LOCALE_DIR,
           dry_run: Annotated[bool, typer.Option("--dry-run",
                                                 help="Say what would change; write nothing")]
           = False) -> None:
    """Writes the console's texts into the .po files and prints what changed."""
    if lang is not None and lang not in LANGUAGE_CODES:
        typer.echo(f"unknown language {lang!r}; one of {', '.join(LANGUAGE_CODES)}", err=True)
        raise typer.Exit(2)
    engine = make_engine(Settings().database_url)
    ensure_migrated(engine)
    with Session(engine) as session:
        rows = catalog_texts.listed(session=session, lang=lang)
    engine.dispose()
    origins = Catalog.load(locale).origins
    by_file: dict[Path, list[Override]] = defaultdict(list)
    for row in rows:
        if row.key not in origins:
            typer.echo(f"skipped {row.lang} {row.key}: no file defines this key any more",
                       err=True)
            continue
        by_file[path_of(origins[row.key], row.lang, locale)].append(
            Override(row.lang, row.key, row.text, row.reviewed))
    changes = [change for path, overrides in sorted(by_file.items())
               for change in update(path, overrides, write=not dry_run)]
    for change in changes:
        typer.echo(f"{change.path.relative_to(locale)}: {change.key} ({change.what})")
    verb = "would change" if dry_run else "changed"
    files = len({change.path for change in changes})
    typer.echo(f"{len(rows)} texts in the database; {len(changes)} entries {verb} in {files} "
               "files" if changes else
               f"{len(rows)} texts in the database; the files already say the same")


@app.command()
def prune(locale: Annotated[Path, typer.Option(help="The catalog folder in use")]
          = LOCALE_DIR) -> None:
    """Deletes the console's texts that the files now say word for word (after an export
    was committed and deployed), so later changes to the files are not hidden."""
    catalog = Catalog.load(locale)
    engine = make_engine(Settings().database_url)
    ensure_migrated(engine)
    with session_scope(engine) as session:
        gone = catalog_texts.prune(session=session, actor="cli:catalogs-prune", same=lambda r: (
            catalog.file_text(r.lang, r.key) == r.text
            and catalog.file_draft(r.lang, r.key) != r.reviewed))
    engine.dispose()
    typer.echo(f"{gone} texts deleted: the files say the same")

"""`peerlearn content validate|import|export`: the content pack commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from content.db import make_engine, session_scope
from content.exporter import export_pack
from content.frontmatter import Problem
from content.importer import import_drafts
from content.validate import load_pack
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import BUNDLED_PACKS, Settings
from services.search import reindex, unindexed

app = typer.Typer(help="Validate, import and export content packs.", no_args_is_help=True)


Packs = Annotated[list[Path] | None, typer.Argument(help="Pack folders (default: bundled)")]


def _packs(paths: list[Path] | None) -> list[Path]:
    """The pack folders to read: those given, or every bundled pack."""
    if paths:
        return paths
    return sorted(p for p in BUNDLED_PACKS.iterdir() if p.is_dir())


def _count(n: int, noun: str) -> str:
    """"1 error", "2 errors"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _report(problems: list[Problem]) -> int:
    errors = [p for p in problems if not p.warning]
    for problem in problems:
        typer.echo(str(problem), err=True)
    return len(errors)


@app.command()
def validate(paths: Packs = None) -> None:
    """Checks packs; names the file, line and field of every problem."""
    total = errors = 0
    for path in _packs(paths):
        drafts, problems = load_pack(path)
        total += len(drafts)
        errors += _report(problems)
    typer.echo(f"{_count(total, 'practice')} valid, {_count(errors, 'error')}")
    raise typer.Exit(1 if errors else 0)


def _progress() -> Progress:
    """A progress bar on the terminal's stderr; nothing (not even a blank line) when
    the output goes to a file or a pipe."""
    console = Console(stderr=True)
    return Progress(console=console, transient=True, disable=not console.is_terminal)


ReplaceEdited = Annotated[bool, typer.Option(
    "--replace-edited", help="Also overwrite practices edited in the console")]


@app.command("import")
def import_(paths: Packs = None, replace_edited: ReplaceEdited = False) -> None:
    """Imports packs; a broken practice is refused, the rest imported. Re-import updates;
    a practice edited in the console is kept unless --replace-edited."""
    engine = make_engine(Settings().database_url)
    ensure_migrated(engine)
    errors = 0
    for path in _packs(paths):
        drafts, problems = load_pack(path)
        errors += _report(problems)
        with _progress() as progress, session_scope(engine) as session:
            task = progress.add_task(f"importing {path.name}", total=len(drafts))
            result = import_drafts(session, drafts, replace_edited=replace_edited,
                                   on_each=lambda _d, t=task: progress.advance(t))
            # content cannot see the index: whoever writes content reindexes it
            reindex(session=session, practice_ids=result.changed_ids + unindexed(session))
        kept = f", {result.kept} kept (edited in the console)" if result.kept else ""
        typer.echo(f"{path.name}: {result.created} created, {result.updated} updated, "
                   f"{result.unchanged} unchanged{kept}")
    engine.dispose()
    if errors:
        typer.echo(f"{_count(errors, 'error')}: those practices were not imported", err=True)
    raise typer.Exit(1 if errors else 0)


@app.command()
def export(dest: Annotated[Path, typer.Argument(help="Folder to write the pack into")],
           pack: Annotated[str | None, typer.Option(help="Only this pack")] = None) -> None:
    """Writes practices from the store as a pack folder."""
    engine = make_engine(Settings().database_url)
    ensure_migrated(engine)
    with session_scope(engine) as session:
        count = export_pack(session, dest, pack=pack)
    engine.dispose()
    typer.echo(f"{count} practices written to {dest}")

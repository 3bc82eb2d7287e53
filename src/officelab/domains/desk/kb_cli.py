"""`officelab desk kb …`: the knowledge base's articles, written by hand or from a solved ticket, searched in French."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, fail, ok, out
from officelab.domains.desk import knowledge as kb
from officelab.domains.desk.console import AsOption, DbOption, Number, SiteOption, act, context
from officelab.domains.desk.facts import categories
from officelab.recette.run import technician

kb_app = typer.Typer(help="The knowledge base: articles, searched in French.", no_args_is_help=True)


@kb_app.command("add")
def kb_add(
    title: Annotated[str, typer.Argument(help="The problem, as users say it.")],
    solution: Annotated[str, typer.Option(help="What fixes it, step by step.")],
    category: Annotated[str, typer.Option(help="One of the desk's categories.")],
    symptoms: Annotated[str, typer.Option(help="What the user sees.")] = "",
    cause: Annotated[str, typer.Option(help="Why it happens.")] = "",
    check: Annotated[list[str] | None, typer.Option("--check", help="A check of the recette that proves the fix (repeatable).")] = None,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Write an article."""
    ctx = context(lab, site, author, with_checks=bool(check))
    if category not in categories(ctx.desk):
        fail(f"--category {category!r}: expected one of {', '.join(categories(ctx.desk))}", 2)
    unknown = [c for c in check or () if ctx.known_checks is not None and c not in ctx.known_checks]
    if unknown:
        fail(f"--check {unknown[0]!r} is not a check of the site's recette (`officelab check --list`)", 2)
    found = act(db, lambda s: kb.write(s, ctx.author, title, category, solution, symptoms, cause, tuple(check or ())))
    ok(f"article {found.id} written: {found.title}")


@kb_app.command("from-ticket")
def kb_from_ticket(
    number: Number,
    cause: Annotated[str, typer.Option(help="Why it happened (the ticket's solution says what was done).")] = "",
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Make a solved ticket's solution an article."""
    found = act(db, lambda s: kb.from_ticket(s, author or technician(), number, cause))
    ok(f"article {found.id} written from ticket {number}: {found.title}")


@kb_app.command("search")
def kb_search(
    words: Annotated[str, typer.Argument(help='What to look for, in French ("imprimante bloquée").')], db: DbOption = None
) -> None:
    """Search the knowledge base (stemmed French words, accents folded: "imprimantes" finds "imprimer")."""
    found = act(db, lambda s: [(a.id, a.title, a.category, score) for a, score in kb.search(s, words)])
    if not found:
        out.print(f"no article matches {words!r}")
        return
    table = Table("n°", "titre", "catégorie", "score")
    for number, title, category, score in found:
        add_row(table, str(number), title, category, f"{score:g}")
    out.print(table)


@kb_app.command("show")
def kb_show(number: Annotated[int, typer.Argument(help="The article's number.", min=1)], db: DbOption = None) -> None:
    """An article."""

    def read(s: Any) -> list[tuple[str, str]]:
        a = kb.article(s, number)
        origin = f"ticket {a.ticket_id}" if a.ticket_id else a.author
        return [("titre", a.title), ("catégorie", a.category), ("symptômes", a.symptoms), ("cause", a.cause),
                ("solution", a.solution), ("contrôles", ", ".join(a.check_list())), ("origine", origin)]  # fmt: skip

    for name, value in act(db, read):
        if value:
            out.print(Text.assemble((f"{name}: ", "dim"), value))

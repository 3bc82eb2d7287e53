"""The knowledge base: articles (problem, symptoms, cause, solution, the checks that prove it), written by hand or
from a solved ticket, and searched in French.

The search index is the articles' words stemmed by Snowball's French stemmer with accents folded ("imprimantes",
"imprimer" and "Imprimante" are one term), stop words left out, and weighted by field (the title counts most). It
is a table of the desk's database, so it is the same on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from functools import cache
from typing import Any

import snowballstemmer
from sqlalchemy import Float, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from officelab.core.errors import OfficeLabError
from officelab.domains.desk.facts import Status
from officelab.domains.desk.tickets import Base, get

STOP_WORDS = frozenset(
    {
        "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "est", "il", "ils",
        "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "nos", "notre",
        "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te",
        "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "plus", "sont", "été", "etre", "être",
        "fait", "faire", "n", "l", "d", "j", "s", "c", "t", "m",
    }
)  # fmt: skip
WEIGHTS = {"title": 3.0, "symptoms": 2.0, "cause": 1.5, "solution": 1.0, "category": 2.0}


class Article(Base):
    __tablename__ = "kb_article"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text)
    checks: Mapped[str] = mapped_column(Text, default="[]")
    ticket_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ticket.id", ondelete="SET NULL"), nullable=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)

    def check_list(self) -> list[str]:
        return list(json.loads(self.checks))


class Term(Base):
    __tablename__ = "kb_term"
    article_id: Mapped[int] = mapped_column(Integer, ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    weight: Mapped[float] = mapped_column(Float)


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("french")


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def terms(text: str) -> list[str]:
    """The search terms of a French text: words stemmed, then accents folded, stop words out."""
    words = [w for w in re.findall(r"[^\W_]+", text.lower()) if w not in STOP_WORDS and len(w) > 1]
    return [_fold(str(stem))[:64] for stem in _stemmer().stemWords(words) if stem]


def _index(db: Session, article: Article) -> None:
    db.execute(delete(Term).where(Term.article_id == article.id))
    weights: dict[str, float] = {}
    for field, weight in WEIGHTS.items():
        for term in terms(getattr(article, field)):
            weights[term] = weights.get(term, 0.0) + weight
    db.add_all(Term(article_id=article.id, term=t, weight=w) for t, w in weights.items())


def write(
    db: Session,
    author: str,
    title: str,
    category: str,
    solution: str,
    symptoms: str = "",
    cause: str = "",
    checks: tuple[str, ...] = (),
    ticket_id: int | None = None,
) -> Article:
    """A new article, indexed."""
    if not title.strip() or not solution.strip():
        raise OfficeLabError("an article needs a title and a solution")
    article = Article(
        title=title.strip(),
        category=category,
        symptoms=symptoms,
        cause=cause,
        solution=solution,
        checks=json.dumps(list(checks)),
        ticket_id=ticket_id,
        author=author,
        created_at=time.time(),
    )
    db.add(article)
    db.flush()
    _index(db, article)
    return article


def from_ticket(db: Session, author: str, ticket_id: int, cause: str = "") -> Article:
    """A solved (or closed) ticket's solution as an article: its title, what the user said, its checks."""
    ticket = get(db, ticket_id)
    if ticket.status not in (Status.SOLVED.value, Status.CLOSED.value):
        raise OfficeLabError(f"ticket {ticket_id} is {ticket.status}: only a solved ticket's solution becomes an article")
    return write(
        db, author, ticket.title, ticket.category, ticket.solution, ticket.description, cause, tuple(ticket.check_list()), ticket.id
    )


def search(db: Session, query: str, limit: int = 10) -> list[tuple[Article, float]]:
    """The articles that hold the query's terms, best first (the sum of the matched terms' weights)."""
    wanted = sorted(set(terms(query)))
    if not wanted:
        raise OfficeLabError(f"nothing to search for in {query!r} (only stop words)")
    score = func.sum(Term.weight).label("score")
    matched = func.count(Term.term).label("matched")
    rows = db.execute(
        select(Term.article_id, score, matched)
        .where(Term.term.in_(wanted))
        .group_by(Term.article_id)
        .order_by(matched.desc(), score.desc(), Term.article_id)
        .limit(limit)
    ).all()
    articles = {a.id: a for a in db.scalars(select(Article).where(Article.id.in_([r[0] for r in rows])))}
    return [(articles[r[0]], float(r[1])) for r in rows]


def article(db: Session, article_id: int) -> Article:
    found = db.get(Article, article_id)
    if found is None:
        raise OfficeLabError(f"no article {article_id} in the knowledge base (`officelab desk kb search WORDS`)")
    return found

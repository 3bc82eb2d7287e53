"""The knowledge base: French search (stems, accents, stop words), ranking by field, an article from a solved ticket."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.core.errors import OfficeLabError
from officelab.domains.desk import handling as h
from officelab.domains.desk import knowledge as kb
from officelab.domains.desk.tickets import session
from officelab.site.loader import load_site

SITE = load_site("cabinet-martin")


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite'}"


def test_terms_are_french_stems_without_accents_nor_stop_words() -> None:
    assert kb.terms("Les imprimantes : imprimer plus") == ["imprim", "imprim"]
    assert kb.terms("réseau RÉSEAUX reseau") == ["reseau", "reseau", "reseau"]
    assert kb.terms("de la et le") == []


def test_search_finds_by_stem_and_ranks_the_title_first(url: str) -> None:
    with session(url) as db:
        printer = kb.write(db, "n2", "L'imprimante n'imprime plus", "Impression", "Relancer le spouleur de srv-files")
        share = kb.write(
            db, "n2", "Partage compta inaccessible", "Partages de fichiers", "Vérifier les droits ; relancer l'imprimante ensuite"
        )
        vpn = kb.write(
            db, "n2", "Le VPN refuse la connexion", "Réseau", "Certificat révoqué : en émettre un nouveau", symptoms="réseau injoignable"
        )
    with session(url) as db:
        found = [a.id for a, _ in kb.search(db, "imprimantes")]
        assert found == [printer.id, share.id], "the title's match before the solution's"
        assert [a.id for a, _ in kb.search(db, "reseau")] == [vpn.id], "accents folded, category and symptoms indexed"
        assert kb.search(db, "téléphone") == []
        with pytest.raises(OfficeLabError, match="only stop words"):
            kb.search(db, "de la")


def test_a_solved_tickets_solution_becomes_an_article(url: str) -> None:
    ctx = h.Context(author="tech1", site=SITE, lab="default", now=1_700_000_000.0)
    opening = h.Opening("Pas d'internet au poste d'accueil", "jpetit", 3, 2, "Réseau", description="plus aucun site ne s'affiche")
    with session(url) as db:
        number = h.open_ticket(db, ctx, opening).id
        with pytest.raises(OfficeLabError, match="only a solved ticket"):
            kb.from_ticket(db, "tech1", number)
        h.take(db, ctx, number)
        h.solve(db, ctx, number, "Passerelle corrigée sur pc-accueil (10.10.10.1)")
        made = kb.from_ticket(db, "tech1", number, cause="passerelle erronée")
        assert (made.ticket_id, made.symptoms, made.cause) == (number, "plus aucun site ne s'affiche", "passerelle erronée")
    with session(url) as db:
        assert [a.id for a, _ in kb.search(db, "passerelle")] == [made.id]

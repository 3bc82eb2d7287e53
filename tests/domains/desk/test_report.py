"""The intervention report: what it shows (request, findings, work done with the commands typed, the recette before
and after, signatures), escaped as text; printed to a real PDF whose page is not blank and holds the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

from officelab.domains.desk import handling as h
from officelab.domains.desk.report import Command, print_pdf, render_intervention
from officelab.domains.desk.tickets import get, session
from officelab.site.loader import load_site

SITE = load_site("cabinet-martin")


def worked(url: str) -> str:
    c = h.Context(author="lea", site=SITE, lab="default", now=1_764_770_400.0)  # Wednesday 2025-12-03 15:00, Paris
    with session(url) as db:
        number = h.open_ticket(db, c, h.Opening("Imprimante <bloquée>", "pdurand", 4, 3, "Impression", nodes=("prn-1",))).id
        h.take(db, c, number)
        h.attach(db, c, number, "recette", "recette: 371/373 passed", {"checks": 373, "failed": ["print:Compta:amartin"]})
        h.follow_up(db, c, number, "File Compta suspendue", minutes=5)
        h.solve(db, c, number, "cupsenable Compta", minutes=5)
        h.attach(db, c, number, "recette", "recette: 373/373 passed", {"checks": 373, "failed": []})
        h.close(db, c, number, satisfaction=4)
        t, lines = get(db, number), h.history(db, number)
        return render_intervention(t, lines, SITE, [Command(1_764_770_500.0, "srv-files", "cupsenable Compta", 0)], "Cabinet Martin")


def test_the_report_shows_the_intervention(tmp_path: Path) -> None:
    page = worked(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    for words in ("Fiche d'intervention n° 1", "Cabinet Martin", "Paul Durand (pdurand)", "lea (niveau N1)", "4 × 3 → 4 (haute)",
                  "File Compta suspendue", "cupsenable Compta</code> (0)", "en échec : print:Compta:amartin", "tout passe",
                  "satisfaction 4/5", "10 min", "prn-1", "Le client"):  # fmt: skip
        assert words in page, words
    assert "Imprimante &lt;bloquée&gt;" in page and "<bloquée>" not in page, "user text is escaped"


def test_the_pdf_is_printed_and_its_page_is_the_report(tmp_path: Path) -> None:
    pdf = tmp_path / "fiche.pdf"
    print_pdf(worked(f"sqlite:///{tmp_path / 'desk.sqlite'}"), pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Fiche d'intervention n° 1" in text and "Travaux réalisés" in text
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.pgm")
    header, _, pixels = _pgm(image.read_bytes())
    dark = sum(1 for p in pixels if p < 128) / len(pixels)
    assert header[0] > 200 and 0.01 < dark < 0.5, f"page {header}: {dark:.1%} dark (blank, or all black)"


def _pgm(data: bytes) -> tuple[tuple[int, int], int, bytes]:
    """A binary PGM (P5): its size, maximum value and pixels."""
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5"
    width, height, maximum = int(fields[1]), int(fields[2]), int(fields[3])
    return (width, height), maximum, fields[4][-width * height :]

"""A quote from the default site's design: each quantity follows from the site file, the lines and totals add up to
the cent, a company's price list replaces the built-in one, and a broken price list is refused with its line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from officelab.core.errors import OfficeLabError
from officelab.domains.desk.quote import load_prices, make_quote, money, on_premises, render_quote
from officelab.site.loader import load_site
from officelab.site.model import NodeKind

SITE = load_site("cabinet-martin")


def test_the_quote_follows_the_site_and_adds_up() -> None:
    quote = make_quote(SITE, load_prices())
    lines = {line.key: line for line in [*quote.equipment, *quote.labour]}
    here = set(on_premises(SITE))
    assert "teletravail" not in here and "isp" not in here and "inet-sw" not in here and "fw" in here
    assert lines["phone"].quantity == len([n for n in SITE.nodes if n.kind is NodeKind.PHONE])
    assert lines["server"].quantity == len([n for n in SITE.nodes if n.kind is NodeKind.SERVER and n.name in here])
    assert lines["switch-24"].quantity == 2 and lines["access-point"].quantity == 1
    assert SITE.directory is not None and lines["licence-user"].quantity == len(SITE.directory.users)
    assert lines["vlan"].quantity == len(SITE.vlans) and lines["recette"].quantity == 1
    assert all(line.amount == (line.unit * line.quantity).quantize(Decimal("0.01")) for line in lines.values())
    assert quote.net == sum(line.amount for line in lines.values())
    assert quote.vat == (quote.net * Decimal("0.20")).quantize(Decimal("0.01")) and quote.total == quote.net + quote.vat
    page = render_quote(quote, "Cabinet Martin")
    assert "Devis — Cabinet Martin" in page and money(quote.total) in page and money(Decimal("1234.5")) == "1\u202f234,50 €"


def test_a_company_price_list_and_a_broken_one(tmp_path: Path) -> None:
    text = (Path(__file__).parents[3] / "src/officelab/domains/desk/prices.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "tarifs.yaml"
    mine.write_text(text.replace("vat: 20", "vat: 10").replace("hourly_rate: 65", "hourly_rate: 80"), encoding="utf-8")
    quote = make_quote(SITE, load_prices(mine))
    assert quote.vat_rate == 10 and next(line for line in quote.labour if line.key == "recette").unit == Decimal("160.00")
    mine.write_text(text.replace('  router: {label: "Routeur-pare-feu (NAT, VLAN, VPN)", price: 890}', "  router: {label: x, price: -3}"))
    with pytest.raises(OfficeLabError) as caught:
        load_prices(mine)
    assert "tarifs.yaml:" in str(caught.value) and "items.router.price" in str(caught.value)
    mine.write_text(text.replace('  camera: {label: "Caméra IP (PoE, RTSP, ONVIF)", price: 180}\n', ""))
    with pytest.raises(OfficeLabError, match="no item 'camera'"):
        make_quote(SITE, load_prices(mine))

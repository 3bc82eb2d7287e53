"""A quote (devis) from a site design: the equipment the site file implies (its on-premises nodes by kind, the
switches by size, cabling — a patch cord per cable, an outlet per host cable — the licences: directory users, SIP
extensions, recorded cameras), the labour from standard times per task, and VAT, priced from a price list (the
built-in `prices.yaml`, or the company's own). Every line says where its quantity comes from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.core.model import Model
from officelab.site.loader import load_model
from officelab.site.model import NodeKind, Site, split_endpoint
from officelab.site.yamlfile import read_text_file

CENT = Decimal("0.01")


class Item(Model):
    label: str = Field(min_length=1, max_length=120)
    price: Decimal = Field(ge=0, le=1_000_000)


class Task(Model):
    label: str = Field(min_length=1, max_length=120)
    minutes: int = Field(gt=0, le=60 * 24 * 10)


class PriceList(Model):
    """Equipment prices (euros excluding VAT), labour times per task, the hourly rate and the VAT rate (percent)."""

    vat: Decimal = Field(ge=0, le=100)
    hourly_rate: Decimal = Field(gt=0, le=10_000)
    items: dict[str, Item]
    labour: dict[str, Task]


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    quantity: int
    unit: Decimal  # euros excluding VAT
    why: str

    @property
    def amount(self) -> Decimal:
        return (self.unit * self.quantity).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Quote:
    site: str
    equipment: list[Line]
    labour: list[Line]
    vat_rate: Decimal

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in [*self.equipment, *self.labour]), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return (self.net * self.vat_rate / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


def load_prices(path: Path | None = None) -> PriceList:
    """The price list at ``path`` (a problem names its file, line and field), or the built-in one."""
    if path is None:
        text, name = (resources.files("officelab.domains.desk") / "prices.yaml").read_text(encoding="utf-8"), "prices.yaml"
    else:
        text, name = read_text_file(path, "price list"), str(path)
    prices, _ = load_model(text, name, PriceList, "price list (`vat`, `hourly_rate`, `items`, `labour`)")
    return prices


def on_premises(site: Site) -> list[str]:
    """The site's own nodes: not those of the emulated internet, nor what is reached from it without the site's router
    (a teleworker's laptop, the ISP's switch)."""
    routers = {n.name for n in site.nodes if n.kind.site_router}
    outside = {n.name for n in site.nodes if n.kind.on_internet}
    neighbours: dict[str, set[str]] = {}
    for link in site.links:
        a, b = split_endpoint(link.a)[0], split_endpoint(link.b)[0]
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    stack = list(outside)
    while stack:
        for other in neighbours.get(stack.pop(), set()):
            if other not in outside and other not in routers:
                outside.add(other)
                stack.append(other)
    return [n.name for n in site.nodes if n.name not in outside]


SWITCH_SIZES = (8, 24, 48)


def make_quote(site: Site, prices: PriceList) -> Quote:
    """The quote for building ``site``."""
    here = set(on_premises(site))
    nodes = [n for n in site.nodes if n.name in here]
    count: dict[str, tuple[int, list[str]]] = {}

    def add(key: str, name: str) -> None:
        n, names = count.get(key, (0, []))
        count[key] = (n + 1, [*names, name])

    for node in nodes:
        if node.kind is NodeKind.SWITCH:
            ports = sum(len(p.names()) for p in node.ports)
            add(f"switch-{next((s for s in SWITCH_SIZES if ports <= s), SWITCH_SIZES[-1])}", node.name)
        else:
            add(node.kind.value if node.kind is not NodeKind.ROUTER else "router", node.name)
    cables = [link for link in site.links if split_endpoint(link.a)[0] in here and split_endpoint(link.b)[0] in here]
    hosts = [link for link in cables if not all(_bridge_or_router(site, split_endpoint(e)[0]) for e in (link.a, link.b))]
    equipment = [_line(prices, key, n, ", ".join(names[:6]) + (" …" if len(names) > 6 else "")) for key, (n, names) in count.items()]
    equipment.append(_line(prices, "patch-cord", len(cables), f"{len(cables)} câbles du site"))
    equipment.append(_line(prices, "outlet", len(hosts), "un câble d'hôte par prise murale"))
    users = len(site.directory.users) if site.directory is not None else 0
    extensions = len(site.telephony.extensions) if site.telephony is not None else 0
    recorded = len([n for n in nodes if n.kind is NodeKind.CAMERA]) if site.video is not None else 0
    for key, n, why in (
        ("licence-user", users, "utilisateurs de l'annuaire"),
        ("licence-extension", extensions, "postes de l'IPBX"),
        ("licence-camera", recorded, "caméras enregistrées"),
    ):
        if n:
            equipment.append(_line(prices, key, n, why))
    kinds = {n.kind for n in nodes}
    installs = {
        "install-router": [n for n in nodes if n.kind.site_router],
        "install-switch": [n for n in nodes if n.kind is NodeKind.SWITCH],
        "install-access-point": [n for n in nodes if n.kind is NodeKind.ACCESS_POINT],
        "install-server": [n for n in nodes if n.kind is NodeKind.SERVER],
        "install-host": [n for n in nodes if not n.kind.bridges and not n.kind.site_router and n.kind is not NodeKind.SERVER],
    }
    labour = [_task(prices, key, len(found), f"{len(found)} équipement(s)") for key, found in installs.items() if found]
    if users:
        labour.append(_task(prices, "account", users, "comptes de l'annuaire"))
    labour.append(_task(prices, "vlan", len(site.vlans), "VLAN du plan d'adressage"))
    labour.append(_task(prices, "recette", 1, f"{len(kinds)} types d'équipements à recetter"))
    return Quote(site.name, [line for line in equipment if line.quantity], labour, prices.vat)


def _bridge_or_router(site: Site, name: str) -> bool:
    kind = site.node(name).kind
    return kind.bridges or kind.site_router


def _line(prices: PriceList, key: str, quantity: int, why: str) -> Line:
    item = prices.items.get(key)
    if item is None:
        raise OfficeLabError(f"the price list has no item {key!r}: add `items: {{{key}: {{label: ..., price: ...}}}}`")
    return Line(key, item.label, quantity, item.price, why)


def _task(prices: PriceList, key: str, quantity: int, why: str) -> Line:
    task = prices.labour.get(key)
    if task is None:
        raise OfficeLabError(f"the price list has no labour task {key!r}: add `labour: {{{key}: {{label: ..., minutes: ...}}}}`")
    unit = (prices.hourly_rate * task.minutes / 60).quantize(CENT, ROUND_HALF_UP)
    return Line(key, f"{task.label} ({task.minutes} min)", quantity, unit, why)


def money(amount: Decimal) -> str:
    """A French amount: 12 345,60 €."""
    whole, cents = f"{amount.quantize(CENT, ROUND_HALF_UP):.2f}".split(".")
    return f"{int(whole):,}".replace(",", "\u202f") + f",{cents} €"


def render_quote(quote: Quote, customer: str = "") -> str:
    import datetime as dt

    from officelab.domains.desk.report import render_document

    printed = dt.date.today().strftime("%d/%m/%Y")
    return render_document("quote.html.j2", q=quote, customer=customer or quote.site, money=money, printed=printed)

"""The desk's inventory: each lab's assets as its last saved scan found them, so a ticket can name a device the
design does not have (an unknown host the scan flagged) and show where each linked element is plugged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, Index, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from officelab.domains.desk.tickets import Base


class InventoryAsset(Base):
    __tablename__ = "inventory_asset"
    __table_args__ = (Index("ix_inventory_asset_lab_label", "lab", "label", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lab: Mapped[str] = mapped_column(String(12), index=True)
    label: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    design: Mapped[str] = mapped_column(String(64), default="")
    vlan: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str] = mapped_column(String(80), default="")
    ips: Mapped[str] = mapped_column(Text, default="")
    macs: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(64), default="")
    difference: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text, default="{}")  # its GLPI inventory document (JSON)
    scanned_at: Mapped[float] = mapped_column(Float)

    def line(self) -> str:
        where = f" at {self.location}" if self.location else ""
        vlan = f", VLAN {self.vlan}" if self.vlan is not None else ""
        flag = f" — {self.difference}" if self.difference else ""
        return f"{self.label} ({self.kind}{vlan}{where}; {self.ips or 'no address'}){flag}"


@dataclass(frozen=True)
class AssetRow:
    label: str
    kind: str
    design: str
    vlan: int | None
    location: str
    ips: str
    macs: str
    owner: str
    difference: str
    document: str


def replace_inventory(db: Session, lab: str, rows: list[AssetRow], when: float) -> int:
    """The lab's inventory becomes ``rows`` (a scan sees the whole network: what it did not find is gone)."""
    db.execute(delete(InventoryAsset).where(InventoryAsset.lab == lab))
    db.add_all(InventoryAsset(lab=lab, scanned_at=when, **vars(r)) for r in rows)
    return len(rows)


def inventory(db: Session, lab: str) -> dict[str, InventoryAsset]:
    """Label → asset, of the lab's last saved scan (empty if none was saved)."""
    return {a.label: a for a in db.scalars(select(InventoryAsset).where(InventoryAsset.lab == lab))}

"""Faults of the network, bottom-up (one module per layer): `links` (cable, port, interface, VLANs, trunks),
`addressing` (a static host's address, mask, gateway, route), `services` (DHCP scopes and options, DNS records, the
DNS/DHCP server)."""

from __future__ import annotations

from officelab.domains.network.faults.addressing import RouteMissing, WrongAddress, WrongGateway, WrongMask
from officelab.domains.network.faults.links import (
    CablePulled,
    InterfaceDown,
    NativeVlanMismatch,
    PortShutdown,
    PortWrongVlan,
    TrunkVlanMissing,
)
from officelab.domains.network.faults.services import (
    DhcpScopeRemoved,
    DhcpWrongDns,
    DhcpWrongRouter,
    DnsDhcpServerStopped,
    DnsRecordMissing,
    DnsRecordWrong,
)
from officelab.faults.model import Fault


def catalogue() -> tuple[type[Fault], ...]:
    return (
        CablePulled,
        PortShutdown,
        InterfaceDown,
        PortWrongVlan,
        TrunkVlanMissing,
        NativeVlanMismatch,
        WrongAddress,
        WrongMask,
        WrongGateway,
        RouteMissing,
        DhcpScopeRemoved,
        DhcpWrongRouter,
        DhcpWrongDns,
        DnsRecordMissing,
        DnsRecordWrong,
        DnsDhcpServerStopped,
    )

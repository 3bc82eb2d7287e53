"""Faults of the network, bottom-up (one module per layer): `links` (cable, port, interface, VLANs, trunks),
`addressing` (a static host's address, mask, gateway, route, a duplicate address), `dhcp` (scopes and options),
`dns` (records, forwarder, the DNS/DHCP server)."""

from __future__ import annotations

from officelab.domains.network.faults.addressing import DuplicateAddress, RouteMissing, WrongAddress, WrongGateway, WrongMask
from officelab.domains.network.faults.dhcp import DhcpScopeExhausted, DhcpScopeRemoved, DhcpWrongDns, DhcpWrongRouter, RogueDhcpServer
from officelab.domains.network.faults.dns import DnsDhcpServerStopped, DnsForwarderWrong, DnsRecordMissing, DnsRecordWrong
from officelab.domains.network.faults.links import (
    CablePulled,
    InterfaceDown,
    NativeVlanMismatch,
    PortShutdown,
    PortWrongVlan,
    TrunkVlanMissing,
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
        DuplicateAddress,
        DhcpScopeRemoved,
        DhcpScopeExhausted,
        DhcpWrongRouter,
        DhcpWrongDns,
        RogueDhcpServer,
        DnsRecordMissing,
        DnsRecordWrong,
        DnsForwarderWrong,
        DnsDhcpServerStopped,
    )

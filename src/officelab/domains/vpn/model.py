"""The user VPN (site-wide section ``vpn:``): an OpenVPN server on a router, its address pool, the routes and DNS it
pushes, and its users (a certificate each, made by the lab's CA; a revoked one is in the server's CRL)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from pydantic import Field, model_validator

from officelab.core.addressing import Address, Subnet
from officelab.core.model import Model, Name, NodeName, VlanRef
from officelab.core.probe import ProbeSpecBase

TUNNEL = "tun-vpn"
"""The server's tunnel interface: a firewall zone may list it (``vpn: {interfaces: [tun-vpn]}``)."""


class VpnUser(Model):
    """A VPN user: a certificate whose CN is ``name`` (an AD login when the site has a directory)."""

    name: Name
    node: NodeName | None = Field(default=None, description="the remote node whose OpenVPN client connects as this user at boot")
    revoked: bool = Field(default=False, description="the certificate is in the server's CRL: the server must refuse it")


class Vpn(Model):
    """OpenVPN (tun, TLS with certificates) on ``server``, for remote workers."""

    server: NodeName = Field(description="the router (or gateway) running the OpenVPN server")
    port: int = Field(default=1194, ge=1, le=65535)
    proto: Literal["udp", "tcp"] = "udp"
    pool: Subnet = Field(default=IPv4Network("10.8.0.0/24"), description="the tunnel addresses given to clients (a /24 to /29)")
    routes: list[VlanRef] = Field(min_length=1, description="the VLANs whose subnets the server pushes to its clients")
    dns: list[Address] = Field(default_factory=list, description="pushed DNS servers; default: the site's internal DNS")
    users: list[VpnUser] = Field(min_length=1)
    login: Literal["certificate", "directory"] = Field(
        default="certificate", description="`directory`: the certificate and the user's AD password (an LDAP bind to the DC)"
    )

    @model_validator(mode="after")
    def _pool(self) -> Vpn:
        if not 24 <= self.pool.prefixlen <= 29:
            raise ValueError(f"pool {self.pool} must be a /24 to /29 (OpenVPN's `server` directive)")
        if self.pool.is_global:
            raise ValueError(f"pool {self.pool} must be private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
        names = [u.name for u in self.users]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"user {twice[0]} listed twice: one certificate per user")
        return self

    @property
    def server_address(self) -> IPv4Address:
        """The server's own address in the tunnel (the first of the pool, as OpenVPN's `server` takes it)."""
        return self.pool.network_address + 1

    def connected(self) -> list[VpnUser]:
        """The users whose client runs at boot on a remote node (not revoked)."""
        return [u for u in self.users if u.node is not None and not u.revoked]


class VpnConnectProbe(ProbeSpecBase):
    """A real OpenVPN client run on the node with ``user``'s certificate (no tunnel device: ``--dev null``): it
    succeeds when the server completes the session, fails when the server refuses the certificate."""

    kind: Literal["vpn-connect"] = "vpn-connect"
    user: Name
    password: str | None = Field(default=None, description="the password sent instead of the user's own (a wrong one)")
    timeout: float = Field(default=4.0, gt=0, le=60)

"""The user VPN: an OpenVPN server on the router, a per-lab CA, a certificate per user, remote workers connected."""

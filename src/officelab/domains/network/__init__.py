"""The network domain: addressing plan, switching and VLANs, DHCP, DNS, hosts bottom-up."""

"""The firewall domain: zones, policies, rules, NAT and port forwards."""

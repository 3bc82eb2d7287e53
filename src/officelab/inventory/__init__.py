"""The inventory discovered from the network: sweep, switches, leases, directory, agent; GLPI export."""

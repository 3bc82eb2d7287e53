"""The bounds of a site file: every input is bounded, so that a broken or hostile site file is refused quickly,
with little memory, and located."""

from __future__ import annotations

# --------------------------------------------------------------------------- limits
# Every input is bounded, so that a broken or hostile site file is refused quickly, with little memory, and
# located. The reader and the YAML parser (`officelab.site.loader`) apply the first five before any typing;
# the model applies the others where they belong, so each refusal names its field. They are sized for a
# small-business site with a margin: the generated 1000-host bench site (`bench/topology.py`: 134 KiB,
# 18 000 YAML values, 1051 nodes, 1050 ports, 1050 links) passes, and the built-in sites are far below.

MAX_SITE_BYTES = 256 * 1024
"""A site file's size (bytes of a file, or UTF-8 bytes of a text): twice the 1000-host bench site. Parsing is
pure Python (100 KB to 800 KB a second, by content), so this also bounds the time any refusal takes."""
MAX_DEPTH = 64
"""How deeply YAML collections nest; the deepest section of a real site is about 10 levels."""
MAX_ALIASES = 1000
"""How many YAML aliases (``*name``) a file may use."""
MAX_YAML_VALUES = 50_000
"""YAML values (scalars, mappings, sequences, keys included) in a file, counted as written and again with
every alias expanded, so an alias bomb ("billion laughs") is refused before it is built."""
MAX_TEXT_CHARS = 4096
"""The length of any single value or key (names, descriptions, titles, passwords, page bodies)."""
MAX_PORTS_PER_RANGE = 4096
"""Ports one range such as ``ge[1-24]`` may declare."""
MAX_PORTS_PER_SWITCH = 4096
"""Ports one switch or access point may declare."""
MAX_PORTS = 65_536
"""Switch ports of the whole site."""
MAX_NODES = 5_000
"""Nodes of a site (each one is a network namespace in a lab)."""
MAX_LINKS = 10_000
"""Cables of a site."""
MAX_VLANS = 4094
"""VLANs of a site: the 802.1Q id space."""

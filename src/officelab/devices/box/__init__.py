"""The internet box's admin daemon: a French web admin page on the box's LAN address (login, WAN status, DHCP,
port forwards, password, Wi-Fi, firmware), each change applied to the live box and kept in its settings file.

Run as ``python -m officelab.devices.box.server CONFIG.json`` on the box node. Standard library only."""

"""The internet box of a very small business or a home: its admin page (login, WAN status, DHCP, port forwards,
password, Wi-Fi, firmware) served by a daemon in the box, and the checks a technician makes on it."""

"""Wi-Fi admission: an SSID's authenticator (hostapd, 802.1X on the access point's port) and its stations."""

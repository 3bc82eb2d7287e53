"""The automation domain: building automation over MQTT."""

"""Simulated but protocol-real devices: they run on their lab node and speak the real protocol (MQTT…)."""

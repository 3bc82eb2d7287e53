"""The web domain: web servers and sites by name."""

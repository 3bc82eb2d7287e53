"""The video domain: IP cameras and the recorder."""

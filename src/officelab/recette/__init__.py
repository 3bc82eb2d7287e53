"""Recette: acceptance checks derived from the site model, run with real probes, mapped to the official criteria."""

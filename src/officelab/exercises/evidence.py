"""Which criteria grading decides without a goal, and from what: the journal's method, all the goals together, or
the absence of regressions. A scenario may train these without putting them on a goal; any other criterion it names
must be on the goal that evidences it (`scenario.problems` refuses it otherwise)."""

from __future__ import annotations

TESTS_LOGICAL = {"TRI-CP1-C5", "TRI-CP3-C3", "TRI-CP7-C5", "TRI-CP8-C3", "TRI-CT-C2"}
"""« Les tests sont réalisés de manière logique »: the journal's order decides them."""
METHOD_CRITERIA: dict[str, tuple[str, ...]] = {
    **{c: ("logical",) for c in TESTS_LOGICAL},
    "TAI-CP11-C1": ("efficient",),
    "TRI-CP2-C2": ("logical", "verified"),  # a cable tested before patching, the link tested after
}
"""Criteria decided by method items (the smallest of their scores)."""
OUTCOME_CRITERIA = {"TRI-CT-C1", "TAI-CP11-C3"}
"""« after the fix, the checks that failed pass »: decided by every goal together."""
POLICY_CRITERIA = {"TRI-CP4-C3", "TRI-CP5-C2", "TAI-CP4-C1"}
"""« La politique de sécurité de l'entreprise est respectée »: the fix opened or broke nothing else (no regression)."""
DECIDED = set(METHOD_CRITERIA) | OUTCOME_CRITERIA | POLICY_CRITERIA
"""The criteria a scenario may train without a goal: grading decides them from the journal or the whole recette."""

"""The security hygiene audit: a documented subset of ANSSI's *Guide d'hygiène informatique*, each rule probed for
real on a live lab (`run.audit_lab`), its findings reported with their evidence (`report`). See docs/audit.md."""

"""Bottom-up diagnosis: `walk.diagnose(lab, source, target)` goes from a host's cable up to a service, one probe per
step, compares each with the site's design and stops at the first broken layer, which it localises and explains
(`model.Diagnosis`). `target` reads what the technician names (a host, an address, a URL, a service, a check)."""

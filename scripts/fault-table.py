"""Print the fault catalogue table of docs/troubleshooting.md from the catalogue itself (the default site's first
candidate of each type and its ground truth, or tpe's for a type the default site cannot have: the internet
box's): `python scripts/fault-table.py`."""

from __future__ import annotations

from officelab.faults import engine
from officelab.site.loader import load_site


def main() -> None:
    sites = [load_site("cabinet-martin"), load_site("tpe")]
    print("| type | domain | layer | level | parameters | ground truth on the default site (first candidate): must fail |")
    print("|---|---|---|---|---|---|")
    for kind, (domain, fault_type) in engine.catalogue().items():
        info = engine.describe(fault_type, domain)
        params = ", ".join(f"`{p}`" for p in info.parameters) or "—"
        site = next((s for s in sites if fault_type.candidates(s)), sites[0])
        candidates = fault_type.candidates(site)
        if not candidates:
            truth = "no candidate on the default site"
        else:
            fault = candidates[0]
            gt = fault.truth(site)
            fails = ", ".join(f"`{i}`" for i in gt.fails[:3]) + (f" (+{len(gt.fails) - 3})" if len(gt.fails) > 3 else "")
            on = "" if site is sites[0] else f" (on {site.site.name})"
            truth = f"`{fault.label()}`{on}: {gt.cause_en}; {fails}"
        print(f"| `{kind}` | {domain} | {info.layer.value.replace('datalink', 'data link')} | {info.difficulty} | {params} | {truth} |")


if __name__ == "__main__":
    main()

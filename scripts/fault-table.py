"""Print the fault catalogue table of docs/troubleshooting.md from the catalogue itself (the default site's first
candidate of each type and its ground truth): `python scripts/fault-table.py`."""

from __future__ import annotations

from officelab.faults import engine
from officelab.site.loader import load_site


def main() -> None:
    site = load_site("cabinet-martin")
    print("| type | domain | layer | level | parameters | ground truth on the default site (first candidate): must fail |")
    print("|---|---|---|---|---|---|")
    for kind, (domain, fault_type) in engine.catalogue().items():
        info = engine.describe(fault_type, domain)
        params = ", ".join(f"`{p}`" for p in info.parameters) or "—"
        candidates = fault_type.candidates(site)
        if not candidates:
            truth = "no candidate on the default site"
        else:
            fault = candidates[0]
            gt = fault.truth(site)
            fails = ", ".join(f"`{i}`" for i in gt.fails[:3]) + (f" (+{len(gt.fails) - 3})" if len(gt.fails) > 3 else "")
            truth = f"`{fault.label()}`: {gt.cause_en}; {fails}"
        print(f"| `{kind}` | {domain} | {info.layer.value.replace('datalink', 'data link')} | {info.difficulty} | {params} | {truth} |")


if __name__ == "__main__":
    main()

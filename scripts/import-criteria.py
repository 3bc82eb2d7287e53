#!/usr/bin/env python3
"""Regenerate src/officelab/criteria/catalogue.yaml from the shared competency file.

The shared file (../shared/reac/competencies.yaml) gives the official IDs and French titles; the English
titles of the criteria are kept here. Run after the shared file changes: `python scripts/import-criteria.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "reac" / "competencies.yaml"
TARGET = ROOT / "src" / "officelab" / "criteria" / "catalogue.yaml"

EN = {
    "TRI-CP1-C1": "Remote resources are reachable from the tablet or the workstation",
    "TRI-CP1-C2": "The phone can make a call",
    "TRI-CP1-C3": "The connected object is reachable",
    "TRI-CP1-C4": "Basic security measures are respected",
    "TRI-CP1-C5": "Tests are performed logically",
    "TRI-CP2-C1": "Devices added to the network are connected",
    "TRI-CP2-C2": "Tests are performed logically",
    "TRI-CP2-C3": "Current standards are respected",
    "TRI-CP2-C4": "Labelling rules are respected",
    "TRI-CP3-C1": "Wireless devices reach remote resources",
    "TRI-CP3-C2": "Wired devices reach remote resources",
    "TRI-CP3-C3": "Tests are performed logically",
    "TRI-CP3-C4": "The modified installation matches the network diagram",
    "TRI-CP4-C1": "The new feature is available",
    "TRI-CP4-C2": "The user's VPN connection works",
    "TRI-CP4-C3": "The company's security policy is respected",
    "TRI-CP5-C1": "Shared resources are accessible",
    "TRI-CP5-C2": "The company's security policy is respected",
    "TRI-CP5-C3": "The server is secured",
    "TRI-CP6-C1": "The device is joined to the domain",
    "TRI-CP6-C2": "The user is added",
    "TRI-CP6-C3": "Access rights follow the company's policy",
    "TRI-CP6-C4": "The printer is available to users",
    "TRI-CP7-C1": "The connected object is linked to the network",
    "TRI-CP7-C2": "Data is received on the local server or controller",
    "TRI-CP7-C3": "The manufacturer's recommendations are followed",
    "TRI-CP7-C4": "Security recommendations are applied",
    "TRI-CP7-C5": "Tests are performed logically",
    "TRI-CP8-C1": "The phones work",
    "TRI-CP8-C2": "The configuration request is fulfilled",
    "TRI-CP8-C3": "Tests are performed logically",
    "TRI-CT-C1": "Remote resources are accessible",
    "TRI-CT-C2": "Tests are performed logically",
    "TAI-CP1-C1": "The installation follows the procedures",
    "TAI-CP1-C2": "The intervention sheet is filled in clearly",
    "TAI-CP1-C3": "The report is explicit",
    "TAI-CP2-C1": "Safety rules for property and people are respected (electrical risks)",
    "TAI-CP2-C2": "Components are identified and chosen for compatibility",
    "TAI-CP2-C3": "The upgrade of the device meets the specification",
    "TAI-CP2-C4": "The device's operation is verified",
    "TAI-CP2-C5": "The intervention sheet is filled in clearly",
    "TAI-CP2-C6": "Manuals are correctly interpreted, including in English",
    "TAI-CP3-C1": "System and software configuration follows the specification or instructions",
    "TAI-CP3-C2": "The user interface suits the user's or customer's needs",
    "TAI-CP3-C3": "The device is connected to the local network",
    "TAI-CP3-C4": "The device works as specified",
    "TAI-CP3-C5": "The intervention sheet is filled in clearly",
    "TAI-CP3-C6": "The acceptance test is carried out with the user or customer",
    "TAI-CP4-C1": "The company's security policy is respected",
    "TAI-CP4-C2": "Backups are verified and usable for a restore",
    "TAI-CP4-C3": "Security updates are applied",
    "TAI-CP5-C1": "The network device is installed following the company's procedures",
    "TAI-CP5-C2": "The device's configuration is correct and the addressing plan is respected",
    "TAI-CP5-C3": "The network infrastructure device is validated as working",
    "TAI-CP5-C4": "Labelling standards are respected",
    "TAI-CP5-C5": "The network documentation is updated",
    "TAI-CP6-C1": "Directory objects are created or modified as requested",
    "TAI-CP6-C2": "Access to shared resources is as requested",
    "TAI-CP6-C3": "The report is explicit",
    "TAI-CP7-C1": "Internet access and its services are installed, configured and properly secured",
    "TAI-CP7-C2": "The connection equipment is validated by tests",
    "TAI-CP7-C3": "The intervention sheet is properly filled in",
    "TAI-CP8-C1": "The customer's need is clearly identified and written down",
    "TAI-CP8-C2": "The technical solutions in the quote are relevant, argued and priced",
    "TAI-CP8-C3": "The technical proposal is given clearly to the salesperson",
    "TAI-CP8-C4": "Explanations fit the customer's language and technical level",
    "TAI-CP9-C1": "The incident is correctly qualified",
    "TAI-CP9-C2": "The incident is resolved or escalated through an incident management tool",
    "TAI-CP9-C3": "Incident and problem management processes are followed",
    "TAI-CP9-C4": "The remote-control tool is mastered",
    "TAI-CP9-C5": "The asset and incident management software is mastered",
    "TAI-CP10-C1": "The answer matches the support request",
    "TAI-CP10-C2": "Communication is adapted to the user",
    "TAI-CP10-C3": "Documents for the user are clear and usable",
    "TAI-CP10-C4": "Follow-up of interventions is formalised",
    "TAI-CP11-C1": "The diagnostic method is appropriate and efficient",
    "TAI-CP11-C2": "Communication techniques are appropriate",
    "TAI-CP11-C3": "A solution is found and implemented",
    "TAI-CP11-C4": "Safety rules are respected",
    "TAI-CT1-C1": "The customer's expressed needs are taken into account",
    "TAI-CT1-C2": "The evaluation is methodical",
    "TAI-CT1-C3": "Market and company standards are taken into account",
    "TAI-CT1-C4": "Emerging techniques and technologies are identified",
    "TAI-CT1-C5": "Information sources are used appropriately",
    "TAI-CT2-C1": "The professional attitude suits the situation",
    "TAI-CT2-C2": "The other person's level of knowledge is taken into account",
    "TAI-CT2-C3": "The customer's expressed needs are taken into account",
}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    data = YAML(typ="safe").load(source.read_text())
    out = {"source": "shared/reac/competencies.yaml", "titles": data["titles"], "competencies": {}}
    for cid, comp in data["competencies"].items():
        criteria = []
        for crit in comp["criteria"]:
            if crit["id"] not in EN:
                sys.exit(f"no English title for {crit['id']}: add it to EN in {__file__}")
            criteria.append(
                {
                    "id": crit["id"],
                    "fr": crit["fr"],
                    "en": EN[crit["id"]],
                    "check": crit["check"],
                    **({"evidence": crit["evidence"]} if "evidence" in crit else {}),
                }
            )
        out["competencies"][cid] = {"fr": comp["fr"], "en": comp["en"], "criteria": criteria}
    yaml = YAML()
    yaml.width = 200
    with TARGET.open("w") as fh:
        fh.write("# Generated by scripts/import-criteria.py from the official competency catalogue. Do not edit by hand.\n")
        yaml.dump(out, fh)
    print(f"{TARGET}: {sum(len(c['criteria']) for c in out['competencies'].values())} criteria")


if __name__ == "__main__":
    main()

"""Printing's checks: the print server answers IPP, each printer answers from the management network, and on
each queue an allowed user's page arrives while an outsider's is refused."""

from __future__ import annotations

from officelab.domains.directory.checks import client_base
from officelab.domains.network.checks import ip_checks
from officelab.domains.printing.model import IppProbe, PrintProbe
from tests.domains.derived import alone, assert_sound, derivation, without


def test_printing_checks_are_sound() -> None:
    # The print server is found through the directory's client, but its checks wait only for the network's.
    assert_sound("printing", "cabinet-martin", uses=("network",), groups={"printing"})


def test_cabinet_martin_prints_on_its_queue() -> None:
    checks, ctx = alone("printing"), derivation("cabinet-martin")
    assert set(checks) == {"print:srv-files", "printer:prn-1", "print:Compta:amartin", "print:Compta:jpetit"}
    base = client_base(ctx)
    assert base is not None and not isinstance(base[0], str) and base[0][0].place == "pc-compta-1"
    assert checks["print:srv-files"].place == "pc-compta-1" and checks["print:srv-files"].depends == ("gw:pc-compta-1",)
    assert checks["print:srv-files"].criteria == ("TRI-CP6-C4",)
    printer = checks["printer:prn-1"]
    assert printer.place == "pc-admin", "from the management VLAN"
    floor = ("trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert printer.depends == ("gw:pc-admin", *ip_checks(ctx, "prn-1")) == ("gw:pc-admin", "ip:prn-1:eth0", *floor)
    assert all(v.depends == (f"gw:{v.place}", "ip:prn-1:eth0", *floor) for v in printer.fallbacks)
    assert isinstance(printer.probe, IppProbe) and printer.probe.uri == "ipp://10.10.10.20:631/ipp/print"
    member, outsider = checks["print:Compta:amartin"], checks["print:Compta:jpetit"]
    assert member.expect and not outsider.expect, "jpetit is in no group of the queue"
    for job in (member, outsider):
        assert (
            job.place == "pc-compta-1"
            and job.depends == ("gw:pc-compta-1", "print:srv-files", "ip:prn-1:eth0", *floor)
            and job.deadline == 15.0
        )
        assert isinstance(job.probe, PrintProbe) and job.probe.queue == "Compta" and job.probe.server == "srv-files.ad.cabinet-martin.lan"
        # The printer's job list is read from the print server: the policy lets only it reach the printer.
        assert job.probe.printer_seen_from == "srv-files"
    assert member.criteria == ("TRI-CP6-C4", "TAI-CP6-C2") and outsider.criteria == ("TRI-CP6-C3", "TAI-CP6-C2")


def test_a_site_without_print_server_has_no_printing_checks() -> None:
    assert alone("printing", "tpe") == {}, "a printer but no print server nor directory"
    bare = without("cabinet-martin", ("nodes", "srv-files", "services", "print"))
    assert bare.node("srv-files").services.print is None and alone("printing", bare) == {}

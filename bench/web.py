"""The web workbench in a real headless Chromium (Debian's, driven by Playwright) against the real server on
loopback: time to first paint of the topology (navigation start to the drawing done) for the default site and a
generated 200-host site; a console's round trip (a keystroke sent on the websocket to its echo drawn back),
median and p95; 20 consoles open at once (time until every one shows its prompt, and the round trip then).

Run with `make bench` (as root), or `.venv/bin/python bench/web.py`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from browser import CHROMIUM, FLAGS, log_in, serving  # noqa: E402
from labhome import temporary_home  # noqa: E402
from topology import Topo, site_yaml  # noqa: E402

from officelab.api import accounts  # noqa: E402
from officelab.api.app import create_app  # noqa: E402
from officelab.runtime.lab import Lab  # noqa: E402
from officelab.site.catalog import builtin_sites  # noqa: E402
from officelab.site.loader import load_site, load_text  # noqa: E402

RUNS = 5
KEYSTROKES = 200

# In the page: send one keystroke on the console's websocket, resolve when the terminal has drawn the echo.
ROUND_TRIP = """async ([index, count]) => {
  const c = state.consoles[index]; const times = [];
  for (let i = 0; i < count; i++) {
    const key = i % 2 ? "\\x7f" : "x";  // type, then rub out: the line stays short
    const start = performance.now();
    await new Promise((done) => { const d = c.term.onWriteParsed(() => { d.dispose(); done(); }); c.socket.send(key); });
    times.push(performance.now() - start);
  }
  return times;
}"""


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    from playwright.sync_api import sync_playwright

    temporary_home()
    store = accounts.open_accounts(f"sqlite:///{tempfile.mkdtemp(prefix='officelab-web-')}/web.sqlite")
    accounts.add_account(store, "formateur", "trainer", "Bench-2026!")
    labs = {"default site": Lab("benchweb"), "200 hosts, 10 switches": Lab("benchweb200")}
    path = builtin_sites()["cabinet-martin"]
    labs["default site"].up(load_site(path), path.read_text())
    generated = site_yaml(Topo(200, 10))
    labs["200 hosts, 10 switches"].up(load_text(generated, "generated.yaml"), generated)
    try:
        with serving(create_app(store)) as url, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = log_in(browser, url, "formateur", "Bench-2026!")
            for label, lab in labs.items():
                paints = []
                for _ in range(RUNS):
                    page.goto(f"{url}?lab={lab.name}")  # the session's token is kept by the tab
                    page.wait_for_function(f"state.mapReady && state.map.lab === {lab.name!r}", timeout=60_000)
                    paints.append(float(page.evaluate("state.mapReadyAt")))
                nodes = page.evaluate("state.map.nodes.length")
                (BENCH / "results").mkdir(exist_ok=True)
                page.screenshot(path=str(BENCH / "results" / f"web-topology-{nodes}-nodes.png"))
                runs = ", ".join(f"{p:.0f}" for p in paints)
                print(f"topology first paint, {label} ({nodes} nodes): median {statistics.median(paints):.0f} ms (runs: {runs})")
            page.goto(f"{url}?lab=benchweb")
            page.wait_for_function("state.mapReady && state.map.lab === 'benchweb'")
            round_trips(page, 1, "pc-accueil")
            round_trips(page, 20, "pc-accueil")
            browser.close()
    finally:
        for lab in labs.values():
            lab.down()
        store.dispose()


def round_trips(page: Any, consoles: int, node: str) -> None:
    page.evaluate("() => { for (const c of state.consoles) c.socket.close(); show('consoles'); }")
    page.wait_for_function("state.consoles.length === 0")
    started = page.evaluate("performance.now()")
    page.evaluate(f"() => {{ for (let i = 0; i < {consoles}; i++) openConsole({node!r}); }}")
    page.wait_for_function(
        f"""state.consoles.length === {consoles} && state.consoles.every((c) => {{ const b = c.term.buffer.active;
        for (let y = 0; y < b.length; y++) if (b.getLine(y).translateToString(true).includes("{node}:")) return true; return false; }})""",
        timeout=120_000,
    )
    ready = page.evaluate("performance.now()") - started
    times: list[float] = page.evaluate(ROUND_TRIP, [0, KEYSTROKES])
    print(
        f"{consoles} console(s) open: all prompts in {ready:.0f} ms; round trip keystroke → echo over {KEYSTROKES} keys: "
        f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
    )


if __name__ == "__main__":
    main()

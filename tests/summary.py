"""Print the one-line summary of `make test` from the JUnit reports of its pytest runs."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

STAGES = [("library", "library tests"), ("notebooks", "notebook cells under nbval"), ("pdf", "PDF checks"),
          ("site", "site checks"), ("standalone", "reader's-route checks")]


def counts(report):
    suites = ET.parse(report).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
    total["passed"] = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
    return total


def site_figures(folder):
    """One line of the figures the site checks measured (tests/site writes them as JSON), or None."""
    import json
    import statistics

    def load(name):
        path = Path(folder) / f"{name}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    axe, weight, speed = load("axe"), load("page-weight"), load("math-speed")
    parts = []
    if axe:
        parts.append(f"axe serious/critical nodes {sum(v['serious_or_critical_nodes'] for v in axe.values())} "
                     f"over {len(axe)} page-modes")
    if weight:
        pages = {k: v["bytes"] for k, v in weight.items() if k.startswith("chapters/")}
        if pages:
            parts.append(f"heaviest chapter page {max(pages.values()) / 1e6:.2f} MB")
        if "_build/html" in weight:
            parts.append(f"site {weight['_build/html']['bytes'] / 1e6:.1f} MB")
    if speed:
        times = [v["ms"] for k, v in speed.items() if k.startswith("chapters/")]
        if times:
            parts.append(f"first-screen math median {statistics.median(times):.0f} ms, max {max(times)} ms")
    return "site: " + "; ".join(parts) if parts else None


def main(folder):
    overall = {"passed": 0, "failures": 0, "errors": 0, "skipped": 0}
    parts = []
    for stem, label in STAGES:
        if not (Path(folder) / f"{stem}.xml").is_file():
            continue
        c = counts(Path(folder) / f"{stem}.xml")
        for key in overall:
            overall[key] += c[key]
        part = f"{c['passed']} {label}"
        if c["skipped"]:
            part += f" ({c['skipped']} SKIPPED)"
        parts.append(part)
    print("make test: " + ", ".join(parts) + ", strict book build and PDF build passed")
    audit = Path(folder) / "derivations.txt"
    if audit.is_file():
        print("make test: " + audit.read_text().splitlines()[-1])
    figures = site_figures(folder)
    if figures:
        print("make test: " + figures)
    browser = counts(Path(folder) / "site.xml")
    if browser["skipped"]:
        print("make test: the browser checks were SKIPPED (no chromium); CI installs it and runs them")
    print(f"summary: {overall['passed']} passed, {overall['failures'] + overall['errors']} failed, {overall['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1])

"""Print the one-line summary of `make test` from the JUnit reports of its pytest runs."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

STAGES = [("library", "library tests"), ("notebooks", "notebook cells under nbval"), ("site", "site checks"),
          ("standalone", "reader's-route checks")]


def counts(report):
    suites = ET.parse(report).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
    total["passed"] = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
    return total


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
    print("make test: " + ", ".join(parts) + ", strict book build passed")
    audit = Path(folder) / "derivations.txt"
    if audit.is_file():
        print("make test: " + audit.read_text().splitlines()[-1])
    browser = counts(Path(folder) / "site.xml")
    if browser["skipped"]:
        print("make test: the browser checks were SKIPPED (no chromium); CI installs it and runs them")
    print(f"summary: {overall['passed']} passed, {overall['failures'] + overall['errors']} failed, {overall['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1])

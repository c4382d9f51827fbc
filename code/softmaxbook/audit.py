"""The derivation audit: every step of every chapter and how it was decided.

``make test`` runs the chapters under nbval with ``SOFTMAXBOOK_AUDIT`` naming a file; every line of
every :class:`~softmaxbook.derivation.Derivation` appends a record to it (``chapters/conftest.py``
says which notebook is running). This command reads the file, prints one row per line and the
counts, and exits 1 when a line was accepted in a way the book does not allow: a first line that is
neither checked against its left-hand side nor stated as a definition, or more numeric steps than
``--max-numeric``.

Usage: ``python -m softmaxbook.audit FILE [--max-numeric N] [--quiet]``
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ALLOWED = {"start", "definition", "symbolic", "cases"}  # and "numeric:N", counted separately


def read(path):
    """The records of the audit file, in the order they were written."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def summarise(records):
    """Counts of how the lines were decided: first lines and steps separately."""
    counts = collections.Counter()
    for r in records:
        kind = "numeric" if r["method"].startswith("numeric") else r["method"]
        counts[("first line" if r["line"] == 0 else "step", kind)] += 1
    return counts


def problems(records, max_numeric):
    found = [f"{r['notebook']}: derivation {r['lhs']!r} line {r['line']} was accepted as {r['method']!r}"
             for r in records if r["method"] not in ALLOWED and not r["method"].startswith("numeric:")]
    numeric = [r for r in records if r["method"].startswith("numeric")]
    if len(numeric) > max_numeric:
        found.append(f"{len(numeric)} numeric steps, more than the {max_numeric} allowed: "
                     + "; ".join(f"{r['notebook']} {r['why']!r}" for r in numeric))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--max-numeric", type=int, default=2)
    parser.add_argument("--quiet", action="store_true", help="print only the counts")
    args = parser.parse_args(argv)
    records = read(args.file)
    if not records:
        print(f"audit: no derivation was recorded in {args.file}")
        return 1
    if not args.quiet:
        for r in records:
            print(f"{Path(r['notebook']).stem:<24} {r['line']:>3}  {r['method']:<12} {r['why']}")
    counts = summarise(records)
    chains = len({(r["notebook"], r["derivation"]) for r in records})
    steps = sum(v for (where, _), v in counts.items() if where == "step")
    first = {kind: v for (where, kind), v in counts.items() if where == "first line"}
    unchecked = sum(v for kind, v in first.items() if kind not in ALLOWED | {"numeric"})
    decided = {kind: v for (where, kind), v in counts.items() if where == "step"}
    print(f"audit: {chains} derivations, {steps} steps "
          f"({decided.get('symbolic', 0)} symbolic, {decided.get('cases', 0)} by cases, "
          f"{decided.get('numeric', 0)} numeric, opted in); first lines: "
          f"{first.get('symbolic', 0) + first.get('cases', 0) + first.get('numeric', 0)} checked against their left side, "
          f"{first.get('definition', 0)} definitions, {first.get('start', 0)} with no left side, "
          f"{unchecked} unchecked")
    found = problems(records, args.max_numeric)
    for p in found:
        print(f"audit: FAILED: {p}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""Print the score of `make mutants` from mutmut's results, counting the survivors listed in MUTANTS.md.

Usage: python tests/mutation_score.py _build/mutation. A survivor named (in backticks) in
tests/MUTANTS.md has been judged equivalent: no input can tell it from the original. The score is
(killed + timed out) / (all mutants - those equivalent ones); it must be at least 90%, and every
other survivor is listed so that a test can be written for it. Exits 1 below 90%.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

TARGET = 0.90


def main(folder):
    folder = Path(folder).resolve()
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run([mutmut, "export-cicd-stats"], cwd=folder, check=True, capture_output=True)
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text())
    listing = subprocess.run([mutmut, "results"], cwd=folder, check=True, capture_output=True, text=True).stdout
    survivors = sorted(line.split(":")[0].strip() for line in listing.splitlines() if line.strip().endswith(": survived"))
    equivalent = set(re.findall(r"`([\w.]+__mutmut_\d+)`", (Path(__file__).parent / "MUTANTS.md").read_text()))
    judged = [name for name in survivors if name in equivalent]
    open_survivors = [name for name in survivors if name not in equivalent]
    total, detected = stats["total"], stats["killed"] + stats["timeout"]  # a mutant that hangs is caught too
    score = detected / max(total - len(judged), 1)
    print(f"mutants: {total}, killed {stats['killed']}, timed out {stats['timeout']}, survived {len(survivors)} "
          f"({len(judged)} judged equivalent in tests/MUTANTS.md), other outcomes {total - detected - len(survivors)}")
    print(f"mutation score: {detected}/{total - len(judged)} = {score:.1%} of the mutants that change behaviour "
          f"(target {TARGET:.0%})")
    for name in open_survivors:
        print(f"  survived, not judged equivalent: {name}  (mutmut show {name})")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

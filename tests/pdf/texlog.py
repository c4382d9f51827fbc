"""Read the LaTeX log of the book's PDF: what must fail the build, and what to report.

``make pdf`` runs this after latexmk (which stops at the first LaTeX error, ``-halt-on-error``):
an undefined reference or citation, a label that still moved in the last run, a character missing
from the fonts (XeLaTeX only logs it) or a line running more than ``OVERFULL_PT`` into the margin
fails the build. Derivation lines that ``\\pbline`` scaled down to the column are listed, not failed.
Usage: python tests/pdf/texlog.py path/to/book.log
"""

import re
import sys
from pathlib import Path

# Lines wider than the column by less than this are invisible in print (TeX's own \hfuzz is 0.1pt).
OVERFULL_PT = 3.0

FAILURES = [
    re.compile(r"LaTeX Warning: (Hyper r|R)eference `[^']*' on page \d+ undefined"),
    re.compile(r"LaTeX Warning: Citation `[^']*' on page \d+ undefined"),
    re.compile(r"LaTeX Warning: There were undefined references"),
    re.compile(r"LaTeX Warning: Label\(s\) may have changed"),
    re.compile(r"Missing character: There is no .* in font [^!]*!"),
    re.compile(r"^! .*", re.MULTILINE),
]
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) .*")
SCALED = re.compile(r"printbuild: scaled .*")


def read(log: Path) -> str:
    # TeX wraps its log at 79 columns unless max_print_line is raised (the Makefile raises it).
    return log.read_text(encoding="utf-8", errors="replace")


def problems(text: str) -> list[str]:
    found = [m.group(0) for pattern in FAILURES for m in pattern.finditer(text)]
    found += [m.group(0) for m in OVERFULL.finditer(text) if float(m.group(1)) > OVERFULL_PT]
    return found


def scaled(text: str) -> list[str]:
    return [m.group(0) for m in SCALED.finditer(text)]


def where(problem: str, tex: Path) -> str:
    """For a problem the log places by .tex line: that line's chapter and the start of its text."""
    match = re.search(r"lines? (\d+)", problem)
    if match is None or not tex.exists():
        return ""
    lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()
    number = int(match.group(1))
    chapter = next((re.sub(r"\\chapter\{(.*)\}", r"\1", lines[k]) for k in range(number - 1, -1, -1)
                    if lines[k].startswith("\\chapter{")), "?")
    text = next((t for t in lines[number - 1:number + 5] if t.strip() not in ("", "\\sphinxAtStartPar")), "")
    return f" [chapter {chapter!r}: {text[:100]!r}]"


def main(path: str) -> int:
    text = read(Path(path))
    for line in scaled(text):
        print(f"note: {line}")
    found = problems(text)
    for line in found:
        print(f"LaTeX problem: {line}{where(line, Path(path).with_suffix('.tex'))}")
    if found:
        print(f"{len(found)} LaTeX problem(s) in {path}: the PDF is not accepted")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

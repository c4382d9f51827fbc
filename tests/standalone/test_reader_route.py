"""The reader's route, tested as a reader would take it (marker ``standalone``; ``make test`` stage 5).

In an empty folder, a fresh virtual environment gets only the wheel the site offers (with its
``[book]`` extra) and what runs a notebook (nbconvert, ipykernel): none of this repository's
environment. Every plain chapter notebook downloaded from the site must then execute to the end,
and so must every chapter of the student edition with its answer cells still empty. Versions are
held to ``requirements.txt`` as constraints, so the run is the same every time.
"""

import os
import shutil
import subprocess
import sys
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.standalone

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student"
PLAIN = sorted((HTML / "notebooks").glob("*.ipynb"))
HANDOUT = sorted(STUDENT.glob("*.ipynb"))


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """A fresh environment in an empty folder with the wheel[book], nbconvert and ipykernel only."""
    wheels = sorted((HTML / "_downloads").rglob("softmaxbook-*-py3-none-any.whl"))
    if len(wheels) != 1 or not PLAIN:
        pytest.fail(f"no built site with one wheel and plain notebooks in {HTML}: run `make book` first")
    folder = tmp_path_factory.mktemp("reader")
    venv.create(folder / "venv", with_pip=True)
    python = folder / "venv" / "bin" / "python"
    constraints = folder / "constraints.txt"
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("-e")]
    constraints.write_text("\n".join(pins) + "\n")
    wheel = shutil.copy(wheels[0], folder)
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[book]",
          "nbconvert", "ipykernel", "-c", constraints], cwd=folder)
    # The environment sees nothing of the repository: not its .venv, not its package, not its path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}", JUPYTER_PREFER_ENV_PATH="1",
               MPLBACKEND="Agg")
    probe = _run([python, "-c", "import softmaxbook, sys; print(softmaxbook.__file__)"], cwd=folder, env=env)
    assert str(folder) in probe.stdout, f"softmaxbook was imported from {probe.stdout}, not the fresh environment"
    return python, folder, env


def _execute(reader, notebook, edition):
    python, folder, env = reader
    work = folder / edition / notebook.stem
    work.mkdir(parents=True)
    copy = shutil.copy(notebook, work)
    result = subprocess.run([python, "-m", "nbconvert", "--to", "notebook", "--execute", "--output", "executed",
                             "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3", copy],
                            cwd=work, env=env, capture_output=True, text=True)
    return notebook.name, result.returncode, result.stderr[-2000:]


@pytest.mark.parametrize("edition", ["plain", "student"])
def test_every_downloaded_chapter_runs_in_a_fresh_environment(reader, edition):
    notebooks = PLAIN if edition == "plain" else HANDOUT
    assert len(notebooks) >= 6
    # Two chapters at a time: the machines this runs on have two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda nb: _execute(reader, nb, edition), notebooks))
    failed = [(name, err) for name, code, err in results if code != 0]
    assert not failed, f"{edition} notebooks that did not run to the end: " + "\n\n".join(f"{n}:\n{e}" for n, e in failed)


def test_the_reader_environment_is_not_this_one(reader):
    python, folder, _ = reader
    assert Path(sys.prefix) != python.parent.parent

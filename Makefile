# Softmax, Step by Step. `make book` builds the site, `make test` runs every check.
# Both create .venv from requirements.txt (exact pins) when it is missing or older than requirements.txt.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPORTS := _build/reports
BOOK_FLAGS := --toc book/_toc.yml -W -n --keep-going
# Prefer the kernels and config of .venv over any user-level Jupyter kernel, whose python3 kernelspec
# may point at another interpreter.
export JUPYTER_PREFER_ENV_PATH := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS thread: on 2 cores, OpenBLAS threads contending with the kernel and pytest made the
# chapters' matrix loops 10-30x slower (measured on digits); results are also run-to-run identical.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

PORT ?= 8000

.PHONY: book test pdf serve execute lab bench clean student mutants

# node_modules (axe-core for the accessibility checks) comes from package-lock.json with `npm ci`.
# Without npm the site is still built; the accessibility checks then skip (and fail under CI).
$(STAMP): requirements.txt code/pyproject.toml package.json package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks will be skipped (apt-get install npm)"; fi
	@touch $(STAMP)

# The package's wheel, offered for download on the introduction page (readers install it to run a
# chapter outside this repository). Its version is the one in code/pyproject.toml.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' code/pyproject.toml)
WHEEL := _build/wheel/softmaxbook-$(VERSION)-py3-none-any.whl
$(WHEEL): $(STAMP) code/pyproject.toml $(wildcard code/softmaxbook/*.py)
	@rm -rf _build/wheel code/build
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation ./code -w _build/wheel
	@rm -rf code/build

book: $(STAMP) $(WHEEL)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "The site is in _build/html: open $(CURDIR)/_build/html/index.html"

# The whole book as one PDF, _build/pdf/softmax-step-by-step.pdf (TeX from Debian packages: see the README;
# .ci/run installs them). Jupyter Book writes the LaTeX (book/_ext/printbuild.py shapes it for print);
# latexmk runs XeLaTeX until the references settle and stops at the first LaTeX error; tests/pdf/texlog.py
# then fails the build on an undefined reference or citation, a missing glyph or a line in the margin.
# When the site is built, a copy goes next to it (_build/html), where the intro page links to it.
PDF := _build/pdf/softmax-step-by-step.pdf
LATEX_DIR := _build/pdf/_build/latex
pdf: $(STAMP) $(WHEEL)
	@command -v latexmk >/dev/null 2>&1 || { echo "make pdf needs TeX (see the README): run .ci/run or apt-get install \
		--no-install-recommends latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra \
		texlive-fonts-recommended fonts-freefont-otf poppler-utils"; exit 1; }
	@rm -f $(PDF)   # a failed build leaves no PDF behind, not an older one
	$(BIN)/jupyter-book build . --all --builder latex --path-output _build/pdf $(BOOK_FLAGS)
	@# Unwrapped log lines (max_print_line) so that texlog.py sees each warning whole.
	cd $(LATEX_DIR) && max_print_line=10000 latexmk -xelatex -halt-on-error -file-line-error \
		softmax-step-by-step.tex </dev/null >latexmk.out 2>&1 \
		|| { grep -A8 -E '^(\./.*:[0-9]+:|! )' latexmk.out | head -60; echo "LaTeX failed: see $(LATEX_DIR)/latexmk.out"; exit 1; }
	$(BIN)/python tests/pdf/texlog.py $(LATEX_DIR)/softmax-step-by-step.log
	@cp $(LATEX_DIR)/softmax-step-by-step.pdf $(PDF)
	@if [ -d _build/html ]; then cp $(PDF) _build/html/; fi
	@echo "The PDF is $(PDF): $$(pdfinfo $(PDF) | sed -n 's/^Pages: *//p') pages"

test: $(STAMP) $(WHEEL)
	@rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	@echo "== 1/6 library tests"
	$(BIN)/python -m pytest -m "not site and not standalone and not pdf" tests --doctest-modules code/softmaxbook \
		--junitxml=$(REPORTS)/library.xml
	@echo "== 2/6 chapters under nbval (strict: stored outputs compared), and the derivation audit"
	@# Every derivation line the chapters state is recorded as they run (see softmaxbook/audit.py).
	SOFTMAXBOOK_AUDIT=$(CURDIR)/$(REPORTS)/derivations.jsonl \
		$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		chapters --junitxml=$(REPORTS)/notebooks.xml
	@$(BIN)/python -m softmaxbook.audit $(REPORTS)/derivations.jsonl > $(REPORTS)/derivations.txt \
		|| { cat $(REPORTS)/derivations.txt; exit 1; }
	@tail -n 1 $(REPORTS)/derivations.txt
	@echo "== 3/6 strict book build (warnings are errors)"
	@# The footer of every page names the checks that passed before this build, read from these reports.
	BOOK_CHECK_REPORTS=$(REPORTS) $(BIN)/jupyter-book build . --all $(BOOK_FLAGS)
	@echo "== 4/6 the PDF: built with LaTeX errors and undefined references fatal, then checked (tests/pdf)"
	@$(MAKE) --no-print-directory pdf
	$(BIN)/python -m pytest -m pdf tests/pdf -rs --junitxml=$(REPORTS)/pdf.xml
	@echo "== 5/6 checks of the built site"
	$(BIN)/python -m pytest -m site tests -rs --junitxml=$(REPORTS)/site.xml
	@echo "== 6/6 the reader's route: the wheel and the downloaded notebooks in a fresh environment"
	$(BIN)/python -m pytest -m standalone tests/standalone -rs --junitxml=$(REPORTS)/standalone.xml
	@$(BIN)/python tests/summary.py $(REPORTS)

# Serve the built site on this machine only. Over http the search page shows an excerpt under each
# result (over file:// the browser refuses the fetches that need).
serve:
	@test -f _build/html/index.html || { echo "no site in _build/html: run make book first"; exit 1; }
	@echo "Serving _build/html at http://127.0.0.1:$(PORT)/ (Ctrl+C stops; another port: make serve PORT=8001)"
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

# Re-execute every chapter in place to refresh the committed outputs. No timing metadata, and
# consecutive stream outputs merged after execution (the kernel may flush one print in two pieces),
# so a second run leaves `git status` clean.
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.record_timing=False \
		--NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
		chapters/*.ipynb

# JupyterLab refuses to run as root unless told to (containers and CI machines often are root).
lab: $(STAMP)
	$(BIN)/jupyter lab chapters $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(BIN)/python code/bench.py

# Mutation testing with mutmut (not part of `make test`: about half an hour on two cores). mutmut
# imports mutated code only from ./ or src/, so it runs on a copy in _build/mutation, configured by
# tests/mutmut.cfg; tests/mutation_score.py prints the score, counting the survivors judged
# equivalent in tests/MUTANTS.md, and fails below 90%.
MUTATION := _build/mutation
mutants: $(STAMP)
	@rm -rf $(MUTATION) && mkdir -p $(MUTATION)/src
	@cp -r code/softmaxbook $(MUTATION)/src/ && cp -r tests pytest.ini $(MUTATION)/ && cp tests/mutmut.cfg $(MUTATION)/setup.cfg
	cd $(MUTATION) && $(CURDIR)/$(BIN)/mutmut run --max-children 2 > mutmut-run.log 2>&1 \
		|| { tail -c 2000 mutmut-run.log; exit 1; }
	$(BIN)/python tests/mutation_score.py $(MUTATION)

# The student edition: every chapter with its solutions removed and an empty answer cell after each
# exercise, written by the book build (book/_ext/plain_notebooks.py) into _build/student.
student: book
	@echo "The student edition is in _build/student: hand out those notebooks with the wheel in _build/wheel"

clean:
	rm -rf _build .pytest_cache code/build
	find . -name __pycache__ -not -path "./$(VENV)/*" -exec rm -rf {} +

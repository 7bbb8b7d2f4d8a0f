# The course's two commands (README.md):
#   make lab    create .venv if needed, install crmlab with the pinned versions, open JupyterLab
#   make test   the same setup, then the whole test suite (unit, doctests, datasets, notebooks)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
LAB_ARGS ?=
# JupyterLab refuses to start as root (containers, CI) unless told it is fine
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test exercises outputs clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,instructor,scale]"
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. notebooks/00_welcome.ipynb $(ROOT_ARGS) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg $(PYTEST_ARGS)

exercises: $(STAMP)
	$(BIN)/crmlab exercises build

# re-execute notebooks/ and solutions/ in place (the committed outputs), then exercises/
outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py
	$(BIN)/crmlab exercises build

clean:
	rm -rf $(VENV) build dist *.egg-info

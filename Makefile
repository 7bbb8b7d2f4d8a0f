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

# The course's language: Chinese (中文版) when the locale is Chinese (LANG=zh_CN.UTF-8), else
# English; choose with `make lab COURSE_LANG=zh` or `make lab COURSE_LANG=en`.
COURSE_LANG ?= $(if $(filter zh%,$(LC_ALL) $(LC_MESSAGES) $(LANG)),zh,en)
WELCOME := $(if $(and $(filter zh,$(COURSE_LANG)),$(wildcard zh/notebooks/00_welcome.ipynb)),zh/notebooks/00_welcome.ipynb,notebooks/00_welcome.ipynb)

.PHONY: lab test exercises outputs zh site clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,instructor,scale,site]"
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(WELCOME) $(ROOT_ARGS) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg $(PYTEST_ARGS)

exercises: $(STAMP)
	$(BIN)/crmlab exercises build
	$(BIN)/crmlab exercises build --language zh

# re-execute notebooks/ and solutions/ in place (the committed outputs), then exercises/
outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py
	$(BIN)/crmlab exercises build

# build the Chinese edition (zh/) from translations/zh/ and execute it (tools/editions.py)
zh: $(STAMP)
	$(BIN)/python tools/editions.py build
	$(BIN)/crmlab exercises build --language zh

# the course website, both languages, from the committed notebooks: build/site/index.html
site: $(STAMP)
	$(BIN)/python tools/build_site.py

clean:
	rm -rf $(VENV) build dist *.egg-info

# Two commands are all the set-up there is: `make build` and `make test`.
# Both bootstrap .venv from nothing with the stdlib venv module and the pins in pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build test validate venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

validate: $(STAMP)
	$(VENV)/bin/contentpack validate

build: $(STAMP)
	$(VENV)/bin/contentpack validate

test: $(STAMP)
	$(PY) -m pytest -n 2

clean:
	rm -rf $(VENV) dist

# Two commands are all the set-up there is: `make build` and `make test`.
# Both bootstrap .venv from nothing with the stdlib venv module and the pins in pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build test typecheck validate venv clean appinspect-venv compat-venv compat appinspect dist chromium

# AppInspect and contentctl hard-pin libraries that clash with ours: each lives in its own virtualenv.
# The stamp names carry the pin, so changing a pin rebuilds that venv.
APPINSPECT_PIN   := splunk-appinspect==4.3.1
CONTENTCTL_PIN   := contentctl==5.6.2
APPINSPECT_VENV  := .venv-appinspect
APPINSPECT_STAMP := $(APPINSPECT_VENV)/.installed-$(APPINSPECT_PIN)
COMPAT_VENV      := .venv-contentctl
COMPAT_STAMP     := $(COMPAT_VENV)/.installed-$(CONTENTCTL_PIN)

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

validate: $(STAMP)
	$(VENV)/bin/contentpack validate

# validate -> replay every detection test -> dist/ -> AppInspect. `contentpack build` also refuses invalid content.
build: $(STAMP) appinspect-venv
	$(VENV)/bin/contentpack validate
	$(VENV)/bin/contentpack replay
	$(VENV)/bin/contentpack build --output dist
	bash scripts/appinspect.sh dist

dist: $(STAMP)
	$(VENV)/bin/contentpack build --output dist

appinspect-venv: $(APPINSPECT_STAMP)

# AppInspect identifies files with python-magic, which needs Debian's libmagic1.
$(APPINSPECT_STAMP):
	@if ! ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1'; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq libmagic1; \
	  else echo "libmagic1 is missing: install it with apt-get (needs root)" >&2; exit 1; fi; fi
	$(PYTHON) -m venv $(APPINSPECT_VENV)
	$(APPINSPECT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(APPINSPECT_PIN)"
	touch $(APPINSPECT_STAMP)

appinspect: $(STAMP) appinspect-venv dist
	bash scripts/appinspect.sh dist

compat-venv: $(COMPAT_STAMP)

$(COMPAT_STAMP):
	$(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(CONTENTCTL_PIN)"
	touch $(COMPAT_STAMP)

# Builds the pack with contentctl 5.6.2 in a scratch tree and compares its .conf files with ours, both JSON styles.
compat: $(STAMP) compat-venv
	$(PY) scripts/compat_contentctl.py --contentctl $(COMPAT_VENV)/bin/contentctl

# mypy over src/ and tests/ ([tool.mypy] in pyproject.toml): the type hints are a checked contract.
typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The backtest's report.html is tested in headless Chromium: Debian's chromium package.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium is missing: install it with apt-get (needs root)" >&2; exit 1; fi; fi

test: $(STAMP) appinspect-venv compat typecheck chromium
	$(PY) -m pytest -n 2

clean:
	rm -rf $(VENV) $(APPINSPECT_VENV) $(COMPAT_VENV) dist

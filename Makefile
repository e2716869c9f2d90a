# Two commands are all the set-up there is: `make build` and `make test`.
# Both bootstrap .venv from nothing with the stdlib venv module and the pins in pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build test typecheck validate venv clean appinspect-venv libmagic compat-venv compat appinspect dist chromium jq

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
# Without libmagic (and no way to install it: not root, or neither apt-get nor dnf) only the AppInspect step is
# skipped, loudly; `make test` and `make appinspect` still require it.
build: $(STAMP) appinspect-venv
	$(VENV)/bin/contentpack validate
	$(VENV)/bin/contentpack replay --format summary
	$(VENV)/bin/contentpack build --output dist
	@if PYTHON=$(PYTHON) bash scripts/libmagic.sh --install; then bash scripts/appinspect.sh dist; else \
	  echo "" >&2; \
	  echo "WARNING: ***** AppInspect was NOT run: libmagic is missing (see above). *****" >&2; \
	  echo "WARNING: dist/ is built but unchecked; install libmagic and run 'make appinspect' before shipping it." >&2; \
	  echo "" >&2; fi

dist: $(STAMP)
	$(VENV)/bin/contentpack build --output dist

appinspect-venv: $(APPINSPECT_STAMP)

# AppInspect identifies files with python-magic, which loads the libmagic C library: installed here with apt-get
# or dnf when missing and running as root, else the script says how to install it (Debian, Fedora, macOS).
libmagic:
	@PYTHON=$(PYTHON) bash scripts/libmagic.sh --install

$(APPINSPECT_STAMP):
	$(PYTHON) -m venv $(APPINSPECT_VENV)
	$(APPINSPECT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(APPINSPECT_PIN)"
	touch $(APPINSPECT_STAMP)

appinspect: $(STAMP) appinspect-venv libmagic dist
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

# The backtest's report.html is tested in headless Chromium: Debian's chromium package. After libmagic (order
# only): under `make -j` the two apt-get installs would otherwise contend for the dpkg lock.
chromium: | libmagic
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium is missing: install it with apt-get (needs root)" >&2; exit 1; fi; fi

# A backtest refusal gives the jq command that rewrites a too-big JSON document as JSON lines; a test runs it. After
# chromium (order only), for the same dpkg lock.
jq: | chromium
	@if ! command -v jq >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq jq; \
	  else echo "jq is missing: install it with apt-get (needs root)" >&2; exit 1; fi; fi

test: $(STAMP) appinspect-venv libmagic compat typecheck chromium jq
	$(PY) -m pytest -n 2

clean:
	rm -rf $(VENV) $(APPINSPECT_VENV) $(COMPAT_VENV) dist

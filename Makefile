# The two commands: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install lint format messages serve clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Shuzhi needs Python >= 3.11" if sys.version_info < (3, 11) else 0)'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(PY) -m pip check
	@touch $(STAMP)

install: $(STAMP)
	@bash scripts/install-system-packages.sh $(SYSTEM_FLAGS)
	@mkdir -p var
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# QR codes on certificates and credential ids carry the site's address: the demo's own port.
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Shuzhi is at http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/ · authoring: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: SYSTEM_FLAGS = --test
test: install lint
	$(PY) -m pytest -m "not integration"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the catalogues after changing strings; then translate the new zh_Hans entries.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=node_modules

clean:
	rm -rf $(VENV) var

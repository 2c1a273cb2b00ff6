# Two commands do all set-up on a fresh machine:
#   make run   - install into .venv and start the service on the embedded defaults
#   make test  - install everything the tests need and run them
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps ui-deps run test bench constraints

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

ui-deps:
	@if [ -f review_ui/package.json ]; then bash scripts/install-ui-deps.sh; fi

run: install ui-deps
	$(BIN)/casenote serve

test: install system-deps ui-deps
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks.transcription

# Re-pin after changing dependencies in pyproject.toml (name==version only, no URLs).
constraints: install
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

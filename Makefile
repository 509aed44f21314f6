# The two commands of the quickstart:
#   make demo   install into .venv, build the example ML project, assess it, write the reports
#   make test   install what the tests need (system packages too, when run as root), run every test
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
EXAMPLE := examples/credit-risk

.PHONY: demo test install install-test system-deps lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

# torch first, pinned: the CPU build of 2.13.0 lies on local disk; an unpinned torch would pull a CUDA build.
$(VENV)/.installed-all: pyproject.toml | $(VENV)/bin/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[all]' torch==2.13.0
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-all
	$(PIP) install -e '.[all,test]' torch==2.13.0
	touch $@

install: $(VENV)/.installed-all
install-test: $(VENV)/.installed-test

system-deps:
	@./scripts/install-system-deps.sh

demo: install
	rm -rf $(EXAMPLE)/.secplan
	$(PY) $(EXAMPLE)/build.py
	@if [ -x $(EXAMPLE)/setup-records.sh ]; then SECPLAN=$(VENV)/bin/secplan $(EXAMPLE)/setup-records.sh; fi
	@if [ -x $(EXAMPLE)/serve-demo.sh ]; then SECPLAN=$(VENV)/bin/secplan $(EXAMPLE)/serve-demo.sh; fi
	@rc=0; $(VENV)/bin/secplan assess $(EXAMPLE) --report $(EXAMPLE)/report.html --report $(EXAMPLE)/report.json \
		--report $(EXAMPLE)/report.sarif || rc=$$?; \
	if [ $$rc -gt 1 ]; then echo "assessment failed to run (exit $$rc)"; exit $$rc; fi; \
	echo "reports: $(EXAMPLE)/report.html $(EXAMPLE)/report.json $(EXAMPLE)/report.sarif (assess exit $$rc: 1 = findings at or above high)"

test: system-deps install-test
	@./scripts/run-tests.sh

lint: install-test
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(EXAMPLE)/data $(EXAMPLE)/models $(EXAMPLE)/.secplan $(EXAMPLE)/report.*

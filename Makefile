# Two set-up commands for a fresh machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
CLI    := $(VENV)/bin/corroborator
STAMP  := $(VENV)/.installed
DEMODB := demo/news.db
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

TESTSTAMP  := $(VENV)/.installed-test
TRAINSTAMP := $(VENV)/.installed-train

.PHONY: install install-test install-train demo test lint browser bench clean

## What running needs (the CLI never imports torch): `make demo` stops here.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip==26.3
	$(PIP) install -q -c requirements.lock -e .
	touch $(STAMP)

install: $(STAMP)

## The test suite's extras: pytest, ruff, playwright, datasette..., the web app and Ray.
$(TESTSTAMP): $(STAMP)
	$(PIP) install -q -c requirements.lock -e ".[web,test,ray]"
	touch $(TESTSTAMP)

install-test: $(TESTSTAMP)

## Training and the precise (MiniLM) embedder: torch and sentence-transformers.
$(TRAINSTAMP): $(STAMP)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c requirements.lock -e ".[train,precise]"
	touch $(TRAINSTAMP)

install-train: $(TRAINSTAMP)

## Debian's chromium for the browser tests (playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "chromium could not be installed: browser tests will be skipped"

demo: install
	rm -f $(DEMODB) $(DEMODB)-wal $(DEMODB)-shm $(DEMODB).*
	$(CLI) ingest examples/txt examples/html examples/feeds examples/warc/ridgeline-radio.warc.gz --db $(DEMODB)
	$(CLI) analyze --db $(DEMODB)
	$(CLI) report --db $(DEMODB) -o report.html

test: install-test browser
	$(VENV)/bin/ruff check src tests bench train
	$(VENV)/bin/pytest -q -ra

lint: install-test
	$(VENV)/bin/ruff check src tests bench train

bench: install-test install-train
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) demo report.html .pytest_cache .ruff_cache

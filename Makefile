# ckanext-opendatalocale — the two commands: `make serve` and `make test`.
# Database and Redis URLs come from the environment, with local defaults.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale
REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# CKAN's DataStore: its own database, written as the main role, read as a read-only one
DATASTORE_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_datastore
DATASTORE_READ_URL ?= postgresql://datastore_ro@127.0.0.1:5432/opendatalocale_datastore
SITE_URL ?= http://$(HOST):$(PORT)
# where make serve keeps its state (the bench points them elsewhere)
CONFIG ?= ckan.ini
STORAGE ?= $(CURDIR)/storage
CREDENTIALS ?= $(CURDIR)/demo-credentials.txt
CKAN := $(BIN)/ckan -c $(CONFIG)
# a test database's DataStore is <name>_datastore (tests/conftest.py says the same)
TEST_DATASTORE_URL = $(TEST_DB_URL)_datastore
TEST_DATASTORE_READ_URL = $(subst postgres@,datastore_ro@,$(TEST_DB_URL))_datastore
TEST_ENV := CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(TEST_REDIS_URL) \
	CKAN_DATASTORE_WRITE_URL=$(TEST_DATASTORE_URL) CKAN_DATASTORE_READ_URL=$(TEST_DATASTORE_READ_URL)
# the Code officiel géographique (npm) and the département the demo loads
COG_VERSION := 6.0.0
COG := .cog/node_modules/@etalab/decoupage-administratif/data
DEPARTEMENT ?= 35

.PHONY: serve serve-prod bench-load test test-datastore test-fast install install-test config database demo cog bench-territories bench-report bench-dcat bench-search bench-validation bench-parity bench-repair bench-datastore bench-consolidation bench-dotation bench-history i18n clean-venv mypy test-ckan-core

## serve: install, configure, migrate, load the demo and serve it in French (demo server)
serve: install config database demo
	@echo "Serveur de DÉMONSTRATION (ckan run) sur $(SITE_URL) : pas pour la production (make serve-prod)."
	@echo "Identifiants de démonstration dans $(CREDENTIALS) (lisibles par vous seul)."
	@# the jobs worker checks large files in the background; it stops with the server.
	@# Threaded, so that one idle connection does not block the others; no Werkzeug
	@# debugger (its /console runs Python) and no reloader (it restarts on any edit).
	@# Web assets built first: threads building a bundle at once fail (webassets).
	$(CKAN) asset build
	$(CKAN) jobs worker & WORKER=$$!; trap 'kill $$WORKER' EXIT INT TERM; \
		$(CKAN) run -H $(HOST) -p $(PORT) --threaded --disable-debugger --disable-reloader

## serve-prod: install, configure, migrate, then serve under gunicorn with the jobs worker
serve-prod: install config database
	@echo "Portail servi par gunicorn (deploy/gunicorn.conf.py) sur $(SITE_URL)"
	@# web assets built before the workers start, as for serve
	$(CKAN) asset build
	$(CKAN) jobs worker & WORKER=$$!; trap 'kill $$WORKER' EXIT INT TERM; \
		CKAN_INI=$(CONFIG) $(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST):$(PORT)

## test: the same set-up on a test database, then the whole suite
test: install-test
	$(BIN)/python tools/ensure_datastore.py "$(TEST_DB_URL)" "$(TEST_DATASTORE_URL)" "$(TEST_DATASTORE_READ_URL)"
	@# (each pytest-xdist worker's own copy and its DataStore: tests/conftest.py)
	$(TEST_ENV) $(BIN)/ckan -c test.ini db upgrade
	bash tools/ensure_chromium.sh
	bash tools/ensure_axe.sh
	$(TEST_ENV) $(BIN)/pytest --ckan-ini=test.ini --durations=25 -n $(TEST_WORKERS) --dist loadfile tests

# pytest-xdist workers (one per core): each on its own copy of the test database
# (<name>_gw0…) and its own Redis database (the test one's number plus the worker's)
TEST_WORKERS ?= auto

## test-fast: the tests that need no database, Redis nor CKAN (found by what they use)
test-fast: install-test
	CKAN_SQLALCHEMY_URL=postgresql://nobody@127.0.0.1:1/no_database \
		CKAN_REDIS_URL=redis://127.0.0.1:1/0 \
		$(BIN)/pytest -p no:ckan -p no:ckan_fixtures -m no_database --durations=10 tests

## mypy: type-check ckanext/ (configuration in mypy.ini)
mypy: install-test
	$(BIN)/mypy

## test-ckan-core: CKAN 2.11.6's own search-related tests, from the installed wheel, against opendatalocale_search (not in make test)
CKAN_CORE_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_ckan_core
CKAN_CORE_REDIS_URL ?= redis://127.0.0.1:6379/8
CKAN_CORE_ENV := CKAN_SQLALCHEMY_URL=$(CKAN_CORE_DB_URL) CKAN_REDIS_URL=$(CKAN_CORE_REDIS_URL)
test-ckan-core: install-test
	$(BIN)/python tools/ensure_database.py "$(CKAN_CORE_DB_URL)"
	$(CKAN_CORE_ENV) $(BIN)/ckan -c test-ckan-core.ini db upgrade
	$(CKAN_CORE_ENV) $(BIN)/python tools/ckan_core_tests.py

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: requirements.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed dev-requirements.txt
	$(BIN)/pip install -q -r dev-requirements.txt
	touch $@

## config: ckan.ini generated once (its secrets kept), our settings applied every time
config: install
	test -f $(CONFIG) || $(BIN)/ckan generate config $(CONFIG)
	@# never a debugger in a served portal, even in a ckan.ini an older version wrote
	$(BIN)/ckan config-tool $(CONFIG) -s DEFAULT "debug = false"
	$(BIN)/ckan config-tool $(CONFIG) \
		"sqlalchemy.url = $(DB_URL)" \
		"ckan.redis.url = $(REDIS_URL)" \
		"ckan.site_url = $(SITE_URL)" \
		"ckan.site_id = opendatalocale" \
		"ckan.site_title = Portail open data du territoire" \
		"ckan.plugins = activity datastore datatables_view opendatalocale_security image_view text_view opendatalocale_search scheming_datasets opendatalocale_datasets opendatalocale_validation opendatalocale_tables opendatalocale_territories opendatalocale_report opendatalocale_consolidation opendatalocale_dotation opendatalocale_guides opendatalocale_notify opendatalocale_entry dcat opendatalocale_dcat" \
		"ckan.search.show_all_types = true" \
		"ckan.views.default_views = image_view text_view datatables_view" \
		"ckan.datastore.write_url = $(DATASTORE_URL)" \
		"ckan.datastore.read_url = $(DATASTORE_READ_URL)" \
		"ckan.datastore.sqlsearch.enabled = true" \
		"ckan.datastore.default_fts_lang = french" \
		"ckan.datastore.default_fts_index_field_types = tsvector" \
		"ckan.locale_default = fr" \
		"ckan.locales_offered = fr en" \
		"ckan.display_timezone = Europe/Paris" \
		"ckan.uploads_enabled = true" \
		"ckan.storage_path = $(STORAGE)" \
		"ckanext.opendatalocale.report.portal_territory = departement-$(shell echo '$(DEPARTEMENT)' | tr A-Z a-z)" \
		"ckan.csrf_protection.ignore_extensions = false" \
		"ckan.auth.create_user_via_web = false" \
		"ckan.auth.user_create_organizations = false" \
		"ckan.auth.user_delete_organizations = false" \
		"ckan.auth.roles_that_cascade_to_sub_groups = admin editor" \
		"ckan.max_resource_size = 500"
	$(BIN)/ckan config-tool $(CONFIG) -s logger_ckan "level = INFO"
	$(BIN)/ckan config-tool $(CONFIG) -s logger_ckanext "level = INFO"
	mkdir -p $(STORAGE)

database: config
	$(BIN)/python tools/ensure_database.py "$(DB_URL)"
	$(BIN)/python tools/ensure_datastore.py "$(DB_URL)" "$(DATASTORE_URL)" "$(DATASTORE_READ_URL)"
	$(CKAN) db upgrade

demo: database cog
	$(CKAN) opendatalocale territories load --source $(COG) --departement $(DEPARTEMENT)
	$(BIN)/python demo/load.py $(CONFIG) $(SITE_URL) $(CREDENTIALS)
	@# the observatoire's summary of a demo database older than its migration
	$(CKAN) opendatalocale report rebuild
	@# today's snapshot of the observatoire (the start of its history; a daily cron takes the next)
	$(CKAN) opendatalocale observatoire snapshot
	@# the DataStore tables of conformant files checked before the tables plugin
	$(CKAN) opendatalocale tables load --all

## test-datastore: the DataStore test.ini names by default (benchmarks that start CKAN on test.ini)
test-datastore: install
	$(BIN)/python tools/ensure_datastore.py "$(TEST_DB_URL)" "$(TEST_DATASTORE_URL)" "$(TEST_DATASTORE_READ_URL)"

## cog: the Code officiel géographique, from npm (@etalab/decoupage-administratif)
cog: $(COG)/communes.json

$(COG)/communes.json:
	npm install --prefix .cog --no-save --no-audit --no-fund --no-package-lock \
		@etalab/decoupage-administratif@$(COG_VERSION)
	touch $@


## bench-territories: France loaded on a new database, rerun, naive loop, organisation pages (see README)
# its own database, created here for the app to start, then dropped and created again
# by run.py before each round (not opendatalocale_bench: bench-search's datasets stay)
bench-territories: install-test cog test-datastore
	$(BIN)/python tools/ensure_database.py "$(BENCH_TERRITORIES_DB_URL)"
	$(BENCH_TERRITORIES_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_TERRITORIES_ENV) $(BIN)/python bench/territories/run.py $(COG)

BENCH_TERRITORIES_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_territories
BENCH_TERRITORIES_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_TERRITORIES_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_TERRITORIES_DB_URL) \
	CKAN_REDIS_URL=$(BENCH_TERRITORIES_REDIS_URL)

## bench-report: the observatoire on all of France and 100 000 datasets (see README)
# its own database, dropped and created again by run.py before each round
bench-report: install-test cog test-datastore
	$(BIN)/python tools/ensure_database.py "$(BENCH_REPORT_DB_URL)"
	$(BENCH_REPORT_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_REPORT_ENV) $(BIN)/python bench/report/run.py $(COG)

BENCH_REPORT_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_report
BENCH_REPORT_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_REPORT_DB_URL) CKAN_REDIS_URL=$(BENCH_REDIS_URL)

## bench-history: ten years of daily observatoire snapshots of France, its pages and snapshots (see README)
# its own database, dropped and created again by run.py before each round
bench-history: install-test cog test-datastore
	$(BIN)/python tools/ensure_database.py "$(BENCH_HISTORY_DB_URL)"
	$(BENCH_HISTORY_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_HISTORY_ENV) $(BIN)/python bench/history/run.py $(COG)

BENCH_HISTORY_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_history
BENCH_HISTORY_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_HISTORY_DB_URL) CKAN_REDIS_URL=redis://127.0.0.1:6379/9

## bench-notify: `ckan opendatalocale notify` on France with ten years of history: its phases, a second run (see bench/notify/run.py)
# its own database, dropped and created again by run.py before each round, and its own
# DataStore (<name>_datastore, kept: test.ini's would be a test database's)
.PHONY: bench-notify
bench-notify: install-test cog
	$(BIN)/python tools/ensure_datastore.py "$(BENCH_NOTIFY_DB_URL)" \
		"$(BENCH_NOTIFY_DATASTORE_URL)" "$(BENCH_NOTIFY_DATASTORE_READ_URL)"
	$(BENCH_NOTIFY_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_NOTIFY_ENV) $(BIN)/python bench/notify/run.py $(COG)

BENCH_NOTIFY_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_notify
BENCH_NOTIFY_DATASTORE_URL = $(BENCH_NOTIFY_DB_URL)_datastore
BENCH_NOTIFY_DATASTORE_READ_URL = $(subst postgres@,datastore_ro@,$(BENCH_NOTIFY_DB_URL))_datastore
BENCH_NOTIFY_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_NOTIFY_DB_URL) CKAN_REDIS_URL=redis://127.0.0.1:6379/13 \
	CKAN_DATASTORE_WRITE_URL=$(BENCH_NOTIFY_DATASTORE_URL) \
	CKAN_DATASTORE_READ_URL=$(BENCH_NOTIFY_DATASTORE_READ_URL)

## bench-search: search benchmark at 10 000 and 100 000 datasets (see README)
bench-search: install-test test-datastore
	$(BIN)/python tools/ensure_database.py "$(BENCH_DB_URL)"
	$(BENCH_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_ENV) $(BIN)/python bench/search/run.py $(BENCH_SIZES)

## bench-dcat: the DCAT catalogue pages with 1 000 SCDL datasets (see README)
bench-dcat: install-test cog test-datastore
	$(BIN)/python tools/ensure_database.py "$(BENCH_DCAT_DB_URL)"
	$(BENCH_DCAT_ENV) $(BIN)/ckan -c test.ini db upgrade
	$(BENCH_DCAT_ENV) $(BIN)/python bench/dcat/run.py $(COG)

BENCH_DCAT_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_dcat
BENCH_DCAT_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_DCAT_DB_URL) CKAN_REDIS_URL=redis://127.0.0.1:6379/5
BENCH_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
BENCH_SIZES ?= 10000 100000
BENCH_ENV := CKAN_SQLALCHEMY_URL=$(BENCH_DB_URL) CKAN_REDIS_URL=$(BENCH_REDIS_URL)

## bench-load: readers and editors on gunicorn, then slow clients, on a fresh demo (≤ 2 min)
bench-load: install cog
	$(BIN)/python tools/ensure_database.py --recreate "$(BENCH_LOAD_DB_URL)"
	rm -rf $(BENCH_LOAD_DIR) && mkdir -p $(BENCH_LOAD_DIR)
	$(MAKE) -s -o install demo CONFIG=$(BENCH_LOAD_DIR)/ckan.ini STORAGE=$(BENCH_LOAD_DIR)/storage \
		CREDENTIALS=$(BENCH_LOAD_DIR)/demo-credentials.txt \
		DB_URL=$(BENCH_LOAD_DB_URL) REDIS_URL=$(BENCH_LOAD_REDIS_URL) \
		DATASTORE_URL=$(BENCH_LOAD_DB_URL)_datastore \
		DATASTORE_READ_URL=$(subst postgres@,datastore_ro@,$(BENCH_LOAD_DB_URL))_datastore \
		> $(BENCH_LOAD_DIR)/setup.log 2>&1
	$(BIN)/python bench/load/run.py $(BENCH_LOAD_DIR)

BENCH_LOAD_DB_URL ?= postgresql://postgres@127.0.0.1:5432/opendatalocale_bench_load
BENCH_LOAD_REDIS_URL ?= redis://127.0.0.1:6379/7
BENCH_LOAD_DIR ?= /tmp/opendatalocale-bench-load

## bench-validation: rows/s and peak memory, ours and Validata's (see README)
bench-validation: install-test
	$(BIN)/python bench/validation/run.py $(VALIDATION_ROWS)

VALIDATION_ROWS ?= 100000 1000000

## bench-parity: our verdicts and errors against Validata's (validata-table 0.12.5)
bench-parity: install-test
	$(BIN)/python bench/parity/run.py

## bench-repair: the repair on the corpora, and 1 000 000 rows repaired vs validated
bench-repair: install-test
	$(BIN)/python bench/repair/run.py $(REPAIR_ROWS) $(REPAIR_ROUNDS)

REPAIR_ROWS ?= 1000000
REPAIR_ROUNDS ?= 3

## bench-datastore: 1 000 000 délibérations into the DataStore, ours vs ckanext-xloader 2.6.0 (see README)
bench-datastore: install-test
	$(BIN)/python bench/datastore/run.py $(DATASTORE_ROWS) $(DATASTORE_ROUNDS)

DATASTORE_ROWS ?= 1000000
DATASTORE_ROUNDS ?= 3

## bench-consolidation: a département's ten consolidations from all its communes' files (see README)
bench-consolidation: install-test cog
	$(BIN)/python bench/consolidation/run.py $(COG) $(CONSOLIDATION_DEPARTEMENT) \
		$(CONSOLIDATION_ROUNDS) $(CONSOLIDATION_RUNS)

CONSOLIDATION_DEPARTEMENT ?= 22
CONSOLIDATION_ROUNDS ?= 1
CONSOLIDATION_RUNS ?= 3

## bench-dotation: a 1 000 000-row national IRVE file cut per commune, and imported into a portal (see README)
bench-dotation: install-test cog
	$(BIN)/python bench/dotation/run.py $(COG) $(DOTATION_ROWS) $(DOTATION_ROUNDS)

DOTATION_ROWS ?= 1000000
DOTATION_ROUNDS ?= 3

## i18n: extract our strings, add the core strings we complete, compile French
i18n: install-test
	$(BIN)/python tools/i18n.py

clean-venv:
	rm -rf $(VENV)

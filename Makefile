# OfficeLab — `make demo` boots the built-in site; `make test` runs the whole suite. Both set up first.
SHELL := /bin/bash
VENV := .venv
OL := $(VENV)/bin/officelab
PYTEST := $(VENV)/bin/pytest

.PHONY: setup demo test test-faults test-scenarios test-unit lint typecheck bench down clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(OL) up --force cabinet-martin
	$(OL) check --html recette-cabinet-martin.html
	@echo
	@echo "Try:  $(OL) exec pc-accueil -- ping -c2 www.example.com"
	@echo "      $(OL) capture sw-core:ge2 -w trunk.pcap --count 20   (802.1Q tags on the trunk)"
	@echo "      $(OL) link down sw-floor:ge1 ; $(OL) link up sw-floor:ge1"
	@echo "      $(OL) fault catalogue ; $(OL) fault inject port-wrong-vlan -p port=sw-floor:ge2 -p vlan=20 ; $(OL) fault clear --all"
	@echo "      $(OL) shell fw     (nft list ruleset, cat /var/lib/officelab/labs/default/nodes/fw/dnsmasq.leases)"
	@echo "      $(OL) check --lang en --html report.html   (the recette again, in English)"
	@echo "      $(OL) down"

test: setup
	bash scripts/run-tests.sh

# Every fault type of the catalogue, live on the default site (67 types; about 35 minutes when it had 52, not re-run since); `make test` runs a sample.
test-faults: setup
	OFFICELAB_ALL_FAULTS=1 $(PYTEST) -q tests/live/test_faults.py

# Every built-in scenario's reference solution, live (about 2 minutes a scenario); `make test` runs one, for two learners.
test-scenarios: setup
	OFFICELAB_ALL_SCENARIOS=1 $(PYTEST) -q tests/live/test_exercises.py

test-unit: setup
	$(PYTEST) -q -m "not live"

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports --no-cache

typecheck: setup
	$(VENV)/bin/mypy

bench: setup
	@bash scripts/setup.sh --bench
	$(VENV)/bin/python bench/lab_speed.py
	$(VENV)/bin/python bench/recette_speed.py
	$(VENV)/bin/python bench/diagnosis.py
	$(VENV)/bin/python bench/data_services.py
	$(VENV)/bin/python bench/vdi.py
	$(VENV)/bin/python bench/exercise.py
	$(VENV)/bin/python bench/web.py
	$(VENV)/bin/python bench/mail.py
	$(VENV)/bin/python bench/audit.py
	$(VENV)/bin/python bench/inventory.py
	$(VENV)/bin/python bench/vpn.py
	$(VENV)/bin/python bench/wireless.py
	$(VENV)/bin/python bench/cli.py

down:
	$(OL) down --all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

#!/usr/bin/env bash
# The whole suite: lint, types, unit and live tests. pytest's "no tests collected" (5) is a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests bench || exit 1
.venv/bin/mypy || exit 1
.venv/bin/lint-imports --no-cache || exit 1   # the layers (.importlinter, docs/architecture.md)
# Three workers, a whole test file each (its booted labs are module fixtures): the live tests mostly wait on
# daemons, so three files at a time fit two cores. Each worker has its own OFFICELAB_HOME, hence its own namespaces.
.venv/bin/pytest -q -n "${OFFICELAB_TEST_WORKERS:-3}" --dist loadfile --durations=15 "$@"   # the slowest tests, to keep the suite within its budget
rc=$?
[ $rc -eq 5 ] && { echo "no test ran" >&2; exit 1; }
exit $rc

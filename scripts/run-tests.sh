#!/usr/bin/env bash
# The whole suite: lint, types, unit and live tests. pytest's "no tests collected" (5) is a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests bench || exit 1
.venv/bin/mypy || exit 1
.venv/bin/lint-imports --no-cache || exit 1   # the layers (.importlinter, docs/architecture.md)
.venv/bin/pytest -q --durations=15 "$@"   # the slowest tests, to keep the suite within its budget
rc=$?
[ $rc -eq 5 ] && { echo "no test ran" >&2; exit 1; }
exit $rc

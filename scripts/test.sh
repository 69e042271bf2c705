#!/usr/bin/env bash
# The README's test command (and CI's): prepare the machine, then run the unit tests, the sandbox's own tests and
# the integration tests against a real 3-manager + 2-worker sandbox, which the tests start and remove themselves.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/bootstrap.sh
# Unit tests first: they take seconds and fail fast before the sandbox is built.
exec .venv/bin/python -m pytest -p no:cacheprovider tests/unit tests/sandbox tests/integration "$@"

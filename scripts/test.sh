#!/usr/bin/env bash
# The README's test command (and CI's): prepare the machine, run the quality gates (scripts/lint.sh), then the unit
# tests, the sandbox's own tests and
# the integration tests against a real 3-manager + 2-worker sandbox, which the tests start and remove themselves;
# then the unit tests and the cluster playbook again on the oldest ansible-core the collection claims.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/bootstrap.sh --oldest
# The quality gates and the unit tests first: they fail fast, before any sandbox is built.
scripts/lint.sh
.venv/bin/python -m pytest -p no:cacheprovider tests/unit tests/sandbox tests/integration "$@"

echo "== The oldest ansible-core claimed by meta/runtime.yml: $(.venv-oldest/bin/ansible --version | head -n1)"
VIRTUAL_ENV="$repo_root/.venv-oldest" .venv-oldest/bin/python -m pytest -p no:cacheprovider \
    tests/unit tests/integration/playbooks/test_cluster.py

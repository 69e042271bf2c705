#!/usr/bin/env bash
# The quality gates collection users and Galaxy judge the collection by, run by `make test` (and `make lint`):
# ruff on the Python, yamllint on the YAML, ansible-lint (production profile) on roles and playbooks, the changelog
# fragments, and ansible-test sanity on the collection laid out as ansible_collections/swarmops/swarm.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
scripts/bootstrap.sh
bin="$repo_root/.venv/bin"

echo "== ruff"
"$bin/ruff" check --quiet .
echo "== yamllint"
"$bin/yamllint" --strict .
echo "== ansible-lint (production profile)"
ANSIBLE_COLLECTIONS_PATH="$repo_root/.ansible/collections" PATH="$bin:$PATH" "$bin/ansible-lint" -q
echo "== antsibull-changelog lint"
"$bin/antsibull-changelog" lint
echo "== ansible-test sanity"
# Its findings and verdict are shown; pip's progress lines from ansible-test's own venvs are left in the log.
sanity_log="$repo_root/.sandbox/ansible-test-sanity.log"
mkdir -p "$(dirname "$sanity_log")"
sanity_status=0
scripts/ansible-test.sh sanity --venv --python 3.13 --color no >"$sanity_log" 2>&1 || sanity_status=$?
grep -E '^(ERROR|FATAL|Running sanity test)' "$sanity_log" || true
exit "$sanity_status"

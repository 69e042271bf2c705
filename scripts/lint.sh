#!/usr/bin/env bash
# The quality gates collection users and Galaxy judge the collection by, run by `make test` (and `make lint`):
#   scripts/lint.sh quick   ruff (lint, and the layout of `ruff format`) on the Python, yamllint on the YAML,
#                           ansible-lint (production profile) on roles and playbooks, the changelog fragments,
#                           promtool check rules on swarm_monitoring's rendered alert rules: a minute, so they fail
#                           fast
#   scripts/lint.sh deep    ansible-test sanity and units on the collection laid out as
#                           ansible_collections/swarmops/swarm, and the docs site (scripts/docs.sh): minutes
#   scripts/lint.sh         both
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
scripts/bootstrap.sh
bin="$repo_root/.venv/bin"
gates="${1:-all}"
case "$gates" in
    quick | deep | all) ;;
    *) echo "usage: scripts/lint.sh [quick|deep]" >&2; exit 2 ;;
esac

quick_gates() {
    echo "== ruff"
    "$bin/ruff" check --quiet .
    "$bin/ruff" format --check --quiet . || { echo "lint: run .venv/bin/ruff format ." >&2; return 1; }
    echo "== yamllint"
    "$bin/yamllint" --strict .
    echo "== ansible-lint (production profile)"
    ANSIBLE_COLLECTIONS_PATH="$repo_root/.ansible/collections" PATH="$bin:$PATH" "$bin/ansible-lint" -q
    echo "== antsibull-changelog lint"
    "$bin/antsibull-changelog" lint
    echo "== promtool check rules (swarm_monitoring's alert rules, rendered with the role's defaults)"
    check_monitoring_rules
}

# The role writes its rules from a template: they are checked as Ansible renders them. promtool's unit tests of
# every alert run with the unit tests (tests/unit/roles/swarm_monitoring).
check_monitoring_rules() {
    local rules_dir status=0
    rules_dir="$(mktemp -d)"
    "$bin/ansible" localhost --connection=local --inventory=localhost, --module-name=ansible.builtin.template \
        --args="src=roles/swarm_monitoring/templates/alert_rules.yml.j2 dest=$rules_dir/alert_rules.yml" \
        --extra-vars=@roles/swarm_monitoring/defaults/main.yml \
        --extra-vars="ansible_python_interpreter=$bin/python" >"$rules_dir/render.log" 2>&1 ||
        { cat "$rules_dir/render.log" >&2; status=1; }
    [ "$status" = 0 ] && { "$repo_root/.sandbox/tools/promtool" check rules "$rules_dir/alert_rules.yml" || status=$?; }
    rm -rf "$rules_dir"
    return "$status"
}

# ansible-test's findings and verdicts are shown; pip's progress lines from its own venvs are left in the logs.
ansible_test() {
    local command="$1" log="$repo_root/.sandbox/ansible-test-$1.log" status=0
    echo "== ansible-test $command"
    mkdir -p "$(dirname "$log")"
    scripts/ansible-test.sh "$command" --venv --python 3.13 --color no >"$log" 2>&1 || status=$?
    grep -E '^(ERROR|FATAL|Running sanity test|Unit test|=+ .*(passed|failed|error).* =+$)' "$log" || true
    return "$status"
}

deep_gates() {
    ansible_test sanity
    # The unit tests as Galaxy's and collection users' CI run them: ansible-test's venv
    # (tests/unit/requirements.txt) with only the module side of ansible-core importable.
    ansible_test units
    echo "== docs site (antsibull-docs, Sphinx)"
    local docs_log="$repo_root/.sandbox/docs.log"
    scripts/docs.sh >"$docs_log" 2>&1 || { cat "$docs_log"; return 1; }
    tail -n1 "$docs_log"
}

case "$gates" in
    quick) quick_gates ;;
    deep) deep_gates ;;
    # (Called one after the other, not with &&: `set -e` does not act inside a function called from a && list.)
    all)
        quick_gates
        deep_gates
        ;;
esac

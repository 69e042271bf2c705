#!/usr/bin/env bash
# The README's test command (and CI's): prepare the machine, run the quick quality gates, then three streams at the
# same time, each with a sandbox of its own:
#   gates        ansible-test sanity and units, the docs site (scripts/lint.sh deep): CPU-bound
#   integration  the unit tests, the sandbox's own tests and the integration tests against a real 3-manager +
#                2-worker sandbox, which the tests start and remove themselves (extra arguments go to this pytest)
#   scenarios    every Molecule scenario (`molecule test`), then the unit tests and the cluster playbook again on
#                the oldest ansible-core the collection claims
# Most of the integration and scenario time is spent waiting for swarms to converge, so the streams overlap well even
# on two CPUs. Each stream's output is printed when all have finished (logs in .sandbox/test-logs/).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/bootstrap.sh --oldest
# The quick gates first: they fail in a minute, before any sandbox is built.
scripts/lint.sh quick

logs="$repo_root/.sandbox/test-logs"
rm -rf "$logs"
mkdir -p "$logs"

# stream NAME COMMAND...: runs the command in the background, its output in NAME.log and its exit status in NAME.rc.
stream() {
    local name="$1"
    shift
    (
        set +e
        started=$SECONDS
        "$@" >"$logs/$name.log" 2>&1
        status=$?
        echo "$status $((SECONDS - started))" >"$logs/$name.rc"
    ) &
}

integration() {
    .venv/bin/python -m pytest -p no:cacheprovider --durations=15 tests/unit tests/sandbox tests/integration \
        --ignore=tests/integration/test_molecule.py "$@"
}

scenarios_then_oldest() {
    .venv/bin/python -m pytest -p no:cacheprovider --durations=0 tests/integration/test_molecule.py || return
    echo "== The oldest ansible-core claimed by meta/runtime.yml: $(.venv-oldest/bin/ansible --version | head -n1)"
    SWARMOPS_IT_PREFIX=swarmops-it-oldest VIRTUAL_ENV="$repo_root/.venv-oldest" .venv-oldest/bin/python -m pytest \
        -p no:cacheprovider tests/unit tests/integration/playbooks/test_cluster.py
}

stream gates scripts/lint.sh deep
stream integration integration "$@"
stream scenarios scenarios_then_oldest
wait

failed=()
for name in gates integration scenarios; do
    read -r status seconds <"$logs/$name.rc"
    echo "==== $name (exit $status, ${seconds} s)"
    cat "$logs/$name.log"
    [ "$status" = 0 ] || failed+=("$name")
done
echo "==== summary"
for name in gates integration scenarios; do
    read -r status seconds <"$logs/$name.rc"
    echo "$name: exit $status after ${seconds} s"
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "test: failed: ${failed[*]}" >&2
    exit 1
fi

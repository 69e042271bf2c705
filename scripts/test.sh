#!/usr/bin/env bash
# The README's test command (and CI's): prepare the machine, run the quick quality gates, then five streams at the
# same time, each with sandboxes of its own:
#   gates        ansible-test sanity and units, the docs site (scripts/lint.sh deep): CPU-bound; then the
#                swarm_engine role on bare hosts (systemd, no Docker) of Debian 12
#                (tests/integration/roles/test_swarm_engine.py), and docs/tutorial.md run as written on six bare hosts
#   modules      the unit tests, the sandbox's and the benchmark's own tests, and the other modules' integration tests
#                against a real 3-manager + 2-worker sandbox of Docker 20.10 (bookworm), which the tests start and
#                remove themselves; then the rolling maintenance playbook (maintain_nodes.yml)
#   paths        the other integration tests (playbooks, the swarm_monitoring role's dashboard queries and alerts,
#                Galaxy installs, AWX jobs, SDK versions, a cluster of mixed engine versions) on another sandbox;
#                then the modules whose behaviour depends on the engine (services, stacks, CA, autolock, nodes)
#                again, on Docker 26.1 (trixie)
#   reliability  the fault-injection, bad-input and security suite (tests/integration/reliability) on a third;
#                then the swarm_engine role on bare hosts of Debian 13
#   scenarios    every Molecule scenario (`molecule test`), then the unit tests and the cluster playbook again on
#                the oldest ansible-core the collection claims, then the object modules' integration tests
#                (swarm_secret, swarm_config, swarm_network) on a sandbox of their own
# Most of the integration and scenario time is spent waiting for swarms to converge, so the streams overlap well even
# on two CPUs. The bare-host tests are split between two streams so that the streams end at about the same time
# (measured on 2026-12-02: each release's swarm_engine tests take 15-24 minutes on a loaded machine, the tutorial 9-16).
# Each stream's output is printed when all have finished (logs in .sandbox/test-logs/); each pytest run ends with
# the CPU its test modules took, on the controller and in their sandbox nodes (tests/integration/cpu_account.py).
#
#   scripts/test.sh                         everything, as CI runs it
#   scripts/test.sh PYTEST_ARGUMENTS...     only `pytest PYTEST_ARGUMENTS` (e.g. one integration file), no streams
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [ "$#" -gt 0 ]; then
    scripts/bootstrap.sh
    exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
fi

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

# The object modules' integration tests (secrets, configs, networks) run in the scenarios stream, which has time left.
object_module_tests=(
    tests/integration/plugins/modules/test_swarm_secret.py
    tests/integration/plugins/modules/test_swarm_config.py
    tests/integration/plugins/modules/test_swarm_network.py
)

# The rolling maintenance playbook's tests (6-9 minutes) run in the modules stream, the shortest of the others.
maintenance_tests=tests/integration/playbooks/test_maintain_nodes.py

modules() {
    local ignored=("${object_module_tests[@]/#/--ignore=}")
    SWARMOPS_IT_PREFIX=swarmops-it-modules .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        tests/unit tests/sandbox tests/bench tests/integration/plugins "${ignored[@]}" "$maintenance_tests"
}

# engine_on RELEASE: the swarm_engine role's tests on bare hosts of one Debian release (bookworm or trixie).
engine_on() {
    SWARMOPS_IT_PREFIX=swarmops-it-engine .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        tests/integration/roles/test_swarm_engine.py -k "$1"
}

# The second part of a stream runs even when the first failed, so one CI run reports on both; the stream fails if
# either did.
gates_then_engine() {
    local status=0
    scripts/lint.sh deep || status=$?
    echo "== The swarm_engine role on bare hosts of Debian 12"
    engine_on bookworm || status=$?
    echo "== docs/tutorial.md on six bare hosts"
    SWARMOPS_IT_PREFIX=swarmops-it-engine .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        tests/integration/test_tutorial.py || status=$?
    return "$status"
}

paths_then_newer_engine() {
    local status=0
    SWARMOPS_IT_PREFIX=swarmops-it-paths .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        tests/integration --ignore=tests/integration/plugins --ignore=tests/integration/test_molecule.py \
        --ignore="$maintenance_tests" \
        --ignore=tests/integration/reliability --ignore=tests/integration/roles/test_swarm_engine.py \
        --ignore=tests/integration/test_tutorial.py || status=$?
    echo "== The engine-dependent module tests on Docker 26.1 (trixie)"
    local modules=tests/integration/plugins/modules
    SWARMOPS_IT_PREFIX=swarmops-it-trixie SWARMOPS_IT_SUITE=trixie .venv/bin/python -m pytest -p no:cacheprovider \
        --durations=15 "$modules/test_swarm_service.py" "$modules/test_swarm_stack.py" "$modules/test_swarm_ca.py" \
        "$modules/test_swarm_unlock.py" "$modules/test_swarm_node.py" || status=$?
    return "$status"
}

reliability_then_engine() {
    local status=0
    SWARMOPS_IT_PREFIX=swarmops-it-reliability .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        tests/integration/reliability || status=$?
    echo "== The swarm_engine role on bare hosts of Debian 13"
    engine_on trixie || status=$?
    return "$status"
}

scenarios_then_oldest_then_objects() {
    local status=0
    # The prefix names this part's own containers for the CPU account (tests/integration/cpu_account.py); the
    # scenarios' nodes are counted by their Molecule label.
    SWARMOPS_IT_PREFIX=swarmops-it-scenarios .venv/bin/python -m pytest -p no:cacheprovider --durations=0 \
        tests/integration/test_molecule.py || status=$?
    echo "== The oldest ansible-core claimed by meta/runtime.yml: $(.venv-oldest/bin/ansible --version | head -n1)"
    SWARMOPS_IT_PREFIX=swarmops-it-oldest VIRTUAL_ENV="$repo_root/.venv-oldest" .venv-oldest/bin/python -m pytest \
        -p no:cacheprovider tests/unit tests/integration/playbooks/test_cluster.py || status=$?
    echo "== The object modules (secrets, configs, networks) on Docker 20.10"
    local present=()
    for test_file in "${object_module_tests[@]}"; do
        [ ! -e "$test_file" ] || present+=("$test_file")
    done
    SWARMOPS_IT_PREFIX=swarmops-it-objects .venv/bin/python -m pytest -p no:cacheprovider --durations=15 \
        "${present[@]}" || status=$?
    return "$status"
}

streams=(gates modules paths reliability scenarios)
stream gates gates_then_engine
stream modules modules
stream paths paths_then_newer_engine
stream reliability reliability_then_engine
stream scenarios scenarios_then_oldest_then_objects
wait

failed=()
for name in "${streams[@]}"; do
    read -r status seconds <"$logs/$name.rc"
    echo "==== $name (exit $status, ${seconds} s)"
    cat "$logs/$name.log"
    [ "$status" = 0 ] || failed+=("$name")
done
echo "==== summary"
for name in "${streams[@]}"; do
    read -r status seconds <"$logs/$name.rc"
    echo "$name: exit $status after ${seconds} s"
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "test: failed: ${failed[*]}" >&2
    exit 1
fi

#!/usr/bin/env bash
# The README's main command: start the local sandbox (3 managers, 3 workers as Docker-in-Docker nodes, from bare
# engines), form the swarm with playbooks/cluster.yml, run it again to show it changes nothing, and print the
# cluster as its first manager sees it. The sandbox stays up for exploring; `make sandbox-down` removes it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

sandbox/swarm-sandbox up "$@"

playbook() {
    .venv/bin/ansible-playbook -i .sandbox/inventory.yml playbooks/cluster.yml
}

echo "== Forming the swarm"
playbook

echo "== Running the playbook again: nothing may change"
second_run="$(playbook | tee /dev/stderr)"
if grep -E 'changed=[1-9]|failed=[1-9]' <<<"$second_run" >/dev/null; then
    echo "demo: the second run changed something; the playbook is not idempotent" >&2
    exit 1
fi

echo "== The swarm, as manager1 sees it"
docker exec swarmops-manager1 docker node ls
echo
echo "Inventory: .sandbox/inventory.yml (try: .venv/bin/ansible -i .sandbox/inventory.yml managers -m swarmops.swarm.swarm_init --check --diff)"
echo "Remove the sandbox with: make sandbox-down"

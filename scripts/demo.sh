#!/usr/bin/env bash
# The README's main command, the lecture's practical on fresh hosts: start the local sandbox (3 managers, 3 workers as
# bare Debian hosts with systemd and no Docker; the monitoring images built from Debian's packages wait beside them,
# as there is no registry), run playbooks/site.yml (installs the Docker engine, opens the firewall, forms the swarm,
# deploys the monitoring stack), run it again to show it changes nothing, and print the cluster, the monitoring stack
# and where Prometheus and Grafana answer. The sandbox stays up for exploring; `make sandbox-down` removes it.
# Extra arguments go to `swarm-sandbox up` (e.g. --suite trixie for Debian 13's Docker 26.1).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

sandbox/swarm-sandbox up --bare --monitoring "$@"

# The monitoring stack's passwords (Grafana's admin, the basic auth of Prometheus and Alertmanager): the role refuses
# default ones. They are made for this sandbox and kept beside its inventory (readable by the owner only); a file from
# an earlier demo gets the ones it lacks.
secrets=.sandbox/demo-secrets.yml
(umask 077 && touch "$secrets")
for variable in swarm_monitoring_admin_password swarm_monitoring_prometheus_password swarm_monitoring_alertmanager_password; do
    if ! grep -q "^$variable:" "$secrets"; then
        .venv/bin/python -c 'import secrets, sys; print(sys.argv[1] + ": " + secrets.token_urlsafe(18))' "$variable" >>"$secrets"
    fi
done

playbook() {
    .venv/bin/ansible-playbook -i .sandbox/inventory.yml playbooks/site.yml -e @"$secrets"
}

echo "== Docker engine, firewall, swarm and monitoring stack"
playbook

echo "== Running the playbook again: nothing may change"
second_run="$(playbook | tee /dev/stderr)"
if grep -E 'changed=[1-9]|failed=[1-9]' <<<"$second_run" >/dev/null; then
    echo "demo: the second run changed something; the playbook is not idempotent" >&2
    exit 1
fi

manager() {
    docker exec swarmops-manager1 "$@"
}

# The address of the node that runs the service's task (host-mode ports publish on that node only).
service_address() {
    local node
    node="$(manager docker service ps "$1" --filter desired-state=running --format '{{.Node}}' | head -n1)"
    manager docker node inspect "$node" --format '{{.Status.Addr}}'
}

echo "== The swarm, as manager1 sees it"
manager docker node ls
echo
echo "== The monitoring stack"
manager docker stack services monitoring
echo

prometheus="http://$(service_address monitoring_prometheus):9090"
grafana="http://$(service_address monitoring_grafana):3000"
# Prometheus asks for its password; curl reads it from a config on its standard input, so it is in no command line.
prometheus_login() {
    printf 'user = "prometheus:%s"\n' "$(sed -n 's/^swarm_monitoring_prometheus_password: //p' "$secrets")"
}
echo "== Prometheus's node-exporter targets (${prometheus}/api/v1/targets)"
# Prometheus discovers the exporters over DNS every few seconds: wait until every node's exporter is up.
nodes="$(manager docker node ls -q | wc -l)"
for _ in $(seq 60); do
    summary="$(prometheus_login | curl -fsS --config - "$prometheus/api/v1/targets" | .venv/bin/python -c '
import json, sys
targets = [t for t in json.load(sys.stdin)["data"]["activeTargets"] if t["labels"]["job"] == "node-exporter"]
print(sum(t["health"] == "up" for t in targets), "of", len(targets), "node-exporter targets up:",
      " ".join(sorted(t["labels"]["instance"] for t in targets)))' || true)"
    [ "${summary%% *}" = "$nodes" ] && break
    sleep 2
done
echo "${summary:-Prometheus did not answer}"
echo
echo "Prometheus:   $prometheus (user prometheus, password swarm_monitoring_prometheus_password in $secrets)"
echo "Alertmanager: http://$(service_address monitoring_alertmanager):9093 (user alertmanager, password swarm_monitoring_alertmanager_password in $secrets)"
echo "Grafana:      $grafana (a stand-in in the sandbox; user admin, password swarm_monitoring_admin_password in $secrets)"
echo "              e.g. curl -u prometheus \"$prometheus/api/v1/targets\" (curl asks for the password)"
echo "Inventory:    .sandbox/inventory.yml (try: .venv/bin/ansible -i .sandbox/inventory.yml managers -m swarmops.swarm.swarm_info)"
echo "Remove the sandbox with: make sandbox-down"

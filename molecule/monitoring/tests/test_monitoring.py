"""The monitoring scenario: Prometheus scrapes a node-exporter on every node, and the stack's other parts answer.

The ports are published in host mode on the node that runs the task (Prometheus, Alertmanager and Grafana are
constrained to the managers, here manager1), so the checks run on manager1 against 127.0.0.1.
"""

import json
import os
import time

import testinfra

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
NODES = ["manager1", "worker1", "worker2"]
ADMIN_PASSWORD = "molecule-not-admin-3f9c"  # converge.yml's swarm_monitoring_admin_password
STACK = "monitoring"


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


def http_get(path, port):
    """The answer of http://127.0.0.1:port/path on manager1, or None while it does not answer 200."""
    fetch = (
        "import sys, urllib.request; "
        "sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:%d%s', timeout=5).read().decode())" % (port, path)
    )
    result = node("manager1").run("python3 -c \"%s\"" % fetch)
    return result.stdout if result.rc == 0 else None


def prometheus_api(path):
    answer = http_get(f"/api/v1/{path}", 9090)
    return json.loads(answer)["data"] if answer else None


def wait_for(what, check, timeout=60):
    """check()'s first true value; the exporters are found over DNS and scraped every 2 s, so this takes seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout} s; last seen: {value!r}"
        time.sleep(1)


def test_prometheus_scrapes_a_node_exporter_on_every_node_and_each_is_up():
    def exporters_up():
        targets = prometheus_api("targets") or {"activeTargets": []}
        exporters = [target for target in targets["activeTargets"] if target["labels"]["job"] == "node-exporter"]
        return exporters if len(exporters) == len(NODES) and all(t["health"] == "up" for t in exporters) else None

    exporters = wait_for("3 node-exporter targets, all up", exporters_up)
    assert len({target["labels"]["instance"] for target in exporters}) == len(NODES)

    # Each exporter runs with its node's hostname: the scraped samples name every node once.
    def node_names():
        answer = prometheus_api("query?query=node_uname_info") or {"result": []}
        names = sorted(sample["metric"]["nodename"] for sample in answer["result"])
        return names if names == NODES else None

    assert wait_for("node_uname_info of every node", node_names) == NODES


def test_prometheus_loaded_the_rule_files_and_finds_alertmanager():
    groups = prometheus_api("rules")["groups"]
    assert {"swarm-nodes", "swarm-monitoring"} <= {group["name"] for group in groups}
    alertmanagers = wait_for(
        "an active Alertmanager", lambda: (prometheus_api("alertmanagers") or {}).get("activeAlertmanagers")
    )
    assert len(alertmanagers) == 1


def test_prometheus_scrapes_cadvisor_on_every_node():
    def cadvisors_up():
        targets = prometheus_api("targets")["activeTargets"]
        found = [target for target in targets if target["labels"]["job"] == "cadvisor" and target["health"] == "up"]
        return found if len(found) == len(NODES) else None

    wait_for("3 cAdvisor targets, all up", cadvisors_up)


def test_alertmanager_answers_with_the_receivers_of_the_variables():
    status = json.loads(wait_for("Alertmanager's status", lambda: http_get("/api/v2/status", 9093)))
    assert "team-webhook" in status["config"]["original"]
    assert status["cluster"]["status"] == "disabled"


def test_grafana_answers():
    health = json.loads(wait_for("Grafana's health", lambda: http_get("/api/health", 3000)))
    assert health["database"] == "ok"


def test_the_admin_password_is_a_secret_and_in_no_services_environment():
    manager = node("manager1")
    secrets = manager.check_output("docker secret ls --format '{{.Name}}'").split()
    assert f"{STACK}_grafana_admin_password" in secrets
    services = manager.check_output("docker service ls --quiet").split()
    specs = json.loads(manager.check_output("docker service inspect %s" % " ".join(services)))
    for spec in specs:
        container = spec["Spec"]["TaskTemplate"]["ContainerSpec"]
        assert not any(ADMIN_PASSWORD in variable for variable in container.get("Env", [])), spec["Spec"]["Name"]
    grafana = next(spec for spec in specs if spec["Spec"]["Name"] == f"{STACK}_grafana")
    grafana_container = grafana["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password" in grafana_container["Env"]
    assert [secret["SecretName"] for secret in grafana_container["Secrets"]] == [f"{STACK}_grafana_admin_password"]


def test_exporters_run_on_every_node():
    manager = node("manager1")
    for service in ("node-exporter", "cadvisor"):
        tasks = manager.check_output(
            "docker service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' %s_%s",
            STACK,
            service,
        ).splitlines()
        assert sorted(line.split()[0] for line in tasks) == NODES
        assert all(line.split()[1] == "Running" for line in tasks)


def test_prometheus_scrapes_every_engines_own_metrics():
    def engines_up():
        targets = prometheus_api("targets") or {"activeTargets": []}
        found = [target for target in targets["activeTargets"] if target["labels"]["job"] == "docker-engine"]
        return found if len(found) == len(NODES) and all(t["health"] == "up" for t in found) else None

    engines = wait_for("3 docker-engine targets, all up", engines_up)
    assert sorted(target["labels"]["node"] for target in engines) == NODES
    for name in NODES:
        settings = json.loads(node(name).file("/etc/docker/daemon.json").content_string)
        assert settings["metrics-addr"] == "0.0.0.0:9323"

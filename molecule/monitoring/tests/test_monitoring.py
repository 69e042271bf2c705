"""The monitoring scenario: Prometheus scrapes a node-exporter on every node, the stack's other parts answer, and
nothing it publishes answers without a password.

The ports are published in host mode on the node that runs the task (Prometheus, Alertmanager and Grafana are
constrained to the managers, here manager1), so the checks run on manager1 against 127.0.0.1.
"""

import base64
import json
import os
import re
import time

import pytest
import testinfra
import yaml

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
NODES = ["manager1", "worker1", "worker2"]
ADMIN_PASSWORD = "molecule-not-admin-3f9c"  # converge.yml's swarm_monitoring_admin_password
# converge.yml's passwords, with the role's default user names.
PROMETHEUS_LOGIN = ("prometheus", "molecule-prometheus-7b2e")
ALERTMANAGER_LOGIN = ("alertmanager", "molecule-alertmanager-41ac")
GRAFANA_LOGIN = ("admin", ADMIN_PASSWORD)
PASSWORDS = [ADMIN_PASSWORD, PROMETHEUS_LOGIN[1], ALERTMANAGER_LOGIN[1]]
STACK = "monitoring"

# Run on manager1: a GET of each [url, login] of argv[1], with basic auth when login is [user, password]; prints
# [status, body] of each (status None while nothing listens), in one round trip to the node.
HTTP_GET = """
import base64, json, sys, urllib.error, urllib.request
def get(url, login):
    request = urllib.request.Request(url)
    if login:
        request.add_header("Authorization", "Basic " + base64.b64encode(":".join(login).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return [answer.status, answer.read().decode()]
    except urllib.error.HTTPError as error:
        return [error.code, ""]
    except OSError:
        return [None, None]
print(json.dumps([get(url, login) for url, login in json.loads(sys.argv[1])]))
"""


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


def http_requests(requests):
    """[HTTP status, body] of each (path, port, login) as http://127.0.0.1:port/path on manager1."""
    urls_and_logins = [(f"http://127.0.0.1:{port}{path}", login) for path, port, login in requests]
    return json.loads(node("manager1").check_output("python3 -c %s %s", HTTP_GET, json.dumps(urls_and_logins)))


def http_status_and_body(path, port, login=None):
    return tuple(http_requests([(path, port, login)])[0])


def http_get(path, port, login):
    """The body of an authenticated GET, or None while it does not answer 200."""
    status, body = http_status_and_body(path, port, login)
    return body if status == 200 else None


def prometheus_api(path):
    answer = http_get(f"/api/v1/{path}", 9090, PROMETHEUS_LOGIN)
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
    status = json.loads(wait_for("Alertmanager's status", lambda: http_get("/api/v2/status", 9093, ALERTMANAGER_LOGIN)))
    assert "team-webhook" in status["config"]["original"]
    assert status["cluster"]["status"] == "disabled"


def test_grafana_answers():
    health = json.loads(wait_for("Grafana's health", lambda: http_get("/api/health", 3000, None)))
    assert health["database"] == "ok"


def test_every_published_port_asks_for_a_password_and_takes_only_the_right_one():
    # Grafana is a stand-in here that checks the admin login as Grafana sets it up from its environment: the right
    # password is the one the role gave Grafana, and Grafana's default admin/admin is refused.
    endpoints = [
        (9090, "/api/v1/status/buildinfo", PROMETHEUS_LOGIN),
        (9093, "/api/v2/status", ALERTMANAGER_LOGIN),
        (3000, "/api/org", GRAFANA_LOGIN),
    ]
    tries = ["no login", "admin/admin", "a wrong password", "the password"]
    requests = [
        (path, port, tried_login)
        for port, path, login in endpoints
        for tried_login in (None, ("admin", "admin"), (login[0], login[1] + "-wrong"), login)
    ]

    def statuses_once_every_port_answers():
        statuses = [status for status, _body in http_requests(requests)]
        return statuses if None not in statuses else None

    statuses = wait_for("an answer on every published port", statuses_once_every_port_answers)
    seen = {
        port: dict(zip(tries, statuses[index * len(tries) :])) for index, (port, _path, _login) in enumerate(endpoints)
    }
    expected = {"no login": 401, "admin/admin": 401, "a wrong password": 401, "the password": 200}
    assert seen == {9090: expected, 9093: expected, 3000: expected}


def test_prometheus_logs_in_to_itself_and_to_alertmanager():
    def logged_in_jobs():
        targets = prometheus_api("targets")["activeTargets"]
        found = {
            target["labels"]["job"]: target
            for target in targets
            if target["labels"]["job"] in ("prometheus", "alertmanager")
        }
        return found if len(found) == 2 and all(target["health"] == "up" for target in found.values()) else None

    wait_for("the prometheus and alertmanager jobs up, with their passwords", logged_in_jobs)


@pytest.fixture(scope="module")
def service_specs():
    return json.loads(node("manager1").check_output("docker service inspect $(docker service ls --quiet)"))


def test_only_prometheus_alertmanager_and_grafana_publish_a_port(service_specs):
    published = {
        spec["Spec"]["Name"]: sorted(
            port["PublishedPort"] for port in spec["Spec"].get("EndpointSpec", {}).get("Ports", [])
        )
        for spec in service_specs
    }
    assert published == {
        f"{STACK}_prometheus": [9090],
        f"{STACK}_alertmanager": [9093],
        f"{STACK}_grafana": [3000],
        f"{STACK}_node-exporter": [],
        f"{STACK}_cadvisor": [],
    }


def test_the_passwords_are_secrets_given_only_to_their_clients_and_in_no_environment_or_config(service_specs):
    manager = node("manager1")
    secrets_of = {}
    for spec in service_specs:
        container = spec["Spec"]["TaskTemplate"]["ContainerSpec"]
        assert not any(password in variable for password in PASSWORDS for variable in container.get("Env", []))
        # A secret whose content changed is a new version, <stack>_<name>-<12 hex digits>.
        secrets_of[spec["Spec"]["Name"]] = sorted(
            re.sub(r"-[0-9a-f]{12}$", "", secret["SecretName"].removeprefix(f"{STACK}_"))
            for secret in container.get("Secrets", [])
        )
    assert secrets_of[f"{STACK}_grafana"] == ["grafana_admin_password", "prometheus_password"]
    assert secrets_of[f"{STACK}_prometheus"] == [
        "alertmanager_password",
        "prometheus_password",
        "prometheus_web_config",
    ]
    assert secrets_of[f"{STACK}_alertmanager"] == ["alertmanager_config", "alertmanager_web_config"]
    grafana = next(spec for spec in service_specs if spec["Spec"]["Name"] == f"{STACK}_grafana")
    grafana_environment = grafana["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"]
    assert "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password" in grafana_environment

    config_data = "".join(
        base64.b64decode(config["Spec"]["Data"]).decode()
        for config in json.loads(manager.check_output("docker config inspect $(docker config ls --quiet)"))
    )
    assert not [password for password in PASSWORDS if password in config_data]
    # The servers get only hashes.
    for server, login in (("prometheus", PROMETHEUS_LOGIN), ("alertmanager", ALERTMANAGER_LOGIN)):
        web_config = manager.file(f"/etc/swarmops/monitoring/secrets/{server}_web.yml").content_string
        assert login[1] not in web_config
        users = yaml.safe_load(web_config)["basic_auth_users"]
        assert list(users) == [login[0]] and users[login[0]].startswith("$2b$10$")


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

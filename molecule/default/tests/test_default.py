"""The default scenario: six nodes formed into one swarm of 3 managers and 3 workers, behind the swarm firewall."""

import json
import os

import pytest
import testinfra
import testinfra.utils.ansible_runner

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
INVENTORY = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY_FILE)
MANAGERS = INVENTORY.get_hosts("managers")
WORKERS = INVENTORY.get_hosts("workers")
LABELS = {"worker1": {"zone": "a"}, "worker2": {"zone": "b"}, "worker3": {"zone": "b", "ssd": ""}}

testinfra_hosts = MANAGERS + WORKERS


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


def swarm_info(host):
    return json.loads(host.check_output("docker info --format '{{json .Swarm}}'"))


@pytest.fixture(scope="module")
def node_list():
    """{hostname: `docker node ls` row} as the first manager sees it."""
    rows = node(MANAGERS[0]).check_output("docker node ls --format '{{json .}}'").splitlines()
    return {row["Hostname"]: row for row in map(json.loads, rows)}


def test_every_node_is_an_active_member_with_the_role_of_its_group(host):
    info = swarm_info(host)
    assert info["LocalNodeState"] == "active"
    assert info["ControlAvailable"] == (host.backend.get_hostname() in MANAGERS)


def test_the_managers_are_in_one_swarm():
    assert len({swarm_info(node(name))["Cluster"]["ID"] for name in MANAGERS}) == 1


def test_one_leader_two_standby_managers_three_workers_all_ready(node_list):
    assert sorted(node_list) == sorted(MANAGERS + WORKERS)
    assert all(row["Status"] == "Ready" for row in node_list.values())
    manager_statuses = sorted(row["ManagerStatus"] for name, row in node_list.items() if name in MANAGERS)
    assert manager_statuses == ["Leader", "Reachable", "Reachable"]
    assert all(node_list[name]["ManagerStatus"] == "" for name in WORKERS)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_workers_carry_the_labels_of_their_host_variables(name):
    labels = node(MANAGERS[0]).check_output("docker node inspect %s --format '{{json .Spec.Labels}}'" % name)
    assert json.loads(labels) == LABELS[name]


def test_the_swarm_ports_accept_exactly_the_cluster_nodes(host):
    addresses = sorted(node(name).interface("eth0").addresses[0] + "/32" for name in MANAGERS + WORKERS)
    chain = host.check_output("iptables -S SWARMOPS-SWARM").splitlines()
    accepted = sorted(line.split()[3] for line in chain if line.startswith("-A SWARMOPS-SWARM -s "))
    assert accepted == addresses
    assert chain[-1].endswith("-j DROP")
    jumps = host.check_output("iptables -S INPUT")
    assert ("--dport 2377" in jumps) == (host.backend.get_hostname() in MANAGERS)
    for port in ("--dport 7946", "--dport 4789"):
        assert port in jumps


def test_the_monitoring_stack_runs_every_task_it_wants():
    manager = node(MANAGERS[0])
    rows = manager.check_output(
        "docker service ls --filter label=com.docker.stack.namespace=monitoring "
        "--format '{{.Name}} {{.Mode}} {{.Replicas}}'"
    ).splitlines()
    services = {name: (mode, replicas) for name, mode, replicas in (row.split() for row in rows)}
    assert sorted(services) == [
        "monitoring_alertmanager",
        "monitoring_cadvisor",
        "monitoring_grafana",
        "monitoring_node-exporter",
        "monitoring_prometheus",
    ]
    everywhere = "%d/%d" % (len(MANAGERS + WORKERS), len(MANAGERS + WORKERS))
    assert services["monitoring_node-exporter"] == ("global", everywhere)
    assert services["monitoring_cadvisor"] == ("global", everywhere)
    assert {services[name] for name in ("monitoring_prometheus", "monitoring_alertmanager", "monitoring_grafana")} == {
        ("replicated", "1/1")
    }

"""The drain_leave scenario: worker2 and manager3 decommissioned under the web service by swarm_drain_leave."""

import json
import os

import pytest
import testinfra
import testinfra.utils.ansible_runner

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
INVENTORY = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY_FILE)
DECOMMISSIONED = ["worker2", "manager3"]
REMAINING_MANAGERS = ["manager1", "manager2"]
REMAINING = REMAINING_MANAGERS + ["worker1"]

testinfra_hosts = ["manager1"]


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


def docker_json(host, command):
    return json.loads(host.check_output(f"{command} --format '{{{{json .}}}}'"))


@pytest.fixture(scope="module")
def node_list():
    """{hostname: `docker node ls` row} as manager1 sees it."""
    rows = node("manager1").check_output("docker node ls --format '{{json .}}'").splitlines()
    return {row["Hostname"]: row for row in map(json.loads, rows)}


def test_replicas_never_fell_below_the_desired_count_minus_the_update_parallelism(host):
    sampled = json.loads(host.file("/tmp/swarmops-sampler/lowest.json").content_string)
    service = docker_json(host, "docker service inspect web")
    desired = service["Spec"]["Mode"]["Replicated"]["Replicas"]
    parallelism = service["Spec"]["UpdateConfig"]["Parallelism"]
    # The sampler watched the whole decommission: it ended because both nodes were gone and the replicas back.
    assert sampled["finished"], sampled
    assert sampled["gone"] == sorted(DECOMMISSIONED)
    assert sampled["desired"] == desired == 4
    assert sampled["samples"] >= 20, sampled
    assert sampled["lowest_running"] >= desired - parallelism, sampled


def test_the_decommissioned_nodes_are_gone_from_the_node_list(node_list):
    assert sorted(node_list) == sorted(REMAINING)
    assert all(row["Status"] == "Ready" for row in node_list.values())


@pytest.mark.parametrize("name", DECOMMISSIONED)
def test_the_decommissioned_hosts_are_out_of_any_swarm(name):
    assert docker_json(node(name), "docker info")["Swarm"]["LocalNodeState"] == "inactive"


def test_the_service_runs_all_its_replicas_on_the_remaining_nodes(host):
    tasks = host.check_output(
        "docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'"
    )
    rows = [line.split(maxsplit=1) for line in tasks.splitlines()]
    assert len(rows) == 4
    assert all(state.startswith("Running") and name in REMAINING for name, state in rows), rows


def test_two_managers_remain_reachable(node_list):
    statuses = sorted(node_list[name]["ManagerStatus"] for name in REMAINING_MANAGERS)
    assert statuses == ["Leader", "Reachable"]
    assert node_list["worker1"]["ManagerStatus"] == ""

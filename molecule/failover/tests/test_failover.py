"""The fail-over drill's aftermath: a new leader leads, the old one is back as a reachable manager, every node is
ready, and the service runs all its replicas."""

import json
import os
from pathlib import Path

import pytest
import testinfra
import testinfra.utils.ansible_runner

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
INVENTORY = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY_FILE)
MANAGERS = INVENTORY.get_hosts("managers")
WORKERS = INVENTORY.get_hosts("workers")
REPORT_FILE = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "failover_drill.json"


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


@pytest.fixture(scope="module")
def report():
    return json.loads(REPORT_FILE.read_text())


@pytest.fixture(scope="module")
def node_list():
    """{hostname: `docker node ls` row} as a manager that stayed up sees it."""
    rows = node(MANAGERS[0]).check_output("docker node ls --format '{{json .}}'").splitlines()
    return {row["Hostname"]: row for row in map(json.loads, rows)}


def test_the_drill_measured_every_step(report):
    assert report["old_leader"] in MANAGERS
    for step in ("leader_election_seconds", "replicas_recovered_seconds", "rejoin_seconds"):
        assert 0 < float(report[step]) < 300, step  # the drill's failover_drill_timeout (side_effect.yml)


def test_a_new_leader_leads_and_the_old_one_is_back_as_a_reachable_manager(report, node_list):
    assert report["new_leader"] != report["old_leader"]
    assert node_list[report["new_leader"]]["ManagerStatus"] == "Leader"
    assert node_list[report["old_leader"]]["ManagerStatus"] == "Reachable"
    assert sorted(row["ManagerStatus"] for name, row in node_list.items() if name in MANAGERS) == [
        "Leader",
        "Reachable",
        "Reachable",
    ]


def test_every_node_is_ready(node_list):
    assert sorted(node_list) == sorted(MANAGERS + WORKERS)
    assert all(row["Status"] == "Ready" for row in node_list.values())


def test_the_service_runs_all_its_replicas():
    service = json.loads(node(MANAGERS[0]).check_output("docker service ls --filter name=web --format '{{json .}}'"))
    assert service["Replicas"] == "4/4"

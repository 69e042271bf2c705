"""Names and addresses of sandbox nodes, all derived from one prefix (sandbox/layout.py)."""

import pytest

from sandbox.layout import (
    MANAGERS,
    WORKERS,
    Node,
    gateway_address,
    inventory_filename,
    network_name,
    node_names,
    node_order,
    plan_nodes,
    validate_prefix,
    volume_name,
)


def test_nodes_are_named_by_group_managers_first():
    assert node_names(2, 1) == [("manager1", MANAGERS), ("manager2", MANAGERS), ("worker1", WORKERS)]
    assert node_names(1, 0) == [("manager1", MANAGERS)]


@pytest.mark.parametrize("managers, workers", [(0, 3), (1, -1)])
def test_impossible_node_counts_are_refused(managers, workers):
    with pytest.raises(ValueError):
        node_names(managers, workers)


def test_plan_gives_fixed_addresses_after_the_gateway_and_prefixed_container_names():
    nodes = plan_nodes("tests", 2, 1, "172.30.0.0/24")
    assert gateway_address("172.30.0.0/24") == "172.30.0.1"
    assert nodes == [
        Node(name="manager1", container="tests-manager1", address="172.30.0.2", group=MANAGERS),
        Node(name="manager2", container="tests-manager2", address="172.30.0.3", group=MANAGERS),
        Node(name="worker1", container="tests-worker1", address="172.30.0.4", group=WORKERS),
    ]


def test_plan_refuses_a_subnet_too_small_for_the_nodes():
    with pytest.raises(ValueError, match="no room"):
        plan_nodes("tests", 3, 0, "172.30.0.0/30")


def test_every_name_comes_from_the_prefix():
    assert network_name("molecule") == "molecule-net"
    assert volume_name("molecule", "worker2") == "molecule-worker2-docker"
    assert inventory_filename("swarmops") == "inventory.yml"
    assert inventory_filename("molecule") == "inventory-molecule.yml"


@pytest.mark.parametrize("prefix", ["Swarm", "-swarm", "swarm_ops", ""])
def test_prefixes_that_make_bad_names_are_refused(prefix):
    with pytest.raises(ValueError):
        validate_prefix(prefix)


def test_node_order_is_numeric_and_managers_first():
    nodes = [Node(name, f"x-{name}", "", group) for name, group in node_names(10, 2)]
    shuffled = sorted(nodes, key=lambda node: node.name)
    assert sorted(shuffled, key=node_order) == nodes

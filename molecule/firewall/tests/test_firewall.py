"""The firewall scenario: the swarm ports answer the cluster's nodes and the trusted source and nobody else, and the
swarm still forms."""

import json
import os
import time

import pytest
import testinfra

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
CONTROL_PORT = 8000  # a port the role does not govern


def node(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY_FILE}")


def can_connect(source, target, port):
    """Whether a TCP connection from source to target:port opens within 3 s (a dropped SYN times out)."""
    probe = "import socket; socket.create_connection(('%s', %d), timeout=3).close()" % (target, port)
    return node(source).run("python3 -c \"%s\"" % probe).rc == 0


@pytest.fixture(scope="module")
def control_listener():
    """A listener on the manager outside the swarm ports, to show that the outsider's network path works."""
    manager = node("manager1")
    manager.run("setsid timeout 120 python3 -m http.server %d >/dev/null 2>&1 </dev/null &" % CONTROL_PORT)
    deadline = time.monotonic() + 30
    while not can_connect("manager1", "127.0.0.1", CONTROL_PORT):
        assert time.monotonic() < deadline, "the control listener on manager1 did not start within 30 s"
        time.sleep(0.5)


def send_datagrams(source, target, port, count=5):
    probe = "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor _ in range(%d): s.sendto(b'x', ('%s', %d))"
    node(source).check_output("python3 -c \"%s\"" % (probe % (count, target, port)))


def chain_packets(name):
    """{(target, source): packets} of the role's chain on a host: which rule took how much traffic."""
    rows = node(name).check_output("iptables -w -L SWARMOPS-SWARM -v -x -n").splitlines()[2:]
    return dict(((row.split()[2], row.split()[7]), int(row.split()[0])) for row in rows)


@pytest.mark.parametrize("source", ["worker1", "trusted"])
def test_a_member_and_the_trusted_source_reach_the_managers_swarm_ports(source):
    assert can_connect(source, "manager1", 2377)
    assert can_connect(source, "manager1", 7946)


@pytest.mark.parametrize("source, admitted", [("worker1", True), ("trusted", True), ("outsider", False)])
def test_overlay_data_on_4789_is_taken_from_the_cluster_and_the_trusted_source_only(source, admitted):
    # UDP has no handshake to watch, and the kernel's VXLAN socket answers nothing: the chain's counters tell
    # whether the role's rules accepted the datagrams from the source's address or dropped them.
    address = node(source).check_output("hostname -i").split()[0]
    before = chain_packets("manager1")
    send_datagrams(source, "manager1", 4789)
    after = chain_packets("manager1")
    accepted = after.get(("ACCEPT", address), 0) - before.get(("ACCEPT", address), 0)
    dropped = after[("DROP", "0.0.0.0/0")] - before[("DROP", "0.0.0.0/0")]
    if admitted:
        assert accepted >= 5 and dropped == 0, (accepted, dropped)
    else:
        assert accepted == 0 and dropped >= 5, (accepted, dropped)


@pytest.mark.parametrize("target, port", [("manager1", 2377), ("manager1", 7946), ("worker1", 7946)])
def test_the_outsider_cannot_reach_a_swarm_port(target, port):
    assert not can_connect("outsider", target, port)


def test_the_outsider_still_reaches_the_managers_other_ports(control_listener):
    assert can_connect("outsider", "manager1", CONTROL_PORT)


def test_the_swarm_formed_through_the_firewall():
    rows = node("manager1").check_output("docker node ls --format '{{json .}}'").splitlines()
    nodes = {row["Hostname"]: row for row in map(json.loads, rows)}
    assert sorted(nodes) == ["manager1", "worker1"]
    assert all(row["Status"] == "Ready" for row in nodes.values())


@pytest.mark.parametrize("name", ["manager1", "worker1"])
def test_trusted_sources_and_esp_are_accepted_and_the_rules_saved(name):
    host = node(name)
    chain = host.check_output("iptables -S SWARMOPS-SWARM")
    for source in ("192.0.2.10/32", "198.51.100.0/24"):
        assert "-s %s " % source in chain
    assert "-p esp" in host.check_output("iptables -S INPUT")
    assert ":SWARMOPS-SWARM" in host.file("/etc/iptables/rules.v4").content_string


@pytest.mark.parametrize("name", ["manager1", "worker1"])
def test_an_ipv6_trusted_source_brings_the_same_rules_to_ip6tables(name):
    host = node(name)
    chain = host.check_output("ip6tables -S SWARMOPS-SWARM").splitlines()
    assert "-A SWARMOPS-SWARM -s 2001:db8::/64 -m comment --comment \"swarmops.swarm\" -j ACCEPT" in chain
    assert chain[-1].endswith("-j DROP")
    assert "--dport 7946" in host.check_output("ip6tables -S INPUT")
    assert ":SWARMOPS-SWARM" in host.file("/etc/iptables/rules.v6").content_string


def test_a_worker_does_not_open_the_management_port():
    assert "--dport 2377" not in node("worker1").check_output("iptables -S INPUT")


@pytest.mark.parametrize("name", ["outsider", "trusted"])
def test_containers_outside_the_cluster_are_left_alone(name):
    assert node(name).run("iptables -S SWARMOPS-SWARM").rc != 0

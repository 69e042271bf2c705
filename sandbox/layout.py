"""Names, labels and addresses of a sandbox's nodes: pure logic, no Docker.

Every name a sandbox owns on the host engine (containers, volumes, network, inventory file) is derived from one
prefix, so two sandboxes with different prefixes (tests and Molecule, say) never touch each other's resources.
"""

import ipaddress
import re
from dataclasses import dataclass

DEFAULT_PREFIX = "swarmops"

# Every container, volume and network of a sandbox carries LABEL=<prefix>: that is how stale ones are found.
LABEL = "io.swarmops.sandbox"
NODE_LABEL = f"{LABEL}.node"
GROUP_LABEL = f"{LABEL}.group"
BARE_LABEL = f"{LABEL}.bare"  # "true" on a bare node (systemd, no engine in the image)

MANAGERS = "managers"
WORKERS = "workers"
GROUPS = (MANAGERS, WORKERS)


@dataclass(frozen=True)
class Node:
    name: str  # inventory host name and the container's hostname, e.g. manager1
    container: str  # container name on the host engine, e.g. swarmops-manager1
    address: str  # IPv4 address on the sandbox network
    group: str  # MANAGERS or WORKERS


def container_name(prefix, node_name):
    return f"{prefix}-{node_name}"


def volume_name(prefix, node_name):
    return f"{prefix}-{node_name}-docker"


def network_name(prefix):
    return f"{prefix}-net"


def inventory_filename(prefix):
    return "inventory.yml" if prefix == DEFAULT_PREFIX else f"inventory-{prefix}.yml"


def validate_prefix(prefix):
    # Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; hostnames and YAML keys are simpler with lower case.
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        raise ValueError(f"sandbox prefix {prefix!r} must be lower-case letters, digits and dashes")
    return prefix


def node_names(managers, workers):
    """(name, group) of every node, managers first: manager1..N, worker1..M."""
    if managers < 1:
        raise ValueError("a sandbox needs at least one manager")
    if workers < 0:
        raise ValueError("the number of workers cannot be negative")
    return [(f"manager{i}", MANAGERS) for i in range(1, managers + 1)] + [
        (f"worker{i}", WORKERS) for i in range(1, workers + 1)
    ]


def gateway_address(subnet):
    """The sandbox network's gateway: its first host address, given explicitly when the network is created."""
    return str(next(ipaddress.ip_network(subnet).hosts()))


def plan_nodes(prefix, managers, workers, subnet):
    """The nodes to create, each with a fixed address in subnet after the gateway.

    Fixed addresses keep a node's swarm advertise address valid across a stop and start of its container; a
    dynamically assigned one can move to another node that starts first.
    """
    names = node_names(managers, workers)
    gateway = gateway_address(subnet)
    free = (str(host) for host in ipaddress.ip_network(subnet).hosts() if str(host) != gateway)
    nodes = []
    for name, group in names:
        address = next(free, None)
        if address is None:
            raise ValueError(f"subnet {subnet} has no room for {len(names)} nodes")
        nodes.append(Node(name=name, container=container_name(prefix, name), address=address, group=group))
    return nodes


def node_order(node):
    """Sort key that lists managers before workers and manager2 before manager10."""
    return GROUPS.index(node.group), int(re.sub(r"\D", "", node.name) or 0)

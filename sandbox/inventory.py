"""The Ansible inventory of a sandbox: pure rendering, no Docker."""

import yaml

from .layout import GROUPS

# Ansible reaches the nodes with `docker exec` through the host engine, so no SSH runs in them.
CONNECTION_VARS = {
    "ansible_connection": "community.docker.docker",
    "ansible_python_interpreter": "/usr/bin/python3",
}


def render_inventory(nodes):
    """YAML inventory with the groups managers and workers (both always present, maybe empty).

    ansible_host is the container name the docker connection execs into; sandbox_address is the node's address
    on the sandbox network, the one swarm init/join advertise.
    """
    groups = {group: {"hosts": {}} for group in GROUPS}
    for node in nodes:
        groups[node.group]["hosts"][node.name] = {"ansible_host": node.container, "sandbox_address": node.address}
    inventory = {"all": {"vars": dict(CONNECTION_VARS), "children": groups}}
    return "# Written by swarm-sandbox up; rewritten on every run.\n" + yaml.safe_dump(inventory, sort_keys=False)

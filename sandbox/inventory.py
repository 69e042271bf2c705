"""The Ansible inventory of a sandbox: pure rendering, no Docker."""

import yaml

from .layout import GROUPS

# Ansible reaches the nodes with `docker exec` through the host engine, so no SSH runs in them.
CONNECTION_VARS = {
    "ansible_connection": "community.docker.docker",
    "ansible_python_interpreter": "/usr/bin/python3",
}


# The swarm_monitoring role's variables for the images the sandbox built (swarm-sandbox images --monitoring), by
# image name.
MONITORING_IMAGE_VARS = {
    "prometheus": "swarm_monitoring_prometheus_image",
    "node-exporter": "swarm_monitoring_node_exporter_image",
    "cadvisor": "swarm_monitoring_cadvisor_image",
    "alertmanager": "swarm_monitoring_alertmanager_image",
    "grafana": "swarm_monitoring_grafana_image",
}


def monitoring_vars(monitoring_images):
    """What the monitoring stack needs to run in the sandbox: the locally built images; host-mode ports and dnsrr
    endpoints, as the nodes have no IPVS for the routing mesh; no /dev/disk mount for cAdvisor (the nodes are
    containers without it). The role's required passwords are not among them, as the inventory is a plain file: the
    caller gives them (scripts/demo.sh from .sandbox/demo-secrets.yml, a test its own)."""
    return {
        **{MONITORING_IMAGE_VARS[name]: tag for name, tag in sorted(monitoring_images.items())},
        "swarm_monitoring_publish_mode": "host",
        "swarm_monitoring_endpoint_mode": "dnsrr",
        "swarm_monitoring_cadvisor_mounts": [
            {"type": "bind", "source": "/var/run", "target": "/var/run", "read_only": True},
            {"type": "bind", "source": "/sys", "target": "/sys", "read_only": True},
        ],
    }


# Nodes whose engine the sandbox runs (dockerd as the container's command): site.yml leaves the engine alone there.
# On bare nodes the swarm_engine role installs and runs it, as on fresh hosts.
PREBUILT_ENGINE_VARS = {"site_engine": False}


def render_inventory(nodes, monitoring_images=None, bare=False):
    """YAML inventory with the groups managers and workers (both always present, maybe empty).

    ansible_host is the container name the docker connection execs into; sandbox_address is the node's address
    on the sandbox network, the one swarm init/join advertise. With monitoring_images ({image name: tag}, loaded in
    every node), the swarm_monitoring role's variables for the sandbox are set for all hosts too.
    """
    groups = {group: {"hosts": {}} for group in GROUPS}
    for node in nodes:
        groups[node.group]["hosts"][node.name] = {"ansible_host": node.container, "sandbox_address": node.address}
    variables = dict(CONNECTION_VARS)
    if not bare:
        variables.update(PREBUILT_ENGINE_VARS)
    if monitoring_images:
        variables.update(monitoring_vars(monitoring_images))
    inventory = {"all": {"vars": variables, "children": groups}}
    return "# Written by swarm-sandbox up; rewritten on every run.\n" + yaml.safe_dump(inventory, sort_keys=False)

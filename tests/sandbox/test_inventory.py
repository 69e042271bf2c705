"""The Ansible inventory that `swarm-sandbox up` writes (sandbox/inventory.py)."""

import yaml

from sandbox.inventory import render_inventory
from sandbox.layout import plan_nodes


def test_inventory_has_both_groups_and_what_the_docker_connection_needs():
    inventory = yaml.safe_load(render_inventory(plan_nodes("swarmops", 2, 1, "172.30.0.0/24")))["all"]
    assert inventory["vars"] == {
        "ansible_connection": "community.docker.docker",
        "ansible_python_interpreter": "/usr/bin/python3",
        "site_engine": False,
    }
    assert inventory["children"]["managers"]["hosts"] == {
        "manager1": {"ansible_host": "swarmops-manager1", "sandbox_address": "172.30.0.2"},
        "manager2": {"ansible_host": "swarmops-manager2", "sandbox_address": "172.30.0.3"},
    }
    assert inventory["children"]["workers"]["hosts"] == {
        "worker1": {"ansible_host": "swarmops-worker1", "sandbox_address": "172.30.0.4"},
    }


def test_bare_hosts_leave_the_engine_to_site_yml():
    # The sandbox runs the engine of its prebuilt nodes; on bare ones the swarm_engine role installs it.
    inventory = yaml.safe_load(render_inventory(plan_nodes("swarmops", 1, 1, "172.30.0.0/24"), bare=True))["all"]
    assert "site_engine" not in inventory["vars"]
    assert inventory["vars"]["ansible_connection"] == "community.docker.docker"


def test_a_sandbox_without_workers_still_has_a_workers_group():
    inventory = yaml.safe_load(render_inventory(plan_nodes("swarmops", 1, 0, "172.30.0.0/24")))["all"]
    assert inventory["children"]["workers"] == {"hosts": {}}


def test_a_monitoring_sandbox_sets_the_roles_images_and_the_modes_the_nodes_support():
    images = {
        "prometheus": "swarmops/prometheus:2.42.0",
        "node-exporter": "swarmops/node-exporter:1.5.0",
        "alertmanager": "swarmops/alertmanager:0.25.0",
        "cadvisor": "swarmops/cadvisor-stand-in:1",
        "grafana": "swarmops/grafana-stand-in:1",
    }
    variables = yaml.safe_load(render_inventory(plan_nodes("swarmops", 1, 1, "172.30.0.0/24"), images))["all"]["vars"]
    assert variables["swarm_monitoring_prometheus_image"] == "swarmops/prometheus:2.42.0"
    assert variables["swarm_monitoring_node_exporter_image"] == "swarmops/node-exporter:1.5.0"
    assert variables["swarm_monitoring_grafana_image"] == "swarmops/grafana-stand-in:1"
    assert (variables["swarm_monitoring_publish_mode"], variables["swarm_monitoring_endpoint_mode"]) == (
        "host",
        "dnsrr",
    )
    assert "/dev/disk" not in [mount["source"] for mount in variables["swarm_monitoring_cadvisor_mounts"]]
    assert variables["ansible_connection"] == "community.docker.docker"

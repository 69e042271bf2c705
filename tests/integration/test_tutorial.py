# -*- coding: utf-8 -*-
"""docs/tutorial.md, run as written on six bare sandbox hosts (systemd, no Docker): every step's commands, in order,
with assertions on what the cluster is after each step, so the tutorial stays true.

The steps are the fenced blocks that follow a ``<!-- tutorial: NAME -->`` line. The inventory step is YAML and is
compared with the sandbox's (same groups and hosts; the sandbox connects with community.docker.docker instead of
SSH, so its own inventory is the one used); every other step is shell, run with bash in one working directory.
"""

import json
import os
import re
import subprocess

import pytest
import yaml

from tests.integration.ansible_runner import REPO_ROOT, ansible_environment
from tests.integration.conftest import started_sandbox

TUTORIAL = REPO_ROOT / 'docs' / 'tutorial.md'
PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-tutorial'
STEP = re.compile(
    r'^<!-- tutorial: (?P<name>[\w-]+) -->\n```(?P<language>\w+)\n(?P<body>.*?)^```$', re.MULTILINE | re.DOTALL
)


def tutorial_steps():
    return dict((match.group('name'), match.group('body')) for match in STEP.finditer(TUTORIAL.read_text()))


STEPS = tutorial_steps()


@pytest.fixture(scope='module')
def hosts():
    with started_sandbox(managers=3, workers=3, name_prefix=PREFIX, bare=True, monitoring=True) as swarm:
        yield swarm


@pytest.fixture(scope='module')
def workdir(hosts, tmp_path_factory):
    """The operator's directory: the sandbox's inventory as inventory.yml, with the tutorial's host variables."""
    directory = tmp_path_factory.mktemp('tutorial')
    tutorial_inventory = yaml.safe_load(STEPS['inventory'])
    inventory = yaml.safe_load(hosts.inventory.read_text())
    for group, members in tutorial_inventory['all']['children'].items():
        sandbox_hosts = inventory['all']['children'][group]['hosts']
        for host, variables in members['hosts'].items():
            sandbox_hosts[host].update((key, value) for key, value in variables.items() if key != 'ansible_host')
    (directory / 'inventory.yml').write_text(yaml.safe_dump(inventory))
    return directory


def run_step(workdir, name):
    completed = subprocess.run(
        ['bash', '-euo', 'pipefail', '-c', STEPS[name]],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        # The output as an operator sees it without this repository's ansible.cfg (which asks for YAML): JSON.
        env=ansible_environment(ANSIBLE_CALLBACK_RESULT_FORMAT='json'),
        timeout=1200,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, 'tutorial step %s failed (rc %d):\n%s' % (name, completed.returncode, output)
    return output


def recap(output):
    return dict(
        (host, dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counters)))
        for host, counters in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', output, re.MULTILINE)
    )


def node_list(hosts, manager):
    rows = hosts.sh(manager, "docker node ls --format '{{json .}}'").splitlines()
    return dict((row['Hostname'], row) for row in map(json.loads, rows))


def test_the_tutorial_inventory_has_the_lecture_topology_of_the_sandbox(hosts):
    groups = yaml.safe_load(STEPS['inventory'])['all']['children']
    assert sorted(groups['managers']['hosts']) == hosts.managers
    assert sorted(groups['workers']['hosts']) == hosts.workers


def test_every_step_is_run_by_this_test():
    assert list(STEPS) == [
        'inventory',
        'secrets',
        'site',
        'site-again',
        'nodes',
        'prometheus',
        'failover',
        'leader',
        'autolock',
        'lock',
        'unlock',
    ]


def test_site_installs_docker_on_fresh_hosts_and_forms_the_monitored_swarm(hosts, workdir):
    for name in hosts.managers + hosts.workers:
        assert hosts.sandbox.exec(name, 'command -v dockerd')[0] != 0, '%s is not a fresh host' % name
    run_step(workdir, 'secrets')
    assert oct((workdir / 'secrets.yml').stat().st_mode & 0o777) == '0o600'

    output = run_step(workdir, 'site')
    assert all(counters['failed'] == 0 for counters in recap(output).values())
    nodes = node_list(hosts, 'manager1')
    assert sorted(nodes) == sorted(hosts.managers + hosts.workers)
    assert all(row['Status'] == 'Ready' for row in nodes.values())
    assert sorted(row['ManagerStatus'] for name, row in nodes.items() if name in hosts.managers) == [
        'Leader',
        'Reachable',
        'Reachable',
    ]
    assert json.loads(hosts.sh('manager1', "docker node inspect worker2 --format '{{json .Spec.Labels}}'")) == {
        'zone': 'b'
    }
    for name in hosts.managers + hosts.workers:
        assert hosts.sh(name, 'systemctl is-active docker') == 'active'
    services = hosts.sh('manager1', "docker stack services monitoring --format '{{.Name}}'").split()
    assert 'monitoring_prometheus' in services and 'monitoring_node-exporter' in services

    again = recap(run_step(workdir, 'site-again'))
    assert sorted(again) == sorted(nodes)
    assert all(counters['changed'] == 0 and counters['failed'] == 0 for counters in again.values()), again


def test_swarm_info_lists_the_nodes_and_prometheus_scrapes_every_host(hosts, workdir):
    output = run_step(workdir, 'nodes')
    assert output.count('"hostname": ') == 6 and '"leader": true' in output
    assert '"6"' in run_step(workdir, 'prometheus'), 'Prometheus does not see 6 node-exporters up'


def test_the_leader_moves_when_its_engine_stops_and_comes_back_as_a_manager(hosts, workdir):
    leader_before = [name for name, row in node_list(hosts, 'manager2').items() if row['ManagerStatus'] == 'Leader']
    run_step(workdir, 'failover')
    output = run_step(workdir, 'leader')
    leaders = re.findall(r'^(\S+) \| SUCCESS => \{\n\s+"is_leader": true', output, re.MULTILINE)
    assert len(leaders) == 1 and leaders != leader_before, output
    nodes = node_list(hosts, leaders[0])
    assert nodes[leader_before[0]]['ManagerStatus'] == 'Reachable'
    assert all(row['Status'] == 'Ready' for row in nodes.values())


def test_autolock_locks_a_restarted_manager_until_the_key_is_given(hosts, workdir):
    output = run_step(workdir, 'autolock')
    key = (workdir / 'unlock-key.txt').read_text().strip()
    assert key.startswith('SWMKEY-1-') and key not in output
    assert hosts.swarm_inspect('manager1')['Spec']['EncryptionConfig']['AutoLockManagers'] is True

    assert '"local_node_state": "locked"' in run_step(workdir, 'lock')
    assert hosts.swarm_info('manager3')['LocalNodeState'] == 'locked'

    output = run_step(workdir, 'unlock')
    assert '"local_node_state": "active"' in output and key not in output
    assert hosts.swarm_info('manager3')['ControlAvailable'] is True

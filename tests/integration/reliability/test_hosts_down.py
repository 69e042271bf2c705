# -*- coding: utf-8 -*-
"""Runs with hosts down, on the lecture's topology (3 managers, 3 workers): site.yml forms the monitored swarm; with
a manager and a worker stopped, site.yml run again converges the four others, reports the two as unreachable, keeps
admitting them in the others' firewalls and says what remains to do for them; once they are started again, a run
converges them and the swarm has its six nodes back.

Ansible reaches the nodes here with the community.docker.docker_api connection: it reports a stopped node container
as unreachable, as SSH does a host that is down. (The docker CLI connection of the other tests reports the failed
`docker exec` as a failed task instead.)
"""

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.conftest import SUITE, started_sandbox
from tests.integration.waiting import wait_for

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-down'
PLAYBOOKS = REPO_ROOT / 'playbooks'
DOWN = ['manager1', 'worker3']  # manager1 created the swarm: its leader, and the first host of the managers group
UNREACHABLE_RC = 4  # ansible-playbook's exit status when hosts were unreachable and none failed
PASSWORDS = {
    'swarm_monitoring_admin_password': 'hosts-down-admin',
    'swarm_monitoring_prometheus_password': 'hosts-down-prometheus',
    'swarm_monitoring_alertmanager_password': 'hosts-down-alertmanager',
}


@pytest.fixture(scope='module')
def lecture():
    with started_sandbox(managers=3, workers=3, name_prefix=PREFIX, suite=SUITE, monitoring=True) as swarm:
        yield swarm


SHOP = """
services:
  web:
    image: swarmops/web:1
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
"""


# The docker_api connection now and then loses the output of a command on a heavily loaded machine (community.docker
# issue 644, open): Ansible then reports a node that answers as unreachable, most often because it could not make
# its temporary folder there (reported unreachable, or as that failed task). Only that makes a run be repeated, once: a
# second run of these playbooks converges as the first would, and its recap is the one asserted on.
# The same loss reported as a failed task, when the temporary folder's command returned nothing.
LOST_EXEC_OUTPUT = 'failed to resolve remote temporary directory from'


def playbook(swarm, name, down=(), **variables):
    """Run playbooks/NAME.yml with the hosts in DOWN stopped; return (returncode, output, the output's words on one
    line: the yaml callback wraps long messages)."""
    variables = dict(variables, ansible_connection='community.docker.docker_api')
    arguments = (swarm.inventory, PLAYBOOKS / (name + '.yml'), '-e', json.dumps(variables))
    returncode, output = run_playbook(*arguments, check=False)
    lost = unreachable_though_up(output, down)
    if lost or LOST_EXEC_OUTPUT in output:
        print('%s: a command\'s output was lost on %s (community.docker issue 644); running it again' % (name, lost))
        print('\n'.join(unreachable_lines(output)))
        returncode, output = run_playbook(*arguments, check=False)
    return returncode, output, ' '.join(output.split())


def unreachable_though_up(output, down):
    """The hosts of the recap reported unreachable that are not among the stopped ones."""
    return sorted(host for host, row in recap(output).items() if row.get('unreachable') and host not in down)


def unreachable_lines(output):
    """Ansible's UNREACHABLE lines, which say why."""
    return [line for line in output.splitlines() if 'UNREACHABLE!' in line]


def site(swarm, down=()):
    return playbook(swarm, 'site', down=down, **PASSWORDS)


def recap(output):
    """{host: {'ok': n, 'changed': n, 'unreachable': n, 'failed': n, ...}} from the last PLAY RECAP."""
    hosts = {}
    for host, counters in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', output, re.MULTILINE):
        hosts[host] = dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counters))
    return hosts


def nodes_seen_by(swarm, manager):
    """`docker node ls` on a manager as {hostname: (status, manager status)}, or None while it cannot answer (the
    managers electing a new leader)."""
    try:
        rc, stdout, _stderr = swarm.sandbox.exec(manager, "docker node ls --format '{{json .}}'", timeout=15)
    except subprocess.TimeoutExpired:
        return None
    if rc != 0:
        return None
    rows = map(json.loads, stdout.splitlines())
    return dict((row['Hostname'], (row['Status'], row['ManagerStatus'])) for row in rows)


def swarm_chain_sources(swarm, node):
    """The sources the role's iptables chain accepts on a node."""
    chain = swarm.sh(node, 'iptables -w -S SWARMOPS-SWARM')
    return set(re.findall(r'^-A SWARMOPS-SWARM -s (\S+)/32 .* -j ACCEPT$', chain, re.MULTILINE))


def test_site_converges_the_hosts_that_answer_and_the_stopped_ones_once_they_are_back(lecture, tmp_path):
    hosts = lecture.managers + lecture.workers
    addresses = set(lecture.address[host] for host in hosts)
    returncode, output, _said = site(lecture)
    assert returncode == 0, output
    assert all(status == 'Ready' for status, _manager_status in nodes_seen_by(lecture, 'manager1').values())

    both(lecture.sandbox.stop_node)
    # The run starts once the swarm has noticed: a new leader elected, both nodes down.
    wait_for(lambda: stopped_seen(nodes_seen_by(lecture, 'manager2')), 'a new leader, and manager1 and worker3 down')

    returncode, output, said = site(lecture, down=DOWN)

    counters = recap(output)
    assert returncode == UNREACHABLE_RC, output
    for host in DOWN:
        assert counters[host]['unreachable'] == 1 and counters[host]['failed'] == 0, counters[host]
    answering = [host for host in hosts if host not in DOWN]
    for host in answering:
        assert counters[host]['unreachable'] == 0 and counters[host]['failed'] == 0, (
            counters[host],
            unreachable_lines(output),
        )
    # Every play ran on the hosts that answered: the cluster's summary, the monitoring stack, the last summary.
    assert 'not in this play (did not answer, or failed): manager1, worker3' in said
    assert re.search(
        r'TASK \[swarmops\.swarm\.swarm_monitoring : Deploy the monitoring stack\] \*+\n(skipping: .*\n)*ok: \[manager2\]',
        output,
    )
    assert 'Skipped: manager1, worker3.' in said
    assert 'manager1: the swarm lists it as manager, down, unreachable' in said
    assert 'Managers reachable: 2 of 3, 2 needed for quorum' in said
    # The firewalls of the hosts that answered still admit the stopped ones.
    for host in answering:
        assert swarm_chain_sources(lecture, host) == addresses, host
    for host in DOWN:
        assert '%s did not answer: admitted as %s, from the swarm' % (host, lecture.address[host]) in said

    # The playbooks that run once, through a manager, pass over manager1 and work through manager2.
    compose = tmp_path / 'shop.yml'
    compose.write_text(SHOP)
    returncode, output, said = playbook(
        lecture, 'deploy_stack', down=DOWN, deploy_stack_name='shop', deploy_stack_compose_files=str(compose)
    )
    counters = recap(output)
    assert returncode == UNREACHABLE_RC and counters['manager1']['unreachable'] == 1, output
    assert counters['manager2']['changed'] == 1 and counters['manager2']['failed'] == 0, counters
    assert 'Skipped: manager1.' in said and 'it was deployed through manager2' in said
    returncode, output, said = playbook(
        lecture,
        'rolling_update',
        down=DOWN,
        rolling_update_service='shop_web',
        rolling_update_image='swarmops/web:2',
        rolling_update_delay='1s',
        rolling_update_monitor='1s',
    )
    assert returncode == UNREACHABLE_RC and recap(output)['manager1']['unreachable'] == 1, output
    assert 'Skipped: manager1.' in said and 'it was updated through manager2' in said
    assert lecture.sh('manager2', "docker service ls --filter name=shop_web --format '{{.Image}} {{.Replicas}}'") == (
        'swarmops/web:2 1/1'
    )

    both(lecture.sandbox.start_node)
    # A node container's restart empties its network namespace, iptables rules included (the role's
    # swarm_firewall_iptables_persist saves them for a restore at boot, which the sandbox nodes do not run).
    assert lecture.sandbox.exec('worker3', 'iptables -w -S SWARMOPS-SWARM')[0] != 0

    returncode, output, _said = site(lecture)

    assert returncode == 0, output
    assert all(row['unreachable'] == 0 and row['failed'] == 0 for row in recap(output).values())
    assert 'Skipped:' not in output
    for host in hosts:
        assert swarm_chain_sources(lecture, host) == addresses, host
    wait_for(lambda: swarm_back(nodes_seen_by(lecture, 'manager2'), lecture), 'six nodes Ready, manager1 Reachable')


def both(action):
    """action(host) for the stopped hosts, at the same time."""
    with ThreadPoolExecutor(max_workers=len(DOWN)) as pool:
        list(pool.map(action, DOWN))


def stopped_seen(nodes):
    """The swarm has a leader again (manager2 answers) and lists both stopped nodes down."""
    return nodes is not None and nodes['manager1'] == ('Down', 'Unreachable') and nodes['worker3'][0] == 'Down'


def swarm_back(nodes, swarm):
    """Every node Ready, manager1 Reachable again, one leader among the managers and no other manager status."""
    if nodes is None or set(nodes) != set(swarm.managers + swarm.workers):
        return False
    statuses = [nodes[host][1] for host in swarm.managers]
    return (
        all(status == 'Ready' for status, _manager_status in nodes.values())
        and nodes['manager1'][1] == 'Reachable'
        and sorted(statuses) == ['Leader', 'Reachable', 'Reachable']
        and all(nodes[host][1] == '' for host in swarm.workers)
    )

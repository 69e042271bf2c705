# -*- coding: utf-8 -*-
"""playbooks/cluster.yml forms the sandbox's swarm from bare engines, idempotently, and never shows a secret."""

import re

from tests.integration.ansible_runner import REPO_ROOT, run_playbook

PLAYBOOK = REPO_ROOT / 'playbooks' / 'cluster.yml'


def recap(output):
    """{host: {'ok': n, 'changed': n, 'failed': n, ...}} from the PLAY RECAP."""
    hosts = {}
    for host, counters in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', output, re.MULTILINE):
        hosts[host] = dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counters))
    return hosts


def test_forms_the_swarm_then_changes_nothing_and_never_shows_a_token(swarm_sandbox):
    swarm_sandbox.reset()
    first_output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv')[1]

    nodes = swarm_sandbox.node_list('manager1')
    assert set(nodes) == set(swarm_sandbox.managers + swarm_sandbox.workers)
    assert all(node['status'] == 'Ready' for node in nodes.values())
    assert [name for name, node in sorted(nodes.items()) if node['manager_status']] == swarm_sandbox.managers
    assert nodes['manager1']['manager_status'] == 'Leader'
    assert recap(first_output)['worker2']['changed'] == 1

    second_output = run_playbook(swarm_sandbox.inventory, PLAYBOOK, '--diff', '-vvv')[1]
    assert set(recap(second_output)) == set(nodes)
    assert all(counters['changed'] == 0 and counters['failed'] == 0 for counters in recap(second_output).values())

    secrets = [swarm_sandbox.token('manager1', 'worker'), swarm_sandbox.token('manager1', 'manager')]
    for output in (first_output, second_output):
        for secret in secrets:
            assert secret not in output
            assert secret.split('-')[-1] not in output, 'the secret part of a join token was shown'

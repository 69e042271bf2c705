# -*- coding: utf-8 -*-
"""playbooks/failover_drill.yml refuses to stop the leader of a swarm that would lose its quorum without it (the
drill itself runs in the Molecule scenario `failover`)."""

from tests.integration.ansible_runner import REPO_ROOT, run_playbook


def test_refuses_to_run_with_fewer_than_three_managers(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2'], workers=['worker1'])
    swarm_sandbox.sh(
        'manager3',
        'docker swarm join --token %s %s:2377'
        % (swarm_sandbox.token('manager1', 'worker'), swarm_sandbox.address['manager1']),
    )

    returncode, output = run_playbook(
        swarm_sandbox.inventory, REPO_ROOT / 'playbooks' / 'failover_drill.yml', check=False
    )

    assert returncode != 0
    assert 'The swarm has 2 manager(s): a drill needs at least 3' in ' '.join(output.split())
    assert swarm_sandbox.swarm_info('manager1')['ControlAvailable'], 'the leader was stopped'

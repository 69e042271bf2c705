# -*- coding: utf-8 -*-
"""Autolock on the real sandbox: a restarted manager is locked; swarm_unlock brings it back, once."""

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_unlock'


def test_a_restarted_manager_is_unlocked_and_a_wrong_key_changes_nothing(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2', 'manager3'], workers=[])
    locked = run_module(swarm_sandbox.inventory, 'manager1', 'swarmops.swarm.swarm_init', dict(autolock_managers=True))
    unlock_key = locked['unlock_key']
    assert unlock_key.startswith('SWMKEY-1-')

    swarm_sandbox.sandbox.stop_node('manager3')
    swarm_sandbox.sandbox.start_node('manager3')
    assert swarm_sandbox.swarm_info('manager3')['LocalNodeState'] == 'locked'

    wrong_key = 'SWMKEY-1-' + 'A' * (len(unlock_key) - len('SWMKEY-1-'))
    refused = run_module(swarm_sandbox.inventory, 'manager3', MODULE, dict(unlock_key=wrong_key), expect_failure=True)
    assert 'The manager stays locked' in refused['msg']
    assert wrong_key not in str(refused)
    assert swarm_sandbox.swarm_info('manager3')['LocalNodeState'] == 'locked'

    result = run_four_times(swarm_sandbox.inventory, 'manager3', MODULE, dict(unlock_key=unlock_key))
    assert result['local_node_state'] == 'active'
    assert unlock_key not in str(result)
    assert swarm_sandbox.node_list('manager1')['manager3']['manager_status'] == 'Reachable'


def test_rotating_the_unlock_key_returns_the_new_key(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=[])
    first = run_module(swarm_sandbox.inventory, 'manager1', 'swarmops.swarm.swarm_init', dict(autolock_managers=True))
    rotated = run_module(
        swarm_sandbox.inventory,
        'manager1',
        'swarmops.swarm.swarm_init',
        dict(autolock_managers=True, rotate_unlock_key=True),
    )
    assert rotated.changed and rotated['unlock_key'] != first['unlock_key']
    assert rotated['unlock_key'] == swarm_sandbox.sh('manager1', 'docker swarm unlock-key -q')

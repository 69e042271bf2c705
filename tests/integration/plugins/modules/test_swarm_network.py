# -*- coding: utf-8 -*-
"""swarm_network against the real sandbox: an attachable encrypted overlay with its own subnet, a service running
on it, a settings change refused without recreate, a forced re-creation that puts the service on the new network,
and removal refused while the service uses it.

The tests run in order on the same network. The service on it is created with the docker CLI, as a user's own
service would be. The ingress network is not re-created here: the sandbox is shared by the module tests, and its
re-creation is unit-tested (tests/unit/plugins/module_utils/test_swarm_networks.py).
"""

import json

import pytest

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_network'
MANAGER = 'manager1'
NETWORK = dict(name='shop_back', attachable=True, encrypted=True, ipam=dict(config=[dict(subnet='10.77.0.0/24')]))
MOVED = dict(NETWORK, ipam=dict(config=[dict(subnet='10.78.0.0/24')]))
# A short stability window: what the rollout waits for is not what these tests are about.
WAIT = dict(wait_stability='1s', wait_timeout=120)


@pytest.fixture(scope='module')
def swarm(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1'], workers=['worker1'])
    return swarm_sandbox


def inspect(swarm, kind, name):
    return json.loads(swarm.sh(MANAGER, 'docker %s inspect %s' % (kind, name)))[0]


def running_tasks(swarm, service):
    states = swarm.sh(
        MANAGER, "docker service ps %s --filter desired-state=running --format '{{.CurrentState}}'" % service
    ).splitlines()
    return [state for state in states if state.startswith('Running')]


def test_an_attachable_encrypted_overlay_is_created_with_its_subnet(swarm):
    created = run_four_times(swarm.inventory, MANAGER, MODULE, NETWORK)
    assert created['actions'] == ['create network shop_back (overlay, attachable, encrypted, 10.77.0.0/24)']
    assert created['diff']['before'] == {'state': 'absent'}
    live = inspect(swarm, 'network', 'shop_back')
    assert (live['Driver'], live['Scope'], live['Attachable']) == ('overlay', 'swarm', True)
    assert 'encrypted' in live['Options'] and live['IPAM']['Config'][0]['Subnet'] == '10.77.0.0/24'
    assert created['network']['id'] == live['Id'] and created['network']['encrypted'] is True


def test_a_service_runs_on_it_and_a_settings_change_is_refused_without_recreate(swarm):
    swarm.sh(
        MANAGER,
        'docker service create --quiet --name shop-api --endpoint-mode dnsrr --no-resolve-image '
        '--network name=shop_back,alias=api swarmops/web:1',
    )
    assert len(running_tasks(swarm, 'shop-api')) == 1
    old_id = inspect(swarm, 'network', 'shop_back')['Id']
    for check in (True, False):
        refused = run_module(swarm.inventory, MANAGER, MODULE, MOVED, check=check, expect_failure=True)
        assert 'recreate: true' in refused['msg'] and '10.78.0.0/24' in refused['msg']
        assert [item.split(' ', 1)[0] for item in refused['differences']] == ['ipam']
        assert refused['diff']['after']['ipam']['config'] == [dict(subnet='10.78.0.0/24')]
        assert refused['diff']['before']['services'] == ['shop-api']
    refused = run_module(swarm.inventory, MANAGER, MODULE, dict(MOVED, recreate=True), expect_failure=True)
    assert refused['msg'].startswith('Network shop_back is used by service shop-api;')
    assert refused['services'] == ['shop-api']
    assert inspect(swarm, 'network', 'shop_back')['Id'] == old_id


def test_a_forced_recreation_reattaches_the_service_to_the_new_network(swarm):
    old_id = inspect(swarm, 'network', 'shop_back')['Id']
    recreated = run_four_times(swarm.inventory, MANAGER, MODULE, dict(MOVED, recreate=True, force=True, **WAIT))
    assert recreated['actions'][0] == 'update service shop-api: detach from network shop_back'
    assert recreated['actions'][1].startswith('remove network shop_back (to re-create it: ipam ')
    assert recreated['actions'][2:] == [
        'create network shop_back (overlay, attachable, encrypted, 10.78.0.0/24)',
        'update service shop-api: attach to the new network shop_back',
    ]
    assert recreated['detached_services'] == recreated['reattached_services'] == ['shop-api']
    live = inspect(swarm, 'network', 'shop_back')
    assert live['Id'] != old_id and live['Id'] == recreated['network']['id']
    assert live['IPAM']['Config'][0]['Subnet'] == '10.78.0.0/24' and 'encrypted' in live['Options']
    (attachment,) = inspect(swarm, 'service', 'shop-api')['Spec']['TaskTemplate']['Networks']
    assert attachment['Target'] == live['Id'] and attachment['Aliases'] == ['api']
    assert len(running_tasks(swarm, 'shop-api')) == 1


def test_removal_is_refused_while_the_service_uses_it(swarm):
    for check in (True, False):
        refused = run_module(
            swarm.inventory, MANAGER, MODULE, dict(name='shop_back', state='absent'), check=check, expect_failure=True
        )
        assert refused['msg'].startswith('Network shop_back is used by service shop-api;')
    assert inspect(swarm, 'network', 'shop_back')['Name'] == 'shop_back'
    swarm.sh(MANAGER, 'docker service rm shop-api')
    removed = run_four_times(swarm.inventory, MANAGER, MODULE, dict(name='shop_back', state='absent', **WAIT))
    assert removed['actions'] == ['remove network shop_back'] and removed['network'] is None
    assert 'shop_back' not in swarm.sh(MANAGER, "docker network ls --format '{{.Name}}'").split()

# -*- coding: utf-8 -*-
"""swarm_info against the real sandbox: its facts agree with what the docker CLI on the nodes reports."""

import json

import pytest

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_info'


@pytest.fixture(scope='module')
def swarm(swarm_sandbox):
    swarm_sandbox.form_swarm(managers=['manager1', 'manager2'], workers=['worker1'])
    swarm_sandbox.sh(
        'manager1',
        'docker node update --availability drain --label-add zone=a --label-add ssd worker1 '
        '&& docker service create -d --name web --replicas 2 --endpoint-mode dnsrr '
        '--no-resolve-image swarmops/web:1 '
        '&& docker service create -d --name agent --mode global --no-resolve-image '
        '--publish mode=host,target=80,published=8080 swarmops/web:1 '
        '&& docker service create -d --name once --mode replicated-job --no-resolve-image '
        'swarmops/web:1 true',
    )
    return swarm_sandbox


def cli_rows(swarm, command):
    return [json.loads(row) for row in swarm.sh('manager1', "%s --format '{{json .}}'" % command).splitlines()]


def test_nodes_services_and_tasks_match_the_cli(swarm):
    result = run_four_times(swarm.inventory, 'manager2', MODULE, dict(nodes=True, services=True, tasks=True))

    facts = result['swarm']
    assert facts['id'] == swarm.swarm_inspect('manager1')['ID']
    assert facts['manager_addr'] == '%s:2377' % swarm.address['manager2']
    assert (facts['is_manager'], facts['is_leader'], facts['managers'], facts['nodes']) == (True, False, 2, 3)
    assert facts['task_history_retention_limit'] == 5 and facts['node_cert_expiry'] == '2160h'

    nodes = dict((node['hostname'], node) for node in result['nodes'])
    cli_nodes = swarm.node_list('manager1')
    assert set(nodes) == set(cli_nodes) == {'manager1', 'manager2', 'worker1'}
    assert nodes['manager1']['leader'] is True and cli_nodes['manager1']['manager_status'] == 'Leader'
    assert nodes['manager2']['manager_reachability'] == 'reachable'
    assert (nodes['worker1']['role'], nodes['worker1']['availability'], nodes['worker1']['labels']) == (
        'worker',
        'drain',
        {'zone': 'a', 'ssd': ''},
    )
    assert nodes['worker1']['addr'] == swarm.address['worker1']
    assert nodes['worker1']['engine_version'] == swarm.sh('worker1', "docker version --format '{{.Server.Version}}'")

    services = dict((service['name'], service) for service in result['services'])
    cli_services = dict((row['Name'], row) for row in cli_rows(swarm, 'docker service ls'))
    assert set(services) == set(cli_services) == {'web', 'agent', 'once'}
    assert [services[name]['mode'] for name in ('web', 'agent', 'once')] == ['replicated', 'global', 'replicated-job']
    assert (services['web']['replicas'], services['web']['endpoint_mode']) == (2, 'dnsrr')
    assert services['agent']['ports'] == [
        dict(protocol='tcp', target_port=80, published_port=8080, publish_mode='host')
    ]
    assert services['web']['image'] == 'swarmops/web:1'

    cli_tasks = cli_rows(swarm, 'docker service ps web agent once')
    assert sorted(task['id'][:12] for task in result['tasks']) == sorted(row['ID'] for row in cli_tasks)
    assert {task['node'] for task in result['tasks'] if task['service_name'] == 'web'} <= {'manager1', 'manager2'}


def test_tasks_are_filtered_by_service_and_node(swarm):
    result = run_module(
        swarm.inventory,
        'manager1',
        MODULE,
        dict(tasks_filters=dict(service='agent', node='manager2', desired_state='running')),
    )
    (task,) = result['tasks']
    assert (task['service_name'], task['node'], task['desired_state']) == ('agent', 'manager2', 'running')
    assert task['name'] == 'agent.%s' % task['node_id']
    assert 'nodes' not in result and 'services' not in result


def test_tokens_and_unlock_key_only_when_asked(swarm):
    plain = run_module(swarm.inventory, 'manager1', MODULE, {})
    assert 'join_tokens' not in plain and 'unlock_key' not in plain and 'SWMTKN' not in json.dumps(plain)

    asked = run_module(swarm.inventory, 'manager1', MODULE, dict(join_tokens=True, unlock_key=True))
    assert asked['join_tokens'] == dict(
        worker=swarm.token('manager1', 'worker'), manager=swarm.token('manager1', 'manager')
    )
    assert asked['unlock_key'] is None  # autolock is off
    assert not asked.changed


def test_a_worker_knows_its_membership_and_says_so(swarm):
    result = run_module(swarm.inventory, 'worker1', MODULE, dict(nodes=True))
    assert not result.changed and 'nodes' not in result
    facts = result['swarm']
    assert (facts['local_node_state'], facts['is_manager'], facts['id']) == ('active', False, None)
    assert facts['node_addr'] == swarm.address['worker1']
    assert 'not a swarm manager' in json.dumps(result['warnings'])

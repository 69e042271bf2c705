# -*- coding: utf-8 -*-
"""swarm_info against the real sandbox: its facts agree with what the docker CLI on the nodes reports."""

import json

import pytest

from tests.integration.ansible_runner import run_four_times, run_module

MODULE = 'swarmops.swarm.swarm_info'

# The stack shop: a service with a stack network, config and secret, as `docker stack deploy` labels them.
SHOP = """
version: "3.8"
services:
  front:
    image: swarmops/web:1
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {tier: front}}
    networks: [back]
    configs: [{source: conf, target: /etc/web.conf}]
    secrets: [pw]
networks:
  back: {driver: overlay, labels: {tier: back}}
configs:
  conf: {file: /etc/hostname}
secrets:
  pw: {file: /tmp/shop_pw}
"""
# Secret content that must never come back from swarm_info, whatever it is asked.
SECRET_VALUE = 'swarmops-it-secret-never-returned'


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
        'swarmops/web:1 true '
        "&& printf '%s' > /tmp/shop_pw && printf '%s' | docker secret create app_password - "
        '&& docker config create --label owner=ops app_conf /etc/hostname '
        '&& docker network create -d overlay --attachable --label owner=ops --subnet 10.99.0.0/24 app_net'
        % (SECRET_VALUE, SECRET_VALUE),
    )
    rc, _out, err = swarm_sandbox.sandbox.exec(
        'manager1', 'docker stack deploy --resolve-image never -c - shop', input=SHOP
    )
    assert rc == 0, err
    return swarm_sandbox


def cli_rows(swarm, command):
    return [json.loads(row) for row in swarm.sh('manager1', "%s --format '{{json .}}'" % command).splitlines()]


def test_nodes_services_and_tasks_match_the_cli(swarm):
    result = run_four_times(swarm.inventory, 'manager2', MODULE, dict(nodes=True, services=True, tasks=True))

    facts = result['swarm']
    assert facts['id'] == swarm.swarm_inspect('manager1')['ID']
    assert facts['manager_addr'] == '%s:2377' % swarm.address['manager2']
    assert (facts['is_manager'], facts['is_leader'], facts['managers'], facts['nodes']) == (True, False, 2, 3)
    assert facts['is_locked'] is False and swarm.swarm_info('manager2')['LocalNodeState'] == 'active'
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
    assert set(services) == set(cli_services) == {'web', 'agent', 'once', 'shop_front'}
    assert [services[name]['mode'] for name in ('web', 'agent', 'once')] == ['replicated', 'global', 'replicated-job']
    assert (services['web']['replicas'], services['web']['endpoint_mode']) == (2, 'dnsrr')
    assert services['agent']['ports'] == [
        dict(protocol='tcp', target_port=80, published_port=8080, publish_mode='host')
    ]
    assert services['web']['image'] == 'swarmops/web:1'

    cli_tasks = cli_rows(swarm, 'docker service ps web agent once shop_front')
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


def test_stacks_networks_configs_and_secrets_match_the_cli(swarm):
    # On manager1, where cli_rows runs the docker CLI: each node has its own local networks.
    result = run_module(
        swarm.inventory,
        'manager1',
        MODULE,
        dict(stack_services=True, stack_tasks=True, networks=True, configs=True, secrets=True),
    )
    assert SECRET_VALUE not in json.dumps(result)

    (stack,) = result['stacks']
    (cli_stack,) = cli_rows(swarm, 'docker stack ls')
    assert (stack['name'], stack['service_count']) == (cli_stack['Name'], int(cli_stack['Services'])) == ('shop', 1)
    assert (stack['networks'], stack['configs'], stack['secrets']) == (['shop_back'], ['shop_conf'], ['shop_pw'])
    cli_stack_services = cli_rows(swarm, 'docker stack services shop')
    assert [service['name'] for service in stack['services']] == [row['Name'] for row in cli_stack_services]
    cli_labels = json.loads(swarm.sh('manager1', "docker service inspect --format '{{json .Spec.Labels}}' shop_front"))
    assert stack['services'][0]['labels'] == cli_labels and cli_labels['tier'] == 'front'
    cli_stack_tasks = cli_rows(swarm, 'docker stack ps shop')
    assert sorted(task['id'][:12] for task in stack['tasks']) == sorted(row['ID'] for row in cli_stack_tasks)
    assert {task['node'] for task in stack['tasks']} == {row['Node'] for row in cli_stack_tasks}

    networks = dict((network['name'], network) for network in result['networks'])
    cli_networks = dict((row['Name'], row) for row in cli_rows(swarm, 'docker network ls'))
    assert set(cli_networks) <= set(networks) and {'app_net', 'shop_back', 'ingress'} <= set(networks)
    for name, row in cli_networks.items():
        assert (networks[name]['id'][:12], networks[name]['driver'], networks[name]['scope']) == (
            row['ID'],
            row['Driver'],
            row['Scope'],
        )
    app_net = networks['app_net']
    assert (app_net['attachable'], app_net['internal'], app_net['ingress'], app_net['labels']) == (
        True,
        False,
        False,
        {'owner': 'ops'},
    )
    assert app_net['ipam']['config'][0]['subnet'] == '10.99.0.0/24' and networks['ingress']['ingress'] is True

    for kind, names in (('secret', {'app_password', 'shop_pw'}), ('config', {'app_conf', 'shop_conf'})):
        listed = dict((item['name'], item['id']) for item in result[kind + 's'])
        cli_listed = dict((row['Name'], row['ID']) for row in cli_rows(swarm, 'docker %s ls' % kind))
        assert set(listed) == set(cli_listed) == names
        assert all(listed[name].startswith(cli_id) for name, cli_id in cli_listed.items())
    assert dict((item['name'], item['labels']) for item in result['configs'])['app_conf'] == {'owner': 'ops'}

    filtered = run_module(
        swarm.inventory, 'manager1', MODULE, dict(networks_filters=dict(driver='overlay', labels=['owner=ops']))
    )
    assert (
        [network['name'] for network in filtered['networks']]
        == [
            row['Name'] for row in cli_rows(swarm, 'docker network ls --filter driver=overlay --filter label=owner=ops')
        ]
        == ['app_net']
    )


@pytest.mark.parametrize(
    'nodes_filters, cli_filter',
    [(dict(role='worker'), 'role=worker'), (dict(labels=['zone=a']), 'node.label=zone=a')],
)
def test_node_filters_agree_with_docker_node_ls_filter(swarm, nodes_filters, cli_filter):
    result = run_module(swarm.inventory, 'manager1', MODULE, dict(nodes_filters=nodes_filters))
    cli_hostnames = sorted(row['Hostname'] for row in cli_rows(swarm, 'docker node ls --filter %s' % cli_filter))
    assert [node['hostname'] for node in result['nodes']] == cli_hostnames == ['worker1']


def test_drained_nodes_are_filtered_by_availability(swarm):
    result = run_module(swarm.inventory, 'manager1', MODULE, dict(nodes_filters=dict(availability='drain')))
    cli_drained = [row['Hostname'] for row in cli_rows(swarm, 'docker node ls') if row['Availability'] == 'Drain']
    assert [node['hostname'] for node in result['nodes']] == cli_drained == ['worker1']


def test_a_service_read_by_swarm_info_written_back_by_swarm_service_changes_nothing(swarm):
    result = run_module(swarm.inventory, 'manager1', MODULE, dict(service_specs=['shop_front', 'web', 'nosuch']))
    assert sorted(result['service_specs']) == ['shop_front', 'web']
    assert 'nosuch' in json.dumps(result['warnings'])
    front = result['service_specs']['shop_front']
    assert (front['image'], front['replicas'], front['endpoint_mode'], front['networks']) == (
        'swarmops/web:1',
        1,
        'dnsrr',
        [dict(name='shop_back', aliases=['front'])],
    )
    assert [secret['source'] for secret in front['secrets']] == ['shop_pw']
    for name, options in result['service_specs'].items():
        before = swarm.sh('manager1', "docker service inspect --format '{{.Version.Index}}' %s" % name)
        run_four_times(swarm.inventory, 'manager2', 'swarmops.swarm.swarm_service', options)
        after = swarm.sh('manager1', "docker service inspect --format '{{.Version.Index}}' %s" % name)
        assert after == before, '%s was updated by its own spec' % name

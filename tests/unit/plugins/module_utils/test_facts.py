# -*- coding: utf-8 -*-
import json

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import LocalNode
from ansible_collections.swarmops.swarm.plugins.module_utils.facts import (
    SWARM_INFO_ARGUMENT_SPEC,
    node_facts,
    plan_swarm_info,
    service_facts,
    swarm_facts,
    task_facts,
)
from tests.unit.fake_nodes import NODE_IDS, SNAPSHOT, FakeCluster
from tests.unit.read_counter import count_calls
from tests.unit.fake_swarm_objects import SECRET_DATA, STACK, ObjectsCluster

SERVICES = dict((service['Spec']['Name'], service) for service in SNAPSHOT['services'])
SERVICE_NAMES = dict((service['ID'], service['Spec']['Name']) for service in SNAPSHOT['services'])
HOSTNAMES = dict((node_id, hostname) for hostname, node_id in NODE_IDS.items())
NODES = dict((node['Description']['Hostname'], node) for node in SNAPSHOT['nodes'])
TASKS = dict((task['ID'], task) for task in SNAPSHOT['tasks'])


# -- serializers over recorded answers -------------------------------------------------------------


def test_node_facts_of_the_leader():
    facts = node_facts(NODES['manager2'])
    assert facts == dict(
        id='6c34cmsysclx3plee5richw7b',
        hostname='manager2',
        role='manager',
        availability='active',
        labels={},
        state='ready',
        status_message=None,
        addr='192.168.0.3',
        manager_reachability='reachable',
        manager_addr='192.168.0.3:2377',
        leader=True,
        engine_version='20.10.24+dfsg1',
        engine_labels={},
        platform=dict(os='linux', architecture='x86_64'),
        resources=dict(nano_cpus=2000000000, memory_bytes=25276063744),
        created_at='2026-11-25T20:26:55.076150806Z',
        updated_at='2026-11-25T20:27:37.031233403Z',
        version=130,
    )


def test_node_facts_of_a_down_manager_and_a_drained_labelled_worker():
    manager3 = node_facts(NODES['manager3'])
    assert (manager3['state'], manager3['status_message'], manager3['manager_reachability'], manager3['leader']) == (
        'down',
        'heartbeat failure',
        'unreachable',
        False,
    )
    worker1 = node_facts(NODES['worker1'])
    assert (worker1['role'], worker1['availability'], worker1['labels']) == (
        'worker',
        'drain',
        {'ssd': '', 'zone': 'a'},
    )
    assert worker1['manager_reachability'] is None and worker1['manager_addr'] is None


@pytest.mark.parametrize(
    'name, mode, replicas, counts',
    [
        ('web', 'replicated', 4, (4, 5, 0)),  # a task on the down worker still counts as running
        ('agent', 'global', None, (2, 4, 0)),
        ('once', 'replicated-job', None, (2, 0, 2)),
        ('everywhere', 'global-job', None, (0, 0, 5)),
    ],
)
def test_service_facts_name_every_mode_and_its_counts(name, mode, replicas, counts):
    facts = service_facts(SERVICES[name])
    assert (facts['mode'], facts['replicas']) == (mode, replicas)
    assert (facts['desired_tasks'], facts['running_tasks'], facts['completed_tasks']) == counts


def test_service_facts_show_image_update_status_and_endpoint():
    web = service_facts(SERVICES['web'])
    assert web['image'] == 'swarmops/web:2'
    assert web['update_status'] == dict(
        state='completed',
        message='update completed',
        started_at='2026-11-25T20:27:18.997281079Z',
        completed_at='2026-11-25T20:27:34.776827874Z',
    )
    assert (web['endpoint_mode'], web['ports']) == ('dnsrr', [])
    assert service_facts(SERVICES['vipsvc'])['ports'] == [
        dict(protocol='tcp', target_port=80, published_port=8081, publish_mode='ingress')
    ]
    agent = service_facts(SERVICES['agent'])
    assert agent['update_status'] is None
    assert agent['ports'] == [dict(protocol='tcp', target_port=80, published_port=8080, publish_mode='host')]


def test_service_facts_without_status_have_no_counts():
    service = dict(SERVICES['web'])
    del service['ServiceStatus']
    facts = service_facts(service)
    assert (facts['desired_tasks'], facts['running_tasks'], facts['replicas']) == (None, None, 4)


def test_task_facts_are_named_as_the_docker_cli_names_them():
    replicated = task_facts(TASKS['kp86tp8eollgk7ryposip8odp'], SERVICE_NAMES, HOSTNAMES)
    assert (replicated['name'], replicated['slot'], replicated['node'], replicated['image']) == (
        'web.1',
        1,
        'manager1',
        'swarmops/web:2',
    )
    assert (replicated['desired_state'], replicated['state'], replicated['error']) == ('running', 'running', None)
    global_task = task_facts(TASKS['6j6tem75tnrkd158nncd2rz26'], SERVICE_NAMES, HOSTNAMES)
    assert global_task['name'] == 'agent.08wp008byttbd5r5zcuptdqhs'
    assert global_task['published_ports'] == [
        dict(protocol='tcp', target_port=80, published_port=8080, publish_mode='host')
    ]
    job = task_facts(TASKS['2vh02igb3f0jgpl4z394u0jtr'], SERVICE_NAMES, HOSTNAMES)
    assert (job['name'], job['state'], job['exit_code']) == ('once.1', 'complete', 0)


def test_task_facts_without_names_fall_back_to_ids():
    facts = task_facts(TASKS['kp86tp8eollgk7ryposip8odp'])
    assert facts['name'] == '8r30lro0m88i3f6y03jnpwqr9.1' and facts['node'] is None


def test_swarm_facts_on_a_manager_use_swarm_init_option_names():
    facts = swarm_facts(LocalNode(SNAPSHOT['info_manager']), NODES['manager1'])
    assert facts['id'] == 'g7fu5mv8zdhlxe19ywdscja6f'
    assert facts['manager_addr'] == '192.168.0.2:2377'
    assert (facts['is_manager'], facts['is_leader'], facts['managers'], facts['nodes']) == (True, False, 3, 5)
    assert (facts['snapshot_interval'], facts['dispatcher_heartbeat_period'], facts['node_cert_expiry']) == (
        10000,
        '5s',
        '2160h',
    )
    assert (facts['data_path_port'], facts['default_addr_pool'], facts['subnet_size']) == (4789, ['10.0.0.0/8'], 24)
    assert facts['remote_managers'] == ['192.168.0.2:2377', '192.168.0.3:2377', '192.168.0.4:2377']
    assert swarm_facts(LocalNode(SNAPSHOT['info_manager']), NODES['manager2'])['is_leader'] is True


def test_swarm_facts_on_a_worker_know_only_the_membership():
    facts = swarm_facts(LocalNode(SNAPSHOT['info_worker']))
    assert (facts['local_node_state'], facts['node_id'], facts['is_manager']) == ('active', NODE_IDS['worker1'], False)
    assert facts['id'] is facts['manager_addr'] is facts['managers'] is facts['snapshot_interval'] is None
    assert len(facts['remote_managers']) == 3


# -- swarm_info's gathering ----------------------------------------------------------------------


def gather(cluster, check_mode=False, **given):
    params = dict((name, spec.get('default')) for name, spec in SWARM_INFO_ARGUMENT_SPEC.items())
    params.update(given)
    plan = plan_swarm_info(cluster, params)
    plan.execute(check_mode)
    plan.result = plan.report(check_mode)
    return plan


def test_by_default_only_the_swarm_is_read():
    cluster = FakeCluster()
    plan = gather(cluster)
    result = plan.result
    assert not plan.changed and plan.summaries == []
    assert set(result) == {'swarm'}
    assert result['swarm']['id'] == 'g7fu5mv8zdhlxe19ywdscja6f'


def test_each_list_is_returned_when_asked():
    plan = gather(FakeCluster(), nodes=True, services=True, tasks=True)
    result = plan.result
    assert [node['hostname'] for node in result['nodes']] == ['manager1', 'manager2', 'manager3', 'worker1', 'worker2']
    assert [service['name'] for service in result['services']] == ['agent', 'everywhere', 'once', 'vipsvc', 'web']
    assert len(result['tasks']) == len(SNAPSHOT['tasks'])
    assert result['swarm']['is_leader'] is False
    assert 'join_tokens' not in result and 'unlock_key' not in result


def test_task_filters_are_passed_in_the_engine_spelling():
    cluster = FakeCluster()
    result = gather(cluster, tasks_filters=dict(service='web', node='manager2', desired_state='running')).result
    assert ('tasks', {'service': 'web', 'node': 'manager2', 'desired-state': 'running'}) in cluster.calls
    assert sorted(task['name'] for task in result['tasks']) == ['web.2', 'web.4']
    assert 'nodes' not in result and 'services' not in result


def test_secrets_only_when_asked():
    cluster = FakeCluster()
    cluster.unlock_key = 'SWMKEY-1-recorded'
    result = gather(cluster, join_tokens=True, unlock_key=True).result
    assert result['join_tokens'] == dict(
        worker=SNAPSHOT['swarm']['JoinTokens']['Worker'], manager=SNAPSHOT['swarm']['JoinTokens']['Manager']
    )
    assert result['unlock_key'] == 'SWMKEY-1-recorded'


def test_a_worker_returns_its_membership_and_says_what_it_cannot_read():
    plan = gather(FakeCluster(local='worker1'), nodes=True, join_tokens=True)
    result = plan.result
    assert set(result) == {'swarm'}
    assert result['swarm']['is_manager'] is False
    assert plan.warnings == [
        'This node is not a swarm manager (local node state active, a worker): it knows only its own membership, '
        'so join_tokens, nodes were not read. Run swarmops.swarm.swarm_info on a manager for them.'
    ]
    quiet = gather(FakeCluster(local='worker1'))
    assert quiet.warnings == []


# -- stacks, networks, configs, secrets, service specs, node filters ------------------------------


ENGINE_READS = ('info', 'swarm_inspect', 'nodes', 'node_inspect', 'services', 'tasks', 'networks', 'configs', 'secrets')


def reads(cluster):
    return [call[0] for call in cluster.calls]


def test_a_default_run_reads_what_it_read_before_and_nothing_more():
    cluster = ObjectsCluster()
    counts = count_calls(cluster, *ENGINE_READS)
    gather(cluster)
    assert dict((name, count) for name, count in counts.items() if count) == dict(info=1, node_inspect=1)


def test_everything_asked_at_once_reads_each_listing_at_most_once_per_use():
    cluster = ObjectsCluster()
    counts = count_calls(cluster, *ENGINE_READS)
    gather(
        cluster,
        nodes=True,
        services=True,
        stack_tasks=True,
        service_specs=['web'],
        configs=True,
        secrets=True,
        networks=True,
    )
    # networks, configs and secrets: once for the stacks (by their label), once for the full lists; networks once
    # more to name the networks of the service spec.
    assert counts == dict(
        info=1, swarm_inspect=0, nodes=1, node_inspect=0, services=1, tasks=1, networks=3, configs=2, secrets=2
    )


def test_stacks_are_listed_like_docker_stack_ls():
    cluster = ObjectsCluster()
    (stack,) = gather(cluster, stacks=True).result['stacks']
    assert stack == dict(
        name='shop',
        orchestrator='swarm',
        service_count=2,
        networks=['shop_default'],
        configs=['shop_conf'],
        secrets=['shop_password'],
    )
    assert 'tasks' not in reads(cluster)


def test_stack_services_and_tasks_like_docker_stack_services_and_ps():
    cluster = ObjectsCluster()
    (stack,) = gather(cluster, stack_services=True, stack_tasks=True).result['stacks']
    assert [service['name'] for service in stack['services']] == ['agent', 'web']
    ids = dict((service['Spec']['Name'], service['ID']) for service in cluster.service_list)
    expected = [task['ID'] for task in SNAPSHOT['tasks'] if task['ServiceID'] in (ids['web'], ids['agent'])]
    assert sorted(task['id'] for task in stack['tasks']) == sorted(expected)
    assert {task['service_name'] for task in stack['tasks']} == {'web', 'agent'}
    assert all(task['node'] for task in stack['tasks'] if task['node_id'])


def test_networks_and_their_filters_in_the_engine_spelling():
    cluster = ObjectsCluster()
    networks = gather(cluster, networks=True).result['networks']
    assert [network['name'] for network in networks] == ['bridge', 'ingress', 'shop_default', 'web_net']
    shop = networks[2]
    assert (shop['id'], shop['driver'], shop['scope'], shop['attachable'], shop['internal'], shop['ingress']) == (
        'netshop',
        'overlay',
        'swarm',
        False,
        False,
        False,
    )
    assert shop['ipam'] == dict(
        driver='default',
        options={},
        config=[dict(subnet='10.0.9.0/24', gateway='10.0.9.1', ip_range=None, aux_addresses={})],
    )
    assert shop['labels'] == STACK and networks[1]['ingress'] is True
    assert networks[0]['ipam'] == dict(driver=None, options={}, config=[])

    cluster = ObjectsCluster()
    gather(cluster, networks_filters=dict(name='shop', driver='overlay', labels=['com.docker.stack.namespace=shop']))
    assert ('networks', {'name': 'shop', 'driver': 'overlay', 'label': ['com.docker.stack.namespace=shop']}) in (
        cluster.calls
    )


def test_configs_and_secrets_are_metadata_and_never_their_content():
    cluster = ObjectsCluster()
    result = gather(cluster, configs=True, secrets=True, stacks=True).result
    assert result['configs'] == [
        dict(
            id='cfgshop',
            name='shop_conf',
            labels=STACK,
            template_driver='golang',
            driver=None,
            created_at='t0',
            updated_at='t1',
            version=7,
        )
    ]
    assert [secret['name'] for secret in result['secrets']] == ['other', 'shop_password']
    assert result['secrets'][0]['labels'] == {'owner': 'ops'}
    assert SECRET_DATA not in json.dumps(result) and 'data' not in json.dumps(result).lower().split('"')


@pytest.mark.parametrize(
    'nodes_filters, hostnames',
    [
        (dict(role='manager'), ['manager1', 'manager2', 'manager3']),
        (dict(role='worker', availability='active'), ['worker2']),
        (dict(availability='drain'), ['worker1']),
        (dict(labels=['zone=a']), ['worker1']),
        (dict(labels=['ssd', 'zone=a']), ['worker1']),
        (dict(labels=['zone=b']), []),
        (dict(labels=['ssd=yes']), []),
    ],
)
def test_nodes_filters_like_docker_node_ls_filter(nodes_filters, hostnames):
    result = gather(ObjectsCluster(), nodes_filters=nodes_filters).result
    assert [node['hostname'] for node in result['nodes']] == hostnames


def test_the_locked_state_is_a_plain_flag():
    assert swarm_facts(LocalNode(SNAPSHOT['info_manager']))['is_locked'] is False
    locked = LocalNode(dict(LocalNodeState='locked', ControlAvailable=False))
    assert swarm_facts(locked)['is_locked'] is True


def test_service_specs_name_the_networks_in_swarm_service_options():
    plan = gather(ObjectsCluster(), service_specs=['web'])
    web = plan.result['service_specs']['web']
    assert (web['name'], web['image'], web['replicas'], web['networks']) == ('web', 'swarmops/web:2', 4, ['web_net'])
    assert plan.warnings == []


def test_service_specs_of_a_missing_service_are_left_out_with_a_warning():
    plan = gather(ObjectsCluster(), service_specs=['nosuch'])
    assert plan.result['service_specs'] == {}
    assert plan.warnings == ['No service named nosuch in this swarm: service_specs leaves it out.']

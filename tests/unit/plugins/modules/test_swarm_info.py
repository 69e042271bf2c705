# -*- coding: utf-8 -*-
import json

from ansible_collections.swarmops.swarm.plugins.modules import swarm_info
from tests.unit.fake_nodes import FakeCluster
from tests.unit.fake_swarm_objects import SECRET_DATA, ObjectsCluster
from tests.unit.plugins.modules.module_runner import run_module_main


def test_never_changed_and_the_same_in_check_mode(monkeypatch, capsys):
    args = dict(nodes=True, services=True, tasks_filters=dict(node='worker1'))
    real = run_module_main(swarm_info.main, FakeCluster(), monkeypatch, capsys, args)
    checked = run_module_main(swarm_info.main, FakeCluster(), monkeypatch, capsys, dict(args, _ansible_check_mode=True))
    assert real['changed'] is checked['changed'] is False
    assert real['actions'] == []
    assert real['nodes'] == checked['nodes'] and real['tasks'] == checked['tasks']
    assert {task['node'] for task in real['tasks']} == {'worker1'}


def test_tokens_only_when_asked(monkeypatch, capsys):
    plain = run_module_main(swarm_info.main, FakeCluster(), monkeypatch, capsys, {})
    assert 'SWMTKN' not in str(plain)
    asked = run_module_main(swarm_info.main, FakeCluster(), monkeypatch, capsys, dict(join_tokens=True))
    assert asked['join_tokens']['worker'].startswith('SWMTKN-1-')


def test_a_worker_warns_instead_of_failing(monkeypatch, capsys):
    result = run_module_main(swarm_info.main, FakeCluster(local='worker1'), monkeypatch, capsys, dict(nodes=True))
    assert not result.get('failed')
    assert result['swarm']['is_manager'] is False and 'nodes' not in result
    assert 'not a swarm manager' in str(result['warnings'])


def test_the_new_facts_through_the_module_never_carry_secret_content(monkeypatch, capsys):
    args = dict(stack_services=True, networks=True, configs=True, secrets=True, nodes_filters=dict(role='worker'))
    real = run_module_main(swarm_info.main, ObjectsCluster(), monkeypatch, capsys, args)
    checked = run_module_main(
        swarm_info.main, ObjectsCluster(), monkeypatch, capsys, dict(args, _ansible_check_mode=True)
    )
    assert real['changed'] is checked['changed'] is False
    assert real['stacks'] == checked['stacks'] and [stack['name'] for stack in real['stacks']] == ['shop']
    assert [node['hostname'] for node in real['nodes']] == ['worker1', 'worker2']
    assert [secret['name'] for secret in real['secrets']] == ['other', 'shop_password']
    assert SECRET_DATA not in json.dumps(real)

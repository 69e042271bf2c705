# -*- coding: utf-8 -*-
from ansible_collections.swarmops.swarm.plugins.modules import swarm_node
from tests.unit.fake_nodes import FakeCluster
from tests.unit.plugins.modules.module_runner import run_module_main


def test_check_mode_and_diff_then_real_run_agree(monkeypatch, capsys):
    cluster = FakeCluster()
    args = dict(
        node='worker1',
        availability='active',
        labels={'rack': 7},
        labels_to_remove=['ssd'],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )
    predicted = run_module_main(swarm_node.main, cluster, monkeypatch, capsys, args)
    assert cluster.writes() == []
    args['_ansible_check_mode'] = False
    applied = run_module_main(swarm_node.main, cluster, monkeypatch, capsys, args)
    assert predicted['changed'] is applied['changed'] is True
    assert (
        predicted['actions']
        == applied['actions']
        == ['set labels of worker1: add rack=7, remove ssd', 'set availability of worker1: drain -> active']
    )
    assert (
        predicted['diff']
        == applied['diff']
        == dict(
            before=dict(state='present', role='worker', availability='drain', labels={'ssd': '', 'zone': 'a'}),
            after=dict(state='present', role='worker', availability='active', labels={'rack': '7', 'zone': 'a'}),
        )
    )
    assert applied['node']['hostname'] == 'worker1' and applied['node']['labels'] == {'rack': '7', 'zone': 'a'}
    again = run_module_main(swarm_node.main, cluster, monkeypatch, capsys, args)
    assert again['changed'] is False and again['actions'] == []


def test_a_refusal_is_a_message_not_a_traceback(monkeypatch, capsys):
    result = run_module_main(swarm_node.main, FakeCluster(), monkeypatch, capsys, dict(node='manager2', role='worker'))
    assert result['failed'] is True
    assert 'the swarm has 3 managers, 2 reachable (unreachable: manager3), and quorum needs 2' in result['msg']


def test_the_node_is_required(monkeypatch, capsys):
    result = run_module_main(swarm_node.main, FakeCluster(), monkeypatch, capsys, {})
    assert result['failed'] and 'node' in result['msg']

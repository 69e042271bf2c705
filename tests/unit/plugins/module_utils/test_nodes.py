# -*- coding: utf-8 -*-
import copy
import functools

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import nodes as nodes_module
from ansible_collections.swarmops.swarm.plugins.module_utils import wait as wait_module
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.nodes import (
    SWARM_NODE_ARGUMENT_SPEC,
    desired_labels,
    describe_label_changes,
    find_node,
    plan_swarm_node,
    quorum_shortfall,
)
from tests.unit.fake_nodes import NODE_IDS, SNAPSHOT, FakeCluster
from tests.unit.read_counter import count_calls
from tests.unit.fake_service_engine import FakeClock


@pytest.fixture(autouse=True)
def instant_waits(monkeypatch):
    """Time passes only when the planner sleeps, so waits and timeouts run instantly."""
    clock = FakeClock()
    monkeypatch.setattr(
        nodes_module, 'wait_until', functools.partial(wait_module.wait_until, clock=clock, sleep=clock.sleep)
    )
    return clock


@pytest.fixture
def cluster():
    """The recorded cluster with every node up: three reachable managers, two ready workers."""
    cluster = FakeCluster()
    cluster.bring_up('manager3')
    cluster.bring_up('worker2')
    return cluster


def params(**given):
    values = dict((name, spec.get('default')) for name, spec in SWARM_NODE_ARGUMENT_SPEC.items())
    values.update(given)
    return values


def run(cluster, check_mode=False, **given):
    plan = plan_swarm_node(cluster, params(**given))
    plan.execute(check_mode)
    plan.result = plan.report(check_mode)
    return plan


def updates(cluster):
    return [call for call in cluster.writes() if call[0] == 'node_update']


# -- finding the node ----------------------------------------------------------------------------


def test_a_node_is_found_by_hostname_or_id():
    nodes = SNAPSHOT['nodes']
    assert find_node(nodes, 'worker1')['ID'] == NODE_IDS['worker1']
    assert find_node(nodes, NODE_IDS['manager3'])['Description']['Hostname'] == 'manager3'
    assert find_node(nodes, 'worker9') is None


def test_an_ambiguous_hostname_is_refused_with_the_ids_to_choose_from():
    nodes = copy.deepcopy(SNAPSHOT['nodes'])
    rejoined = copy.deepcopy([node for node in nodes if node['ID'] == NODE_IDS['worker2']][0])
    rejoined['ID'] = 'newworker2000000000000000'
    rejoined['Status'] = {'Addr': '192.168.0.6', 'State': 'ready'}
    nodes.append(rejoined)
    with pytest.raises(SwarmError) as raised:
        find_node(nodes, 'worker2')
    assert str(raised.value) == (
        'Hostname worker2 is ambiguous: 2 nodes have it: newworker2000000000000000 (ready, '
        'worker), tp2vnmtmbuvkgu6wbdr2cfb6k (down, worker). Name the node by its ID.'
    )
    assert find_node(nodes, 'newworker2000000000000000') is rejoined


# -- quorum arithmetic ---------------------------------------------------------------------------


def managers(*reachability):
    """A node list of managers m1, m2... with the given reachability, and one worker."""
    template = [node for node in SNAPSHOT['nodes'] if node.get('ManagerStatus')][0]
    nodes = []
    for index, reachable in enumerate(reachability, start=1):
        node = copy.deepcopy(template)
        node['ID'] = 'm%d' % index
        node['Description']['Hostname'] = 'm%d' % index
        node['ManagerStatus'] = {'Addr': '10.0.0.%d:2377' % index, 'Reachability': reachable}
        nodes.append(node)
    worker = copy.deepcopy([node for node in SNAPSHOT['nodes'] if not node.get('ManagerStatus')][0])
    return nodes + [worker]


@pytest.mark.parametrize(
    'reachability, target, expected',
    [
        (('reachable',), 'm1', 'm1 is the only manager of the swarm, and a swarm needs at least one manager'),
        (('reachable', 'reachable'), 'm2', None),
        (('reachable', 'unreachable'), 'm2', None),
        (
            ('reachable', 'unreachable'),
            'm1',
            'the swarm has 2 managers, 1 reachable (unreachable: m2), and quorum needs 2; after demoting m1, 0 of the 1 '
            'remaining managers would be reachable, but a quorum of 1 managers needs 1',
        ),
        (('reachable', 'reachable', 'reachable'), 'm3', None),
        (('reachable', 'reachable', 'unreachable'), 'm3', None),
        (
            ('reachable', 'reachable', 'unreachable'),
            'm2',
            'the swarm has 3 managers, 2 reachable (unreachable: m3), and quorum needs 2; after demoting m2, 1 of the 2 '
            'remaining managers would be reachable, but a quorum of 2 managers needs 2',
        ),
        (('reachable',) * 5, 'm1', None),
        (('reachable',) * 4 + ('unreachable',), 'm1', None),
        (('reachable',) * 3 + ('unreachable',) * 2, 'm5', None),
        (
            ('reachable',) * 3 + ('unreachable',) * 2,
            'm1',
            'the swarm has 5 managers, 3 reachable (unreachable: m4, m5), and quorum needs 3; after demoting m1, 2 of the '
            '4 remaining managers would be reachable, but a quorum of 4 managers needs 3',
        ),
    ],
)
def test_quorum_arithmetic(reachability, target, expected):
    nodes = managers(*reachability)
    assert quorum_shortfall(nodes, find_node(nodes, target)) == expected


def test_a_node_outside_raft_never_costs_quorum():
    nodes = managers('reachable')
    assert quorum_shortfall(nodes, nodes[-1]) is None


# -- labels --------------------------------------------------------------------------------------

LIVE_LABELS = {'zone': 'a', 'ssd': '', 'tier': 'web'}


@pytest.mark.parametrize(
    'given, expected',
    [
        (dict(labels={'zone': 'b', 'gpu': None}), {'zone': 'b', 'ssd': '', 'tier': 'web', 'gpu': ''}),
        (dict(labels={'zone': 'b'}, labels_state='replace'), {'zone': 'b'}),
        (dict(labels={}, labels_state='replace'), {}),
        (dict(labels_to_remove=['ssd', 'absent']), {'zone': 'a', 'tier': 'web'}),
        (
            dict(labels={'rack': 7, 'dmz': False}, labels_to_remove=['tier']),
            {'zone': 'a', 'ssd': '', 'rack': '7', 'dmz': 'false'},
        ),
        (dict(), LIVE_LABELS),
    ],
)
def test_labels_merge_replace_and_remove(given, expected):
    assert desired_labels(LIVE_LABELS, params(**given)) == expected


def test_label_changes_are_described_with_empty_values_visible():
    assert (
        describe_label_changes(LIVE_LABELS, {'zone': 'b', 'tier': 'web', 'gpu': ''})
        == 'add gpu="", change zone=a -> zone=b, remove ssd'
    )


def test_contradicting_label_options_are_refused(cluster):
    with pytest.raises(SwarmError, match='both set .* and removed .*: zone'):
        run(cluster, node='worker1', labels={'zone': 'a'}, labels_to_remove=['zone'])
    with pytest.raises(SwarmError, match='labels_state: replace needs labels'):
        run(cluster, node='worker1', labels_state='replace')


# -- updates through the planner -------------------------------------------------------------------


def test_a_run_that_changes_nothing_lists_the_nodes_once(cluster):
    reads = count_calls(cluster, 'nodes')
    plan = run(cluster, node='worker1', labels={'zone': 'a'})
    assert not plan.changed
    assert reads == {'nodes': 1}
    assert plan.result['node']['labels'] == {'ssd': '', 'zone': 'a'}  # worker1's labels as recorded


def test_labels_are_merged_into_the_live_spec_and_a_second_run_changes_nothing(cluster):
    plan = run(cluster, node='worker1', labels={'rack': '7', 'zone': 'b'}, labels_to_remove=['ssd'])
    report = plan.result
    assert plan.summaries == ['set labels of worker1: add rack=7, change zone=a -> zone=b, remove ssd']
    (update,) = updates(cluster)
    assert update[1:3] == (NODE_IDS['worker1'], 129)
    assert update[3] == {'Availability': 'drain', 'Labels': {'rack': '7', 'zone': 'b'}, 'Role': 'worker'}
    assert plan.before['labels'] == {'ssd': '', 'zone': 'a'}
    assert plan.after == dict(state='present', role='worker', availability='drain', labels={'rack': '7', 'zone': 'b'})
    assert report['node']['labels'] == {'rack': '7', 'zone': 'b'}
    again = run(cluster, node='worker1', labels={'rack': '7', 'zone': 'b'}, labels_to_remove=['ssd'])
    assert not again.changed and again.before == again.after


def test_labels_replace_removes_the_unlisted_ones_even_with_empty_values(cluster):
    plan = run(cluster, node='worker1', labels={'ssd': ''}, labels_state='replace')
    report = plan.result
    assert plan.summaries == ['set labels of worker1: remove zone']
    assert report['node']['labels'] == {'ssd': ''}


def test_check_mode_predicts_the_same_plan_without_writing(cluster):
    given = dict(node='worker2', role='manager', availability='pause', labels={'zone': 'b'})
    predicted = run(cluster, check_mode=True, **given)
    assert cluster.writes() == []
    applied = run(cluster, **given)
    assert (
        predicted.summaries
        == applied.summaries
        == [
            'set labels of worker2: add zone=b',
            'set availability of worker2: active -> pause',
            'promote worker2 to manager',
        ]
    )
    assert (predicted.before, predicted.after) == (applied.before, applied.after)


def test_promotion_waits_until_the_node_is_a_reachable_manager_and_demotion_until_it_left(cluster):
    report = run(cluster, node='worker2', role='manager').result
    assert report['node']['role'] == 'manager'
    assert report['node']['manager_reachability'] == 'reachable'
    again = run(cluster, node='worker2', role='manager')
    assert not again.changed

    plan = run(cluster, node='worker2', role='worker')
    report = plan.result
    assert plan.summaries == ['demote worker2 to worker']
    assert report['node']['role'] == 'worker' and report['node']['manager_reachability'] is None


def test_without_wait_the_module_returns_before_the_role_settled(cluster):
    report = run(cluster, node='worker2', role='manager', wait=False).result
    assert report['node']['manager_reachability'] is None


def test_a_promotion_that_does_not_settle_times_out_naming_what_was_awaited(cluster):
    cluster.settle_after_reads = 10**6
    with pytest.raises(SwarmError) as raised:
        run(cluster, node='worker2', role='manager', wait_timeout=5)
    assert str(raised.value) == (
        'Timed out after 5s waiting for worker2 to become a reachable manager; last seen: ManagerStatus none'
    )


def test_promoting_a_down_node_does_not_wait_for_it(cluster):
    cluster.take_down('worker2')
    plan = run(cluster, node='worker2', role='manager')
    report = plan.result
    assert plan.warnings == ['worker2 is down: it becomes a manager when it comes back; not waiting for it.']
    assert report['node']['role'] == 'manager'


def test_availability_in_both_directions(cluster):
    plan = run(cluster, node='worker1', availability='active')
    assert plan.summaries == ['set availability of worker1: drain -> active']
    plan = run(cluster, node='worker1', availability='pause')
    report = plan.result
    assert plan.summaries == ['set availability of worker1: active -> pause']
    assert report['node']['availability'] == 'pause'


def test_drain_waits_until_no_service_task_runs_on_the_node(cluster):
    assert len(cluster.running_tasks_on('manager2')) == 3  # agent, and two web tasks (one still starting)
    cluster.settle_after_reads = 6  # the containers stop while the module polls
    plan = run(cluster, node='manager2', availability='drain')
    report = plan.result
    assert plan.summaries == ['set availability of manager2: active -> drain']
    assert cluster.running_tasks_on('manager2') == []
    assert cluster.calls.count(('tasks', {'node': NODE_IDS['manager2']})) > 1
    assert report['node']['availability'] == 'drain'


def test_a_drain_that_does_not_finish_names_the_tasks_still_there(cluster):
    cluster.settle_after_reads = 10**6
    with pytest.raises(SwarmError) as raised:
        run(cluster, node='manager2', availability='drain', wait_timeout=30)
    assert str(raised.value) == (
        'Timed out after 30s waiting for the tasks of replicated and global services to leave drained node '
        'manager2; last seen: 3 task(s) still on the node: agent.6c34cmsysclx3plee5richw7b (task '
        'bgleix6vbv5ipvbp7zbln0zah, running), web.2 (task ksrz574nc1gnueh6xo8na4lf9, running), web.4 (task '
        'xv0oy8qp3tmrepal7jx459gp3, starting)'
    )


def test_draining_a_down_node_waits_only_for_the_orchestrator(cluster):
    cluster.take_down('worker2')
    cluster.settle_after_reads = 10**6  # a down node never reports its containers stopped
    plan = run(cluster, node='worker2', availability='drain')
    assert plan.changed


def test_a_write_that_lost_a_race_is_retried_at_the_new_version(cluster):
    explanation = 'rpc error: code = Unknown desc = update out of sequence'
    cluster.fail_next['node_update'] = EngineError(
        'Could not update node: %s' % explanation, status_code=500, explanation=explanation
    )
    run(cluster, node='worker1', availability='active')
    assert len(updates(cluster)) == 2


def test_an_unknown_node_is_reported_with_the_known_ones(cluster):
    with pytest.raises(
        SwarmError,
        match=r'The swarm has no node worker9\. Its nodes: manager1, manager2, manager3, '
        r'worker1, worker2\.',
    ):
        run(cluster, node='worker9', availability='drain')


def test_the_module_runs_only_on_a_manager():
    with pytest.raises(
        SwarmError,
        match=r'manages nodes from a manager, and this node is not one \(local node '
        r'state active, a worker\)',
    ):
        run(FakeCluster(local='worker1'), node='worker2', availability='drain')


def test_a_manager_does_not_demote_itself(cluster):
    with pytest.raises(SwarmError, match='Refusing to demote manager1 from itself'):
        run(cluster, node='manager1', role='worker')


# -- quorum through the planner ------------------------------------------------------------------


def test_a_demotion_that_loses_quorum_is_refused_with_the_arithmetic():
    cluster = FakeCluster()  # as recorded: manager3 is down
    with pytest.raises(SwarmError) as raised:
        run(cluster, node='manager2', role='worker')
    assert str(raised.value).startswith(
        'Refusing to demote manager2: the swarm has 3 managers, 2 reachable (unreachable: manager3), and quorum '
        'needs 2; after demoting manager2, 1 of the 2 remaining managers would be reachable, but a quorum of 2 '
        'managers needs 2. Bring the unreachable managers back'
    )
    assert cluster.writes() == []


def test_with_force_the_engine_decides_and_its_refusal_comes_through():
    cluster = FakeCluster()
    with pytest.raises(EngineError, match='this would result in a loss of quorum'):
        run(cluster, node='manager2', role='worker', force=True)


def test_demoting_the_unreachable_manager_is_safe():
    cluster = FakeCluster()
    plan = run(cluster, node='manager3', role='worker')
    report = plan.result
    assert plan.summaries == ['demote manager3 to worker'] and plan.warnings == []
    assert report['node']['manager_reachability'] is None


# -- removal -------------------------------------------------------------------------------------


def test_a_down_worker_is_removed_and_removing_it_again_changes_nothing():
    cluster = FakeCluster()
    plan = run(cluster, node='worker2', state='absent')
    report = plan.result
    assert plan.summaries == ['remove worker2 (down)']
    assert cluster.writes() == [('node_remove', NODE_IDS['worker2'], False)]
    assert plan.before['state'] == 'present' and plan.after == {'state': 'absent'}
    assert report == {'node': None}
    again = run(cluster, node='worker2', state='absent')
    assert not again.changed and again.before == again.after == {'state': 'absent'}


def test_a_live_worker_is_removed_only_with_force(cluster):
    with pytest.raises(SwarmError, match='worker1 is ready: its engine still reports to the swarm'):
        run(cluster, node='worker1', state='absent', wait=False)
    plan = run(cluster, node='worker1', state='absent', force=True)
    assert plan.summaries == ['remove worker1 with force (it is ready: its engine still reports to the swarm)']
    assert cluster.writes() == [('node_remove', NODE_IDS['worker1'], True)]


def test_a_node_that_left_is_removed_once_it_is_marked_down(cluster, instant_waits):
    cluster._later(lambda: cluster.take_down('worker1'))
    plan = run(cluster, node='worker1', state='absent')
    assert plan.summaries == ['remove worker1 once the swarm marks it down (it is ready)']
    assert cluster.writes() == [('node_remove', NODE_IDS['worker1'], False)]


def test_a_node_that_stays_up_is_not_waited_for_longer_than_three_heartbeats(cluster, instant_waits):
    with pytest.raises(SwarmError) as raised:
        run(cluster, node='worker1', state='absent')
    assert str(raised.value).startswith(
        'Timed out after 25s waiting for worker1 to be marked down after leaving '
        'the swarm; last seen: node state ready. worker1 is still up'
    )
    assert cluster.writes() == []


def test_a_manager_is_removed_only_with_force_and_is_demoted_first():
    cluster = FakeCluster()
    with pytest.raises(SwarmError, match='manager3 is a manager .down, unreachable.: a manager must be demoted'):
        run(cluster, node='manager3', state='absent')
    plan = run(cluster, node='manager3', state='absent', force=True)
    report = plan.result
    assert plan.summaries == ['demote manager3 to worker', 'remove manager3 (down)']
    assert [call[0] for call in cluster.writes()] == ['node_update', 'node_remove']
    assert report == {'node': None}


def test_removing_a_live_manager_with_force_demotes_waits_and_removes_it(cluster):
    plan = run(cluster, node='manager3', state='absent', force=True)
    assert plan.summaries == [
        'demote manager3 to worker',
        'remove manager3 with force (it is ready: its engine still reports to the swarm)',
    ]
    assert cluster.writes()[-1] == ('node_remove', NODE_IDS['manager3'], True)


def test_removing_a_manager_that_would_cost_quorum_is_refused_with_the_arithmetic():
    cluster = FakeCluster()
    with pytest.raises(
        SwarmError,
        match=r'Refusing to remove manager2: the swarm has 3 managers, 2 reachable '
        r'\(unreachable: manager3\), and quorum needs 2; after removing manager2',
    ):
        run(cluster, node='manager2', state='absent')
    with pytest.raises(EngineError, match='loss of quorum'):
        run(cluster, node='manager2', state='absent', force=True)
    assert [call[0] for call in cluster.writes()] == ['node_update']
    assert cluster.node('manager2')['Spec']['Role'] == 'manager'


def test_a_label_value_that_is_no_string_is_refused_naming_the_label():
    with pytest.raises(SwarmError, match=r"^labels.zone must be a string or a number, not \{'a': 1\}"):
        desired_labels(LIVE_LABELS, params(labels=dict(zone=dict(a=1))))

# -*- coding: utf-8 -*-
"""Placement: which nodes constraints allow, and when a service that no node can take yet fails a run or only
warns (pure logic, shared by swarm_service and swarm_stack)."""

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import (
    node_matches,
    placement_warning,
    unmatched_constraints,
)
from tests.unit.fake_engine import load_fixture

SWARM_NODES = [
    dict(ID='n1', Description=dict(Hostname='manager1'), Spec=dict(Role='manager', Labels={})),
    dict(ID='n2', Description=dict(Hostname='worker1'), Spec=dict(Role='worker', Labels={'zone': 'a'})),
]
NODES_SUMMARY = 'manager1 (manager); worker1 (worker, labels zone=a)'


def placed(constraints, mode=None, name='web'):
    return dict(
        Name=name,
        Mode=mode or {'Replicated': {'Replicas': 2}},
        TaskTemplate=dict(Placement=dict(Constraints=constraints)),
    )


@pytest.mark.parametrize(
    'constraints, verdict',
    [
        ([], True),
        (['node.role==worker'], True),
        (['node.role == manager'], False),
        (['node.hostname!=worker1'], False),
        (['node.labels.zone==a'], False),
        (['node.platform.os==linux', 'node.role!=manager'], True),
        (['node.ip==10.0.0.1'], None),
    ],
)
def test_constraints_are_evaluated_where_they_can_be(constraints, verdict):
    worker1 = [node for node in load_fixture('service_nodes.json') if node['Description']['Hostname'] == 'worker1'][0]
    assert node_matches(worker1, constraints) is verdict


@pytest.mark.parametrize(
    'spec',
    [
        placed(['node.labels.zone==a']),
        placed(['node.role!=manager']),
        placed(['node.labels.zone==b'], mode={'Global': {}}),
        placed(['node.labels.zone==b'], mode={'Replicated': {'Replicas': 0}}),
        placed(['node.labels.zone==b', 'node.ip==10.0.0.1']),
        placed([]),
    ],
    ids=['matches', 'not-equal', 'global-waits-for-nodes', 'scaled-to-zero', 'unreadable-may-match', 'none'],
)
def test_constraints_some_node_matches_or_that_may_wait_are_placeable(spec):
    assert unmatched_constraints(SWARM_NODES, spec) == []
    for writes in (False, True):
        for wait in (False, True):
            assert placement_warning(SWARM_NODES, spec, writes, wait) is None


def test_constraints_no_node_matches_are_named():
    spec = placed(['node.labels.pcidss==yes', 'node.role==worker'])
    assert unmatched_constraints(SWARM_NODES, spec) == ['node.labels.pcidss==yes', 'node.role==worker']
    assert unmatched_constraints([], spec) == [], 'no node listed: nothing to judge by'


def test_a_write_that_would_wait_for_tasks_no_node_can_take_fails_naming_the_service_and_nodes():
    with pytest.raises(SwarmError) as refused:
        placement_warning(SWARM_NODES, placed(['node.labels.zone==b']), writes=True, wait=True)
    message = str(refused.value)
    assert message.startswith('No node matches the placement constraints of service web (node.labels.zone==b)')
    assert 'this run would wait for them' in message and 'set wait: false' in message
    assert message.endswith('The nodes: %s.' % NODES_SUMMARY)


@pytest.mark.parametrize(
    'writes, wait', [(True, False), (False, False), (False, True)], ids=['write-no-wait', 'no-change', 'no-change-wait']
)
def test_without_waiting_or_without_a_change_it_is_a_warning(writes, wait):
    warning = placement_warning(SWARM_NODES, placed(['node.labels.pcidss==yes'], name='pci_web'), writes, wait)
    assert warning == (
        'No node matches the placement constraints of service pci_web (node.labels.pcidss==yes) yet: its tasks stay '
        'pending until a node does, and this run did not wait for them. The nodes: %s.' % NODES_SUMMARY
    )

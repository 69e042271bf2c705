# -*- coding: utf-8 -*-
"""swarm_drain_blockers: the services that would lose their tasks if some nodes were drained, by their placement."""

import importlib

import pytest

try:
    from ansible.module_utils import _internal
except ImportError:  # older cores have no such switch, so there is nothing to restore
    _internal = None


@pytest.fixture(autouse=True)
def controller_context(monkeypatch):
    """See test_swarm_node_for_host: importing a filter switches module_utils into controller mode; put it back."""
    if _internal is not None:
        monkeypatch.setattr(_internal, 'is_controller', _internal.is_controller)


def blockers(services, specs, tasks, leaving, nodes=None):
    plugin = importlib.import_module('ansible_collections.swarmops.swarm.plugins.filter.swarm_drain_blockers')
    return plugin.swarm_drain_blockers(NODES if nodes is None else nodes, services, specs, tasks, leaving)


def node(node_id, role='worker', labels=None, state='ready', availability='active'):
    return dict(
        id=node_id,
        hostname=node_id,
        role=role,
        labels=labels or {},
        state=state,
        availability=availability,
        platform={'os': 'linux', 'architecture': 'x86_64'},
        engine_labels={},
    )


NODES = [node('m1', 'manager'), node('w1', labels={'zone': 'a'}), node('w2', labels={'zone': 'b'}), node('w3')]


def task(service, node_id):
    return dict(service_name=service, node_id=node_id)


def test_an_unconstrained_service_may_move_anywhere():
    services = [dict(name='web', mode='replicated', replicas=3)]
    assert blockers(services, {'web': {}}, [task('web', 'w1')], ['w1']) == []


def test_a_global_service_only_the_drained_node_may_run_names_the_service():
    services = [dict(name='agent', mode='global', replicas=None)]
    specs = {'agent': {'placement': {'constraints': ['node.labels.zone==a']}}}
    result = blockers(services, specs, [task('agent', 'w1')], ['w1'])
    assert len(result) == 1 and 'global service agent needs 1 eligible node(s)' in result[0], result
    assert 'constraints node.labels.zone==a' in result[0] and 'without w1 only 0 would remain' in result[0]


def test_max_replicas_per_node_counts_the_nodes_needed():
    services = [dict(name='db', mode='replicated', replicas=3)]
    specs = {'db': {'placement': {'constraints': ['node.role==worker'], 'max_replicas_per_node': 1}}}
    result = blockers(services, specs, [task('db', 'w1')], ['w1'])
    assert len(result) == 1 and 'needs 3 eligible node(s)' in result[0] and 'only 2 would remain (w2, w3)' in result[0]
    # With one replica per node and 4 nodes allowed, draining one leaves enough.
    specs['db']['placement']['constraints'] = []
    assert blockers(services, specs, [task('db', 'w1')], ['w1']) == []


def test_drained_down_and_batch_nodes_are_not_eligible():
    nodes = [node('m1', 'manager'), node('w1'), node('w2', availability='drain'), node('w3', state='down')]
    services = [dict(name='web', mode='replicated', replicas=2)]
    specs = {'web': {'placement': {'constraints': ['node.role!=manager']}}}
    assert blockers(services, specs, [task('web', 'w1')], ['w1'], nodes=nodes) != []


def test_services_without_tasks_on_the_drained_nodes_and_jobs_are_not_counted():
    services = [dict(name='pinned', mode='replicated', replicas=1), dict(name='job', mode='replicated-job')]
    specs = {'pinned': {'placement': {'constraints': ['node.labels.zone==c']}}}
    assert blockers(services, specs, [task('job', 'w1')], ['w1']) == []


def test_refuses_input_that_is_not_swarm_info_output():
    with pytest.raises(Exception, match='swarm_drain_blockers expects'):
        blockers([], [], [], 'w1')

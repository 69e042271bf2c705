# -*- coding: utf-8 -*-
"""swarm_node against the real sandbox: every case in check mode, for real, again, and again in check mode.

One swarm (3 managers, 2 workers) is formed for the whole file; the cases run in file order and each leaves the
swarm as the next one expects. The last cases take nodes away, so they come last.
"""

import json
import threading

import pytest

from tests.integration.ansible_runner import run_four_times, run_module
from tests.integration.waiting import wait_for

MODULE = 'swarmops.swarm.swarm_node'
# Tasks of this service ignore their stop signal and are killed after the grace period: a drain that did not
# wait would return while they still run.
SLOW_TO_STOP_SERVICE = (
    'docker service create -d --name web --replicas 6 --endpoint-mode dnsrr --no-resolve-image '
    '--stop-signal SIGUSR1 --stop-grace-period 4s swarmops/web:1'
)


@pytest.fixture(scope='module')
def node_starts(swarm_sandbox):
    """Nodes being started in the background; the file waits for them at its end, and starts any node a failed
    case left stopped, because later test files reset the swarm state of running nodes only."""
    threads = []
    yield threads
    for thread in threads:
        thread.join()
    for status in swarm_sandbox.sandbox.status():
        if status.container_state != 'running':
            swarm_sandbox.sandbox.start_node(status.node.name)


@pytest.fixture(scope='module')
def swarm(swarm_sandbox, node_starts):
    swarm_sandbox.form_swarm()
    return swarm_sandbox


def start_in_background(swarm, node_starts, node):
    # A manager removed from its swarm takes about 20 s to start, its engine waiting for a swarm that no longer
    # knows it: the next cases run meanwhile.
    thread = threading.Thread(target=swarm.sandbox.start_node, args=(node,))
    thread.start()
    node_starts.append(thread)


def node_inspect(swarm, node):
    return json.loads(swarm.sh('manager1', 'docker node inspect %s' % node))[0]


def test_a_worker_is_promoted_and_demoted_back(swarm):
    promoted = run_four_times(swarm.inventory, 'manager1', MODULE, dict(node='worker1', role='manager'))
    assert promoted['actions'] == ['promote worker1 to manager']
    assert promoted['diff']['before']['role'] == 'worker' and promoted['diff']['after']['role'] == 'manager'
    assert promoted['node']['manager_reachability'] == 'reachable'
    assert swarm.node_list('manager1')['worker1']['manager_status'] == 'Reachable'

    demoted = run_four_times(swarm.inventory, 'manager1', MODULE, dict(node='worker1', role='worker'))
    assert demoted['actions'] == ['demote worker1 to worker']
    assert swarm.node_list('manager1')['worker1']['manager_status'] == ''
    assert node_inspect(swarm, 'worker1').get('ManagerStatus') is None


def test_labels_are_merged_removed_and_replaced(swarm):
    swarm.sh('manager1', 'docker node update --label-add zone=a --label-add ssd --label-add rack=7 worker1')
    merged = run_four_times(
        swarm.inventory, 'manager1', MODULE, dict(node='worker1', labels={'zone': 'b'}, labels_to_remove=['ssd'])
    )
    assert merged['actions'] == ['set labels of worker1: change zone=a -> zone=b, remove ssd']
    assert merged['diff']['before']['labels'] == {'zone': 'a', 'ssd': '', 'rack': '7'}
    assert node_inspect(swarm, 'worker1')['Spec']['Labels'] == {'zone': 'b', 'rack': '7'}

    replaced = run_four_times(
        swarm.inventory,
        'manager1',
        MODULE,
        dict(node='worker1', labels={'gpu': '', 'zone': 'b'}, labels_state='replace'),
    )
    assert replaced['actions'] == ['set labels of worker1: add gpu="", remove rack']
    assert node_inspect(swarm, 'worker1')['Spec']['Labels'] == {'gpu': '', 'zone': 'b'}


def test_a_drain_returns_once_the_node_runs_no_service_task(swarm):
    swarm.sh('manager1', SLOW_TO_STOP_SERVICE)
    wait_for(
        lambda: swarm.sh('worker2', 'docker ps -q --filter label=com.docker.swarm.service.name=web'),
        'web task running on worker2',
        timeout=60,
    )

    drained = run_four_times(swarm.inventory, 'manager1', MODULE, dict(node='worker2', availability='drain'))

    assert drained['actions'] == ['set availability of worker2: active -> drain']
    assert swarm.sh('worker2', 'docker ps -q --filter label=com.docker.swarm.service.name=web') == ''
    assert swarm.sh('manager1', 'docker node ps worker2 --filter desired-state=running -q') == ''
    placement = swarm.sh(
        'manager1', "docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'"
    ).splitlines()
    assert len(placement) == 6 and not any(line.startswith('worker2 ') for line in placement)
    wait_for(
        lambda: '6/6' in swarm.sh('manager1', "docker service ls --filter name=web --format '{{.Replicas}}'"),
        'web with all 6 replicas running elsewhere',
        timeout=30,
    )

    swarm.sh('manager1', 'docker node update --availability active worker2 && docker service rm web')


def test_a_demotion_that_would_lose_quorum_is_refused_and_a_dead_manager_is_removed_with_force(swarm, node_starts):
    swarm.sandbox.stop_node('manager3')
    seen_down = dict(status='Down', availability='Active', manager_status='Unreachable')
    wait_for(
        lambda: swarm.node_list('manager1')['manager3'] == seen_down, 'manager3 seen down and unreachable', timeout=60
    )

    refused = run_module(swarm.inventory, 'manager1', MODULE, dict(node='manager2', role='worker'), expect_failure=True)
    assert refused['msg'].startswith(
        'Refusing to demote manager2: the swarm has 3 managers, 2 reachable (unreachable: manager3), and quorum '
        'needs 2; after demoting manager2, 1 of the 2 remaining managers would be reachable, but a quorum of 2 '
        'managers needs 2.'
    )
    # With force the module steps aside, and the engine keeps its own Raft guard.
    engine_refused = run_module(
        swarm.inventory, 'manager1', MODULE, dict(node='manager2', role='worker', force=True), expect_failure=True
    )
    assert 'loss of quorum' in engine_refused['msg']
    assert swarm.node_list('manager1')['manager2']['manager_status'] == 'Reachable'

    removed = run_four_times(swarm.inventory, 'manager1', MODULE, dict(node='manager3', state='absent', force=True))
    assert removed['actions'] == ['demote manager3 to worker', 'remove manager3 (down)']
    assert removed['node'] is None
    assert 'manager3' not in swarm.node_list('manager1')
    assert swarm.node_list('manager2')['manager2']['manager_status'] in ('Leader', 'Reachable')
    start_in_background(swarm, node_starts, 'manager3')


def test_nodes_that_left_are_removed_once_down(swarm):
    for worker in ('worker1', 'worker2'):
        swarm.sh(worker, 'docker swarm leave')

    # Right after leaving, the swarm shows worker1 ready until it missed its heartbeats: the module removes it once
    # the swarm marks it down. On a busy machine the swarm may mark it down before the module looks, so this run is
    # not repeated in check mode: the node's state may change between two runs, which is what the run waits for.
    left = run_module(swarm.inventory, 'manager1', MODULE, dict(node='worker1', state='absent'))
    assert left['actions'] in (
        ['remove worker1 once the swarm marks it down (it is ready)'],
        ['remove worker1 (down)'],
    )
    assert left['diff']['after'] == {'state': 'absent'}
    assert 'worker1' not in swarm.node_list('manager1')
    assert not run_module(swarm.inventory, 'manager1', MODULE, dict(node='worker1', state='absent')).changed

    # A down node stays down: removing it is predicted exactly, and done directly.
    swarm.wait_for_node_status('manager1', 'worker2', 'Down')
    down = run_four_times(swarm.inventory, 'manager1', MODULE, dict(node='worker2', state='absent'))
    assert down['actions'] == ['remove worker2 (down)']
    assert set(swarm.node_list('manager1')) == {'manager1', 'manager2'}

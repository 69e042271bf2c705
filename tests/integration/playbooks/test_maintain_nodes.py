# -*- coding: utf-8 -*-
"""playbooks/maintain_nodes.yml on a real sandbox of 3 managers and 2 workers with autolock on: a rolling engine
restart of every node (workers first, the leader last, each manager unlocked after its restart), the operator's own
task file, a run that stops at a failing host and a re-run that continues the round, the refusals before any
drain (a global service that only one node may run, a manager without the unlock key, a manager the quorum
needs), and check mode, which refuses and plans as a run would and changes nothing."""

import json
import os
import threading
import time

import pytest

from tests.integration.ansible_runner import REPO_ROOT, run_playbook
from tests.integration.conftest import SUITE, started_sandbox
from tests.integration.waiting import wait_for

PREFIX = os.environ.get('SWARMOPS_IT_PREFIX', 'swarmops-it') + '-maintain'
PLAYBOOK = REPO_ROOT / 'playbooks' / 'maintain_nodes.yml'
WORKERS = ['worker1', 'worker2']
REPLICAS = 3
# dockerd is a sandbox node container's main process: its engine restarts with its container, from the controller.
RESTART_ENGINE_TASKS = """
- name: Restart the node container
  community.docker.docker_container:
    name: "{{ hostvars[inventory_hostname].ansible_host }}"
    state: started
    restart: true
  delegate_to: localhost
"""
# The operator's task file: notes how the checking manager sees the node while its tasks run, and fails on a host
# that carries /tmp/maintain-fail.
OPERATOR_TASKS = """
- name: Read the node as the manager sees it
  swarmops.swarm.swarm_info:
    nodes: true
  delegate_to: "{{ maintain_checker }}"
  register: operator_view

- name: Note the node's availability during the maintenance
  ansible.builtin.shell: >-
    echo {{ (operator_view.nodes | selectattr('id', 'eq', maintain_node_id) | first).availability }}
    >> /tmp/maintain-marker
  changed_when: true

- name: Fail where the flag says so
  ansible.builtin.command: test ! -e /tmp/maintain-fail
  changed_when: false
"""


@pytest.fixture(scope='module')
def swarm(tmp_path_factory):
    """The sandbox's swarm, formed with the CLI, with autolock on, its unlock key and a replicated service."""
    with started_sandbox(managers=3, workers=2, name_prefix=PREFIX, suite=SUITE) as swarm:
        swarm.form_swarm()
        swarm.sh('manager1', 'docker swarm update --autolock=true')
        swarm.unlock_key = swarm.sh('manager1', 'docker swarm unlock-key -q')
        swarm.sh(
            'manager1',
            'docker service create -d --name web --replicas %d --endpoint-mode dnsrr --no-resolve-image swarmops/web:1'
            % REPLICAS,
        )
        wait_for(lambda: running_tasks(swarm, 'manager1', 'web') == REPLICAS, 'web running %d tasks' % REPLICAS)
        swarm.files = tmp_path_factory.mktemp('maintain')
        (swarm.files / 'restart.yml').write_text(RESTART_ENGINE_TASKS)
        (swarm.files / 'operator.yml').write_text(OPERATOR_TASKS)
        yield swarm


def running_tasks(swarm, manager, service):
    rc, stdout, _stderr = swarm.sandbox.exec(
        manager,
        "docker service ps %s --filter desired-state=running --format '{{.CurrentState}}'" % service,
        timeout=20,
    )
    return sum(1 for line in stdout.splitlines() if line.startswith('Running')) if rc == 0 else None


def node_ids(swarm, manager):
    return dict(
        line.split() for line in swarm.sh(manager, "docker node ls --format '{{.Hostname}} {{.ID}}'").splitlines()
    )


def leader(swarm):
    for manager in swarm.managers:
        nodes = swarm.node_list(manager)
        leaders = [name for name, node in nodes.items() if node['manager_status'] == 'Leader']
        if leaders:
            return leaders[0]
    raise AssertionError('no manager names a leader')


def maintain(swarm, *options, check=True, **variables):
    """maintain_nodes with these variables (and ansible-playbook ``options``); (returncode, output on one line)."""
    variables.setdefault('maintain_state_file', str(swarm.files / 'round.done'))
    variables.setdefault('maintain_timeout', 240)
    started = time.monotonic()
    returncode, output = run_playbook(swarm.inventory, PLAYBOOK, '-e', json.dumps(variables), *options, check=False)
    print('maintain_nodes %s took %.1f s' % (variables.get('maintain_hosts'), time.monotonic() - started))
    if check:
        assert returncode == 0, 'maintain_nodes failed (rc %d):\n%s\n%s' % (returncode, output, swarm.diagnostics())
    return returncode, ' '.join(output.split())


def engine_starts(swarm):
    """{node: when its container, so its engine, last started}: a restart_engine of the sandbox restarts it."""
    return dict(
        (node, swarm.sandbox.client.containers.get(swarm.sandbox.node(node).container).attrs['State']['StartedAt'])
        for node in swarm.managers + swarm.workers
    )


def test_check_mode_refuses_and_plans_as_a_run_would_and_changes_nothing(swarm):
    leading = leader(swarm)
    before = (swarm.node_list('manager1'), engine_starts(swarm), swarm.sh('manager1', 'docker service ps -q web'))
    report_file = swarm.files / 'checked.json'

    returncode, output = maintain(
        swarm,
        '--check',
        maintain_hosts='all',
        maintain_action='restart_engine',
        maintain_engine_tasks=str(swarm.files / 'restart.yml'),
        maintain_unlock_key=swarm.unlock_key,
        maintain_report_file=str(report_file),
    )

    said = [
        output.index('Check mode: %s (' % node)
        for node in WORKERS + sorted(manager for manager in swarm.managers if manager != leading) + [leading]
    ]
    assert said == sorted(said), 'not workers first and the leader last: %s' % output
    follower = next(manager for manager in swarm.managers if manager != leading)
    assert (
        'Check mode: %s (manager, node %s) would be drained through ' % (follower, node_ids(swarm, leading)[follower])
    ) in output, output
    assert 'maintained (restart_engine), awaited until its engine answers and its node is Ready, unlocked if it ' in (
        output
    ), output
    after = (swarm.node_list('manager1'), engine_starts(swarm), swarm.sh('manager1', 'docker service ps -q web'))
    assert after == before, 'check mode changed the swarm'
    assert not report_file.exists() and not (swarm.files / 'round.done').exists()

    # The refusals are the real run's: without the unlock key, the first manager is refused.
    returncode, output = maintain(
        swarm,
        '--check',
        check=False,
        maintain_hosts='managers',
        maintain_action='restart_engine',
        maintain_engine_tasks=str(swarm.files / 'restart.yml'),
    )
    assert returncode != 0 and 'Refused before draining ' in output and 'Set maintain_unlock_key' in output, output
    assert (swarm.node_list('manager1'), engine_starts(swarm)) == before[:2]


def test_restarts_every_engine_workers_first_leader_last_and_unlocks_the_managers(swarm):
    ids_before = node_ids(swarm, 'manager1')
    leader_before = leader(swarm)
    report_file = swarm.files / 'report.json'
    samples = []
    done = threading.Event()

    def sample():
        # Through whichever manager answers: the one being restarted does not.
        while not done.is_set():
            for manager in swarm.managers:
                count = running_tasks(swarm, manager, 'web')
                if count is not None:
                    samples.append(count)
                    break
            time.sleep(1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        maintain(
            swarm,
            maintain_hosts='all',
            maintain_action='restart_engine',
            maintain_engine_tasks=str(swarm.files / 'restart.yml'),
            maintain_unlock_key=swarm.unlock_key,
            maintain_report_file=str(report_file),
        )
    finally:
        done.set()
        sampler.join(timeout=30)

    report = json.loads(report_file.read_text())
    order = [entry['host'] for entry in sorted(report['hosts'], key=lambda entry: float(entry['started_at']))]
    assert sorted(order[:2]) == WORKERS and order[-1] == leader_before and sorted(order) == sorted(ids_before), report
    for entry in report['hosts']:
        assert entry['node_id'] == ids_before[entry['host']], entry
        for step in ('drain_seconds', 'maintenance_seconds', 'ready_seconds'):
            assert 0 <= float(entry[step]) < 240, entry
        assert entry['engine_version_before'] and entry['engine_version_after'], entry
    # Every engine was restarted: a manager with autolock on came back locked, so each was unlocked by the playbook.
    for manager in swarm.managers:
        assert swarm.swarm_info(manager)['LocalNodeState'] == 'active', manager
    nodes = swarm.node_list(leader(swarm))
    assert node_ids(swarm, leader(swarm)) == ids_before
    assert all(node['status'] == 'Ready' and node['availability'] == 'Active' for node in nodes.values()), nodes
    assert len(samples) > 20 and min(samples) >= REPLICAS - 1, samples
    assert running_tasks(swarm, leader(swarm), 'web') == REPLICAS
    assert not (swarm.files / 'round.done').exists(), 'the finished round left its state file'


def test_a_failing_host_stops_the_round_and_a_rerun_continues_it(swarm):
    for worker in WORKERS:
        swarm.sh(worker, 'rm -f /tmp/maintain-marker /tmp/maintain-fail')
    swarm.sh('worker2', 'touch /tmp/maintain-fail')
    variables = dict(
        maintain_hosts='workers', maintain_action='tasks', maintain_tasks=str(swarm.files / 'operator.yml')
    )
    report_file = swarm.files / 'failed-round.json'

    returncode, output = maintain(swarm, check=False, maintain_report_file=str(report_file), **variables)

    assert returncode != 0
    assert 'The maintenance stopped at worker2: the step "Fail where the flag says so" failed' in output, output
    nodes = swarm.node_list('manager1')
    assert nodes['worker1']['availability'] == 'Active' and nodes['worker2']['availability'] == 'Drain', nodes
    # The operator's tasks ran while the node was drained.
    assert swarm.sh('worker1', 'cat /tmp/maintain-marker').split() == ['drain']
    assert swarm.sh('worker2', 'cat /tmp/maintain-marker').split() == ['drain']
    assert (swarm.files / 'round.done').read_text().split() == ['worker1']
    # The failed run reports the host done before the failure, and the failure.
    report = json.loads(report_file.read_text())
    assert [host['host'] for host in report['hosts']] == ['worker1'], report
    assert float(report['hosts'][0]['drain_seconds']) >= 0, report
    failed = report['failed']
    assert (failed['host'], failed['step']) == ('worker2', 'Fail where the flag says so'), report
    assert failed['drained'] in (True, 'True'), report
    assert failed['node_id'] == node_ids(swarm, 'manager1')['worker2'], report

    swarm.sh('worker2', 'rm /tmp/maintain-fail')
    maintain(swarm, **variables)

    assert swarm.sh('worker1', 'cat /tmp/maintain-marker').split() == ['drain'], 'worker1 was maintained again'
    assert swarm.sh('worker2', 'cat /tmp/maintain-marker').split() == ['drain', 'drain']
    nodes = swarm.node_list('manager1')
    assert all(nodes[worker]['availability'] == 'Active' for worker in WORKERS), nodes
    assert not (swarm.files / 'round.done').exists()


def test_refuses_to_drain_the_only_node_a_global_service_may_run_on(swarm):
    swarm.sh('manager1', 'docker node update --label-add maintain-only=yes worker1')
    swarm.sh(
        'manager1',
        'docker service create -d --name pinned --mode global --constraint node.labels.maintain-only==yes '
        '--endpoint-mode dnsrr --no-resolve-image swarmops/web:1',
    )
    wait_for(lambda: running_tasks(swarm, 'manager1', 'pinned') == 1, 'pinned running on worker1')
    try:
        returncode, output = maintain(
            swarm,
            check=False,
            maintain_hosts='worker1',
            maintain_action='tasks',
            maintain_tasks=str(swarm.files / 'operator.yml'),
        )
        assert returncode != 0
        assert 'Refused before draining worker1: The global service pinned needs 1 eligible node(s)' in output, output
        assert swarm.node_list('manager1')['worker1']['availability'] == 'Active'
        assert running_tasks(swarm, 'manager1', 'pinned') == 1
    finally:
        swarm.sh('manager1', 'docker service rm pinned')


def test_refuses_to_restart_a_manager_under_autolock_without_the_unlock_key(swarm):
    follower = next(manager for manager in swarm.managers if manager != leader(swarm))
    engine_before = swarm.sh(follower, 'pidof dockerd')

    returncode, output = maintain(
        swarm,
        check=False,
        maintain_hosts=follower,
        maintain_action='restart_engine',
        maintain_engine_tasks=str(swarm.files / 'restart.yml'),
    )

    assert returncode != 0
    refusal = (
        'Refused before draining %s: the swarm has autolock on, so a manager comes back locked from restart_engine'
    )
    assert refusal % follower in output, output
    assert 'Set maintain_unlock_key' in output, output
    assert swarm.node_list('manager1')[follower]['availability'] == 'Active'
    assert swarm.sh(follower, 'pidof dockerd') == engine_before, 'the engine was restarted'
    assert swarm.sh(follower, "docker info --format '{{.Swarm.LocalNodeState}}'") == 'active'


def test_refuses_a_manager_the_quorum_needs(swarm):
    # A follower stopped, so that no election runs: the leader then sees it down and only two managers reachable.
    leading = leader(swarm)
    stopped, asked = [manager for manager in swarm.managers if manager != leading]
    swarm.sandbox.stop_node(stopped)
    swarm.wait_for_node_status(leading, stopped, 'Down')

    returncode, output = maintain(
        swarm,
        check=False,
        maintain_hosts=asked,
        maintain_action='tasks',
        maintain_tasks=str(swarm.files / 'operator.yml'),
    )

    assert returncode != 0
    assert (
        "Refused before draining %s: taking it out would leave 1 of the swarm's 3 managers reachable, fewer than "
        'the majority of 2' % asked in output
    ), output
    assert swarm.node_list(leading)[asked]['availability'] == 'Active'

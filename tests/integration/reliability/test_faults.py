# -*- coding: utf-8 -*-
"""Fault injection on the real sandbox (3 managers, 2 workers): a fault hits the swarm while a module works, and
each case asserts what the module said and the cluster's real state afterwards.

Faults are injected from the host engine (a node container stopped, killed, restarted, or disconnected from the
sandbox network) once the operation is observably under way, read from the cluster itself: no blind sleeps.
The recovery contract the modules document (notes of swarm_service, swarm_stack, swarm_node): a wait rides through
a leader election; a run that fails because its manager went away is run again, against another manager, and
converges without creating anything twice.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor

from tests.integration.ansible_runner import REPO_ROOT, run_module, run_playbook
from tests.integration.waiting import wait_for

SERVICE = 'swarmops.swarm.swarm_service'
STACK = 'swarmops.swarm.swarm_stack'
NODE = 'swarmops.swarm.swarm_node'
JOIN = 'swarmops.swarm.swarm_join'
NAMESPACE = 'com.docker.stack.namespace'
# What a crashed module (rather than one that failed with a message) leaves in its result.
CRASH_SIGNS = ('Traceback', 'module_stderr', 'MODULE FAILURE')


# -- the swarm and its roles ---------------------------------------------------------------------


def form_swarm(swarm_sandbox):
    """All five nodes in one swarm; nodes report every second, so a node that went away is seen down in seconds."""
    swarm_sandbox.form_swarm()
    swarm_sandbox.sh('manager1', 'docker swarm update --dispatcher-heartbeat 1s')
    return swarm_sandbox


def roles(swarm):
    """(leader, runner, witness): the managers that lead, that runs the module, that the task is re-run on."""
    managers = swarm.node_list('manager1' if swarm.swarm_info('manager1').get('ControlAvailable') else 'manager2')
    leader = next(name for name, node in managers.items() if node['manager_status'] == 'Leader')
    runner, witness = [name for name in swarm.managers if name != leader]
    return leader, runner, witness


def bring_back(swarm, node, witness):
    """Start a stopped node and wait until the swarm counts it again (a manager: reachable)."""
    swarm.sandbox.start_node(node)

    def counted():
        listed = swarm.node_list(witness).get(node, {})
        return listed.get('status') == 'Ready' and listed.get('manager_status') in ('', 'Reachable', 'Leader')

    wait_for(counted, '%s ready and reachable again' % node)


def in_background(swarm, host, module, args):
    """Start a module run; return a function that waits for its result and how long the run took."""
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(timed_run, swarm, host, module, args)
    executor.shutdown(wait=False)
    return lambda: future.result(timeout=300)


def timed_run(swarm, host, module, args, expect_failure=None):
    started = time.monotonic()
    result = run_module(swarm.inventory, host, module, args, expect_failure=expect_failure)
    return result, time.monotonic() - started


def assert_clear_outcome(result, seconds, limit):
    """The module either completed or failed with a message, before the timeout it was given."""
    assert seconds < limit, 'the run took %ds, as long as its timeout' % seconds
    text = json.dumps(result)
    assert not any(sign in text for sign in CRASH_SIGNS), 'the module crashed: %s' % text


def names_of(swarm, manager, kind, *filters):
    arguments = ' '.join('--filter %s' % item for item in filters)
    return sorted(swarm.sh(manager, "docker %s ls %s --format '{{.Name}}'" % (kind, arguments)).split())


def running_images(swarm, manager, service):
    """The images of the service's tasks that the swarm wants running, with the state they are in."""
    rows = swarm.sh(
        manager, "docker service ps %s --filter desired-state=running --format '{{.Image}} {{.CurrentState}}'" % service
    )
    return [(row.split()[0], row.split()[1]) for row in rows.splitlines()]


# -- 1. the leader dies in the middle of an operation --------------------------------------------------
# One leader death hits a service rollout, a stack deploy and a drain at once: each election costs about 20 s.


def rollout_args(image):
    return dict(
        name='rollout',
        image=image,
        replicas=4,
        resolve_image='never',
        endpoint_mode='dnsrr',
        # Away from the drained node: a drain that stops a task of an update pauses the update.
        placement=dict(constraints=['node.hostname==worker2']),
        update_config=dict(parallelism=1, delay='2s'),
        # busybox httpd ignores SIGTERM: without a short grace period, each replaced task takes 10 s to stop.
        stop_grace_period='1s',
        wait_stability='1s',
        wait_timeout=180,
    )


STACK_DIRECTORY = '/srv/faults'
STACK_COMPOSE = """
version: "3.8"
services:
  front:
    image: swarmops/web:1
    networks: [back]
    configs: [{source: site, target: /etc/site.conf}]
    secrets: [token]
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
      placement: {constraints: [node.role == worker]}
  back:
    image: swarmops/web:1
    networks: [back]
    deploy:
      endpoint_mode: dnsrr
      placement: {constraints: [node.role == worker]}
networks:
  back: {driver: overlay}
configs:
  site: {file: ./site.conf}
secrets:
  token: {file: ./token}
"""
# A long stability window keeps the deploy waiting (under way) until the leader is gone.
STACK_ARGS = dict(name='faults', compose=[STACK_DIRECTORY + '/stack.yml'], wait_stability='8s', wait_timeout=180)
STACK_LABEL = 'label=%s=faults' % NAMESPACE
DRAIN_ARGS = dict(node='worker1', availability='drain', wait_timeout=180)


def test_the_leader_dies_during_a_rollout_a_stack_deploy_and_a_drain(swarm_sandbox):
    swarm = form_swarm(swarm_sandbox)
    leader, runner, witness = roles(swarm)
    swarm.sh(
        runner,
        'docker service create -d --name rollout --replicas 4 --constraint node.hostname==worker2 --endpoint-mode dnsrr '
        '--update-parallelism 1 --update-delay 2s --stop-grace-period 1s --no-resolve-image swarmops/web:1',
    )
    # Its tasks on the drained node stop only at the end of their grace period: the drain takes that long.
    swarm.sh(
        runner,
        'docker service create -d --name drained --replicas 2 --constraint node.role==worker --endpoint-mode dnsrr '
        '--stop-grace-period 20s --no-resolve-image swarmops/web:1',
    )
    for manager in (runner, witness):
        swarm.sandbox.exec(
            manager, 'mkdir -p %s && cat > %s/stack.yml' % (STACK_DIRECTORY, STACK_DIRECTORY), input=STACK_COMPOSE
        )
        swarm.sh(manager, 'cd %s && printf "listen 80\\n" > site.conf && printf s3cret > token' % STACK_DIRECTORY)
    wait_for(lambda: running_images(swarm, witness, 'rollout') == [('swarmops/web:1', 'Running')] * 4, 'rollout up')
    wait_for(lambda: running_images(swarm, witness, 'drained') == [('swarmops/web:1', 'Running')] * 2, 'drained up')

    operations = dict(
        rollout=in_background(swarm, runner, SERVICE, rollout_args('swarmops/web:2')),
        stack=in_background(swarm, runner, STACK, STACK_ARGS),
        drain=in_background(swarm, runner, NODE, DRAIN_ARGS),
    )
    wait_for(
        lambda: (
            ('swarmops/web:2', 'Running') in running_images(swarm, witness, 'rollout')
            and names_of(swarm, witness, 'service', STACK_LABEL)
            and swarm.node_list(witness)['worker1']['availability'] == 'Drain'
        ),
        'the rollout, the deploy and the drain under way',
    )
    swarm.sandbox.stop_node(leader, timeout=0)
    try:
        outcomes = dict((name, finished()) for name, finished in operations.items())
    finally:
        bring_back(swarm, leader, witness)
    for name, (result, seconds) in outcomes.items():
        print('%s: %.1f s, %s' % (name, seconds, result.get('msg') or result.get('waited_for')))
        assert_clear_outcome(result, seconds, 180)
        assert not result.failed or 'leader' in result['msg'] or 'quorum' in result['msg'], (name, result['msg'])

    # The same tasks again, against another manager: they converge and create nothing twice.
    run_module(swarm.inventory, witness, SERVICE, rollout_args('swarmops/web:2'))
    run_module(swarm.inventory, witness, STACK, STACK_ARGS)
    run_module(swarm.inventory, witness, NODE, DRAIN_ARGS)
    assert names_of(swarm, witness, 'service') == ['drained', 'faults_back', 'faults_front', 'rollout']
    assert names_of(swarm, witness, 'network', STACK_LABEL) == ['faults_back']
    assert len(names_of(swarm, witness, 'config', STACK_LABEL)) == 1
    assert len(names_of(swarm, witness, 'secret', STACK_LABEL)) == 1
    assert running_images(swarm, witness, 'rollout') == [('swarmops/web:2', 'Running')] * 4
    assert running_images(swarm, witness, 'faults_front') == [('swarmops/web:1', 'Running')] * 2
    worker1 = swarm.sh(witness, 'docker node inspect worker1 --format {{.ID}}')
    assert swarm.sh(witness, 'docker node ps %s --filter desired-state=running -q' % worker1) == ''


# -- 2. a worker is cut off from the network during a deploy that needs it, a stack update and a drain ---------


def test_a_deploy_to_a_cut_off_worker_names_the_stuck_tasks_and_converges_once_it_is_back(swarm_sandbox):
    swarm = form_swarm(swarm_sandbox)
    args = dict(
        name='pinned',
        image='swarmops/web:1',
        replicas=2,
        resolve_image='never',
        endpoint_mode='dnsrr',
        placement=dict(constraints=['node.hostname==worker2']),
        wait_stability='1s',
        wait_timeout=20,
    )
    network = swarm.sandbox.client.networks.get(swarm.sandbox.network)
    container = swarm.sandbox.node('worker2').container
    network.disconnect(container)
    try:
        result = run_module(swarm.inventory, 'manager1', SERVICE, args, expect_failure=True)
    finally:
        network.connect(container, ipv4_address=swarm.address['worker2'], aliases=['worker2'])

    print('cut off: %s' % result['msg'])
    assert 'Timed out after 20s waiting for service pinned to converge' in result['msg']
    assert 'pinned.1' in result['msg'] and 'pinned.2' in result['msg'], result['msg']
    swarm.wait_for_node_status('manager1', 'worker2', 'Ready')
    # The same task again changes nothing, and still returns only once its tasks run (it waits if they do not yet).
    rerun = run_module(swarm.inventory, 'manager1', SERVICE, args)
    assert not rerun.changed
    assert running_images(swarm, 'manager1', 'pinned') == [('swarmops/web:1', 'Running')] * 2, rerun


def worker_stack(image):
    """A stack whose one service runs one task on each worker: a cut-off worker's task cannot move anywhere."""
    service = dict(
        image=image,
        deploy=dict(
            replicas=2,
            endpoint_mode='dnsrr',
            placement=dict(constraints=['node.role==worker'], max_replicas_per_node=1),
            update_config=dict(parallelism=2),
        ),
    )
    return dict(
        name='cut',
        compose=[dict(services=dict(web=service))],
        resolve_image='never',
        wait_stability='1s',
        wait_timeout=20,
    )


def test_a_worker_cut_off_during_a_stack_update_and_a_drain_converges_once_it_is_back(swarm_sandbox):
    swarm = form_swarm(swarm_sandbox)
    run_module(swarm.inventory, 'manager1', STACK, dict(worker_stack('swarmops/web:1'), wait_timeout=120))
    network = swarm.sandbox.client.networks.get(swarm.sandbox.network)
    container = swarm.sandbox.node('worker2').container
    network.disconnect(container)
    try:
        # The update reaches worker1; worker2's task has nowhere else to go: the wait names it.
        update, seconds = timed_run(swarm, 'manager1', STACK, worker_stack('swarmops/web:2'), expect_failure=True)
        # Draining the cut-off worker completes once the swarm marks it down: the desired state is all that counts.
        drain, drain_seconds = timed_run(
            swarm, 'manager1', NODE, dict(node='worker2', availability='drain', wait_timeout=60)
        )
    finally:
        network.connect(container, ipv4_address=swarm.address['worker2'], aliases=['worker2'])

    print('update: %.1f s: %s' % (seconds, update['msg']))
    assert_clear_outcome(update, seconds, 60)
    # The swarm either keeps updating (the wait times out naming the service) or pauses the update on the task it
    # lost: either way the run says so, about this stack's service.
    assert (
        'Timed out after 20s waiting for the services of stack cut to converge; last seen: cut_web: ' in update['msg']
        or 'Stack cut: Service cut_web: the update is paused' in update['msg']
    ), update['msg']
    print('drain: %.1f s: %s' % (drain_seconds, drain.get('waited_for') or drain.get('msg')))
    assert_clear_outcome(drain, drain_seconds, 60)
    assert drain.changed and not drain.failed, drain

    swarm.wait_for_node_status('manager1', 'worker2', 'Ready')
    nodes = swarm.node_list('manager1')
    assert nodes['worker2']['availability'] == 'Drain', nodes
    assert not run_module(swarm.inventory, 'manager1', NODE, dict(node='worker2', availability='drain')).changed
    # Nothing half-done: the service is on the new spec, and it runs where it may.
    running = [task for task in running_images(swarm, 'manager1', 'cut_web') if task[1] == 'Running']
    assert running == [('swarmops/web:2', 'Running')], 'one worker left for it'
    run_module(swarm.inventory, 'manager1', NODE, dict(node='worker2', availability='active'))
    # The same stack again: an update the swarm paused on the lost task stays paused until it is written again, so
    # the run resumes it (and says so); one still under way is awaited. The run after it changes nothing.
    rerun = run_module(swarm.inventory, 'manager1', STACK, dict(worker_stack('swarmops/web:2'), wait_timeout=120))
    print('rerun: %s' % rerun['actions'])
    assert all(action.startswith('resume the paused update of service cut_web (') for action in rerun['actions'])
    again = run_module(swarm.inventory, 'manager1', STACK, dict(worker_stack('swarmops/web:2'), wait_timeout=120))
    assert not again.changed, again['actions']
    assert running_images(swarm, 'manager1', 'cut_web') == [('swarmops/web:2', 'Running')] * 2
    assert names_of(swarm, 'manager1', 'service', 'label=%s=cut' % NAMESPACE) == ['cut_web']


# -- 3. engines restart while a node joins ---------------------------------------------------------------


def join_args(swarm, through, timeout=60):
    return dict(
        remote_addrs=['%s:2377' % swarm.address[through]],
        join_token=swarm.token('manager1', 'worker'),
        role='worker',
        advertise_addr=swarm.address['worker2'],
        timeout=timeout,
    )


def local_state(swarm, node):
    return swarm.swarm_info(node)['LocalNodeState']


def join_through_a_stopped_manager(swarm):
    """worker2 starts to join through a manager (not the leader) whose engine is stopped, and is seen pending.

    Returns the join's arguments, that manager (still stopped), another manager, and the join's result function.
    """
    swarm.form_swarm(workers=['worker1'])
    leader, through, witness = roles(swarm)
    args = join_args(swarm, through)
    swarm.sandbox.stop_node(through, timeout=0)
    try:
        finished = in_background(swarm, 'worker2', JOIN, args)
        wait_for(lambda: local_state(swarm, 'worker2') == 'pending', 'worker2 joining')
    except BaseException:
        bring_back(swarm, through, witness)
        raise
    return args, through, witness, finished


def test_a_join_through_a_manager_whose_engine_restarts_completes_or_is_recovered(swarm_sandbox):
    swarm = swarm_sandbox
    args, through, witness, finished = join_through_a_stopped_manager(swarm)
    bring_back(swarm, through, witness)
    result, seconds = finished()

    print('join: %.1f s, %s' % (seconds, result.get('msg') or result.get('actions')))
    assert_clear_outcome(result, seconds, 90)
    again = run_module(swarm.inventory, 'worker2', JOIN, args)
    assert not again.failed
    assert local_state(swarm, 'worker2') == 'active'
    swarm.wait_for_node_status(witness, 'worker2', 'Ready')
    assert sorted(swarm.node_list(witness)) == ['manager1', 'manager2', 'manager3', 'worker1', 'worker2']


def test_a_node_whose_engine_is_killed_during_its_own_join_is_joined_by_the_next_run(swarm_sandbox):
    swarm = swarm_sandbox
    args, through, witness, finished = join_through_a_stopped_manager(swarm)
    try:
        swarm.sandbox.client.containers.get(swarm.sandbox.node('worker2').container).kill()
        result = finished()[0]
    finally:
        bring_back(swarm, through, witness)
        swarm.sandbox.start_node('worker2')

    # The module ran in the killed node: it died with it.
    assert result.failed and result['rc'] == 137, result
    print('after the kill, worker2 is %s' % local_state(swarm, 'worker2'))
    again = run_module(swarm.inventory, 'worker2', JOIN, args)
    assert again.changed, again
    assert local_state(swarm, 'worker2') == 'active'
    swarm.wait_for_node_status(witness, 'worker2', 'Ready')
    assert not run_module(swarm.inventory, 'worker2', JOIN, args).changed


# -- 4. quorum loss -------------------------------------------------------------------------------------


QUORUM_LOSS_CASES = {
    SERVICE: dict(name='web', image='swarmops/web:1', resolve_image='never', endpoint_mode='dnsrr'),
    STACK: dict(name='faults', compose=[dict(version='3.8', services=dict(web=dict(image='swarmops/web:1')))]),
    NODE: dict(node='worker1', availability='drain'),
    'swarmops.swarm.swarm_info': dict(nodes=True),
    'swarmops.swarm.swarm_ca': {},
}


def test_every_module_fails_fast_on_a_manager_that_lost_its_quorum_and_says_how_to_recover(swarm_sandbox):
    swarm = form_swarm(swarm_sandbox)
    survivor, lost = 'manager1', ['manager2', 'manager3']
    for manager in lost:
        swarm.sandbox.stop_node(manager, timeout=0)
    try:
        swarm.wait_for_quorum_loss(survivor)
        # One module at a time, each beside a run that asks the engine nothing but its own state, started together:
        # the pair meets the same load on this machine (other suites run beside this one), so the baseline is what
        # a run costs at that moment.
        outcomes = {}
        with ThreadPoolExecutor(max_workers=2) as executor:
            for module, args in QUORUM_LOSS_CASES.items():
                baseline = executor.submit(timed_run, swarm, 'worker1', 'swarmops.swarm.swarm_info', {}, False)
                run = executor.submit(timed_run, swarm, survivor, module, args, True)
                outcomes[module] = run.result() + (baseline.result()[1],)
    finally:
        for manager in lost:
            swarm.sandbox.start_node(manager)
    for module, (result, seconds, baseline_seconds) in outcomes.items():
        print('%s: %.1f s (baseline %.1f s): %s' % (module, seconds, baseline_seconds, result['msg']))
    for module, (result, seconds, baseline_seconds) in outcomes.items():
        # Hanging on the engine would cost its 20 s deadline at least; failing at once costs what any run costs.
        assert seconds < baseline_seconds + 15, '%s took %ds to fail' % (module, seconds)
        assert 'lost quorum' in result['msg'] and 'force_new_cluster: true' in result['msg'], (module, result['msg'])
    wait_for(lambda: swarm.sandbox.exec(survivor, 'docker node ls -q', timeout=30)[0] == 0, 'the quorum back')
    assert swarm.node_list(survivor)['worker1']['availability'] == 'Active'
    assert names_of(swarm, survivor, 'service') == []


# -- 5. the failover drill, five times in a row -------------------------------------------------------------

DRILL = REPO_ROOT / 'playbooks' / 'failover_drill.yml'
# The sandbox's engines are the node containers' main processes: the Molecule scenario's task file stops and starts
# the leader's container from the controller, which is what the drill needs here too.
DRILL_ENGINE_TASKS = REPO_ROOT / 'molecule' / 'failover' / 'tasks' / 'node_container.yml'
# Each of the drill's waits (election, replicas, rejoin). The test is that the drill passes, not how fast: its times
# are the benchmark's business. On a machine as loaded as CI's (five streams of sandboxes on two CPUs) a wait of
# 120 s for the restarted old leader to be reachable again ran out once; a failure now shows each manager's view.
DRILL_STEP_TIMEOUT = 300


def test_the_failover_drill_passes_five_times_in_a_row(swarm_sandbox, tmp_path):
    swarm = form_swarm(swarm_sandbox)
    swarm.sh(
        'manager1',
        'docker service create -d --name web --replicas 4 --endpoint-mode dnsrr --no-resolve-image swarmops/web:1',
    )
    wait_for(lambda: running_images(swarm, 'manager1', 'web') == [('swarmops/web:1', 'Running')] * 4, '4 running')

    for run in range(1, 6):
        if run == 4:
            # The last two drills with autolock on: the old leader comes back locked and the drill unlocks it.
            swarm.sh('manager1', 'docker swarm update --autolock=true')
        report_file = tmp_path / ('drill-%d.json' % run)
        leader_before = roles(swarm)[0]
        started = time.monotonic()
        drill_vars = dict(
            failover_drill_engine_tasks=str(DRILL_ENGINE_TASKS),
            failover_drill_engine_become=False,
            failover_drill_timeout=DRILL_STEP_TIMEOUT,
            failover_drill_report_file=str(report_file),
        )
        returncode, output = run_playbook(swarm.inventory, DRILL, '-e', json.dumps(drill_vars), check=False)
        assert returncode == 0, 'drill %d failed (rc %d):\n%s\n%s' % (run, returncode, output, swarm.diagnostics())
        print('drill %d took %.1f s' % (run, time.monotonic() - started))
        report = json.loads(report_file.read_text())
        assert report['old_leader'] == leader_before and report['new_leader'] != leader_before, report
        assert report['services'] == ['web']
        for step in ('leader_election_seconds', 'replicas_recovered_seconds', 'rejoin_seconds'):
            assert 0 <= float(report[step]) < DRILL_STEP_TIMEOUT, report
        nodes = swarm.node_list(report['new_leader'])
        assert [name for name, node in nodes.items() if node['manager_status'] == 'Leader'] == [report['new_leader']]
        assert all(nodes[name]['status'] == 'Ready' for name in nodes), nodes
        assert all(nodes[name]['manager_status'] in ('Leader', 'Reachable') for name in swarm.managers), nodes
        assert all(swarm.swarm_info(name)['LocalNodeState'] == 'active' for name in swarm.managers), 'left locked'
        running = running_images(swarm, report['new_leader'], 'web')
        assert running == [('swarmops/web:1', 'Running')] * 4, running


# -- 6. a manager cut off from the other managers ----------------------------------------------------------


def nodes_seen(swarm, manager):
    """{hostname: `docker node ls` row} on the manager; {} while it cannot say (no leader, an election under way)."""
    rc, stdout, _stderr = swarm.sandbox.exec(manager, "docker node ls --format '{{json .}}'", timeout=30)
    return dict((row['Hostname'], row) for row in map(json.loads, stdout.splitlines())) if rc == 0 else {}


def test_a_cut_off_leader_fails_fast_the_majority_goes_on_and_the_healed_swarm_changes_nothing(swarm_sandbox):
    swarm = form_swarm(swarm_sandbox)
    swarm.sh(
        'manager1',
        'docker service create -d --name before --replicas 2 --endpoint-mode dnsrr --no-resolve-image '
        '--constraint node.role==worker swarmops/web:1',
    )
    wait_for(lambda: running_images(swarm, 'manager1', 'before') == [('swarmops/web:1', 'Running')] * 2, 'running')
    # The leader loses the sandbox network; Ansible still reaches its engine (docker exec from the host). Unlike a
    # stopped node, its peers' packets go unanswered: every call to them waits for a network timeout.
    cut_off, majority = 'manager1', 'manager2'
    network = swarm.sandbox.client.networks.get(swarm.sandbox.network)
    container = swarm.sandbox.node(cut_off).container
    network.disconnect(container)
    try:
        swarm.wait_for_quorum_loss(cut_off)
        with ThreadPoolExecutor(max_workers=len(QUORUM_LOSS_CASES)) as executor:
            runs = dict(
                (module, executor.submit(timed_run, swarm, cut_off, module, args, True))
                for module, args in QUORUM_LOSS_CASES.items()
            )
            outcomes = dict((module, run.result()) for module, run in runs.items())
        wait_for(
            lambda: [name for name, row in nodes_seen(swarm, majority).items() if row['ManagerStatus'] == 'Leader'],
            'a leader elected among the other managers',
        )
        created = run_module(swarm.inventory, majority, SERVICE, dict(QUORUM_LOSS_CASES[SERVICE], wait_stability='1s'))
        after_cut = running_images(swarm, majority, 'before')
    finally:
        network.connect(container, ipv4_address=swarm.address[cut_off], aliases=[cut_off])

    for module, (result, seconds) in outcomes.items():
        print('%s on the cut-off manager: %.1f s: %s' % (module, seconds, result['msg']))
        assert_clear_outcome(result, seconds, 60)
        assert 'lost quorum' in result['msg'] and 'force_new_cluster: true' in result['msg'], (module, result['msg'])
    assert created.changed
    assert after_cut == [('swarmops/web:1', 'Running')] * 2, 'the services stopped on the majority side'

    wait_for(
        lambda: (
            nodes_seen(swarm, majority).get(cut_off, {}).get('ManagerStatus') == 'Reachable'
            and [row for row in nodes_seen(swarm, cut_off).values() if row['ManagerStatus'] == 'Leader']
        ),
        '%s reachable again, and seeing the leader itself' % cut_off,
    )
    # Healed: the cut-off manager sees what the majority did, and nothing it was asked while cut off happened.
    rerun = run_module(swarm.inventory, cut_off, SERVICE, dict(QUORUM_LOSS_CASES[SERVICE], wait_stability='1s'))
    assert not rerun.changed, rerun['actions']
    assert names_of(swarm, cut_off, 'service') == ['before', 'web']
    assert swarm.node_list(cut_off)['worker1']['availability'] == 'Active'
    # The workers lost their dispatcher with the leader: the swarm may have restarted their tasks, which are then
    # Starting for a while. They come back on the same image, which nothing changed.
    wait_for(
        lambda: running_images(swarm, cut_off, 'before') == [('swarmops/web:1', 'Running')] * 2,
        'the service started before the cut running its 2 tasks of swarmops/web:1 again',
    )

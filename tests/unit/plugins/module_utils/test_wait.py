# -*- coding: utf-8 -*-
"""The waiting layer: the polling loop, a service's rollout and its stability window, tasks going away, and the
account of the waits."""

import copy
import json

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    LEADER_ELECTION_GRACE_SECONDS,
    Rollout,
    Waits,
    WaitTimeout,
    tasks_stopped,
    wait_until,
)
from tests.unit.fake_engine import load_fixture
from tests.unit.fake_service_engine import FakeClock, FakeServiceEngine, crash_loop_tasks, use_fake_time


def test_returns_the_final_status_and_the_time_waited():
    clock = FakeClock()
    answers = iter([(False, '1/3'), (False, '2/3'), (True, '3/3')])
    status, waited = wait_until(lambda: next(answers), 10, 'replicas', interval=1, clock=clock, sleep=clock.sleep)
    assert (status, waited) == ('3/3', 2.0)


def test_a_timeout_says_what_was_awaited_and_what_was_seen():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match=r'Timed out after 3s waiting for replicas; last seen: 1/3') as raised:
        wait_until(lambda: (False, '1/3'), 3, 'replicas', interval=1, clock=clock, sleep=clock.sleep)
    assert raised.value.details == {'waited_seconds': 3.0}


def engine_error(explanation):
    return EngineError('Could not list the tasks: ... answered: %s' % explanation, explanation=explanation)


def answers_then(*answers):
    """A check that raises the exceptions among ``answers`` and returns the rest, one per call."""
    pending = list(answers)

    def check():
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return check


def test_a_leader_election_is_waited_through():
    clock = FakeClock()
    election = engine_error('rpc error: code = DeadlineExceeded desc = context deadline exceeded')
    check = answers_then((False, '1/3'), election, election, (True, '3/3'))
    assert wait_until(check, 10, 'replicas', interval=1, clock=clock, sleep=clock.sleep) == ('3/3', 3.0)


def test_a_swarm_without_a_leader_beyond_the_grace_period_fails_with_the_engine_answer():
    clock = FakeClock()
    lost = engine_error('rpc error: code = Unknown desc = The swarm does not have a leader.')
    check = answers_then(*[lost] * (LEADER_ELECTION_GRACE_SECONDS + 2))
    with pytest.raises(EngineError) as raised:
        wait_until(check, 300, 'replicas', interval=1, clock=clock, sleep=clock.sleep)
    assert raised.value is lost and clock.now == LEADER_ELECTION_GRACE_SECONDS


def test_a_timeout_while_the_swarm_has_no_leader_says_so():
    clock = FakeClock()
    election = engine_error('rpc error: code = DeadlineExceeded desc = context deadline exceeded')
    with pytest.raises(WaitTimeout, match=r'last seen: the swarm had no leader for 3s \(Could not list the tasks'):
        wait_until(answers_then(*[election] * 4), 3, 'replicas', interval=1, clock=clock, sleep=clock.sleep)


def test_other_engine_errors_end_the_wait_at_once():
    refused = engine_error('service not found')
    with pytest.raises(EngineError) as raised:
        wait_until(answers_then(refused), 10, 'replicas', clock=FakeClock(), sleep=lambda seconds: None)
    assert raised.value is refused


# -- a service's rollout -------------------------------------------------------------------


@pytest.fixture
def fake_time(monkeypatch):
    """Stability windows and polls pass without real time."""
    return use_fake_time(monkeypatch)


def test_an_update_that_rolled_back_fails_naming_the_failing_tasks():
    engine = FakeServiceEngine('rolled_back')
    service_id = engine.service_named('hc')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_rolled_back_tasks.json')
    (attempted,) = set(
        json.dumps(task['Spec'], sort_keys=True)
        for task in engine.tasks_by_service[service_id]
        if task['Spec']['ContainerSpec'].get('Healthcheck')
    )
    rollout = Rollout(engine, service_id, attempted_template=dict(json.loads(attempted), Runtime='container'))
    with pytest.raises(SwarmError) as failed:
        rollout.check()
    message = str(failed.value)
    assert message.startswith(
        'Service hc: the update failed and the engine rolled it back (rollback_completed: '
        'rollback completed); the service is on its previous spec. Failing tasks: '
    )
    assert 'hc.1 (3u1s0ej6b00j): complete (finished)' in message
    assert 'fabpdm40' not in message, 'tasks of the previous spec are not failing tasks'


def test_a_requested_rollback_that_completed_has_converged():
    engine = FakeServiceEngine('rolled_back')
    service_id = engine.service_named('hc')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_rolled_back_tasks.json')
    assert Rollout(engine, service_id, rolling_back=True, stability=0).check() == (
        True,
        '2/2 tasks running, none stopped within the 0s stability window',
    )


def test_a_converged_update_is_done_and_progress_names_what_is_missing():
    engine = FakeServiceEngine('updated')
    service_id = engine.service_named('apimin')['ID']
    tasks = load_fixture('service_updated_tasks.json')
    engine.tasks_by_service[service_id] = tasks
    assert Rollout(engine, service_id, stability=0).check() == (
        True,
        '2/2 tasks running, none stopped within the 0s stability window',
    )
    starting = copy.deepcopy(tasks)
    starting[0]['Status'].update(State='preparing', Message='preparing')
    engine.tasks_by_service[service_id] = starting
    done, progress = Rollout(engine, service_id, stability=0).check()
    assert not done
    assert progress == '1/2 tasks running; apimin.1 (%s): preparing' % starting[0]['ID'][:12]


def test_an_update_in_progress_is_not_done():
    engine = FakeServiceEngine('updated')
    service = engine.service_named('apimin')
    service['UpdateStatus'] = {'State': 'updating', 'Message': 'update in progress'}
    engine.tasks_by_service[service['ID']] = load_fixture('service_updated_tasks.json')
    assert Rollout(engine, service['ID']).check() == (False, 'update updating; 2/2 tasks running')


def test_a_paused_update_fails():
    engine = FakeServiceEngine('updated')
    service = engine.service_named('apimin')
    service['UpdateStatus'] = {
        'State': 'paused',
        'Message': 'update paused due to failure or early termination of task r5s29mmhiigj',
    }
    with pytest.raises(SwarmError, match='the update is paused \\(update paused due to failure .*\\). Fix the cause'):
        Rollout(engine, service['ID']).check()


def test_a_global_service_runs_on_every_eligible_node():
    engine = FakeServiceEngine('global')
    engine.nodes_list = load_fixture('service_nodes.json')
    service_id = engine.service_named('glob')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_global_tasks.json')
    assert Rollout(engine, service_id, stability=0).check()[0]
    engine.tasks_by_service[service_id] = load_fixture('service_global_tasks.json')[1:]
    done, progress = Rollout(engine, service_id, stability=0).check()
    assert not done and progress == '4/5 tasks running'


def test_a_replicated_job_is_done_when_its_completions_are():
    engine = FakeServiceEngine('replicated_job')
    service_id = engine.service_named('job')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_replicated_job_tasks.json')
    assert Rollout(engine, service_id).check() == (True, '4/4 tasks completed')
    engine.tasks_by_service[service_id] = load_fixture('service_replicated_job_tasks.json')[:3]
    assert Rollout(engine, service_id).check() == (False, '3/4 tasks completed')


# -- the stability window ------------------------------------------------------------------


def _stable_update(engine):
    service_id = engine.service_named('apimin')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_updated_tasks.json')
    return service_id


def test_running_tasks_converge_only_after_the_window_without_a_stop(fake_time):
    engine = FakeServiceEngine('updated')
    rollout = Rollout(engine, _stable_update(engine))
    assert rollout.check() == (False, '2/2 tasks running; verifying they stay running (0s of 5s)')
    fake_time.now += 4.9
    assert not rollout.check()[0]
    fake_time.now += 0.1
    assert rollout.check() == (True, '2/2 tasks running, none stopped within the 5s stability window')


def test_the_window_is_the_update_monitor_unless_the_task_sets_one(fake_time):
    engine = FakeServiceEngine('updated')
    service_id = _stable_update(engine)
    engine.services_by_id[service_id]['Spec'].setdefault('UpdateConfig', {})['Monitor'] = 2 * 10**9
    rollout = Rollout(engine, service_id)
    rollout.check()
    fake_time.now += 2
    assert rollout.check()[0]
    assert Rollout(engine, service_id, stability=0).check()[0]


def test_a_task_that_fails_within_the_window_is_not_converged_and_is_named(fake_time):
    engine = FakeServiceEngine('updated')
    service_id = _stable_update(engine)
    rollout = Rollout(engine, service_id)
    assert not rollout.check()[0]
    fake_time.now += 1
    tasks = engine.tasks_by_service[service_id]
    crashed = copy.deepcopy(tasks[0])
    crashed.update(DesiredState='shutdown')
    crashed['Status'].update(State='failed', Err='task: non-zero exit (3)', ContainerStatus={'ExitCode': 3})
    replacement = copy.deepcopy(tasks[0])
    replacement['ID'] = 'replacement%014d' % 1
    engine.tasks_by_service[service_id] = [crashed, replacement, tasks[1]]
    done, progress = rollout.check()
    assert not done
    assert progress == (
        '2/2 tasks running; verifying they stay running (0s of 5s); stopped within the stability '
        'window: apimin.%s (%s): failed (task: non-zero exit (3)), exit code 3' % (crashed['Slot'], crashed['ID'][:12])
    )
    fake_time.now += 4.9
    assert not rollout.check()[0], 'the window starts again with the replacement'
    fake_time.now += 0.1
    assert rollout.check()[0]


def test_a_crash_looping_service_times_out_naming_the_task_error(fake_time):
    engine = FakeServiceEngine('updated')
    service = engine.service_named('apimin')
    service['Spec']['Mode'] = {'Replicated': {'Replicas': 1}}
    template = copy.deepcopy(service['Spec']['TaskTemplate'])
    engine.tasks = lambda filters=None: crash_loop_tasks(service['ID'], template, fake_time.now)
    rollout = Rollout(engine, service['ID'])
    with pytest.raises(WaitTimeout) as timed_out:
        wait_until(rollout.check, 30, 'service apimin to converge')
    message = str(timed_out.value)
    assert message.startswith('Timed out after 30s waiting for service apimin to converge; last seen: ')
    assert (
        'stopped within the stability window: apimin.1 (crash0000000): failed (task: non-zero exit (3)), '
        'exit code 3' in message
    )


def test_a_job_has_no_window(fake_time):
    engine = FakeServiceEngine('replicated_job')
    service_id = engine.service_named('job')['ID']
    engine.tasks_by_service[service_id] = load_fixture('service_replicated_job_tasks.json')
    assert Rollout(engine, service_id, stability=60).check() == (True, '4/4 tasks completed')


# -- tasks going away, and the account of the waits ----------------------------------------


def _task(service_id, state):
    return dict(ID='task-%s-%s' % (service_id, state), ServiceID=service_id, Status=dict(State=state))


def test_tasks_have_stopped_once_every_task_of_the_services_ended():
    tasks = [_task('web', 'shutdown'), _task('web', 'failed'), _task('other', 'running')]
    assert tasks_stopped(tasks, ('web',)) == (True, '0 tasks still running or starting')
    tasks.append(_task('web', 'preparing'))
    assert tasks_stopped(tasks, ('web', 'db')) == (False, '1 tasks still running or starting')


def test_waits_add_up_and_name_what_was_awaited(fake_time):
    engine = FakeServiceEngine('updated')
    waits = Waits()
    waits.rollouts({'apimin': Rollout(engine, _stable_update(engine))}, 30, 'service apimin to converge')
    waits.add(1.25, 'network front to be gone')
    waits.add(0.5)
    assert waits.result() == dict(
        waited_seconds=6.8,
        waited_for=[
            'service apimin: 2/2 tasks running, none stopped within the 5s stability window',
            'network front to be gone',
        ],
    )


def test_a_failed_rollout_of_a_stack_says_which_stack_and_still_counts_its_time(fake_time):
    engine = FakeServiceEngine('updated')
    service = engine.service_named('apimin')
    service['UpdateStatus'] = {'State': 'paused', 'Message': 'update paused due to failure'}
    converging = FakeServiceEngine('updated')
    waits = Waits()
    rollouts = {'shop_api': Rollout(engine, service['ID']), 'shop_web': Rollout(converging, _stable_update(converging))}
    fake_time.now += 2
    with pytest.raises(SwarmError, match='^Stack shop: Service apimin: the update is paused'):
        waits.rollouts(rollouts, 30, 'the services of stack shop to converge', stack='shop')
    assert waits.result() == dict(waited_seconds=2.0, waited_for=[])


def test_a_stack_wait_that_times_out_names_each_service_still_converging(fake_time):
    engine = FakeServiceEngine('updated')
    service_id = _stable_update(engine)
    engine.tasks_by_service[service_id][0]['Status'].update(State='preparing', Message='preparing')
    with pytest.raises(WaitTimeout, match=r'last seen: shop_api: 1/2 tasks running; apimin\.1 .*: preparing$'):
        Waits().rollouts({'shop_api': Rollout(engine, service_id)}, 10, 'the stack to converge', stack='shop')

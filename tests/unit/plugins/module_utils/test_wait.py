# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    LEADER_ELECTION_GRACE_SECONDS,
    WaitTimeout,
    wait_until,
)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


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

# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.wait import WaitTimeout, wait_until


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

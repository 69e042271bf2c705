# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.autolock import plan_swarm_unlock
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from tests.unit.fake_engine import FakeEngine


class LockedEngine(FakeEngine):
    key = 'SWMKEY-1-right'

    def swarm_unlock(self, unlock_key):
        self.calls.append(('swarm_unlock', '<key>'))
        if unlock_key != self.key:
            raise EngineError(
                'Could not unlock this manager: the Docker engine at unix:///var/run/docker.sock '
                'answered: swarm could not be unlocked: invalid key specified',
                explanation='swarm could not be unlocked: invalid key specified',
            )
        self.state = 'active'


def run(engine, check_mode=False, key='SWMKEY-1-right'):
    plan = plan_swarm_unlock(engine, dict(unlock_key=key, timeout=5))
    plan.execute(check_mode)
    plan.result = plan.report(check_mode)
    return plan


def test_a_locked_manager_is_unlocked_once():
    engine = LockedEngine(state='locked')
    predicted = run(engine, check_mode=True)
    assert predicted.changed and engine.writes() == []
    plan = run(engine)
    report = plan.result
    assert plan.summaries == ['unlock this manager'] and report['local_node_state'] == 'active'
    again = run(engine)
    assert not again.changed


def test_a_wrong_key_fails_and_the_node_stays_locked():
    engine = LockedEngine(state='locked')
    with pytest.raises(SwarmError, match='invalid key specified. The manager stays locked'):
        run(engine, key='SWMKEY-1-wrong')
    assert engine.state == 'locked'


def test_a_node_outside_a_swarm_has_nothing_to_unlock():
    plan = run(LockedEngine(state='inactive'))
    assert not plan.changed and 'not in a swarm' in plan.warnings[0]


@pytest.mark.parametrize('key', ['open sesame', 'SWMKEY-1- spaced', 'SWMKEY-2-abc'])
def test_a_key_that_is_no_unlock_key_is_refused_before_the_engine_is_asked_and_not_shown(key):
    engine = LockedEngine(state='locked')
    with pytest.raises(SwarmError) as refused:
        run(engine, key=key)
    assert str(refused.value).startswith('unlock_key is not an unlock key') and key not in str(refused.value)
    assert engine.writes() == []

# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import (
    SWARM_INIT_ARGUMENT_SPEC,
    plan_swarm_init,
    split_host_port,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from tests.unit.fake_engine import MANAGER_TOKEN, WORKER_TOKEN, FakeEngine
from tests.unit.read_counter import count_calls


def params(**given):
    """Module parameters as AnsibleModule hands them over: every option present, defaults filled in."""
    values = dict((name, spec.get('default')) for name, spec in SWARM_INIT_ARGUMENT_SPEC.items())
    values.update(given)
    return values


def run(engine, check_mode=False, **given):
    plan = plan_swarm_init(engine, params(**given))
    plan.execute(check_mode)
    plan.result = plan.report(check_mode)
    return plan


def test_initialises_a_swarm_on_a_bare_engine_and_returns_tokens():
    engine = FakeEngine()
    plan = run(engine, advertise_addr='172.30.0.2', task_history_retention_limit=3, node_cert_expiry='720h')
    report = plan.result
    assert plan.changed
    ((call, request),) = engine.writes()
    assert call == 'swarm_init'
    assert request['AdvertiseAddr'] == '172.30.0.2'
    assert request['ListenAddr'] == '0.0.0.0:2377'
    assert request['Spec'] == {
        'Orchestration': {'TaskHistoryRetentionLimit': 3},
        'CAConfig': {'NodeCertExpiry': 720 * 3600 * 10**9},
    }
    assert report['join_tokens'] == {'worker': WORKER_TOKEN, 'manager': MANAGER_TOKEN}
    assert report['manager_addr'] == '172.30.0.2:2377'
    assert plan.before['state'] == 'absent'
    assert plan.after['task_history_retention_limit'] == 3


def test_check_mode_predicts_the_init_without_calling_the_engine():
    engine = FakeEngine()
    plan = run(engine, check_mode=True, advertise_addr='172.30.0.2')
    report = plan.result
    assert plan.changed
    assert engine.writes() == []
    assert report['swarm_id'] is None


def test_a_second_run_changes_nothing():
    engine = FakeEngine()
    run(engine, task_history_retention_limit=3)
    plan = run(engine, task_history_retention_limit=3)
    report = plan.result
    assert not plan.changed
    assert plan.before == plan.after
    assert report['swarm']['task_history_retention_limit'] == 3


def test_a_run_that_changes_nothing_reads_the_node_and_the_swarm_once():
    engine = FakeEngine()
    run(engine, task_history_retention_limit=3)
    reads = count_calls(engine, 'info', 'swarm_inspect')
    plan = run(engine, task_history_retention_limit=3)
    assert not plan.changed
    assert reads == {'info': 1, 'swarm_inspect': 1}
    assert plan.result['join_tokens'] == {'worker': WORKER_TOKEN, 'manager': MANAGER_TOKEN}
    assert plan.result['manager_addr'] == '172.30.0.2:2377'


def test_only_differing_settings_are_updated_and_the_rest_is_kept():
    engine = FakeEngine(state='active')
    check_plan = run(engine, check_mode=True, snapshot_interval=20000, heartbeat_tick=1)
    plan = run(engine, snapshot_interval=20000, heartbeat_tick=1)
    assert check_plan.summaries == plan.summaries == ['update the swarm: snapshot_interval 10000 -> 20000']
    ((call, spec, version, rotations),) = engine.writes()
    assert (call, version) == ('swarm_update', 10)
    assert spec['Raft']['SnapshotInterval'] == 20000
    assert spec['CAConfig']['NodeCertExpiry'] == 7776000000000000
    assert plan.before['snapshot_interval'] == 10000 and plan.after['snapshot_interval'] == 20000


def test_token_rotation_acts_on_every_run():
    engine = FakeEngine(state='active')
    for _run in range(2):
        plan = run(engine, rotate_worker_token=True)
        assert plan.changed
    assert [call[3] for call in engine.writes()] == [dict(worker=True, manager=False, unlock=False)] * 2


def test_rotating_the_unlock_key_needs_autolock():
    with pytest.raises(SwarmError, match='rotate_unlock_key needs autolock_managers'):
        run(FakeEngine(state='active'), rotate_unlock_key=True)


def test_unlock_key_is_returned_when_autolock_is_on():
    engine = FakeEngine(state='active')
    report = run(engine, autolock_managers=True).result
    assert report['unlock_key'] == 'SWMKEY-1-fakeunlockkey'


def test_init_only_settings_that_differ_are_warned_about_not_applied():
    engine = FakeEngine(state='active')
    plan = run(engine, default_addr_pool=['10.20.0.0/16'], subnet_size=24, advertise_addr='172.30.0.9:2377')
    assert not plan.changed
    assert len(plan.warnings) == 2
    assert any('default_addr_pool' in warning and '10.20.0.0/16' in warning for warning in plan.warnings)
    assert any('advertise_addr' in warning and '172.30.0.9' in warning for warning in plan.warnings)


def test_a_worker_is_sent_to_a_manager():
    engine = FakeEngine(state='active', is_manager=False)
    with pytest.raises(SwarmError, match='worker of the swarm managed by 172.30.0.2:2377.*Run it on a manager'):
        run(engine)


def test_lost_quorum_fails_fast_with_the_way_out():
    engine = FakeEngine(state='active', quorum=False)
    with pytest.raises(SwarmError, match='lost quorum.*force_new_cluster: true') as raised:
        run(engine, task_history_retention_limit=3)
    assert raised.value.details == {'quorum_lost': True}


def test_force_new_cluster_recovers_and_is_then_idempotent():
    engine = FakeEngine(
        state='active',
        quorum=False,
        managers=[
            ('selfnode0000000000000000a', '172.30.0.2', 'reachable'),
            ('other1', '172.30.0.3', 'unreachable'),
            ('other2', '172.30.0.4', 'unreachable'),
        ],
    )
    plan = run(engine, force_new_cluster=True)
    assert plan.changed
    ((call, request),) = engine.writes()
    assert request['ForceNewCluster'] is True and request['AdvertiseAddr'] == '172.30.0.2'
    second = run(engine, force_new_cluster=True)
    assert not second.changed and second.warnings == []


def test_force_new_cluster_on_a_healthy_swarm_forces_nothing():
    engine = FakeEngine(
        state='active',
        managers=[('selfnode0000000000000000a', '172.30.0.2', 'reachable'), ('other1', '172.30.0.3', 'reachable')],
    )
    plan = run(engine, force_new_cluster=True)
    assert not plan.changed
    assert 'force_new_cluster was not applied' in plan.warnings[0]


def test_a_half_joined_node_is_cleaned_up_before_init():
    engine = FakeEngine(state='pending')
    run(engine)
    assert [call[0] for call in engine.writes()] == ['swarm_leave', 'swarm_init']


def test_teardown_refuses_while_other_managers_are_reachable():
    engine = FakeEngine(
        state='active',
        managers=[('selfnode0000000000000000a', '172.30.0.2', 'reachable'), ('other1', '172.30.0.3', 'reachable')],
    )
    with pytest.raises(SwarmError, match=r'other managers are reachable: host-othe \(172.30.0.3:2377\)'):
        run(engine, state='absent')
    assert engine.writes() == []


def test_teardown_of_the_last_manager_and_again():
    engine = FakeEngine(state='active')
    plan = run(engine, state='absent')
    assert plan.changed and engine.writes() == [('swarm_leave', True)]
    again = run(engine, state='absent')
    assert not again.changed


def test_forced_teardown_with_other_managers():
    engine = FakeEngine(
        state='active',
        managers=[('selfnode0000000000000000a', '172.30.0.2', 'reachable'), ('other1', '172.30.0.3', 'reachable')],
    )
    plan = run(engine, state='absent', force=True)
    assert plan.changed


def test_locked_manager_is_reported():
    with pytest.raises(SwarmError, match='locked manager'):
        run(FakeEngine(state='locked'))


@pytest.mark.parametrize(
    'address, expected',
    [
        ('10.0.0.1', ('10.0.0.1', 2377)),
        ('10.0.0.1:2400', ('10.0.0.1', 2400)),
        ('[fd00::1]:2377', ('fd00::1', 2377)),
        ('manager1', ('manager1', 2377)),
        ('fd00::1', ('fd00::1', 2377)),
    ],
)
def test_addresses_are_split_with_the_swarm_port_as_default(address, expected):
    assert split_host_port(address) == expected

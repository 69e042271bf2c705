# -*- coding: utf-8 -*-
import re
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import membership
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.membership import (
    SWARM_JOIN_ARGUMENT_SPEC,
    ca_digest_of_certificate,
    ca_digest_of_token,
    plan_swarm_join,
)
from tests.unit.fake_engine import (
    MANAGER_TOKEN,
    OTHER_SWARM_TOKEN,
    TRUST_ROOT,
    WORKER_TOKEN,
    FakeEngine,
    load_fixture,
)
from tests.unit.read_counter import count_calls


def params(**given):
    values = dict((name, spec.get('default')) for name, spec in SWARM_JOIN_ARGUMENT_SPEC.items())
    values.update(remote_addrs=['172.30.0.2:2377'], timeout=5)
    values.update(given)
    return values


def run(engine, check_mode=False, **given):
    plan = plan_swarm_join(engine, params(**given))
    plan.execute(check_mode)
    return plan


def test_token_digest_matches_a_real_swarm_s_trust_root():
    recorded = load_fixture('swarm_inspect.json')
    assert ca_digest_of_certificate(recorded['TLSInfo']['TrustRoot']) == ca_digest_of_token(
        recorded['JoinTokens']['Worker']
    )


def test_token_digest_matches_the_trust_root():
    assert ca_digest_of_token(WORKER_TOKEN) == ca_digest_of_certificate(TRUST_ROOT)
    assert len(ca_digest_of_certificate(TRUST_ROOT)) == 50
    assert ca_digest_of_token('SWMTKN-1-short-secret') is None
    assert ca_digest_of_token('not a token') is None


def test_a_bare_node_joins_with_the_requested_settings():
    engine = FakeEngine()
    plan = run(engine, join_token=WORKER_TOKEN, role='worker', availability='drain', advertise_addr='eth0')
    ((call, request),) = engine.writes()
    assert call == 'swarm_join'
    assert request == {
        'ListenAddr': '0.0.0.0:2377',
        'AdvertiseAddr': 'eth0',
        'RemoteAddrs': ['172.30.0.2:2377'],
        'JoinToken': WORKER_TOKEN,
        'Availability': 'drain',
    }
    assert plan.summaries == ['join the swarm at 172.30.0.2:2377 as worker']
    assert plan.report(False)['role'] == 'worker'


def test_check_mode_plans_the_join_without_joining():
    engine = FakeEngine()
    plan = run(engine, check_mode=True, join_token=WORKER_TOKEN)
    assert plan.changed and engine.writes() == []


def test_the_role_picks_the_token():
    engine = FakeEngine()
    engine.join_as_manager = True
    run(engine, worker_token=WORKER_TOKEN, manager_token=MANAGER_TOKEN, role='manager')
    assert engine.writes()[0][1]['JoinToken'] == MANAGER_TOKEN


def test_a_malformed_token_is_refused_before_anything_happens():
    engine = FakeEngine()
    with pytest.raises(SwarmError, match='join token is malformed'):
        run(engine, join_token='SWMTKN-1-tampered')
    assert engine.writes() == []


def test_a_worker_of_the_same_swarm_is_left_alone(monkeypatch):
    engine = FakeEngine(state='active', is_manager=False)
    plan = run(engine, join_token=WORKER_TOKEN, role='worker')
    assert not plan.changed and plan.before == plan.after


def test_a_member_left_alone_reports_the_membership_read_before_planning():
    engine = FakeEngine(state='active', is_manager=False)
    reads = count_calls(engine, 'info')
    plan = run(engine, join_token=WORKER_TOKEN, role='worker')
    assert plan.report(False)['role'] == 'worker'
    assert reads == {'info': 1}


def test_a_join_reports_the_membership_read_after_it():
    engine = FakeEngine()
    reads = count_calls(engine, 'info')
    plan = run(engine, join_token=WORKER_TOKEN)
    assert plan.report(False)['local_node_state'] == 'active'
    assert reads['info'] >= 2


def test_a_worker_is_matched_by_manager_hostnames_too(monkeypatch):
    monkeypatch.setattr(
        membership.socket, 'getaddrinfo', lambda host, port, *rest: [(None, None, None, None, ('172.30.0.2', port))]
    )
    engine = FakeEngine(state='active', is_manager=False)
    assert not run(engine, join_token=WORKER_TOKEN, remote_addrs=['manager1']).changed


def test_a_manager_is_matched_by_its_trust_root_whatever_address_is_used():
    engine = FakeEngine(state='active')
    assert not run(engine, join_token=MANAGER_TOKEN, role='manager', remote_addrs=['192.0.2.99']).changed


def test_a_role_difference_is_explained_not_ignored():
    engine = FakeEngine(state='active', is_manager=False)
    with pytest.raises(SwarmError, match='already a worker.*role manager was asked.*swarm_node'):
        run(engine, join_token=MANAGER_TOKEN, role='manager')


def test_a_member_of_another_swarm_is_not_moved_without_force():
    engine = FakeEngine(state='active')
    swarm_id = load_fixture('swarm_inspect.json')['ID']
    with pytest.raises(SwarmError, match='manager of swarm %s, not of the swarm at 172.30.0.2' % swarm_id):
        run(engine, join_token=OTHER_SWARM_TOKEN)
    assert engine.writes() == []


def test_force_moves_a_node_to_another_swarm():
    engine = FakeEngine(state='active', is_manager=False, managers=[('m0', '192.0.2.1', 'reachable')])
    plan = run(engine, join_token=OTHER_SWARM_TOKEN, force=True)
    assert [call[0] for call in engine.writes()] == ['swarm_leave', 'swarm_join']
    assert plan.summaries[0] == 'leave the swarm managed by 192.0.2.1:2377 (force)'


def test_a_node_stuck_pending_is_recovered():
    engine = FakeEngine(state='pending')
    run(engine, join_token=WORKER_TOKEN)
    assert [call[0] for call in engine.writes()] == ['swarm_leave', 'swarm_join']


def test_a_refused_join_leaves_the_node_as_it_was():
    engine = FakeEngine()

    def refuse(request, timeout=None):
        engine.state = 'pending'
        raise EngineError(
            'Could not join the swarm at 172.30.0.2:2377: the Docker engine answered: invalid join token',
            status_code=500,
            explanation='invalid join token',
        )

    engine.swarm_join = refuse
    with pytest.raises(SwarmError, match='invalid join token. The node was left as it was'):
        run(engine, join_token=WORKER_TOKEN)
    assert engine.state == 'inactive'


@pytest.mark.parametrize(
    'explanation, meaning',
    [
        (
            'remote CA does not match fingerprint. Expected: 1922',
            'The join token belongs to another swarm: the root CA it names is not the one of the managers at m1:2377',
        ),
        (
            'rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster',
            "The join token is not one of that swarm's current tokens",
        ),
    ],
)
def test_a_token_the_swarm_refuses_is_explained(explanation, meaning):
    engine = FakeEngine()

    def refuse(request, timeout=None):
        raise EngineError(
            'Could not join the swarm at m1:2377: ' + explanation, status_code=500, explanation=explanation
        )

    engine.swarm_join = refuse
    with pytest.raises(SwarmError, match=re.escape(meaning)):
        run(engine, join_token=WORKER_TOKEN, remote_addrs=['m1:2377'])
    assert engine.state == 'inactive'


def test_a_join_the_swarm_refuses_after_accepting_it_leaves_the_node_as_it_was():
    engine = FakeEngine()

    def accept_then_fail(request, timeout=None):
        engine.state = 'error'

    engine.swarm_join = accept_then_fail
    with pytest.raises(SwarmError, match='swarm state is "error".*The node was left as it was'):
        run(engine, join_token=WORKER_TOKEN)
    assert engine.calls[-1] == ('swarm_leave', True) and engine.state == 'inactive'


def test_a_join_that_never_completes_is_abandoned(monkeypatch):
    engine = FakeEngine()

    def hang(request, timeout=None):
        engine.state = 'pending'
        raise EngineError(
            'timeout',
            status_code=500,
            explanation='Timeout was reached before node joined. The '
            'attempt to join the swarm will continue in the background.',
        )

    engine.swarm_join = hang
    with pytest.raises(
        SwarmError,
        match='Timed out after 0s waiting for the node to become an active member.*'
        'last seen: local node state pending.*abandoned',
    ):
        run(engine, join_token=WORKER_TOKEN, timeout=0)
    assert engine.calls[-1] == ('swarm_leave', True)


def test_a_worker_leaves():
    engine = FakeEngine(state='active', is_manager=False)
    plan = run(engine, state='absent')
    assert engine.writes() == [('swarm_leave', False)] and plan.changed
    assert not run(engine, state='absent').changed


def test_a_manager_leaving_is_refused_with_the_quorum_arithmetic():
    engine = FakeEngine(
        state='active',
        managers=[
            ('selfnode0000000000000000a', '172.30.0.2', 'reachable'),
            ('b', '172.30.0.3', 'reachable'),
            ('c', '172.30.0.4', 'reachable'),
        ],
    )
    with pytest.raises(
        SwarmError,
        match='3 managers need 2 reachable for quorum; with this node gone but still '
        'listed, 2 of 3 are reachable and 0 more may fail',
    ):
        run(engine, state='absent')
    assert engine.writes() == []
    assert run(engine, state='absent', force=True).changed

# -*- coding: utf-8 -*-
"""Network names and IDs resolved as the engine resolves them for a service spec, and back: the swarm's own host
and bridge networks, whose IDs no listing shows, included."""

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import (
    ServiceNetworks,
    allocated_network,
    network_named,
    remove_network_once_free,
)
from tests.unit.fake_networks import SWARM_PREDEFINED
from tests.unit.fake_service_engine import REFERENCES, FakeServiceEngine, use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.read_counter import count_calls

SWARM_HOST, SWARM_BRIDGE = (network['Id'] for network in SWARM_PREDEFINED)
LOCAL = dict((network['Name'], network['ID']) for network in REFERENCES['networks'])
FRONT = LOCAL['svc_front']


@pytest.mark.parametrize(
    'reference, stored',
    [
        ('svc_front', FRONT),
        (FRONT, FRONT),
        (FRONT[:6], FRONT),
        ('host', SWARM_HOST),
        ('bridge', SWARM_BRIDGE),
        (SWARM_HOST, SWARM_HOST),
        (SWARM_HOST[:6], SWARM_HOST),
        (LOCAL['host'], SWARM_HOST),
        (LOCAL['bridge'][:12], SWARM_BRIDGE),
        # Local and not predefined by swarm: the engine refuses it, saying only swarm-scoped networks can be used.
        ('docker_gwbridge', LOCAL['docker_gwbridge']),
        ('nosuch', None),
    ],
)
def test_a_network_resolves_to_the_id_the_engine_stores(reference, stored):
    assert ServiceNetworks(FakeServiceEngine()).service_target(reference) == stored


def test_a_stored_id_reads_back_as_the_network_name():
    networks = ServiceNetworks(FakeServiceEngine())
    assert networks.name_of(SWARM_HOST) == 'host' and networks.name_of(SWARM_BRIDGE) == 'bridge'
    assert networks.name_of(FRONT) == 'svc_front' and networks.name_of('gone00000000000000000000x') is None


def test_the_swarm_is_asked_once_per_reference_and_never_for_a_listed_overlay():
    engine = FakeServiceEngine()
    reads = count_calls(engine, 'networks', 'network_inspect')
    networks = ServiceNetworks(engine)
    for _round in range(3):
        networks.service_target('svc_front')
        networks.name_of(FRONT)
    assert reads == dict(networks=1, network_inspect=0)
    for _round in range(3):
        networks.service_target('host')
        networks.name_of(SWARM_HOST)
    assert reads == dict(networks=1, network_inspect=2)


def test_an_engine_error_other_than_not_found_is_not_taken_for_a_missing_network():
    engine = FakeServiceEngine()

    def unreachable(network, scope=None):
        raise EngineError('Could not inspect network host: no leader', status_code=503, explanation='no leader')

    engine.network_inspect = unreachable
    with pytest.raises(EngineError, match='no leader'):
        ServiceNetworks(engine).service_target('host')


def test_a_network_is_found_by_its_exact_name_the_swarm_scoped_one_first_unless_a_scope_is_given():
    engine = FakeStackEngine()
    engine.network_create(dict(Name='lan', Driver='macvlan', Scope='local'))
    # The engine lets a local and a swarm-scoped network share a name; the fake does not.
    engine.network_create(dict(Name='lan-swarm', Driver='macvlan', Scope='swarm'))
    next(network for network in engine.networks_by_id.values() if network['Name'] == 'lan-swarm')['Name'] = 'lan'
    engine.network_create(dict(Name='lan2', Driver='overlay'))
    assert network_named(engine, 'lan')['Scope'] == 'swarm'
    assert network_named(engine, 'lan', scope='local')['Scope'] == 'local'
    assert network_named(engine, 'la') is None


def test_a_busy_network_is_removed_once_its_tasks_are_gone(monkeypatch):
    use_fake_time(monkeypatch)
    engine = FakeStackEngine()
    network_id = engine.network_create(dict(Name='back', Driver='overlay'))['Id']
    engine.network_busy_answers = 2
    remove_network_once_free(engine, network_id, 'back', timeout=10)
    assert [call[0] for call in engine.calls].count('network_remove') == 3
    assert 'back' not in engine.names('network')


def test_a_swarm_network_not_allocated_yet_is_read_again_until_it_has_its_driver_state(monkeypatch):
    use_fake_time(monkeypatch)
    engine = FakeStackEngine()
    network_id = engine.network_create(dict(Name='back', Driver='overlay', Options={'encrypted': ''}))['Id']
    allocated = engine.network_inspect(network_id)
    # What the engine answers before the swarm's allocator ran (seen on Docker 20.10 right after a create).
    unallocated = dict(allocated, Driver='', Options=None)
    answers = [unallocated, unallocated]
    inspect = engine.network_inspect
    engine.network_inspect = lambda network, scope=None: answers.pop(0) if answers else inspect(network, scope)
    assert network_named(engine, 'back')['Driver'] == 'overlay'
    assert allocated_network(engine, unallocated) == allocated and answers == []

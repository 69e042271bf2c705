# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import SWARM_SPEC_OPTIONS
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    apply_to_spec,
    desired_api_values,
    differing_options,
    duration_to_ns,
    normalise,
    ns_to_duration,
    options_view,
)
from tests.unit.fake_engine import load_fixture

SECOND = 10**9


@pytest.mark.parametrize(
    'text, nanoseconds',
    [
        ('5s', 5 * SECOND),
        ('1h30m', 5400 * SECOND),
        ('2160h', 2160 * 3600 * SECOND),
        ('90d', 90 * 86400 * SECOND),
        ('1.5s', 1500 * 10**6),
        ('250ms', 250 * 10**6),
        (30, 30 * SECOND),
        ('30', 30 * SECOND),
    ],
)
def test_durations_are_read_like_the_docker_cli(text, nanoseconds):
    assert duration_to_ns(text) == nanoseconds


@pytest.mark.parametrize('bad', ['', 'soon', '5 s', '5x', '1h-5m', True])
def test_a_bad_duration_names_the_option(bad):
    with pytest.raises(SwarmError, match='node_cert_expiry must be a duration'):
        duration_to_ns(bad, 'node_cert_expiry')


@pytest.mark.parametrize(
    'nanoseconds, text',
    [
        (5 * SECOND, '5s'),
        (7776000 * SECOND, '2160h'),
        (5400 * SECOND, '1h30m'),
        (0, '0s'),
        (1500 * 10**6, '1s500ms'),
    ],
)
def test_durations_are_shown_in_their_shortest_exact_form(nanoseconds, text):
    assert ns_to_duration(nanoseconds) == text
    assert duration_to_ns(text) == nanoseconds


def test_only_options_the_task_sets_are_desired():
    desired = desired_api_values(
        SWARM_SPEC_OPTIONS, {'task_history_retention_limit': 3, 'snapshot_interval': None, 'node_cert_expiry': '720h'}
    )
    assert desired == {'task_history_retention_limit': 3, 'node_cert_expiry': 720 * 3600 * SECOND}


def test_equal_values_in_another_spelling_do_not_differ():
    live_spec = load_fixture('swarm_inspect.json')['Spec']
    desired = desired_api_values(
        SWARM_SPEC_OPTIONS,
        {'node_cert_expiry': '90d', 'dispatcher_heartbeat_period': 5, 'labels': {}, 'autolock_managers': False},
    )
    assert differing_options(SWARM_SPEC_OPTIONS, desired, live_spec) == []


def test_differences_are_listed_in_declaration_order():
    live_spec = load_fixture('swarm_inspect.json')['Spec']
    desired = desired_api_values(
        SWARM_SPEC_OPTIONS, {'labels': {'env': 'prod'}, 'task_history_retention_limit': 2, 'snapshot_interval': 10000}
    )
    assert differing_options(SWARM_SPEC_OPTIONS, desired, live_spec) == ['task_history_retention_limit', 'labels']


def test_applying_keeps_what_the_task_leaves_out():
    live_spec = load_fixture('swarm_inspect.json')['Spec']
    desired = desired_api_values(SWARM_SPEC_OPTIONS, {'heartbeat_tick': 2})
    merged = apply_to_spec(SWARM_SPEC_OPTIONS, desired, live_spec)
    assert merged['Raft']['HeartbeatTick'] == 2
    assert merged['Raft']['ElectionTick'] == live_spec['Raft']['ElectionTick']
    assert merged['CAConfig'] == live_spec['CAConfig']
    assert live_spec['Raft']['HeartbeatTick'] == 1, 'the live spec must not be modified'


def test_the_options_view_shows_module_values():
    view = options_view(SWARM_SPEC_OPTIONS, load_fixture('swarm_inspect.json')['Spec'])
    assert view['node_cert_expiry'] == '2160h'
    assert view['dispatcher_heartbeat_period'] == '5s'
    assert view['task_history_retention_limit'] == 5


def test_normalise_keeps_empty_label_values():
    assert normalise({'a': '', 'b': None}) == {'a': ''}
    assert normalise({}) is None
    assert normalise([]) is None


@pytest.mark.parametrize('option', ['task_history_retention_limit', 'snapshot_interval', 'heartbeat_tick'])
def test_negative_counts_are_refused_naming_the_option(option):
    with pytest.raises(SwarmError, match='^%s must be 0 or more, not -2' % option):
        desired_api_values(SWARM_SPEC_OPTIONS, {option: -2})
    assert desired_api_values(SWARM_SPEC_OPTIONS, {option: 0}) == {option: 0}

# -*- coding: utf-8 -*-
"""swarm_node_for_host: the node of a host that gave no facts, found in swarm_info's node list by the host's names,
with the address its swarm traffic comes from."""

import importlib

import pytest

try:
    # ansible-core 2.19 and newer: the switch between controller and module behaviour of module_utils.
    from ansible.module_utils import _internal
except ImportError:  # older cores have no such switch, so there is nothing to restore
    _internal = None


@pytest.fixture(autouse=True)
def controller_context(monkeypatch):
    """A filter is controller code: importing it (ansible.errors) switches ansible's module_utils into controller mode
    for the whole process, and modules run in-process by later tests would send their warnings to the display
    instead of their result. The filter is imported lazily, and the switch put back after each test."""
    if _internal is not None:
        monkeypatch.setattr(_internal, 'is_controller', _internal.is_controller)


def plugin():
    return importlib.import_module('ansible_collections.swarmops.swarm.plugins.filter.swarm_node_for_host')


def swarm_node_for_host(nodes, names):
    return plugin().swarm_node_for_host(nodes, names)


def node(hostname, addr='10.0.0.1', state='ready', updated_at='2026-12-01T10:00:00Z', **extra):
    return dict(id=hostname + '-id', hostname=hostname, addr=addr, state=state, updated_at=updated_at, **extra)


def test_is_the_collections_filter():
    assert plugin().FilterModule().filters() == {'swarm_node_for_host': plugin().swarm_node_for_host}


def test_a_node_is_found_by_its_exact_hostname_among_the_names_whatever_their_case():
    nodes = [node('node01', '10.0.0.1'), node('node02', '10.0.0.2')]
    found = swarm_node_for_host(nodes, ['NODE02', 'ssh.example.org', '', None])
    assert found['id'] == 'node02-id' and found['address'] == '10.0.0.2'


def test_a_single_name_may_be_given_as_a_string():
    assert swarm_node_for_host([node('node01')], 'node01')['id'] == 'node01-id'


@pytest.mark.parametrize('hostname, names', [('node01.example.org', ['node01']), ('node01', ['node01.example.org'])])
def test_a_short_name_matches_a_full_one_when_only_one_node_has_that_first_label(hostname, names):
    assert swarm_node_for_host([node(hostname), node('node02')], names)['hostname'] == hostname


def test_a_first_label_that_two_nodes_share_matches_neither():
    nodes = [node('node01.dc1.example.org'), node('node01.dc2.example.org')]
    assert swarm_node_for_host(nodes, ['node01']) is None


def test_an_exact_hostname_is_preferred_to_a_first_label():
    nodes = [node('node01.example.org', '10.0.0.9'), node('node01', '10.0.0.1')]
    assert swarm_node_for_host(nodes, ['node01'])['address'] == '10.0.0.1'


def test_of_a_rebuilt_hosts_nodes_the_ready_one_is_taken_else_the_one_updated_last():
    old = node('node01', '10.0.0.1', state='down', updated_at='2026-12-01T09:00:00Z')
    new = node('node01', '10.0.0.5', state='ready', updated_at='2026-11-01T09:00:00Z')
    assert swarm_node_for_host([new, old], ['node01'])['address'] == '10.0.0.5'
    newer_down = node('node01', '10.0.0.7', state='down', updated_at='2026-12-02T09:00:00Z')
    assert swarm_node_for_host([old, newer_down], ['node01'])['address'] == '10.0.0.7'


@pytest.mark.parametrize('addr', ['0.0.0.0', '127.0.0.1', '', None])
def test_an_unspecified_address_gives_way_to_the_managers_raft_address(addr):
    found = swarm_node_for_host([node('node01', addr, manager_addr='10.0.0.1:2377')], ['node01'])
    assert found['address'] == '10.0.0.1'


def test_an_ipv6_raft_address_loses_its_brackets_and_port():
    found = swarm_node_for_host([node('node01', '0.0.0.0', manager_addr='[fd00::1]:2377')], ['node01'])
    assert found['address'] == 'fd00::1'


def test_no_address_known_is_null_and_the_node_is_still_returned():
    found = swarm_node_for_host([node('node01', '0.0.0.0')], ['node01'])
    assert found['id'] == 'node01-id' and found['address'] is None


@pytest.mark.parametrize('names', [['node09'], [], ['', None]])
def test_no_matching_node_or_no_name_gives_null(names):
    assert swarm_node_for_host([node('node01')], names) is None


def test_the_input_list_is_left_as_it_was():
    nodes = [node('node01')]
    swarm_node_for_host(nodes, ['node01'])
    assert 'address' not in nodes[0]


@pytest.mark.parametrize('nodes', [None, 'node01', [1, 2]])
def test_anything_but_a_node_list_is_refused(nodes):
    from ansible.errors import AnsibleFilterError

    with pytest.raises(AnsibleFilterError, match='node list'):
        swarm_node_for_host(nodes, ['node01'])

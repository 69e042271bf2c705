# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: swarm_node_for_host
short_description: The swarm node of an inventory host, from M(swarmops.swarm.swarm_info)'s node list
version_added: 0.1.0
description:
  - Finds the node of a host that gave no facts (down, unreachable, or left out of the play) in the node list a
    manager returned (M(swarmops.swarm.swarm_info) with O(swarmops.swarm.swarm_info#module:nodes=true)), by the
    names the inventory knows the host by, and says where its swarm traffic comes from.
  - A name matches a node whose hostname is the same (case aside); when no node has that hostname, a node whose
    hostname has the same first label (V(node01) and V(node01.example.org)) matches, if only one does.
  - Of several nodes with the host's hostname (a rebuilt host's old node is still listed, down), a ready one is
    taken, else the one updated last.
  - The result is the node as swarm_info lists it, with one key more, C(address) - its C(addr) (the address the
    managers see its traffic come from), or the host part of its C(manager_addr) when C(addr) is unspecified
    (V(0.0.0.0)) or loopback; null when neither is known. No matching node gives null.
author:
  - swarmops.swarm contributors (@swarmops)
positional: names
options:
  _input:
    description: The node list, RV(swarmops.swarm.swarm_info#module:nodes).
    type: list
    elements: dict
    required: true
  names:
    description:
      - The names of the host - its inventory name, its C(ansible_host), hostnames from cached facts. Empty
        values are ignored.
    type: list
    elements: str
    required: true
'''

EXAMPLES = r'''
- name: Read the swarm's nodes from a manager
  swarmops.swarm.swarm_info:
    nodes: true
  register: swarm_state
  run_once: true

- name: Show where the swarm sees node01's traffic come from
  ansible.builtin.debug:
    msg: >-
      {{ (swarm_state.nodes | swarmops.swarm.swarm_node_for_host(['node01', hostvars.node01.ansible_host])).address
      | default('not in the swarm') }}
'''

RETURN = r'''
_value:
  description: The matching node with its C(address), or null.
  type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import split_host_port

# Addresses that say where a node listens, not where its traffic comes from.
_NO_SOURCE_ADDRESSES = frozenset(['', '0.0.0.0', '::', '127.0.0.1', '::1'])


def _first_label(name):
    return name.split('.', 1)[0]


def _matching(nodes, names):
    wanted = set(name.lower() for name in names)
    exact = [node for node in nodes if (node.get('hostname') or '').lower() in wanted]
    if exact:
        return exact
    labels = set(_first_label(name) for name in wanted)
    by_label = [node for node in nodes if _first_label((node.get('hostname') or '').lower()) in labels]
    return by_label if len(by_label) == 1 else []


def _source_address(node):
    address = node.get('addr') or ''
    if address not in _NO_SOURCE_ADDRESSES:
        return address
    if node.get('manager_addr'):
        host = split_host_port(node['manager_addr'])[0]
        if host not in _NO_SOURCE_ADDRESSES:
            return host
    return None


def swarm_node_for_host(nodes, names):
    if not isinstance(nodes, list) or not all(isinstance(node, dict) for node in nodes):
        raise AnsibleFilterError('swarm_node_for_host expects the node list of swarmops.swarm.swarm_info')
    if isinstance(names, str):
        names = [names]
    names = [str(name) for name in names or [] if name]
    candidates = _matching(nodes, names) if names else []
    if not candidates:
        return None
    # Ready first, then the node updated last (ISO 8601 timestamps sort as text).
    node = max(candidates, key=lambda node: (node.get('state') == 'ready', node.get('updated_at') or ''))
    return dict(node, address=_source_address(node))


class FilterModule(object):
    def filters(self):
        return {'swarm_node_for_host': swarm_node_for_host}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: swarm_drain_blockers
short_description: The services that could not keep their tasks if some nodes were drained
version_added: 0.1.0
description:
  - Given the swarm's nodes, services and running tasks (M(swarmops.swarm.swarm_info)) and the service specs of the
    services with tasks on the nodes to drain (its O(swarmops.swarm.swarm_info#module:service_specs)), says which of
    those services would be left with fewer eligible nodes than they need - nodes that are ready, active, not drained
    with the others, and match the service's placement constraints.
  - A replicated service needs one eligible node, or C(replicas / max_replicas_per_node) rounded up; a global service
    needs one (it would run nowhere otherwise). Jobs are not counted. A constraint this filter cannot read counts as
    matching, as the collection's modules count it.
author:
  - swarmops.swarm contributors (@swarmops)
positional: services, specs, tasks, leaving
options:
  _input:
    description: The node list, RV(swarmops.swarm.swarm_info#module:nodes).
    type: list
    elements: dict
    required: true
  services:
    description: RV(swarmops.swarm.swarm_info#module:services).
    type: list
    elements: dict
    required: true
  specs:
    description: RV(swarmops.swarm.swarm_info#module:service_specs) of (at least) the services with tasks on the nodes to drain.
    type: dict
    required: true
  tasks:
    description: RV(swarmops.swarm.swarm_info#module:tasks), the tasks the orchestrator wants running.
    type: list
    elements: dict
    required: true
  leaving:
    description: The IDs of the nodes to drain.
    type: list
    elements: str
    required: true
'''

EXAMPLES = r'''
- name: Refuse to drain node01 when a service could not keep its tasks
  ansible.builtin.assert:
    that: blockers | length == 0
    fail_msg: "{{ blockers | join(' ') }}"
  vars:
    blockers: >-
      {{ swarm.nodes | swarmops.swarm.swarm_drain_blockers(swarm.services, specs.service_specs, swarm.tasks,
      [node01_id]) }}
'''

RETURN = r'''
_value:
  description: One sentence per service that would lose its tasks, naming the service; empty when none would.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.swarmops.swarm.plugins.module_utils.placement import node_matches


def _api_node(node):
    """swarm_info's node summary in the Engine API's shape, which placement.node_matches reads."""
    platform = node.get('platform') or {}
    return {
        'ID': node.get('id'),
        'Description': {
            'Hostname': node.get('hostname'),
            'Platform': {'OS': platform.get('os'), 'Architecture': platform.get('architecture')},
            'Engine': {'Labels': node.get('engine_labels') or {}},
        },
        'Spec': {'Role': node.get('role'), 'Labels': node.get('labels') or {}},
    }


def _needed_nodes(service, placement):
    if service.get('mode') == 'global':
        return 1
    replicas = service.get('replicas') or 0
    per_node = placement.get('max_replicas_per_node') or 0
    if replicas <= 0:
        return 0
    return -(-replicas // per_node) if per_node else 1


def swarm_drain_blockers(nodes, services, specs, tasks, leaving):
    if not all(isinstance(value, list) for value in (nodes, services, tasks, leaving)) or not isinstance(specs, dict):
        raise AnsibleFilterError(
            'swarm_drain_blockers expects swarm_info nodes, services, service_specs (a dict), tasks and a list of node IDs'
        )
    leaving = set(leaving)
    hostnames = dict((node.get('id'), node.get('hostname')) for node in nodes)
    affected = set(task.get('service_name') for task in tasks if task.get('node_id') in leaving)
    candidates = [
        node
        for node in nodes
        if node.get('id') not in leaving and node.get('state') == 'ready' and node.get('availability') == 'active'
    ]
    blockers = []
    for service in services:
        name = service.get('name')
        if name not in affected or service.get('mode') not in ('replicated', 'global'):
            continue
        placement = (specs.get(name) or {}).get('placement') or {}
        constraints = placement.get('constraints') or []
        eligible = [node for node in candidates if node_matches(_api_node(node), constraints) is not False]
        needed = _needed_nodes(service, placement)
        if len(eligible) >= needed:
            continue
        rules = []
        if constraints:
            rules.append('constraints %s' % ', '.join(constraints))
        if placement.get('max_replicas_per_node'):
            rules.append('max_replicas_per_node %d' % placement['max_replicas_per_node'])
        what = (
            'global service'
            if service.get('mode') == 'global'
            else 'replicated service (%d replicas)' % (service.get('replicas') or 0)
        )
        blockers.append(
            'The %s %s needs %d eligible node(s)%s; without %s only %d would remain (%s).'
            % (
                what,
                name,
                needed,
                ' (%s)' % '; '.join(rules) if rules else '',
                ', '.join(sorted(hostnames.get(node_id) or node_id for node_id in leaving)),
                len(eligible),
                ', '.join(node.get('hostname') for node in eligible) or 'none ready, active and matching',
            )
        )
    return blockers


class FilterModule(object):
    def filters(self):
        return {'swarm_drain_blockers': swarm_drain_blockers}

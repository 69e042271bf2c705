# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Placement: which nodes a service's constraints allow, and what a run does with a service that no node can take
yet (swarm_service and swarm_stack).

The engine accepts a replicated service whose constraints no node matches; its tasks stay pending until a node
does (the operator labels the nodes later, or the node is still being built), as with the docker CLI. A run that
would wait for those tasks could only time out, so it fails before anything is written; a run that does not wait,
or that changes nothing, deploys (or keeps) the service and warns, naming the service and its constraints.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import SERVICE_OPTIONS

_REPLICAS = next(option for option in SERVICE_OPTIONS if option.name == 'replicas')


def node_matches(node, constraints):
    """Whether a node satisfies placement constraints: True, False, or None when a constraint cannot be read."""
    description = node.get('Description') or {}
    known = {
        'node.id': node.get('ID'),
        'node.hostname': description.get('Hostname'),
        'node.role': (node.get('Spec') or {}).get('Role'),
        'node.platform.os': (description.get('Platform') or {}).get('OS'),
        'node.platform.arch': (description.get('Platform') or {}).get('Architecture'),
    }
    verdict = True
    for constraint in constraints:
        operator = '==' if '==' in constraint else '!=' if '!=' in constraint else None
        if operator is None:
            return None
        key, value = [part.strip() for part in constraint.split(operator, 1)]
        if key.startswith('node.labels.'):
            actual = ((node.get('Spec') or {}).get('Labels') or {}).get(key[len('node.labels.') :])
        elif key.startswith('engine.labels.'):
            actual = ((description.get('Engine') or {}).get('Labels') or {}).get(key[len('engine.labels.') :])
        elif key in known:
            actual = known[key]
        else:
            return None
        matches = actual is not None and actual.lower() == value.lower() if key != 'node.id' else actual == value
        if matches != (operator == '=='):
            verdict = False
    return verdict


def unmatched_constraints(nodes, spec):
    """The placement constraints of a service whose tasks no node can take now, or an empty list.

    Only replicated services (and replicated jobs) with tasks to place count: a global service runs on the nodes
    that match, none for now, and a constraint this check cannot read may match, so it counts as matching."""
    constraints = ((spec.get('TaskTemplate') or {}).get('Placement') or {}).get('Constraints') or []
    mode = spec.get('Mode') or {}
    if not constraints or 'Global' in mode or 'GlobalJob' in mode or _REPLICAS.live_value(spec) == 0:
        return []
    verdicts = [node_matches(node, constraints) for node in nodes]
    if not verdicts or None in verdicts or any(verdicts):
        return []
    return constraints


def placement_warning(nodes, spec, writes, wait):
    """A warning for a service whose constraints no node matches now, or None when a node does.

    ``writes``: whether the run creates or updates the service; with ``wait`` it would then wait for tasks that
    cannot start, so this fails instead, before anything is written. A run that changes nothing never fails here
    (and must not wait for the service's tasks either)."""
    constraints = unmatched_constraints(nodes, spec)
    if not constraints:
        return None
    name, matching = spec.get('Name'), ', '.join(constraints)
    summary = '; '.join(_node_summary(node) for node in nodes)
    if writes and wait:
        raise SwarmError(
            'No node matches the placement constraints of service %s (%s), so its tasks cannot start until a node '
            'does, and this run would wait for them. Label or add a node that matches, or set wait: false to '
            'deploy the service now and let its tasks wait for one. The nodes: %s.' % (name, matching, summary)
        )
    return (
        'No node matches the placement constraints of service %s (%s) yet: its tasks stay pending until a node '
        'does, and this run did not wait for them. The nodes: %s.' % (name, matching, summary)
    )


def _node_summary(node):
    node_spec = node.get('Spec') or {}
    labels = ', '.join('%s=%s' % item for item in sorted((node_spec.get('Labels') or {}).items()))
    return '%s (%s%s)' % (
        (node.get('Description') or {}).get('Hostname') or node.get('ID'),
        node_spec.get('Role'),
        ', labels ' + labels if labels else '',
    )

# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One swarm node, managed from a manager (swarm_node): role, availability, labels and removal, quorum-safe.

Every change is a read-modify-write of the node's spec at its live version, so settings the task leaves out keep
their live values. Demotions and removals of managers are checked against Raft quorum before anything is sent,
and the refusal shows the arithmetic.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import read_local_node
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.facts import hostname_of, node_facts
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import WaitTimeout, node_drained, wait_until

SWARM_NODE_ARGUMENT_SPEC = dict(
    node=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    role=dict(type='str', choices=['worker', 'manager']),
    availability=dict(type='str', choices=['active', 'pause', 'drain']),
    labels=dict(type='dict'),
    labels_state=dict(type='str', default='merge', choices=['merge', 'replace']),
    labels_to_remove=dict(type='list', elements='str'),
    force=dict(type='bool', default=False),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)

# A node that left is marked down once the managers miss its heartbeats: swarmkit allows three heartbeat periods.
_MISSED_HEARTBEATS_BEFORE_DOWN = 3
_DEFAULT_HEARTBEAT_SECONDS = 5
_DOWN_DETECTION_MARGIN_SECONDS = 10


# -- finding the node --------------------------------------------------------------------------


def find_node(nodes, wanted):
    """The node whose ID or hostname is ``wanted``; None if there is none; an error if the hostname is ambiguous.

    A hostname is ambiguous when a node left and joined again: the swarm keeps the old entry (down) beside the
    new one until it is removed.
    """
    for node in nodes:
        if node.get('ID') == wanted:
            return node
    matches = [node for node in nodes if hostname_of(node) == wanted]
    if len(matches) > 1:
        described = ', '.join(sorted('%s (%s, %s)' % (node['ID'], _get_state(node), _role(node)) for node in matches))
        raise SwarmError(
            'Hostname %s is ambiguous: %d nodes have it: %s. Name the node by its ID.'
            % (wanted, len(matches), described)
        )
    return matches[0] if matches else None


def _get_state(node):
    return (node.get('Status') or {}).get('State') or 'unknown'


def _role(node):
    return (node.get('Spec') or {}).get('Role') or 'worker'


def _name(node):
    return hostname_of(node) or node['ID']


def _is_raft_member(node):
    return bool(node.get('ManagerStatus'))


def _is_reachable_manager(node):
    return (node.get('ManagerStatus') or {}).get('Reachability') == 'reachable'


# -- quorum ------------------------------------------------------------------------------------


def quorum_shortfall(nodes, target, verb='demote'):
    """Why taking ``target`` out of the managers would cost the swarm its quorum (the arithmetic), or None.

    Quorum is a majority of the Raft members (the nodes with a ManagerStatus); the managers that count towards it
    are the reachable ones. The engine applies the same rule when it is asked to demote.
    """
    if not _is_raft_member(target):
        return None
    members = [node for node in nodes if _is_raft_member(node)]
    reachable = [node for node in members if _is_reachable_manager(node)]
    name = _name(target)
    if len(members) == 1:
        return '%s is the only manager of the swarm, and a swarm needs at least one manager' % name
    remaining = len(members) - 1
    reachable_after = len(reachable) - (1 if _is_reachable_manager(target) else 0)
    quorum_after = remaining // 2 + 1
    if reachable_after >= quorum_after:
        return None
    unreachable = sorted(_name(node) for node in members if not _is_reachable_manager(node))
    return (
        'the swarm has %d managers, %d reachable%s, and quorum needs %d; after %s %s, %d of the %d remaining '
        'managers would be reachable, but a quorum of %d managers needs %d'
        % (
            len(members),
            len(reachable),
            ' (unreachable: %s)' % ', '.join(unreachable) if unreachable else '',
            len(members) // 2 + 1,
            _GERUNDS[verb],
            name,
            reachable_after,
            remaining,
            remaining,
            quorum_after,
        )
    )


_GERUNDS = dict(demote='demoting', remove='removing')


# -- labels ------------------------------------------------------------------------------------


def label_value(value, option_name='labels'):
    """Node labels are strings; a label without a value (``ssd:`` in YAML) has the empty string as its value."""
    if value is None:
        return ''
    if isinstance(value, (dict, list, tuple)):
        raise SwarmError('%s must be a string or a number, not %r.' % (option_name, value))
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def desired_labels(live_labels, params):
    """The labels the node must end up with, from its live ones and the task's labels options."""
    wanted = params.get('labels')
    to_remove = params.get('labels_to_remove') or []
    if wanted is None:
        labels = dict(live_labels or {})
    else:
        wanted = dict((key, label_value(value, 'labels.%s' % key)) for key, value in wanted.items())
        labels = wanted if params['labels_state'] == 'replace' else dict(live_labels or {}, **wanted)
    for key in to_remove:
        labels.pop(key, None)
    return labels


def _check_label_options(params):
    if params['labels_state'] == 'replace' and params.get('labels') is None:
        raise SwarmError('labels_state: replace needs labels (labels: {} removes every label).')
    both = sorted(set(params.get('labels') or {}) & set(params.get('labels_to_remove') or []))
    if both:
        raise SwarmError('These labels are both set (labels) and removed (labels_to_remove): %s.' % ', '.join(both))


def describe_label_changes(before, after):
    def shown(key, labels):
        return '%s=%s' % (key, labels[key] if labels[key] != '' else '""')

    parts = ['add %s' % shown(key, after) for key in sorted(set(after) - set(before))]
    parts += [
        'change %s -> %s' % (shown(key, before), shown(key, after))
        for key in sorted(set(after) & set(before))
        if after[key] != before[key]
    ]
    parts += ['remove %s' % key for key in sorted(set(before) - set(after))]
    return ', '.join(parts)


# -- the plan ----------------------------------------------------------------------------------


def node_view(node):
    """What the diff shows of a node: the settings swarm_node manages."""
    if node is None:
        return dict(state='absent')
    spec = node.get('Spec') or {}
    return dict(
        state='present',
        role=spec.get('Role'),
        availability=spec.get('Availability'),
        labels=dict(spec.get('Labels') or {}),
    )


def plan_swarm_node(client, params):
    local_node = read_local_node(client)
    if not local_node.is_manager:
        raise SwarmError(
            'swarmops.swarm.swarm_node manages nodes from a manager, and this node is not one (local '
            'node state %s%s). Run it on a manager, for instance with delegate_to.'
            % (local_node.state, ', a worker' if local_node.role == 'worker' else '')
        )
    _check_label_options(params)
    nodes = client.nodes()
    node = find_node(nodes, params['node'])
    if params['state'] == 'absent':
        plan = _plan_removal(client, params, local_node, nodes, node)
    elif node is None:
        raise SwarmError(
            'The swarm has no node %s. Its nodes: %s.'
            % (params['node'], ', '.join(sorted(_name(node) for node in nodes)))
        )
    else:
        plan = _plan_update(client, params, local_node, nodes, node)
    node_id = node['ID'] if node else None
    # Unless a step ran, the node as listed above is what the result reports: no second read.
    plan.report = lambda check_mode: dict(
        node=_read_node_facts(client, node_id)
        if plan.changed and not check_mode
        else node_facts(node)
        if node
        else None
    )
    return plan


def _read_node_facts(client, node_id):
    if node_id is None:
        return None
    for node in client.nodes():
        if node['ID'] == node_id:
            return node_facts(node)
    return None


def _refuse_on_self(local_node, node, what):
    if node['ID'] == local_node.node_id:
        raise SwarmError(
            'Refusing to %s %s from itself: a node that stops being a manager can no longer confirm '
            'the change. Run the task on another manager (delegate_to).' % (what, _name(node))
        )


def _plan_update(client, params, local_node, nodes, node):
    before = node_view(node)
    after = copy.deepcopy(before)
    plan = Plan(before=before, after=after)
    name = _name(node)

    labels = desired_labels(before['labels'], params)
    if labels != before['labels']:
        after['labels'] = labels
        plan.add(
            'set labels of %s: %s' % (name, describe_label_changes(before['labels'], labels)),
            lambda: _update_spec(client, node['ID'], lambda spec: _write_labels(spec, params)),
        )

    availability = params.get('availability')
    if availability and availability != before['availability']:
        after['availability'] = availability
        plan.add(
            'set availability of %s: %s -> %s' % (name, before['availability'], availability),
            lambda: _change_availability(client, params, node, availability),
        )

    role = params.get('role')
    if role and role != before['role']:
        after['role'] = role
        if role == 'worker':
            _refuse_on_self(local_node, node, 'demote')
            _check_quorum(plan, params, nodes, node, 'demote')
        verb = 'promote %s to manager' if role == 'manager' else 'demote %s to worker'
        plan.add(verb % name, lambda: _change_role(client, params, plan, node, role))
    return plan


def _check_quorum(plan, params, nodes, node, verb):
    shortfall = quorum_shortfall(nodes, node, verb)
    if shortfall is None:
        return
    if not params['force']:
        raise SwarmError(
            'Refusing to %s %s: %s. Bring the unreachable managers back (or demote them), or set force: '
            'true to leave the decision to the engine, which still refuses a change that loses Raft '
            'quorum by its own count.' % (verb, _name(node), shortfall)
        )
    plan.warn('force: true, so %s %s is left to the engine although %s.' % (_GERUNDS[verb], _name(node), shortfall))


def _update_spec(client, node_id, change):
    """Write one change into the node's live spec, at its live version; again if another writer came first."""

    def read_and_write():
        live = client.node_inspect(node_id)
        spec = copy.deepcopy(live.get('Spec') or {})
        change(spec)
        client.node_update(node_id, live['Version']['Index'], spec)

    client.retry_out_of_sequence(read_and_write)


def _write_labels(spec, params):
    # Merged against the labels read just now, so labels another writer added meanwhile are kept in merge mode.
    spec['Labels'] = desired_labels(spec.get('Labels'), params)


def _set(key, value):
    def change(spec):
        spec[key] = value

    return change


def _change_availability(client, params, node, availability):
    _update_spec(client, node['ID'], _set('Availability', availability))
    if availability == 'drain' and params['wait']:
        wait_until(
            lambda: node_drained(client, node['ID']),
            params['wait_timeout'],
            'the tasks of replicated and global services to leave drained node %s' % _name(node),
        )


def _change_role(client, params, plan, node, role):
    _update_spec(client, node['ID'], _set('Role', role))
    if not params['wait']:
        return
    if _get_state(node) == 'down' and role == 'manager':
        plan.warn('%s is down: it becomes a manager when it comes back; not waiting for it.' % _name(node))
        return
    _wait_for_role(client, node, role, params['wait_timeout'])


def _wait_for_role(client, node, role, timeout):
    def settled():
        manager_status = client.node_inspect(node['ID']).get('ManagerStatus')
        done = (manager_status or {}).get('Reachability') == 'reachable' if role == 'manager' else not manager_status
        return done, 'ManagerStatus %s' % (manager_status or 'none')

    what = (
        '%s to become a reachable manager' % _name(node)
        if role == 'manager'
        else '%s to leave the managers (no ManagerStatus)' % _name(node)
    )
    wait_until(settled, timeout, what)


# -- removal -----------------------------------------------------------------------------------


def _plan_removal(client, params, local_node, nodes, node):
    plan = Plan(before=node_view(node), after=dict(state='absent'))
    if node is None:
        return plan
    _refuse_on_self(local_node, node, 'remove')
    name = _name(node)
    state = _get_state(node)
    if _role(node) == 'manager' or _is_raft_member(node):
        _check_quorum(plan, params, nodes, node, 'remove')
        if not params['force']:
            raise SwarmError(
                '%s is a manager (%s, %s): a manager must be demoted before it is removed. Demote it first (role: '
                'worker), or set force: true to demote it and then remove it.'
                % (name, state, (node.get('ManagerStatus') or {}).get('Reachability') or 'not yet in Raft')
            )
        plan.add('demote %s to worker' % name, lambda: _demote_for_removal(client, node, params['wait_timeout']))
    if state == 'down':
        plan.add('remove %s (down)' % name, lambda: client.node_remove(node['ID'], force=False))
    elif params['force']:
        plan.add(
            'remove %s with force (it is %s: its engine still reports to the swarm)' % (name, state),
            lambda: client.node_remove(node['ID'], force=True),
        )
    elif params['wait']:
        timeout = min(params['wait_timeout'], _down_detection_seconds(local_node))
        plan.add(
            'remove %s once the swarm marks it down (it is %s)' % (name, state),
            lambda: _remove_when_down(client, node, timeout),
        )
    else:
        raise SwarmError(_still_up_message(name, state))
    return plan


def _demote_for_removal(client, node, timeout):
    # The engine removes a node only once it has left Raft, whatever `wait` says.
    _update_spec(client, node['ID'], _set('Role', 'worker'))
    _wait_for_role(client, node, 'worker', timeout)


def _down_detection_seconds(local_node):
    heartbeat_ns = (((local_node.swarm_info.get('Cluster') or {}).get('Spec') or {}).get('Dispatcher') or {}).get(
        'HeartbeatPeriod'
    )
    heartbeat = heartbeat_ns / 1e9 if heartbeat_ns else _DEFAULT_HEARTBEAT_SECONDS
    return int(_MISSED_HEARTBEATS_BEFORE_DOWN * heartbeat + _DOWN_DETECTION_MARGIN_SECONDS)


def _still_up_message(name, state):
    return (
        '%s is %s: its engine still reports to the swarm, so it cannot be removed without force. Make it leave '
        'first (swarmops.swarm.swarm_join state: absent on the node), or set force: true to remove it while it '
        'runs (it then keeps its containers and believes it is still a member).' % (name, state)
    )


def _remove_when_down(client, node, timeout):
    def marked_down():
        state = _get_state(client.node_inspect(node['ID']))
        return state == 'down', 'node state %s' % state

    try:
        wait_until(marked_down, timeout, '%s to be marked down after leaving the swarm' % _name(node))
    except WaitTimeout as error:
        raise SwarmError('%s. %s' % (error, _still_up_message(_name(node), 'still up')))
    client.node_remove(node['ID'], force=False)

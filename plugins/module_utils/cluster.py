# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Creating a swarm, keeping its settings as declared, recovering it, and tearing it down (swarm_init)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    SpecOption,
    apply_to_spec,
    argument_spec_of,
    desired_api_values,
    differing_options,
    duration_option,
    non_negative,
    normalise,
    options_view,
)

# The swarm settings that can be changed on a live swarm, each declared once.
SWARM_SPEC_OPTIONS = (
    SpecOption(
        'task_history_retention_limit',
        dict(type='int'),
        ('Orchestration', 'TaskHistoryRetentionLimit'),
        to_api=non_negative,
    ),
    SpecOption('snapshot_interval', dict(type='int'), ('Raft', 'SnapshotInterval'), to_api=non_negative),
    SpecOption('keep_old_snapshots', dict(type='int'), ('Raft', 'KeepOldSnapshots'), to_api=non_negative),
    SpecOption(
        'log_entries_for_slow_followers', dict(type='int'), ('Raft', 'LogEntriesForSlowFollowers'), to_api=non_negative
    ),
    SpecOption('heartbeat_tick', dict(type='int'), ('Raft', 'HeartbeatTick'), to_api=non_negative),
    SpecOption('election_tick', dict(type='int'), ('Raft', 'ElectionTick'), to_api=non_negative),
    duration_option('dispatcher_heartbeat_period', ('Dispatcher', 'HeartbeatPeriod')),
    duration_option('node_cert_expiry', ('CAConfig', 'NodeCertExpiry')),
    SpecOption('autolock_managers', dict(type='bool'), ('EncryptionConfig', 'AutoLockManagers')),
    SpecOption('labels', dict(type='dict'), ('Labels',)),
)

# Settings the engine takes only when a swarm is created (or re-created with force_new_cluster).
INIT_ARGUMENT_SPEC = dict(
    advertise_addr=dict(type='str'),
    listen_addr=dict(type='str', default='0.0.0.0:2377'),
    data_path_addr=dict(type='str'),
    data_path_port=dict(type='int'),
    default_addr_pool=dict(type='list', elements='str'),
    subnet_size=dict(type='int'),
    force_new_cluster=dict(type='bool', default=False),
)

SWARM_INIT_ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
    rotate_worker_token=dict(type='bool', default=False),
    rotate_manager_token=dict(type='bool', default=False),
    rotate_unlock_key=dict(type='bool', default=False),
)
SWARM_INIT_ARGUMENT_SPEC.update(INIT_ARGUMENT_SPEC)
SWARM_INIT_ARGUMENT_SPEC.update(argument_spec_of(SWARM_SPEC_OPTIONS))

DEFAULT_SWARM_PORT = 2377


def read_local_node(client):
    """This engine's view of its own swarm membership (the ``Swarm`` part of /info)."""
    swarm = client.info().get('Swarm') or {}
    return LocalNode(swarm)


class LocalNode:
    def __init__(self, swarm_info):
        self.swarm_info = swarm_info
        self.state = swarm_info.get('LocalNodeState') or 'inactive'
        self.node_id = swarm_info.get('NodeID') or None
        self.node_addr = swarm_info.get('NodeAddr') or None
        self.is_manager = bool(swarm_info.get('ControlAvailable'))
        self.remote_managers = swarm_info.get('RemoteManagers') or []
        self.cluster_id = (swarm_info.get('Cluster') or {}).get('ID')

    @property
    def role(self):
        if self.state != 'active':
            return None
        return 'manager' if self.is_manager else 'worker'

    def manager_address(self):
        """The address other nodes join through: this manager's entry in RemoteManagers carries the port."""
        for manager in self.remote_managers:
            if manager.get('NodeID') == self.node_id and manager.get('Addr'):
                return manager['Addr']
        if self.node_addr:
            return '%s:%d' % (self.node_addr, DEFAULT_SWARM_PORT)
        return None

    def describe_membership(self):
        if self.cluster_id:
            return 'swarm %s' % self.cluster_id
        addresses = sorted(manager.get('Addr', '?') for manager in self.remote_managers)
        return 'the swarm managed by %s' % (', '.join(addresses) or 'unknown managers')


def plan_swarm_init(client, params):
    local_node = read_local_node(client)
    if params['state'] == 'absent':
        return _plan_teardown(client, params, local_node)
    if local_node.state == 'locked':
        raise SwarmError(
            'This node is a locked manager (autolock is on and its engine restarted): unlock it with '
            'its unlock key before managing the swarm.'
        )
    if local_node.state == 'active' and not local_node.is_manager:
        raise SwarmError(
            'This node is a worker of %s: swarmops.swarm.swarm_init manages a swarm from one of its '
            'managers. Run it on a manager, or use swarmops.swarm.swarm_join to change this node\'s '
            'membership.' % local_node.describe_membership()
        )
    if local_node.state == 'active':
        return _plan_settings_update(client, params, local_node)
    return _plan_new_swarm(client, params, local_node)


def _init_request(params, spec, force_new_cluster=False):
    request = {
        'ListenAddr': params['listen_addr'],
        'AdvertiseAddr': params.get('advertise_addr'),
        'DataPathAddr': params.get('data_path_addr'),
        'DataPathPort': params.get('data_path_port'),
        'DefaultAddrPool': params.get('default_addr_pool'),
        'SubnetSize': params.get('subnet_size'),
        'ForceNewCluster': force_new_cluster,
        'Spec': spec,
    }
    if params.get('autolock_managers') is not None:
        request['AutoLockManagers'] = params['autolock_managers']
    return dict((key, value) for key, value in request.items() if value is not None)


_INIT_ONLY_OPTIONS = (
    'advertise_addr',
    'listen_addr',
    'data_path_addr',
    'data_path_port',
    'default_addr_pool',
    'subnet_size',
)


def _init_view(params):
    return dict((name, params.get(name)) for name in _INIT_ONLY_OPTIONS if params.get(name) is not None)


def _plan_new_swarm(client, params, local_node):
    desired = desired_api_values(SWARM_SPEC_OPTIONS, params)
    spec = apply_to_spec(SWARM_SPEC_OPTIONS, desired, {})
    after = dict(state='present')
    after.update(_init_view(params))
    after.update(
        dict((name, value) for name, value in options_view(SWARM_SPEC_OPTIONS, spec).items() if value is not None)
    )
    plan = Plan(before=dict(state='absent', local_node_state=local_node.state), after=after)
    if local_node.state in ('pending', 'error'):
        plan.add(
            'leave the unfinished swarm membership (local node state %s)' % local_node.state,
            lambda: client.swarm_leave(force=True),
        )
    plan.add('initialise a new swarm on this node', lambda: client.swarm_init(_init_request(params, spec)))
    plan.report = lambda check_mode: _report(client, swarm_may_not_exist=check_mode)
    return plan


def _plan_settings_update(client, params, local_node):
    try:
        live = client.swarm_inspect()
    except EngineError as error:
        if not (params['force_new_cluster'] and error.quorum_lost):
            raise
        return _plan_force_new_cluster(client, params, local_node)

    desired = desired_api_values(SWARM_SPEC_OPTIONS, params)
    live_spec = live.get('Spec') or {}
    differing = differing_options(SWARM_SPEC_OPTIONS, desired, live_spec)
    before = dict(state='present', swarm_id=live.get('ID'))
    before.update(options_view(SWARM_SPEC_OPTIONS, live_spec))
    after = dict(before)
    after.update(options_view(SWARM_SPEC_OPTIONS, apply_to_spec(SWARM_SPEC_OPTIONS, desired, live_spec)))
    plan = Plan(before=before, after=after)

    for warning in _init_only_drift(params, live, local_node):
        plan.warn(warning)
    if params['force_new_cluster']:
        _warn_force_new_cluster_not_needed(client, plan, local_node)

    rotations = dict(
        (name, params[name])
        for name in ('rotate_worker_token', 'rotate_manager_token', 'rotate_unlock_key')
        if params[name]
    )
    if params['rotate_unlock_key'] and not _autolock_after(live_spec, desired):
        raise SwarmError('rotate_unlock_key needs autolock_managers: true; this swarm does not lock its managers.')
    if differing or rotations:
        what = ['%s %r -> %r' % (name, before.get(name), after.get(name)) for name in differing]
        what += [name.replace('_', ' ') for name in rotations]
        plan.add('update the swarm: %s' % '; '.join(what), lambda: _update_swarm(client, desired, rotations))
    # Unless a step ran, the node and the swarm read above are what the result reports: no second read.
    plan.report = lambda check_mode: (
        _report(client) if plan.changed and not check_mode else _report_of_swarm(client, local_node, live)
    )
    return plan


def _autolock_after(live_spec, desired):
    if 'autolock_managers' in desired:
        return desired['autolock_managers']
    return bool((live_spec.get('EncryptionConfig') or {}).get('AutoLockManagers'))


def _update_swarm(client, desired, rotations):
    def read_and_write():
        live = client.swarm_inspect()
        spec = apply_to_spec(SWARM_SPEC_OPTIONS, desired, live.get('Spec') or {})
        client.swarm_update(spec, live['Version']['Index'], **rotations)

    client.retry_out_of_sequence(read_and_write)


def _init_only_drift(params, live, local_node):
    """Init-only settings the task asks for that differ from the live swarm: reported, never silently ignored."""
    live_values = {
        'data_path_port': live.get('DataPathPort'),
        'default_addr_pool': live.get('DefaultAddrPool'),
        'subnet_size': live.get('SubnetSize'),
    }
    advertise_host = split_host_port(params['advertise_addr'])[0] if params.get('advertise_addr') else None
    if advertise_host and _is_ip_address(advertise_host):
        live_values['advertise_addr'] = local_node.node_addr
        params = dict(params, advertise_addr=advertise_host)
    warnings = []
    for name, live_value in sorted(live_values.items()):
        wanted = params.get(name)
        if wanted is not None and normalise(wanted) != normalise(live_value):
            warnings.append(
                '%s is only applied when a swarm is created: the live swarm has %r, the task asks for '
                '%r. Nothing was changed; re-create the swarm to change it.' % (name, live_value, wanted)
            )
    return warnings


def _warn_force_new_cluster_not_needed(client, plan, local_node):
    reachable_managers = [
        node
        for node in client.nodes()
        if node.get('ID') != local_node.node_id and (node.get('ManagerStatus') or {}).get('Reachability') == 'reachable'
    ]
    if reachable_managers:
        plan.warn(
            'force_new_cluster was not applied: the swarm has quorum (%d other reachable managers). It is only '
            'used to recover a swarm that lost quorum.' % len(reachable_managers)
        )


def _plan_force_new_cluster(client, params, local_node):
    before = dict(state='present', quorum='lost', local_node_state=local_node.state)
    after = dict(state='present', quorum='single manager (this node)')
    plan = Plan(before=before, after=after)
    request_params = dict(params)
    if not request_params.get('advertise_addr') and local_node.node_addr:
        request_params['advertise_addr'] = local_node.node_addr
    desired = desired_api_values(SWARM_SPEC_OPTIONS, params)
    spec = apply_to_spec(SWARM_SPEC_OPTIONS, desired, {}) or None
    plan.add(
        'force a new cluster from this manager: it becomes the only manager, the swarm keeps its services',
        lambda: client.swarm_init(_init_request(request_params, spec, force_new_cluster=True)),
    )
    plan.report = lambda check_mode: _report(client, swarm_may_not_exist=check_mode)
    return plan


def _plan_teardown(client, params, local_node):
    plan = Plan(
        before=dict(state='present' if local_node.state != 'inactive' else 'absent', local_node_state=local_node.state),
        after=dict(state='absent', local_node_state='inactive'),
    )
    if local_node.state == 'inactive':
        plan.report = lambda check_mode: {}
        return plan
    if local_node.state == 'active' and not local_node.is_manager:
        raise SwarmError(
            'This node is a worker of %s; swarm_init state=absent tears a swarm down from its last '
            'manager. To take this node out, use swarmops.swarm.swarm_join with state: absent.'
            % local_node.describe_membership()
        )
    if local_node.state == 'active' and not params['force']:
        reachable = [
            node
            for node in client.nodes()
            if node.get('ID') != local_node.node_id
            and (node.get('ManagerStatus') or {}).get('Reachability') == 'reachable'
        ]
        if reachable:
            names = ', '.join(
                sorted(
                    '%s (%s)'
                    % (node.get('Description', {}).get('Hostname', node['ID']), node['ManagerStatus'].get('Addr', '?'))
                    for node in reachable
                )
            )
            raise SwarmError(
                'Refusing to tear down the swarm from this manager while other managers are reachable: '
                '%s. Take them out first (swarm_node role: worker, or swarm_join state: absent), or set '
                'force: true to leave anyway.' % names
            )
    plan.add(
        'leave the swarm with force (local node state %s)' % local_node.state, lambda: client.swarm_leave(force=True)
    )
    plan.report = lambda check_mode: {}
    return plan


def _report(client, swarm_may_not_exist=False):
    """The result values: IDs, join tokens and the address to join, read after the change."""
    if swarm_may_not_exist:
        return dict(swarm_id=None, node_id=None, manager_addr=None, join_tokens=None, unlock_key=None)
    local_node = read_local_node(client)
    if local_node.state != 'active':
        return dict(swarm_id=None, node_id=local_node.node_id, manager_addr=None, join_tokens=None, unlock_key=None)
    return _report_of_swarm(client, local_node, client.swarm_inspect())


def _report_of_swarm(client, local_node, live):
    tokens = live.get('JoinTokens') or {}
    autolock = bool(((live.get('Spec') or {}).get('EncryptionConfig') or {}).get('AutoLockManagers'))
    return dict(
        swarm_id=live.get('ID'),
        node_id=local_node.node_id,
        manager_addr=local_node.manager_address(),
        join_tokens=dict(worker=tokens.get('Worker'), manager=tokens.get('Manager')),
        unlock_key=client.swarm_unlock_key() if autolock else None,
        swarm=options_view(SWARM_SPEC_OPTIONS, live.get('Spec') or {}),
    )


def split_host_port(address):
    """(host, port) of "host", "host:port", "[v6]:port" or a bare IPv6 address; the swarm port by default."""
    address = address.strip()
    if address.startswith('['):
        host, rest = address[1:].split(']', 1)
        port = rest.lstrip(':')
    elif address.count(':') == 1:
        host, port = address.split(':')
    else:
        host, port = address, ''
    return host, int(port) if port.isdigit() else DEFAULT_SWARM_PORT


def _is_ip_address(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True

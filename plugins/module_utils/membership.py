# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A node joining or leaving a swarm (swarm_join), aware of which swarm it is already in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import socket

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import (
    read_local_node,
    split_host_port,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import WaitTimeout, wait_until

SWARM_JOIN_ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    remote_addrs=dict(type='list', elements='str'),
    join_token=dict(type='str', no_log=True),
    worker_token=dict(type='str', no_log=True),
    manager_token=dict(type='str', no_log=True),
    role=dict(type='str', choices=['worker', 'manager']),
    advertise_addr=dict(type='str'),
    listen_addr=dict(type='str', default='0.0.0.0:2377'),
    data_path_addr=dict(type='str'),
    availability=dict(type='str', choices=['active', 'pause', 'drain']),
    force=dict(type='bool', default=False),
)
SWARM_JOIN_MODULE_KWARGS = dict(
    required_if=[('state', 'present', ('remote_addrs',))],
    mutually_exclusive=[('join_token', 'worker_token'), ('join_token', 'manager_token')],
)

_TOKEN_PREFIX = 'SWMTKN-1-'
_BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz'
_CA_DIGEST_LENGTH = 50


def ca_digest_of_token(token):
    """The root CA digest a join token was made for (its third dash-separated field), or None if malformed."""
    if not token or not token.startswith(_TOKEN_PREFIX):
        return None
    fields = token[len(_TOKEN_PREFIX) :].split('-')
    if len(fields) != 2 or len(fields[0]) != _CA_DIGEST_LENGTH:
        return None
    return fields[0]


def ca_digest_of_certificate(trust_root_pem):
    """The digest Swarm writes into join tokens: sha256 of the root CA PEM bytes, in base 36, zero-padded."""
    number = int(hashlib.sha256(trust_root_pem.encode('utf-8')).hexdigest(), 16)
    digits = ''
    while number:
        number, remainder = divmod(number, 36)
        digits = _BASE36[remainder] + digits
    return digits.rjust(_CA_DIGEST_LENGTH, '0')


def resolve_addresses(addresses):
    """Every IP a list of host[:port] entries resolves to, so hostnames and IPs of the same manager compare equal."""
    resolved = set()
    for address in addresses:
        host, port = split_host_port(address)
        try:
            for entry in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
                resolved.add((entry[4][0], port))
        except (socket.gaierror, UnicodeError):
            resolved.add((host, port))
    return resolved


def _desired_role_and_token(params):
    if params.get('join_token'):
        return params.get('role'), params['join_token']
    role = params.get('role') or 'worker'
    token = params.get('%s_token' % role)
    if not token:
        raise SwarmError('role %s needs join_token or %s_token.' % (role, role))
    return role, token


def plan_swarm_join(client, params):
    local_node = read_local_node(client)
    if params['state'] == 'absent':
        return _plan_leave(client, params, local_node)
    role, token = _desired_role_and_token(params)
    if ca_digest_of_token(token) is None:
        raise SwarmError(
            'join token is malformed: a Swarm join token looks like SWMTKN-1-<50 characters>-<25 '
            'characters>. Read it from swarm_init\'s join_tokens or `docker swarm join-token -q`.'
        )
    before = _membership_view(local_node)
    after = dict(
        state='present',
        local_node_state='active',
        role=role or before.get('role') or 'as in token',
        remote_addrs=sorted(params['remote_addrs']),
    )
    plan = Plan(before=before, after=after)
    plan.report = _reporter(client, plan, local_node)

    if local_node.state == 'locked':
        raise SwarmError(
            'This node is a locked manager (autolock is on and its engine restarted): unlock it with '
            'its unlock key first.'
        )
    if local_node.state == 'active':
        same_swarm = _is_same_swarm(client, local_node, params['remote_addrs'], token)
        if same_swarm and (role is None or role == local_node.role):
            plan.after = dict(before)
            return plan
        if same_swarm:
            raise SwarmError(
                'This node is already a %s of the swarm at %s, but role %s was asked. A node changes role from a '
                'manager: use swarmops.swarm.swarm_node with role: %s on a manager (it checks quorum first).'
                % (local_node.role, ', '.join(params['remote_addrs']), role, role)
            )
        if not params['force']:
            raise SwarmError(
                'This node is a %s of %s, not of the swarm at %s that the task joins. Refusing to move it between '
                'swarms; set force: true to leave its swarm and join the other one.'
                % (local_node.role, local_node.describe_membership(), ', '.join(params['remote_addrs']))
            )
        if local_node.is_manager:
            plan.warn(
                'Leaving %s as a manager with force: the other managers keep it in their node list as a '
                'down manager until it is removed there.' % local_node.describe_membership()
            )
        plan.add('leave %s (force)' % local_node.describe_membership(), lambda: client.swarm_leave(force=True))
    elif local_node.state in ('pending', 'error'):
        plan.add(
            'abandon the unfinished earlier join (local node state %s)' % local_node.state,
            lambda: client.swarm_leave(force=True),
        )

    plan.add(
        'join the swarm at %s as %s' % (', '.join(params['remote_addrs']), role or 'the token\'s role'),
        lambda: _join(client, params, token),
    )
    return plan


def _is_same_swarm(client, local_node, remote_addrs, token):
    """Whether the node's current swarm is the one the task joins.

    A manager can prove it: its trust root's digest is in every join token of its swarm. A worker cannot read its
    trust root through the API, so it compares the managers it knows with the addresses the task joins through.
    """
    if local_node.is_manager:
        live = client.swarm_inspect()
        trust_root = (live.get('TLSInfo') or {}).get('TrustRoot')
        if trust_root:
            return ca_digest_of_certificate(trust_root) == ca_digest_of_token(token)
    known_managers = resolve_addresses(
        [manager['Addr'] for manager in local_node.remote_managers if manager.get('Addr')]
    )
    return bool(known_managers & resolve_addresses(remote_addrs))


def _join_request(params, token):
    request = {
        'ListenAddr': params['listen_addr'],
        'AdvertiseAddr': params.get('advertise_addr'),
        'DataPathAddr': params.get('data_path_addr'),
        'RemoteAddrs': params['remote_addrs'],
        'JoinToken': token,
        'Availability': params.get('availability'),
    }
    return dict((key, value) for key, value in request.items() if value is not None)


def _join(client, params, token):
    """Join, wait until the membership is active, and put the node back as it was if the join fails."""
    timeout = params['timeout']
    try:
        client.swarm_join(_join_request(params, token), timeout=timeout + 5)
    except EngineError as error:
        # The engine gives up waiting after a while but keeps trying in the background; only a real refusal
        # (wrong token, unreachable manager) should end the attempt.
        if 'continue in the background' not in error.explanation:
            _abandon_join(client)
            raise SwarmError(
                '%s.%s The node was left as it was (not in a swarm).'
                % (error, _refusal_hint(error.explanation, params['remote_addrs']))
            )
    try:
        wait_until(
            lambda: _membership_settled(client),
            timeout,
            'the node to become an active member of the swarm at %s' % ', '.join(params['remote_addrs']),
        )
    except WaitTimeout as error:
        _abandon_join(client)
        raise SwarmError('%s. The join was abandoned and the node left as it was (not in a swarm).' % error)
    except SwarmError as error:
        # A join the swarm refused after accepting the request (a token of another swarm, a tampered one) leaves
        # the node in the error state; it goes back to being in no swarm, as after a refusal at once.
        _abandon_join(client)
        raise SwarmError('%s The node was left as it was (not in a swarm).' % error)


def _refusal_hint(explanation, remote_addrs):
    """What the engine's refusal of a token means for the task, in the option's terms."""
    if 'remote CA does not match fingerprint' in explanation:
        return (
            ' The join token belongs to another swarm: the root CA it names is not the one of the managers at %s. '
            'Read the token from a manager of that swarm (swarm_init\'s join_tokens or `docker swarm join-token -q`).'
            % ', '.join(remote_addrs)
        )
    if 'valid join token is necessary' in explanation:
        return ' The join token is not one of that swarm\'s current tokens: mistyped, or rotated since it was read.'
    return ''


def _membership_settled(client):
    state = read_local_node(client).state
    if state == 'error':
        raise SwarmError(
            'The join failed: the node\'s swarm state is "error". Check that the managers are '
            'reachable on their swarm port and that the token belongs to their swarm.'
        )
    return state == 'active', 'local node state %s' % state


def _abandon_join(client):
    if read_local_node(client).state in ('pending', 'error'):
        client.swarm_leave(force=True)


def _plan_leave(client, params, local_node):
    before = _membership_view(local_node)
    plan = Plan(before=before, after=dict(state='absent', local_node_state='inactive'))
    plan.report = _reporter(client, plan, local_node)
    if local_node.state == 'inactive':
        plan.after = dict(before)
        return plan
    if local_node.is_manager and not params['force']:
        raise SwarmError(
            'This node is a manager of %s. A manager that leaves without being demoted stays in the manager list '
            'as unreachable and counts against quorum: %s. Demote it first with swarmops.swarm.swarm_node '
            '(role: worker) from another manager, then leave; or set force: true to leave anyway.'
            % (local_node.describe_membership(), _quorum_arithmetic(local_node))
        )
    # Only an active member can leave gracefully; a pending, failed or locked membership needs force to be dropped.
    force = params['force'] or local_node.state != 'active'
    plan.add('leave %s' % local_node.describe_membership(), lambda: client.swarm_leave(force=force))
    return plan


def _quorum_arithmetic(local_node):
    managers = local_node.swarm_info.get('Managers') or 0
    if not managers:
        return 'the number of managers is unknown'
    quorum = managers // 2 + 1
    reachable_after = managers - 1
    if reachable_after >= quorum:
        return (
            '%d managers need %d reachable for quorum; with this node gone but still listed, %d of %d are '
            'reachable and %d more may fail' % (managers, quorum, reachable_after, managers, reachable_after - quorum)
        )
    return '%d managers need %d reachable for quorum; with this node gone only %d remain and the swarm loses quorum' % (
        managers,
        quorum,
        reachable_after,
    )


def _membership_view(local_node):
    view = dict(state='present' if local_node.state != 'inactive' else 'absent', local_node_state=local_node.state)
    if local_node.role:
        view['role'] = local_node.role
        view['remote_addrs'] = sorted(
            manager.get('Addr') for manager in local_node.remote_managers if manager.get('Addr')
        )
    return view


def _reporter(client, plan, local_node):
    """The result values: read again after a change, else the membership read before planning is still current."""
    return lambda check_mode: _report(read_local_node(client) if plan.changed and not check_mode else local_node)


def _report(local_node):
    return dict(
        node_id=local_node.node_id,
        local_node_state=local_node.state,
        role=local_node.role,
        swarm_id=local_node.cluster_id,
        remote_managers=sorted(manager.get('Addr') for manager in local_node.remote_managers if manager.get('Addr')),
    )

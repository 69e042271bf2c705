# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unlocking a manager whose engine restarted while autolock is on (swarm_unlock).

Turning autolock on and off and rotating the key are swarm settings, handled by swarm_init.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import read_local_node
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import wait_until

SWARM_UNLOCK_ARGUMENT_SPEC = dict(
    unlock_key=dict(type='str', required=True, no_log=True),
)


def plan_swarm_unlock(client, params):
    # Checked before the engine is asked, and never echoed: the key is a secret.
    if not re.match(r'^SWMKEY-1-\S+$', params['unlock_key']):
        raise SwarmError(
            'unlock_key is not an unlock key: Swarm unlock keys look like SWMKEY-1-<key>; read the current one with '
            'swarm_info (unlock_key: true) or `docker swarm unlock-key -q` on an unlocked manager.'
        )
    local_node = read_local_node(client)
    plan = Plan(before=dict(local_node_state=local_node.state))
    plan.report = lambda check_mode: dict(local_node_state=read_local_node(client).state, node_id=local_node.node_id)
    if local_node.state != 'locked':
        if local_node.state == 'inactive':
            plan.warn('This node is not in a swarm: there is nothing to unlock.')
        return plan
    plan.after = dict(local_node_state='active')
    plan.add('unlock this manager', lambda: _unlock(client, params['unlock_key'], params['timeout']))
    return plan


def _unlock(client, unlock_key, timeout):
    try:
        client.swarm_unlock(unlock_key)
    except EngineError as error:
        raise SwarmError(
            '%s. The manager stays locked; check that the key is its current unlock key (it changes '
            'when the key is rotated).' % error
        )
    wait_until(lambda: _unlocked(client), timeout, 'the manager to become active after unlocking')


def _unlocked(client):
    state = read_local_node(client).state
    return state == 'active', 'local node state %s' % state

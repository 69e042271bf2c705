# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The networks a service attaches to: named as a task or a compose file names them, identified as the engine
stores them in a service spec (swarm_service and swarm_stack).

A network listing (``GET /networks``) holds the swarm's overlay networks and this node's local networks. A service
attaches to swarm-scoped networks only; the name ``host`` or ``bridge`` (or the ID of this node's local network of
that name) stands for the swarm's own predefined network of that name, whose ID no listing holds: the engine stores
that ID. So a live spec attached to ``host`` holds an ID that is not in the listing, and compares equal to the
task's ``host`` only once both are resolved the way the engine resolves them, which is what this module does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import wait_until

# Networks every node has: a service attaches to them by name, without aliases, and no stack creates them.
BUILTIN_NETWORKS = ('bridge', 'host', 'none')
# What the engine answers while the tasks that were attached to a network are still going away.
_NETWORK_BUSY_SIGNS = ('in use', 'active endpoints')


def _id_of(network):
    return network.get('Id') or network.get('ID')


class ServiceNetworks:
    """Network names and IDs resolved as the engine resolves them for a service spec, and back.

    ``listing`` is the networks as listed (read on first use when not given). A reference the listing's swarm-scoped
    networks answer costs nothing more; any other (``host``, ``bridge``, a swarm ID no listing shows) is asked of the
    swarm once (``GET /networks/<reference>?scope=swarm``, the engine's own lookup), and remembered.
    """

    def __init__(self, client, listing=None):
        self._client = client
        self._listing = listing
        self._asked = {}

    def _networks(self):
        if self._listing is None:
            self._listing = self._client.networks() or []
        return self._listing

    def _ask_swarm(self, reference):
        if reference not in self._asked:
            try:
                self._asked[reference] = self._client.network_inspect(reference, scope='swarm')
            except EngineError as error:
                if error.status_code != 404:
                    raise
                self._asked[reference] = None
        return self._asked[reference]

    def service_target(self, reference):
        """The ID the engine stores for a network given by name, ID or unique ID prefix; None if there is none.

        A local network that the swarm does not predefine keeps its local ID: the engine refuses it, saying that
        only swarm-scoped networks can be used with services."""
        swarm_scoped = [network for network in self._networks() if network.get('Scope') == 'swarm']
        found = _matching(swarm_scoped, reference) or self._ask_swarm(reference)
        if found:
            return _id_of(found)
        local = _matching(self._networks(), reference)
        if local is None:
            return None
        predefined = self._ask_swarm(local.get('Name'))
        return _id_of(predefined or local)

    def name_of(self, network_id):
        """The name of the network a live spec refers to by ID, or None if the swarm has no such network."""
        listed = next((network for network in self._networks() if _id_of(network) == network_id), None)
        found = listed or self._ask_swarm(network_id)
        return found.get('Name') if found else None


def _matching(networks, reference):
    """The network whose ID or name is ``reference``, else the only one whose ID starts with it, or None."""
    for key in (_id_of, lambda network: network.get('Name')):
        exact = [network for network in networks if key(network) == reference]
        if exact:
            return exact[0]
    by_prefix = [network for network in networks if (_id_of(network) or '').startswith(reference)]
    return by_prefix[0] if len(by_prefix) == 1 else None


def network_named(client, name, scope=None):
    """The network named exactly ``name`` (the API's name filter also matches parts of names), or None; of a
    swarm-scoped and a local network of that name, the one of ``scope``, else the swarm-scoped one."""
    named = [network for network in client.networks({'name': name}) or [] if network.get('Name') == name]
    if scope is not None:
        named = [network for network in named if network.get('Scope') == scope]
    named.sort(key=lambda network: network.get('Scope') != 'swarm')
    return named[0] if named else None


def remove_network_once_free(client, network_id, name, timeout):
    """Remove a network, trying again while the tasks that were attached to it are still going away, and wait
    until it is no longer listed; the seconds waited."""

    def removed():
        try:
            client.network_remove(network_id, name)
        except EngineError as error:
            if error.status_code == 404:
                return True, 'removed'
            if any(sign in (error.explanation or '') for sign in _NETWORK_BUSY_SIGNS):
                return False, error.explanation
            raise
        return True, 'removed'

    def gone():
        remaining = [item for item in client.networks({'name': name}) or [] if _id_of(item) == network_id]
        return not remaining, 'still listed'

    waited = wait_until(removed, timeout, 'network %s to be free to remove' % name)[1]
    return waited + wait_until(gone, timeout, 'network %s to be gone' % name)[1]


def allocated_network(client, network, timeout=30):
    """``network`` once the swarm allocated it. Until its allocator ran, a just-created swarm network reads back
    without a driver, driver options or address pools; the settings are compared only once they are there."""
    if network.get('Scope') != 'swarm' or network.get('Driver'):
        return network

    def allocated():
        current = client.network_inspect(_id_of(network), scope='swarm')
        if current.get('Driver'):
            return True, current
        return False, 'network %s has no driver state yet' % network.get('Name')

    return wait_until(allocated, timeout, 'the swarm to allocate network %s' % network.get('Name'))[0]

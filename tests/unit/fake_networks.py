# -*- coding: utf-8 -*-
"""How the engine finds a network for a service spec, for the fake engines: the swarm's networks by full ID, then
by name, then by ID prefix, and a local network that swarm predefines (host, bridge) as the swarm's own network of
that name, whose ID no listing shows (tests/unit/fixtures/swarm_predefined_networks.json, recorded on the sandbox
with ``GET /networks/host?scope=swarm``)."""

import copy

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from tests.unit.fake_engine import load_fixture

SWARM_PREDEFINED = load_fixture('swarm_predefined_networks.json')


def _not_found(reference):
    return EngineError('no such network', status_code=404, explanation='network %s not found' % reference)


def _id(network):
    return network.get('Id') or network.get('ID')


def swarm_network(listing, reference):
    """``GET /networks/<reference>?scope=swarm``: the swarm-scoped network the engine finds, or a 404."""
    swarm = [network for network in listing if network.get('Scope') == 'swarm'] + SWARM_PREDEFINED
    for key in (_id, lambda network: network.get('Name')):
        exact = [network for network in swarm if key(network) == reference]
        if exact:
            return copy.deepcopy(exact[0])
    by_prefix = [network for network in swarm if _id(network).startswith(reference)]
    if len(by_prefix) == 1:
        return copy.deepcopy(by_prefix[0])
    raise _not_found(reference)


def stored_target(listing, target):
    """The ID the engine stores for a service's network Target."""
    try:
        return _id(swarm_network(listing, target))
    except EngineError:
        local = [network for network in listing if target in (_id(network), network.get('Name'))]
        if local and local[0]['Name'] in ('host', 'bridge'):
            return _id(swarm_network(listing, local[0]['Name']))
        raise

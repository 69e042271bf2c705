# -*- coding: utf-8 -*-
"""An in-memory stand-in for one node's Docker engine, shaped like the real Engine API answers.

It keeps just enough swarm state (membership, spec, version, tokens, node list) for the planners to be exercised
through whole runs: plan, apply, plan again. Answers are modelled on real inspects recorded from the sandbox
(tests/unit/fixtures).
"""

import copy
import json
import os

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import QUORUM_RECOVERY_HINT, EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.membership import ca_digest_of_certificate

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


def load_fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


TRUST_ROOT = load_fixture('swarm_inspect.json')['TLSInfo']['TrustRoot']


def join_token(trust_root=TRUST_ROOT, secret='w' * 25):
    return 'SWMTKN-1-%s-%s' % (ca_digest_of_certificate(trust_root), secret)


WORKER_TOKEN = join_token(secret='w' * 25)
MANAGER_TOKEN = join_token(secret='m' * 25)
OTHER_SWARM_TOKEN = join_token(trust_root='-----BEGIN CERTIFICATE-----\nother\n-----END CERTIFICATE-----\n')


class FakeEngine:
    def __init__(self, state='inactive', is_manager=True, managers=None, quorum=True):
        self.state = state
        self.is_manager = is_manager
        self.quorum = quorum
        self.swarm = load_fixture('swarm_inspect.json')
        self.swarm['JoinTokens'] = {'Worker': WORKER_TOKEN, 'Manager': MANAGER_TOKEN}
        self.node_id = 'selfnode0000000000000000a'
        self.node_addr = '172.30.0.2'
        self.managers = managers if managers is not None else [('selfnode0000000000000000a', '172.30.0.2', 'reachable')]
        self.calls = []
        self.fail_next = {}

    # -- what the planners call ------------------------------------------------------------

    def info(self):
        swarm = {
            'LocalNodeState': self.state,
            'NodeID': '',
            'NodeAddr': '',
            'ControlAvailable': False,
            'RemoteManagers': None,
        }
        if self.state in ('active', 'locked', 'pending', 'error'):
            swarm.update(NodeID=self.node_id, NodeAddr=self.node_addr)
        if self.state == 'active':
            swarm['RemoteManagers'] = [
                {'NodeID': manager[0], 'Addr': '%s:2377' % manager[1]} for manager in self.managers
            ]
            if self.is_manager:
                # Only managers report the cluster and its counts (see fixtures/info_swarm_*.json).
                swarm.update(
                    ControlAvailable=True,
                    Cluster={'ID': self.swarm['ID']},
                    Managers=len(self.managers),
                    Nodes=len(self.managers),
                )
        return {'Swarm': swarm}

    def swarm_inspect(self):
        self._maybe_fail('swarm_inspect')
        if self.state != 'active' or not self.is_manager:
            raise EngineError('not a manager', status_code=503, explanation='This node is not a swarm manager.')
        if not self.quorum:
            explanation = (
                "rpc error: code = Unknown desc = The swarm does not have a leader. "
                "It's possible that too few managers are online."
            )
            raise EngineError(
                'Could not inspect the swarm: %s %s' % (explanation, QUORUM_RECOVERY_HINT),
                status_code=503,
                explanation=explanation,
                quorum_lost=True,
            )
        return copy.deepcopy(self.swarm)

    def swarm_init(self, request):
        self.calls.append(('swarm_init', copy.deepcopy(request)))
        if request.get('ForceNewCluster'):
            self.quorum = True
            self.managers = [(self.node_id, self.node_addr, 'reachable')]
            return self.node_id
        if self.state != 'inactive':
            raise EngineError('already', status_code=503, explanation='This node is already part of a swarm.')
        self.state = 'active'
        self.is_manager = True
        spec = request.get('Spec') or {}
        for section, values in spec.items():
            if isinstance(values, dict):
                self.swarm['Spec'].setdefault(section, {}).update(values)
            else:
                self.swarm['Spec'][section] = values
        return self.node_id

    def swarm_join(self, request, timeout=None):
        self.calls.append(('swarm_join', copy.deepcopy(request)))
        self._maybe_fail('swarm_join')
        self.state = 'active'
        self.is_manager = self.join_as_manager
        return None

    join_as_manager = False

    def swarm_leave(self, force):
        self.calls.append(('swarm_leave', force))
        self.state = 'inactive'
        self.is_manager = False

    def swarm_update(
        self, spec, version, rotate_worker_token=False, rotate_manager_token=False, rotate_unlock_key=False
    ):
        self.calls.append(
            (
                'swarm_update',
                copy.deepcopy(spec),
                version,
                dict(worker=rotate_worker_token, manager=rotate_manager_token, unlock=rotate_unlock_key),
            )
        )
        self._maybe_fail('swarm_update')
        self.swarm['Spec'] = copy.deepcopy(spec)
        self.swarm['Version']['Index'] += 1

    def swarm_unlock_key(self):
        return 'SWMKEY-1-fakeunlockkey'

    def nodes(self):
        return [
            {
                'ID': node_id,
                'Description': {'Hostname': 'host-%s' % node_id[:4]},
                'ManagerStatus': {'Reachability': reachability, 'Addr': '%s:2377' % addr},
            }
            for node_id, addr, reachability in self.managers
        ]

    def retry_out_of_sequence(self, read_and_write):
        return read_and_write()

    # -- test helpers -----------------------------------------------------------------------

    def _maybe_fail(self, call):
        error = self.fail_next.pop(call, None)
        if error is not None:
            raise error

    def writes(self):
        return [call for call in self.calls if call[0] != 'info']

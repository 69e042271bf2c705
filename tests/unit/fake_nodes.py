# -*- coding: utf-8 -*-
"""An in-memory swarm seen from a manager, for the swarm_node and swarm_info planners.

It starts from real answers recorded in the sandbox at one moment (fixtures/cluster_snapshot.json: five nodes, two
of them down, five services of every mode, their tasks) and applies the rules the engine applies to node updates
and removals, with the engine's own error messages: stale versions, the last manager, Raft quorum, removing a
manager or a live node. Effects the engine applies in the background (a promoted node joining Raft, a drained
node's containers stopping) land after a few reads, so the planners' waiting is exercised too.
"""

import copy
import json
import os

from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')
_FINISHED = ('complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned')


def load_snapshot():
    with open(os.path.join(FIXTURES, 'cluster_snapshot.json')) as handle:
        return json.load(handle)


SNAPSHOT = load_snapshot()
NODE_IDS = dict((node['Description']['Hostname'], node['ID']) for node in SNAPSHOT['nodes'])


def _refusal(action, explanation, status_code=400):
    return EngineError(
        'Could not %s: the Docker engine at unix:///var/run/docker.sock answered: %s' % (action, explanation),
        status_code=status_code,
        explanation=explanation,
    )


class FakeCluster:
    """The engine of manager1, the recorded cluster's manager where /info was read (manager2 leads)."""

    retry_out_of_sequence = EngineClient.retry_out_of_sequence

    def __init__(self, local='manager1', settle_after_reads=2):
        snapshot = load_snapshot()
        self.swarm = snapshot['swarm']
        self.node_list = snapshot['nodes']
        self.service_list = snapshot['services']
        self.task_list = snapshot['tasks']
        self.info_swarm = snapshot['info_worker'] if local.startswith('worker') else snapshot['info_manager']
        self.settle_after_reads = settle_after_reads
        self.background = []
        self.calls = []
        self.fail_next = {}
        self.unlock_key = None

    # -- shaping the scene --------------------------------------------------------------------

    def node(self, hostname_or_id):
        for node in self.node_list:
            if hostname_or_id in (node['ID'], node['Description']['Hostname']):
                return node
        raise KeyError(hostname_or_id)

    def bring_up(self, hostname):
        """The node's engine reports again (its container was started)."""
        node = self.node(hostname)
        node['Status'] = {'Addr': node['Status']['Addr'], 'State': 'ready'}
        if node.get('ManagerStatus'):
            node['ManagerStatus']['Reachability'] = 'reachable'

    def take_down(self, hostname):
        node = self.node(hostname)
        node['Status'] = {'Addr': node['Status']['Addr'], 'Message': 'heartbeat failure', 'State': 'down'}
        if node.get('ManagerStatus'):
            node['ManagerStatus']['Reachability'] = 'unreachable'
            node['ManagerStatus'].pop('Leader', None)

    def add_manager(self, hostname, reachable=True):
        """A further node, copied from worker1, that is a manager."""
        node = copy.deepcopy(self.node('worker1'))
        node['ID'] = '%s%s' % (hostname, 'x' * (25 - len(hostname)))
        node['Description']['Hostname'] = hostname
        node['Spec'] = {'Availability': 'active', 'Labels': {}, 'Role': 'manager'}
        node['ManagerStatus'] = {
            'Addr': '192.168.0.99:2377',
            'Reachability': 'reachable' if reachable else 'unreachable',
        }
        node['Status'] = {'Addr': '192.168.0.99', 'State': 'ready' if reachable else 'down'}
        self.node_list.append(node)
        return node

    def remove_from_list(self, hostname):
        self.node_list.remove(self.node(hostname))

    def running_tasks_on(self, hostname):
        node_id = self.node(hostname)['ID']
        return [
            task for task in self.task_list if task['NodeID'] == node_id and task['Status']['State'] not in _FINISHED
        ]

    # -- the EngineClient methods the planners call ----------------------------------------------

    def info(self):
        return {'Swarm': copy.deepcopy(self.info_swarm)}

    def swarm_inspect(self):
        return copy.deepcopy(self.swarm)

    def swarm_unlock_key(self):
        return self.unlock_key

    def nodes(self):
        self._tick()
        return copy.deepcopy(self.node_list)

    def node_inspect(self, node_id):
        self._tick()
        for node in self.node_list:
            if node['ID'] == node_id:
                return copy.deepcopy(node)
        raise _refusal('inspect node %s' % node_id, 'node %s not found' % node_id, 404)

    def node_update(self, node_id, version, spec):
        self.calls.append(('node_update', node_id, version, copy.deepcopy(spec)))
        self._maybe_fail('node_update')
        action = 'update node %s' % node_id
        node = self._node_by_id(node_id, action)
        if version != node['Version']['Index']:
            raise _refusal(action, 'rpc error: code = Unknown desc = update out of sequence', 500)
        if spec.get('Role') == 'worker' and node.get('ManagerStatus'):
            self._refuse_demotion(node, action)
        previous_spec = node['Spec']
        node['Spec'] = copy.deepcopy(spec)
        node['Version']['Index'] += 1
        if spec.get('Role') != previous_spec.get('Role'):
            self._later(lambda: self._settle_role(node))
        if spec.get('Availability') == 'drain' and previous_spec.get('Availability') != 'drain':
            self._drain(node)

    def node_remove(self, node_id, force=False):
        self.calls.append(('node_remove', node_id, force))
        action = 'remove node %s' % node_id
        node = self._node_by_id(node_id, action)
        if node.get('ManagerStatus'):
            raise _refusal(
                action,
                'rpc error: code = FailedPrecondition desc = node %s is a cluster manager and is '
                'a member of the raft cluster. It must be demoted to worker before removal' % node_id,
            )
        if node['Status']['State'] != 'down' and not force:
            raise _refusal(
                action, "rpc error: code = FailedPrecondition desc = node %s is not down and can't be removed" % node_id
            )
        self.node_list.remove(node)

    def services(self, filters=None, status=False):
        services = copy.deepcopy(self.service_list)
        if not status:
            for service in services:
                service.pop('ServiceStatus', None)
        return services

    def tasks(self, filters=None):
        self._tick()
        self.calls.append(('tasks', copy.deepcopy(filters)))
        filters = filters or {}
        selected = []
        for task in self.task_list:
            if 'node' in filters and task['NodeID'] not in (filters['node'], self._node_id_of(filters['node'])):
                continue
            if 'service' in filters and task['ServiceID'] not in self._service_ids_of(filters['service']):
                continue
            if 'desired-state' in filters and task['DesiredState'] != filters['desired-state']:
                continue
            selected.append(copy.deepcopy(task))
        return selected

    # -- the engine's rules and background work --------------------------------------------------

    def writes(self):
        return [call for call in self.calls if call[0] != 'tasks']

    def _maybe_fail(self, call):
        error = self.fail_next.pop(call, None)
        if error is not None:
            raise error

    def _node_by_id(self, node_id, action):
        for node in self.node_list:
            if node['ID'] == node_id:
                return node
        raise _refusal(action, 'node %s not found' % node_id, 404)

    def _node_id_of(self, hostname_or_id):
        try:
            return self.node(hostname_or_id)['ID']
        except KeyError:
            return None

    def _service_ids_of(self, name_or_id):
        return [
            service['ID'] for service in self.service_list if name_or_id in (service['ID'], service['Spec']['Name'])
        ]

    def _refuse_demotion(self, node, action):
        # swarmkit's controlapi: the last manager stays, and Raft must keep a quorum of reachable members.
        members = [other for other in self.node_list if other.get('ManagerStatus')]
        if len(members) == 1:
            raise _refusal(
                action, 'rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm'
            )
        remaining = [other for other in members if other is not node]
        reachable = [other for other in remaining if other['ManagerStatus']['Reachability'] == 'reachable']
        if len(reachable) < len(remaining) // 2 + 1:
            raise _refusal(
                action,
                "rpc error: code = FailedPrecondition desc = can't remove member from the raft: "
                "this would result in a loss of quorum",
            )

    def _settle_role(self, node):
        if node['Spec']['Role'] == 'worker':
            node.pop('ManagerStatus', None)
        elif node['Status']['State'] == 'ready':
            node['ManagerStatus'] = {'Addr': '%s:2377' % node['Status']['Addr'], 'Reachability': 'reachable'}

    def _drain(self, node):
        services = dict((service['ID'], service) for service in self.service_list)
        for task in self.task_list:
            service = services.get(task['ServiceID'])
            if (
                task['NodeID'] != node['ID']
                or task['DesiredState'] in _FINISHED
                or 'Job' in str(service['Spec']['Mode'])
            ):
                continue
            task['DesiredState'] = 'shutdown'
            if node['Status']['State'] == 'ready':
                self._later(lambda task=task: task['Status'].update(State='shutdown', Message='shutdown'))

    def _later(self, effect):
        self.background.append([self.settle_after_reads, effect])

    def _tick(self):
        for entry in list(self.background):
            entry[0] -= 1
            if entry[0] <= 0:
                self.background.remove(entry)
                entry[1]()

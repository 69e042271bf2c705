# -*- coding: utf-8 -*-
"""An in-memory manager for the swarm_stack planner: services, tasks, networks, configs and secrets.

It starts from the real listings recorded from the sandbox (tests/unit/fixtures/stack_cli_deployed.json: two
stacks deployed with `docker stack deploy` of the docker CLI 20.10) or from an empty swarm, and stores what the
planner writes the way the engine does: it fills in the defaults the engine fills in (observed on the sandbox),
resolves network names to IDs, refuses to change a config's data or to remove an object a service uses, and
hides secret data. Tasks converge at once: every service runs its desired tasks of its current spec.
"""

import base64
import copy
import itertools
import json

from ansible_collections.swarmops.swarm.plugins.module_utils.client import EngineClient
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import node_matches
from tests.unit.fake_engine import load_fixture
from tests.unit.fake_networks import stored_target, swarm_network

CLI_DEPLOYED = load_fixture('stack_cli_deployed.json')
BUILTIN_NETWORKS = [
    network
    for network in CLI_DEPLOYED['networks']
    if network['Name'] in ('ingress', 'bridge', 'host', 'none', 'docker_gwbridge')
]


def _not_found(kind, identifier):
    return EngineError('no such %s' % kind, status_code=404, explanation='%s %s not found' % (kind, identifier))


class FakeStackEngine:
    docker_host = 'unix:///var/run/docker.sock'
    retry_out_of_sequence = EngineClient.retry_out_of_sequence

    def __init__(self, recorded=False, api_version='1.41'):
        self.api_version = api_version
        source = CLI_DEPLOYED if recorded else dict(services=[], networks=BUILTIN_NETWORKS, configs=[], secrets=[])
        self.services_by_id = dict((service['ID'], copy.deepcopy(service)) for service in source['services'])
        self.networks_by_id = dict((network['Id'], copy.deepcopy(network)) for network in source['networks'])
        self.configs_by_id = dict((config['ID'], copy.deepcopy(config)) for config in source['configs'])
        self.secrets_by_id = dict((secret['ID'], copy.deepcopy(secret)) for secret in source['secrets'])
        self.secret_data = {}
        self.nodes_list = load_fixture('service_nodes.json')
        self.registry = {}
        self.network_busy_answers = 0
        self.calls = []
        self.reads = []
        self._ids = ('fake%021d' % number for number in itertools.count(1))

    # -- reads -------------------------------------------------------------------------------

    def services(self, filters=None, status=False):
        self.reads.append('services')
        listed = [copy.deepcopy(service) for service in self.services_by_id.values()]
        if status:
            for service in listed:
                tasks = self._tasks_of(service)
                service['ServiceStatus'] = dict(
                    RunningTasks=len([task for task in tasks if task['Status']['State'] == 'running']),
                    DesiredTasks=len(tasks),
                )
        return listed

    def service_inspect(self, service_id):
        self.reads.append('service_inspect')
        if service_id not in self.services_by_id:
            raise _not_found('service', service_id)
        return copy.deepcopy(self.services_by_id[service_id])

    def networks(self, filters=None):
        self.reads.append('networks')
        name = (filters or {}).get('name')
        return [
            copy.deepcopy(network)
            for network in self.networks_by_id.values()
            if name is None or network['Name'].startswith(name)
        ]

    def network_inspect(self, network, scope=None):
        self.reads.append('network_inspect')
        if scope is None and network in self.networks_by_id:
            # Without a scope the engine finds this node's local networks too.
            return copy.deepcopy(self.networks_by_id[network])
        return swarm_network(list(self.networks_by_id.values()), network)

    def configs(self, filters=None):
        self.reads.append('configs')
        return copy.deepcopy(list(self.configs_by_id.values()))

    def secrets(self, filters=None):
        self.reads.append('secrets')
        return copy.deepcopy(list(self.secrets_by_id.values()))

    def nodes(self):
        return copy.deepcopy(self.nodes_list)

    def tasks(self, filters=None):
        filters = filters or {}
        tasks = []
        for service in self.services_by_id.values():
            if 'service' in filters and service['ID'] != filters['service']:
                continue
            if 'label' in filters:
                key, _equals, value = filters['label'].partition('=')
                if (service['Spec'].get('Labels') or {}).get(key) != value:
                    continue
            tasks.extend(self._tasks_of(service))
        return tasks

    def distribution_inspect(self, image, with_registry_auth=False):
        self.calls.append(('distribution_inspect', image))
        if image not in self.registry:
            raise EngineError('unreachable', status_code=500, explanation='Get https://registry/v2/: no route to host')
        digest, platforms = self.registry[image]
        return {'Descriptor': {'digest': digest}, 'Platforms': platforms}

    # -- writes ------------------------------------------------------------------------------

    def network_create(self, request):
        self.calls.append(('network_create', copy.deepcopy(request)))
        if any(network['Name'] == request['Name'] for network in self.networks_by_id.values()):
            raise EngineError(
                'conflict', status_code=409, explanation='network with name %s already exists' % request['Name']
            )
        network_id = next(self._ids)
        self.networks_by_id[network_id] = dict(
            Name=request['Name'],
            Id=network_id,
            Scope=request.get('Scope') or ('local' if request.get('ConfigOnly') else 'swarm'),
            Driver='null' if request.get('ConfigOnly') else request.get('Driver') or 'bridge',
            Internal=bool(request.get('Internal')),
            Attachable=bool(request.get('Attachable')),
            Ingress=bool(request.get('Ingress')),
            ConfigOnly=bool(request.get('ConfigOnly')),
            ConfigFrom=dict(Network=(request.get('ConfigFrom') or {}).get('Network') or ''),
            EnableIPv6=bool(request.get('EnableIPv6')),
            Options=dict(request.get('Options') or {}, **{'com.docker.network.driver.overlay.vxlanid_list': '4100'}),
            Labels=dict(request.get('Labels') or {}),
            IPAM=dict(
                Driver=(request.get('IPAM') or {}).get('Driver') or 'default',
                Options=(request.get('IPAM') or {}).get('Options') or None,
                Config=[
                    dict(entry, Gateway=entry.get('Gateway') or entry['Subnet'].rsplit('.', 1)[0] + '.1')
                    for entry in copy.deepcopy((request.get('IPAM') or {}).get('Config') or [])
                ]
                or [dict(Subnet='10.0.9.0/24', Gateway='10.0.9.1')],
            ),
        )
        return {'Id': network_id, 'Warning': ''}

    def network_remove(self, network_id, name=None):
        self.calls.append(('network_remove', network_id))
        if network_id not in self.networks_by_id:
            raise _not_found('network', network_id)
        if self.network_busy_answers:
            self.network_busy_answers -= 1
            raise EngineError(
                'busy',
                status_code=403,
                explanation='error while removing network: network %s id %s has active endpoints' % (name, network_id),
            )
        self._refuse_if_used('network', network_id)
        del self.networks_by_id[network_id]

    def config_create(self, spec):
        return self._create_file_object('config', self.configs_by_id, spec)

    def secret_create(self, spec):
        created = self._create_file_object('secret', self.secrets_by_id, spec)
        self.secret_data[created['ID']] = self.secrets_by_id[created['ID']]['Spec'].pop('Data')
        return created

    def _create_file_object(self, kind, store, spec):
        self.calls.append(('%s_create' % kind, copy.deepcopy(spec)))
        if any(item['Spec']['Name'] == spec['Name'] for item in store.values()):
            raise EngineError('conflict', status_code=409, explanation='%s %s already exists' % (kind, spec['Name']))
        base64.b64decode(spec['Data'])
        object_id = next(self._ids)
        store[object_id] = dict(ID=object_id, Version=dict(Index=1), Spec=copy.deepcopy(spec))
        return {'ID': object_id}

    def config_update(self, config_id, version, spec):
        self._update_file_object('config', self.configs_by_id, config_id, version, spec)

    def secret_update(self, secret_id, version, spec):
        self._update_file_object('secret', self.secrets_by_id, secret_id, version, spec)

    def _update_file_object(self, kind, store, object_id, version, spec):
        self.calls.append(('%s_update' % kind, object_id, copy.deepcopy(spec)))
        live = store[object_id]
        if version != live['Version']['Index']:
            raise EngineError('out of sequence', status_code=500, explanation='update out of sequence')
        if spec.get('Data') not in (None, live['Spec'].get('Data')) or spec['Name'] != live['Spec']['Name']:
            raise EngineError('refused', status_code=400, explanation='only updates to Labels are allowed')
        live['Spec']['Labels'] = dict(spec.get('Labels') or {})
        live['Version']['Index'] += 1

    def config_remove(self, config_id, name=None):
        self.calls.append(('config_remove', config_id))
        self._refuse_if_used('config', config_id)
        del self.configs_by_id[config_id]

    def secret_remove(self, secret_id, name=None):
        self.calls.append(('secret_remove', secret_id))
        self._refuse_if_used('secret', secret_id)
        del self.secrets_by_id[secret_id]

    def _refuse_if_used(self, kind, object_id):
        for service in self.services_by_id.values():
            if object_id in json.dumps(service['Spec']):
                raise EngineError(
                    'in use',
                    status_code=400,
                    explanation='%s %s is in use by the following service: '
                    '%s' % (kind, object_id, service['Spec']['Name']),
                )

    def service_create(self, spec, with_registry_auth=False):
        self.calls.append(('service_create', copy.deepcopy(spec)))
        if any(service['Spec']['Name'] == spec['Name'] for service in self.services_by_id.values()):
            raise EngineError('conflict', status_code=409, explanation='name conflicts with an existing object')
        service_id = next(self._ids)
        self.services_by_id[service_id] = dict(ID=service_id, Version=dict(Index=1), Spec=self._stored(spec))
        return {'ID': service_id}

    def service_update(self, service_id, version, spec, rollback=None, with_registry_auth=False):
        self.calls.append(('service_update', service_id, version, copy.deepcopy(spec)))
        service = self.services_by_id[service_id]
        if version != service['Version']['Index']:
            raise EngineError('out of sequence', status_code=500, explanation='update out of sequence')
        service['PreviousSpec'] = service['Spec']
        service['Spec'] = self._stored(spec)
        service['Version']['Index'] += 1
        service.pop('UpdateStatus', None)

    def service_remove(self, service_id):
        self.calls.append(('service_remove', service_id))
        del self.services_by_id[service_id]

    # -- what the engine does with a spec ----------------------------------------------------

    def _stored(self, spec):
        """The spec as the engine stores and returns it (defaults as observed on Docker 20.10)."""
        spec = copy.deepcopy(spec)
        spec.setdefault('Labels', {})
        template = spec.setdefault('TaskTemplate', {})
        container = template.setdefault('ContainerSpec', {})
        container.setdefault('Isolation', 'default')
        template.setdefault('Resources', {})
        template.setdefault('Placement', {})
        template.setdefault('ForceUpdate', 0)
        template.setdefault('Runtime', 'container')
        for attachment in template.get('Networks') or []:
            attachment['Target'] = stored_target(list(self.networks_by_id.values()), attachment['Target'])
        for kind, store in (('Config', self.configs_by_id), ('Secret', self.secrets_by_id)):
            for reference in container.get('%ss' % kind) or []:
                if reference.get('%sID' % kind) not in store:
                    raise EngineError(
                        'no %s' % kind,
                        status_code=404,
                        explanation='%s %s not found' % (kind.lower(), reference.get('%sID' % kind)),
                    )
        if 'RestartPolicy' in template:
            template['RestartPolicy'].setdefault('MaxAttempts', 0)
        mode = spec.setdefault('Mode', {'Replicated': {}})
        if 'Replicated' in mode:
            mode['Replicated'].setdefault('Replicas', 1)
        spec.setdefault('EndpointSpec', {}).setdefault('Mode', 'vip')
        for key in ('UpdateConfig', 'RollbackConfig'):
            if key in spec:
                config = spec[key]
                config.setdefault('FailureAction', 'pause')
                config.setdefault('Order', 'stop-first')
                config.setdefault('MaxFailureRatio', 0)
                for zero in ('Delay', 'Monitor'):
                    if not config.get(zero):
                        config.pop(zero, None)
        return spec

    def _tasks_of(self, service):
        spec = service['Spec']
        template = copy.deepcopy(spec.get('TaskTemplate') or {})
        template.pop('Runtime', None)
        mode = spec.get('Mode') or {}
        constraints = (template.get('Placement') or {}).get('Constraints') or []
        if 'Global' in mode:
            nodes = [node['ID'] for node in self.nodes_list if node_matches(node, constraints)]
        else:
            # The tasks of a replicated service that no node can take stay pending, on no node.
            placeable = any(node_matches(node, constraints) is not False for node in self.nodes_list)
            nodes = [
                ('node%d' % slot) if placeable else ''
                for slot in range(((mode.get('Replicated') or {}).get('Replicas', 1)))
            ]
        return [
            {
                'ID': 'task%s%d' % (service['ID'], index),
                'ServiceID': service['ID'],
                'NodeID': node,
                'Slot': index + 1,
                'Spec': copy.deepcopy(template),
                'DesiredState': 'running',
                'Status': (
                    {'State': 'running', 'Message': 'started'}
                    if node
                    else {'State': 'pending', 'Message': 'pending task scheduling', 'Err': 'no suitable node'}
                ),
            }
            for index, node in enumerate(nodes)
        ]

    # -- test helpers ------------------------------------------------------------------------

    def writes(self):
        return [call[0] for call in self.calls if call[0] != 'distribution_inspect']

    def service_named(self, name):
        return next((service for service in self.services_by_id.values() if service['Spec']['Name'] == name), None)

    def names(self, kind):
        store = dict(network=self.networks_by_id, config=self.configs_by_id, secret=self.secrets_by_id)[kind]
        return sorted(item.get('Name') or item['Spec']['Name'] for item in store.values())

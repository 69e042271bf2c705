# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the swarm looks like, in the shape every module reports it (swarm_info, and the results of the others).

One serializer per object: :func:`node_facts`, :func:`service_facts` and :func:`task_facts` turn a live Engine API
object into flat, snake_case facts that read well in Jinja (``nodes | selectattr('role', 'eq', 'manager')``).
swarm_info lists them; swarm_node and swarm_service return the object they managed in the same shape.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.swarmops.swarm.plugins.module_utils.cluster import (
    SWARM_SPEC_OPTIONS,
    read_local_node,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import options_view
from ansible_collections.swarmops.swarm.plugins.module_utils.stack_translate import STACK_NAMESPACE_LABEL
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import task_name

SWARM_INFO_ARGUMENT_SPEC = dict(
    nodes=dict(type='bool', default=False),
    services=dict(type='bool', default=False),
    tasks=dict(type='bool', default=False),
    tasks_filters=dict(
        type='dict',
        options=dict(
            service=dict(type='str'),
            node=dict(type='str'),
            desired_state=dict(type='str', choices=['running', 'shutdown', 'accepted']),
        ),
    ),
    nodes_filters=dict(
        type='dict',
        options=dict(
            role=dict(type='str', choices=['manager', 'worker']),
            availability=dict(type='str', choices=['active', 'pause', 'drain']),
            labels=dict(type='list', elements='str'),
        ),
    ),
    stacks=dict(type='bool', default=False),
    stack_services=dict(type='bool', default=False),
    stack_tasks=dict(type='bool', default=False),
    service_specs=dict(type='list', elements='str'),
    networks=dict(type='bool', default=False),
    networks_filters=dict(
        type='dict',
        options=dict(
            name=dict(type='str'),
            driver=dict(type='str'),
            labels=dict(type='list', elements='str'),
        ),
    ),
    configs=dict(type='bool', default=False),
    secrets=dict(type='bool', default=False),
    join_tokens=dict(type='bool', default=False),
    unlock_key=dict(type='bool', default=False),
)

# Task states after which a task's container is gone for good (the API's TaskState values).

_SERVICE_MODES = (
    ('Replicated', 'replicated'),
    ('Global', 'global'),
    ('ReplicatedJob', 'replicated-job'),
    ('GlobalJob', 'global-job'),
)


def _get(mapping, *path):
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def hostname_of(node):
    return _get(node, 'Description', 'Hostname')


def node_facts(node):
    """A node as swarm_info and swarm_node report it."""
    manager_status = node.get('ManagerStatus') or {}
    platform = _get(node, 'Description', 'Platform') or {}
    resources = _get(node, 'Description', 'Resources') or {}
    return dict(
        id=node.get('ID'),
        hostname=hostname_of(node),
        role=_get(node, 'Spec', 'Role'),
        availability=_get(node, 'Spec', 'Availability'),
        labels=_get(node, 'Spec', 'Labels') or {},
        state=_get(node, 'Status', 'State'),
        status_message=_get(node, 'Status', 'Message') or None,
        addr=_get(node, 'Status', 'Addr'),
        manager_reachability=manager_status.get('Reachability'),
        manager_addr=manager_status.get('Addr'),
        leader=bool(manager_status.get('Leader')),
        engine_version=_get(node, 'Description', 'Engine', 'EngineVersion'),
        engine_labels=_get(node, 'Description', 'Engine', 'Labels') or {},
        platform=dict(os=platform.get('OS'), architecture=platform.get('Architecture')),
        resources=dict(nano_cpus=resources.get('NanoCPUs'), memory_bytes=resources.get('MemoryBytes')),
        created_at=node.get('CreatedAt'),
        updated_at=node.get('UpdatedAt'),
        version=_get(node, 'Version', 'Index'),
    )


def service_mode(service_spec):
    """replicated, global, replicated-job or global-job, as `docker service create --mode` names them."""
    mode = (service_spec or {}).get('Mode') or {}
    for api_name, name in _SERVICE_MODES:
        if api_name in mode:
            return name
    return None


def service_facts(service):
    """A service as swarm_info and swarm_service report it.

    Task counts come from ServiceStatus, which the engine adds when services are listed with status=true; they
    are null when the service was read without it.
    """
    spec = service.get('Spec') or {}
    status = service.get('ServiceStatus') or {}
    update_status = service.get('UpdateStatus')
    endpoint = service.get('Endpoint') or {}
    # The live endpoint lists the ports the engine assigned; the spec only those that were asked for.
    ports = endpoint.get('Ports') or _get(spec, 'EndpointSpec', 'Ports') or []
    return dict(
        id=service.get('ID'),
        name=spec.get('Name'),
        mode=service_mode(spec),
        replicas=_get(spec, 'Mode', 'Replicated', 'Replicas'),
        desired_tasks=status.get('DesiredTasks'),
        running_tasks=status.get('RunningTasks'),
        completed_tasks=status.get('CompletedTasks'),
        image=_get(spec, 'TaskTemplate', 'ContainerSpec', 'Image'),
        update_status=dict(
            state=update_status.get('State'),
            message=update_status.get('Message'),
            started_at=update_status.get('StartedAt'),
            completed_at=update_status.get('CompletedAt'),
        )
        if update_status
        else None,
        endpoint_mode=_get(spec, 'EndpointSpec', 'Mode') or 'vip',
        ports=[_port_facts(port) for port in ports],
        labels=spec.get('Labels') or {},
        created_at=service.get('CreatedAt'),
        updated_at=service.get('UpdatedAt'),
        version=_get(service, 'Version', 'Index'),
    )


def _port_facts(port):
    return dict(
        protocol=port.get('Protocol', 'tcp'),
        target_port=port.get('TargetPort'),
        published_port=port.get('PublishedPort'),
        publish_mode=port.get('PublishMode', 'ingress'),
    )


def task_facts(task, service_names=None, node_hostnames=None):
    """A task as swarm_info and swarm_service report it; the maps name its service and node."""
    service_name = (service_names or {}).get(task.get('ServiceID'))
    status = task.get('Status') or {}
    container_status = status.get('ContainerStatus') or {}
    return dict(
        id=task.get('ID'),
        name=task_name(task, service_name),
        service_id=task.get('ServiceID'),
        service_name=service_name,
        slot=task.get('Slot'),
        node_id=task.get('NodeID') or None,
        node=(node_hostnames or {}).get(task.get('NodeID')),
        desired_state=task.get('DesiredState'),
        state=status.get('State'),
        message=status.get('Message'),
        error=status.get('Err'),
        timestamp=status.get('Timestamp'),
        container_id=container_status.get('ContainerID'),
        exit_code=container_status.get('ExitCode'),
        image=_get(task, 'Spec', 'ContainerSpec', 'Image'),
        published_ports=[_port_facts(port) for port in _get(status, 'PortStatus', 'Ports') or []],
        created_at=task.get('CreatedAt'),
        updated_at=task.get('UpdatedAt'),
    )


def network_facts(network):
    """A network as `docker network ls` and `docker network inspect` show it."""
    ipam = network.get('IPAM') or {}
    return dict(
        id=network.get('Id') or network.get('ID'),
        name=network.get('Name'),
        driver=network.get('Driver'),
        scope=network.get('Scope'),
        attachable=bool(network.get('Attachable')),
        internal=bool(network.get('Internal')),
        ingress=bool(network.get('Ingress')),
        enable_ipv6=bool(network.get('EnableIPv6')),
        config_only=bool(network.get('ConfigOnly')),
        config_from=(network.get('ConfigFrom') or {}).get('Network') or None,
        ipam=dict(
            driver=ipam.get('Driver'),
            options=ipam.get('Options') or {},
            config=[
                dict(
                    subnet=pool.get('Subnet'),
                    ip_range=pool.get('IPRange') or None,
                    gateway=pool.get('Gateway') or None,
                    aux_addresses=pool.get('AuxiliaryAddresses') or {},
                )
                for pool in ipam.get('Config') or []
            ],
        ),
        options=network.get('Options') or {},
        labels=network.get('Labels') or {},
        created_at=network.get('Created'),
    )


def swarm_object_facts(swarm_object):
    """A config or a secret without its content: the engine returns a config's data, which is never passed on."""
    spec = swarm_object.get('Spec') or {}
    return dict(
        id=swarm_object.get('ID'),
        name=spec.get('Name'),
        labels=spec.get('Labels') or {},
        template_driver=_get(spec, 'Templating', 'Name'),
        driver=_get(spec, 'Driver', 'Name'),
        created_at=swarm_object.get('CreatedAt'),
        updated_at=swarm_object.get('UpdatedAt'),
        version=_get(swarm_object, 'Version', 'Index'),
    )


def stack_of(labels):
    return (labels or {}).get(STACK_NAMESPACE_LABEL)


def swarm_facts(local_node, own_node=None):
    """The swarm as this node sees it. On a worker (or outside a swarm) only the local membership is known and the
    cluster-wide values are null."""
    cluster = local_node.swarm_info.get('Cluster') if local_node.is_manager else None
    cluster = cluster or {}
    facts = dict(
        local_node_state=local_node.state,
        is_locked=local_node.state == 'locked',
        node_id=local_node.node_id,
        node_addr=local_node.node_addr,
        is_manager=local_node.is_manager,
        is_leader=bool(_get(own_node, 'ManagerStatus', 'Leader')),
        remote_managers=sorted(manager['Addr'] for manager in local_node.remote_managers if manager.get('Addr')),
        error=local_node.swarm_info.get('Error') or None,
        id=cluster.get('ID'),
        created_at=cluster.get('CreatedAt'),
        updated_at=cluster.get('UpdatedAt'),
        manager_addr=local_node.manager_address() if local_node.is_manager else None,
        managers=local_node.swarm_info.get('Managers') if local_node.is_manager else None,
        nodes=local_node.swarm_info.get('Nodes') if local_node.is_manager else None,
        data_path_port=cluster.get('DataPathPort'),
        default_addr_pool=cluster.get('DefaultAddrPool'),
        subnet_size=cluster.get('SubnetSize'),
        root_rotation_in_progress=cluster.get('RootRotationInProgress'),
    )
    facts.update(options_view(SWARM_SPEC_OPTIONS, cluster.get('Spec') or {}))
    return facts


# -- swarm_info --------------------------------------------------------------------------------


def plan_swarm_info(client, params):
    """swarm_info changes nothing: an empty plan whose report gathers what the task asked for."""
    plan = Plan()
    plan.report = lambda check_mode: _gather(client, params, plan)
    return plan


def _gather(client, params, plan):
    local_node = read_local_node(client)
    tasks_filters = _engine_task_filters(params.get('tasks_filters'))
    wanted = dict(
        nodes=params['nodes'] or params['nodes_filters'] is not None,
        services=params['services'],
        tasks=params['tasks'] or tasks_filters is not None,
        stacks=params['stacks'] or params['stack_services'] or params['stack_tasks'],
        service_specs=params['service_specs'] is not None,
        networks=params['networks'] or params['networks_filters'] is not None,
        configs=params['configs'],
        secrets=params['secrets'],
        join_tokens=params['join_tokens'],
        unlock_key=params['unlock_key'],
    )
    if not local_node.is_manager:
        asked = sorted(name for name, wants in wanted.items() if wants)
        if asked:
            plan.warn(
                'This node is not a swarm manager (local node state %s%s): it knows only its own membership, '
                'so %s were not read. Run swarmops.swarm.swarm_info on a manager for them.'
                % (local_node.state, ', a worker' if local_node.role == 'worker' else '', ', '.join(asked))
            )
        return dict(swarm=swarm_facts(local_node))

    # Each listing is read at most once, and only when something asked for it.
    nodes = client.nodes() if wanted['nodes'] or wanted['tasks'] or params['stack_tasks'] else None
    own_node = _own_node(client, local_node, nodes)
    result = dict(swarm=swarm_facts(local_node, own_node))
    needs_services = wanted['services'] or wanted['tasks'] or wanted['stacks'] or wanted['service_specs']
    services = client.services(status=True) if needs_services else None
    if wanted['nodes']:
        result['nodes'] = _filtered_nodes(nodes, params['nodes_filters'] or {})
    if wanted['services']:
        result['services'] = sorted(
            (service_facts(service) for service in services), key=lambda facts: facts['name'] or ''
        )
    if wanted['tasks']:
        result['tasks'] = _task_list(client.tasks(tasks_filters), services, nodes)
    if wanted['stacks']:
        result['stacks'] = _stacks(client, params, services, nodes)
    if wanted['service_specs']:
        result['service_specs'] = _service_specs(client, plan, params['service_specs'], services)
    if wanted['networks']:
        result['networks'] = _by_name(
            network_facts(network) for network in client.networks(_engine_network_filters(params['networks_filters']))
        )
    if wanted['configs']:
        result['configs'] = _by_name(swarm_object_facts(config) for config in client.configs())
    if wanted['secrets']:
        result['secrets'] = _by_name(swarm_object_facts(secret) for secret in client.secrets())
    if params['join_tokens']:
        tokens = client.swarm_inspect().get('JoinTokens') or {}
        result['join_tokens'] = dict(worker=tokens.get('Worker'), manager=tokens.get('Manager'))
    if params['unlock_key']:
        result['unlock_key'] = client.swarm_unlock_key()
    return result


def _by_name(facts):
    return sorted(facts, key=lambda item: (item['name'] or '', item['id'] or ''))


def _task_list(tasks, services, nodes):
    service_names = dict((service['ID'], _get(service, 'Spec', 'Name')) for service in services)
    node_hostnames = dict((node['ID'], hostname_of(node)) for node in nodes)
    facts = [task_facts(task, service_names, node_hostnames) for task in tasks or []]
    return sorted(facts, key=lambda item: (item['name'], item['created_at'] or ''))


def _filtered_nodes(nodes, nodes_filters):
    """`docker node ls --filter` for role, availability and node labels (C(key) or C(key=value), all must match);
    filtered here, since the nodes endpoint cannot filter by availability and older engines not by node label."""
    selected = []
    for facts in (node_facts(node) for node in nodes):
        if nodes_filters.get('role') not in (None, facts['role']):
            continue
        if nodes_filters.get('availability') not in (None, facts['availability']):
            continue
        if all(_has_label(facts['labels'], wanted) for wanted in nodes_filters.get('labels') or []):
            selected.append(facts)
    return sorted(selected, key=lambda facts: (facts['hostname'] or '', facts['id']))


def _has_label(labels, wanted):
    key, separator, value = wanted.partition('=')
    return key in labels and (not separator or labels[key] == value)


def _engine_network_filters(networks_filters):
    """The engine filters networks like `docker network ls --filter`: a name matches any part of it."""
    networks_filters = networks_filters or {}
    filters = dict((name, networks_filters[name]) for name in ('name', 'driver') if networks_filters.get(name))
    if networks_filters.get('labels'):
        filters['label'] = list(networks_filters['labels'])
    return filters


def _stacks(client, params, services, nodes):
    """`docker stack ls` (stacks found through the namespace label of their services, and also of their networks,
    configs and secrets), with `docker stack services` and `docker stack ps` when asked."""
    stacks = {}

    def stack_entry(name):
        return stacks.setdefault(
            name, dict(name=name, orchestrator='swarm', service_count=0, networks=[], configs=[], secrets=[])
        )

    stack_services = {}
    for service in services:
        name = stack_of(_get(service, 'Spec', 'Labels'))
        if name:
            stack_entry(name)['service_count'] += 1
            stack_services.setdefault(name, []).append(service)
    label_filter = {'label': [STACK_NAMESPACE_LABEL]}
    for kind, listing, name_of in (
        ('networks', client.networks, lambda item: item.get('Name')),
        ('configs', client.configs, lambda item: _get(item, 'Spec', 'Name')),
        ('secrets', client.secrets, lambda item: _get(item, 'Spec', 'Name')),
    ):
        for item in listing(label_filter) or []:
            name = stack_of(item.get('Labels') if kind == 'networks' else _get(item, 'Spec', 'Labels'))
            if name:
                stack_entry(name)[kind].append(name_of(item))
    tasks_by_service = {}
    stack_service_ids = [service['ID'] for members in stack_services.values() for service in members]
    if params['stack_tasks'] and stack_service_ids:
        for task in client.tasks({'service': stack_service_ids}) or []:
            tasks_by_service.setdefault(task.get('ServiceID'), []).append(task)
    for name, stack in stacks.items():
        for kind in ('networks', 'configs', 'secrets'):
            stack[kind].sort()
        members = stack_services.get(name, [])
        if params['stack_services']:
            stack['services'] = sorted((service_facts(service) for service in members), key=lambda f: f['name'])
        if params['stack_tasks']:
            tasks = [task for service in members for task in tasks_by_service.get(service['ID'], [])]
            stack['tasks'] = _task_list(tasks, services, nodes)
    return [stacks[name] for name in sorted(stacks)]


def _service_specs(client, plan, names, services):
    # services imports this module for its serializers; read here, where swarm_info needs it.
    from ansible_collections.swarmops.swarm.plugins.module_utils.services import (
        ServiceReferences,
        service_options_of,
    )

    by_name = dict((_get(service, 'Spec', 'Name'), service) for service in services)
    missing = [name for name in names if name not in by_name]
    if missing:
        plan.warn('No service named %s in this swarm: service_specs leaves it out.' % ', '.join(missing))
    references = ServiceReferences(client)
    return dict((name, service_options_of(by_name[name], references)) for name in names if name in by_name)


def _own_node(client, local_node, nodes):
    for node in nodes or []:
        if node.get('ID') == local_node.node_id:
            return node
    return client.node_inspect(local_node.node_id)


def _engine_task_filters(tasks_filters):
    """The module's filter names as the tasks endpoint spells them; the engine resolves names to IDs."""
    if tasks_filters is None:
        return None
    names = dict(service='service', node='node', desired_state='desired-state')
    return dict((names[name], value) for name, value in tasks_filters.items() if value is not None)

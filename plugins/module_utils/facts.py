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
    join_tokens=dict(type='bool', default=False),
    unlock_key=dict(type='bool', default=False),
)

# Task states after which a task's container is gone for good (the API's TaskState values).
FINISHED_TASK_STATES = frozenset(['complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned'])

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


def is_job(service):
    return (service_mode(service.get('Spec')) or '').endswith('-job')


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


def task_name(task, service_name):
    """The name the docker CLI shows: service.slot for replicated tasks, service.node-id for global ones."""
    suffix = task.get('Slot') or task.get('NodeID') or task.get('ID')
    return '%s.%s' % (service_name or task.get('ServiceID'), suffix)


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


def swarm_facts(local_node, own_node=None):
    """The swarm as this node sees it. On a worker (or outside a swarm) only the local membership is known and the
    cluster-wide values are null."""
    cluster = local_node.swarm_info.get('Cluster') if local_node.is_manager else None
    cluster = cluster or {}
    facts = dict(
        local_node_state=local_node.state,
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
    wants_tasks = params['tasks'] or tasks_filters is not None
    asked = [name for name in ('nodes', 'services', 'join_tokens', 'unlock_key') if params[name]]
    if wants_tasks:
        asked.append('tasks')
    if not local_node.is_manager:
        if asked:
            plan.warn(
                'This node is not a swarm manager (local node state %s%s): it knows only its own membership, '
                'so %s were not read. Run swarmops.swarm.swarm_info on a manager for them.'
                % (local_node.state, ', a worker' if local_node.role == 'worker' else '', ', '.join(sorted(asked)))
            )
        return dict(swarm=swarm_facts(local_node))

    nodes = client.nodes() if params['nodes'] or wants_tasks else None
    own_node = _own_node(client, local_node, nodes)
    result = dict(swarm=swarm_facts(local_node, own_node))
    services = client.services(status=True) if params['services'] or wants_tasks else None
    if params['nodes']:
        result['nodes'] = sorted(
            (node_facts(node) for node in nodes), key=lambda facts: (facts['hostname'] or '', facts['id'])
        )
    if params['services']:
        result['services'] = sorted(
            (service_facts(service) for service in services), key=lambda facts: facts['name'] or ''
        )
    if wants_tasks:
        service_names = dict((service['ID'], _get(service, 'Spec', 'Name')) for service in services)
        node_hostnames = dict((node['ID'], hostname_of(node)) for node in nodes)
        tasks = [task_facts(task, service_names, node_hostnames) for task in client.tasks(tasks_filters)]
        result['tasks'] = sorted(tasks, key=lambda facts: (facts['name'], facts['created_at'] or ''))
    if params['join_tokens']:
        tokens = client.swarm_inspect().get('JoinTokens') or {}
        result['join_tokens'] = dict(worker=tokens.get('Worker'), manager=tokens.get('Manager'))
    if params['unlock_key']:
        result['unlock_key'] = client.swarm_unlock_key()
    return result


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

# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stacks: plan the networks, configs, secrets and services of a compose project against the swarm, apply the
plan, and wait until the services converged (swarm_stack).

The live state is read with one list call per kind of object; every comparison happens here, on those lists, so a
redeploy that changes nothing costs four API calls whatever the number of services. Services are compared with
swarm_service's option declarations (engine defaults, order-free lists, images by name and tag), after the IDs a
live spec holds are replaced by object names; the fields no option declares are compared as they are. The
convergence of created and updated services is awaited with the waiting layer's :class:`Rollout` (wait.py).

Configs and secrets cannot change in Swarm. When the content of one changes, the planner creates a new version
named ``<name>-<12 hex digits of its content digest>``, points the services at it and, once they converged,
removes the versions the stack no longer uses. A secret's content cannot be read back, so the secrets this module
creates carry a salted, slow digest of their content in a label; the versions and digests are swarm_objects.py's,
shared with swarm_secret and swarm_config.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import copy
import re

from ansible_collections.swarmops.swarm.plugins.module_utils.compose import ControllerFiles, load_project
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import (
    EngineError,
    SwarmError,
    refuse_newer_api,
    version_tuple,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import (
    BUILTIN_NETWORKS,
    ServiceNetworks,
    remove_network_once_free,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import placement_warning
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import SERVICE_OPTIONS, mode_of
from ansible_collections.swarmops.swarm.plugins.module_utils.services import (
    changes_summary,
    check_published_ports,
    dotted_get,
    image_of,
    live_spec_of,
    mode_summary,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    changed_options,
    get_path,
    leaves_of,
    normalise,
    options_view,
    reset_options,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.stack_translate import (
    STACK_IMAGE_LABEL,
    STACK_NAMESPACE_LABEL,
    translate_stack,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import (
    SECRET_DIGEST_LABEL,
    content_digest,
    create_file_object,
    file_object_view,
    is_version_of,
    object_id,
    object_name,
    same_content,
    update_labels,
    version_name,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    UPDATE_IN_PROGRESS_STATES,
    UPDATE_PAUSED_STATES,
    Rollout,
    Waits,
    is_job,
    paused_update,
    rollout_wait_argument_spec,
    stability_seconds,
    tasks_stopped,
)

SWARM_STACK_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    compose=dict(type='list', elements='raw'),
    compose_source=dict(type='str', default='managed_node', choices=['managed_node', 'controller']),
    project_dir=dict(type='path'),
    env=dict(type='dict'),
    secret_env=dict(type='dict', no_log=True),
    prune=dict(type='bool', default=False),
    resolve_image=dict(type='str', default='never', choices=['always', 'changed', 'never']),
    with_registry_auth=dict(type='bool', default=False),
    # Set by the action plugin with compose_source=controller: {path: base64 content} of every file it read there.
    # no_log, as secrets and env files are among them.
    _controller_files=dict(type='dict', no_log=True),
)
SWARM_STACK_ARGUMENT_SPEC.update(rollout_wait_argument_spec())
SWARM_STACK_MODULE_KWARGS = dict(required_if=[('state', 'present', ['compose'])])

_STACK_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]*$')
_KINDS = ('network', 'config', 'secret')


def plan_stack(client, params):
    stack = params['name']
    if not _STACK_NAME.match(stack or ''):
        raise SwarmError(
            '%r is not a valid stack name: use letters, digits, "_", "." and "-", starting with a '
            'letter or digit.' % stack
        )
    specs = project = None
    stability_seconds(params)
    if params['state'] == 'present':
        project = _load_project(params)
        specs = translate_stack(stack, project)
        _check_api_version(client, specs)
    deployment = _Deployment(client, params, LiveState(client, stack))
    if params['state'] == 'absent':
        plan = _plan_removal(deployment)
    else:
        plan = _plan_deployment(deployment, specs)
        plan.warnings[:0] = project.warnings + deployment.warnings
    plan.report = deployment.report
    return plan


def _variables(params):
    """env with secret_env over it; Ansible masks secret_env's values wherever they would reach the output."""
    if params['env'] is None and params['secret_env'] is None:
        return None
    return dict(params['env'] or {}, **(params['secret_env'] or {}))


def _load_project(params):
    if params['compose_source'] == 'managed_node':
        return load_project(params['compose'], _variables(params), params['project_dir'])
    if params['_controller_files'] is None:
        raise SwarmError(
            'compose_source=controller needs the swarmops.swarm.swarm_stack action plugin, which reads the files on '
            'the controller; run the module as a task of a play, not on its own.'
        )
    try:
        contents = dict((path, base64.b64decode(content)) for path, content in params['_controller_files'].items())
    except (TypeError, ValueError, binascii.Error) as error:
        raise SwarmError('The files the action plugin read on the controller arrived damaged: %s.' % error)
    # Only the variables of env and secret_env: the action plugin read the files with them, on a host whose
    # environment is not this one, and both must resolve the same paths.
    return load_project(
        params['compose'], _variables(params), params['project_dir'], environ={}, files=ControllerFiles(contents)
    )


def _check_api_version(client, specs):
    api_version = client.api_version
    too_new = [
        (what, needed) for what, needed in specs.api_requirements if version_tuple(api_version) < version_tuple(needed)
    ]
    refuse_newer_api(client.docker_host, api_version, too_new, 'keys')


# -- the live state ----------------------------------------------------------------------------


class LiveState:
    """Every service, network, config and secret of the swarm, listed once, with lookups by name and by ID."""

    def __init__(self, client, stack):
        self.stack = stack
        self.services = client.services() or []
        self.objects = dict(
            network=client.networks() or [], config=client.configs() or [], secret=client.secrets() or []
        )
        self._names = dict(
            (kind, dict((object_id(item), object_name(item)) for item in self.objects[kind]))
            for kind in ('config', 'secret')
        )
        self._networks = ServiceNetworks(client, listing=self.objects['network'])

    def in_stack(self, item):
        # Networks carry their labels at the top; services, configs and secrets in their spec.
        labels = (item['Spec'].get('Labels') if 'Spec' in item else item.get('Labels')) or {}
        return labels.get(STACK_NAMESPACE_LABEL) == self.stack

    def stack_services(self):
        return dict((service['Spec']['Name'], service) for service in self.services if self.in_stack(service))

    def service_named(self, name):
        return next((service for service in self.services if service['Spec']['Name'] == name), None)

    def name_of(self, kind, identifier):
        if kind == 'network':
            # host and bridge: the swarm's predefined networks, whose IDs the listing does not hold.
            return self._networks.name_of(identifier)
        return self._names[kind].get(identifier)

    def swarm_network(self, name):
        return next(
            (
                network
                for network in self.objects['network']
                if network.get('Name') == name and network.get('Scope') == 'swarm'
            ),
            None,
        )

    def object_named(self, kind, name):
        return next((item for item in self.objects[kind] if object_name(item) == name), None)


def comparable_spec(spec, live=None):
    """A service spec with the network, config and secret IDs it holds replaced by the objects' names (``live``
    looks them up; a desired spec holds names already), and what the engine adds on its own left out, so a
    desired and a live spec compare field by field."""
    spec = live_spec_of({'Spec': spec})
    template = spec.setdefault('TaskTemplate', {})
    template.pop('ForceUpdate', None)
    if template.get('Runtime') == 'container':
        template.pop('Runtime')
    container = template.get('ContainerSpec') or {}
    # The docker CLI 26 and newer writes NoNewPrivileges: false into every service it deploys; false is what the
    # engine does without it, so a stack the CLI deployed compares equal to the same stack deployed without it.
    if (container.get('Privileges') or {}).get('NoNewPrivileges') is False:
        del container['Privileges']['NoNewPrivileges']
    if live is None:
        return spec
    for attachment in template.get('Networks') or []:
        attachment['Target'] = live.name_of('network', attachment['Target']) or attachment['Target']
    for kind in ('Config', 'Secret'):
        for reference in container.get('%ss' % kind) or []:
            identifier = reference.pop('%sID' % kind, None)
            if identifier is not None:
                # A reference to an object that is gone shows as such, and differs from any desired one.
                reference['%sName' % kind] = live.name_of(kind.lower(), identifier) or 'removed %s %s' % (
                    kind.lower(),
                    identifier,
                )
    credential_spec = (container.get('Privileges') or {}).get('CredentialSpec') or {}
    if credential_spec.get('Config'):
        credential_spec['Config'] = live.name_of('config', credential_spec['Config']) or credential_spec['Config']
    return spec


def spec_differences(live_spec, desired_spec):
    """(options that differ, other differing fields): options as swarm_service names them, other fields as
    dotted API paths."""
    changed = changed_options(SERVICE_OPTIONS, live_spec, desired_spec)
    others = _differing_paths(
        normalise(reset_options(SERVICE_OPTIONS, live_spec)),
        normalise(reset_options(SERVICE_OPTIONS, desired_spec)),
        (),
    )
    return changed, others


def _differing_paths(live, desired, path):
    if isinstance(live, dict) or isinstance(desired, dict):
        if not (isinstance(live or {}, dict) and isinstance(desired or {}, dict)):
            return ['.'.join(path)]
        live, desired = live or {}, desired or {}
        paths = []
        for key in sorted(set(live) | set(desired)):
            paths.extend(_differing_paths(live.get(key), desired.get(key), path + (key,)))
        return paths
    return [] if live == desired else ['.'.join(path)]


# -- planning a deployment ---------------------------------------------------------------------


def _plan_deployment(deployment, specs):
    live = deployment.live
    plan = Plan(before={}, after={})
    _check_externals(live, specs)
    nodes = (deployment.client.nodes() or []) if specs.services else []
    others = [service for service in live.services if not live.in_stack(service)]
    for name, spec in specs.services.items():
        check_published_ports(others, spec, ports_option='services.%s.ports' % name)
    stack_services = live.stack_services()
    desired_names = set(spec['Name'] for spec in specs.services.values())
    for spec in specs.services.values():
        existing = live.service_named(spec['Name'])
        if existing is not None and spec['Name'] not in stack_services:
            raise SwarmError(
                'A service named %s exists but does not belong to stack %s (its %s label is %r). '
                'Remove or rename it first.'
                % (
                    spec['Name'],
                    live.stack,
                    STACK_NAMESPACE_LABEL,
                    (existing['Spec'].get('Labels') or {}).get(STACK_NAMESPACE_LABEL),
                )
            )
    pruned = []
    if deployment.params['prune']:
        for name, service in sorted(stack_services.items()):
            if name not in desired_names:
                pruned.append(service)
                _plan_service_removal(deployment, plan, service, 'no longer in the compose file')
    for name, network in sorted(specs.networks.items()):
        _plan_network(deployment, plan, name, network['request'])
    chosen = {}
    for kind in ('secret', 'config'):
        for declared in sorted(getattr(specs, kind + 's').values(), key=lambda item: item.key):
            chosen[declared.name] = (
                declared.name if declared.external else _plan_file_object(deployment, plan, kind, declared)
            )
    desired_specs = {}
    unplaced = set()
    for spec in sorted(specs.services.values(), key=lambda spec: spec['Name']):
        desired_specs[spec['Name']] = _with_versions(spec, chosen)
        writes = _plan_service(deployment, plan, desired_specs[spec['Name']], stack_services.get(spec['Name']))
        warning = placement_warning(nodes, spec, writes, deployment.params['wait'])
        if warning:
            plan.warn(warning)
            unplaced.add(spec['Name'])
    deployment.result_names(specs, chosen)
    _plan_cleanup(deployment, plan, specs, chosen, desired_specs, pruned)
    if deployment.params['wait']:
        # Services no node can take yet are not awaited: their tasks cannot start until a node matches.
        plan.settle = lambda: deployment.settle_unchanged(sorted(set(desired_specs) - unplaced))
    return plan


def _looks_unfinished(service):
    """Whether a listed service (with its task counts) may not run as declared: an update under way or paused, or
    fewer running tasks than desired. Jobs are left alone: their completed tasks are what they were for."""
    if is_job(service):
        return False
    if (service.get('UpdateStatus') or {}).get('State') in UPDATE_IN_PROGRESS_STATES + UPDATE_PAUSED_STATES:
        return True
    status = service.get('ServiceStatus') or {}
    return status.get('RunningTasks', 0) < status.get('DesiredTasks', 0)


def _check_externals(live, specs):
    for name, key in sorted(specs.external_networks.items()):
        if name in BUILTIN_NETWORKS or live.swarm_network(name):
            continue
        local = next((network for network in live.objects['network'] if network.get('Name') == name), None)
        raise SwarmError(
            'networks.%s: the external network %s %s. Create a swarm-scoped (overlay) network before '
            'deploying the stack.'
            % (key, name, 'is %s-scoped, not swarm-scoped' % local.get('Scope') if local else 'does not exist')
        )
    for kind in ('config', 'secret'):
        for key, declared in sorted(getattr(specs, kind + 's').items()):
            if declared.external and live.object_named(kind, declared.name) is None:
                raise SwarmError(
                    '%ss.%s: the external %s %s does not exist. Create it before deploying the stack.'
                    % (kind, key, kind, declared.name)
                )
    for name in specs.networks:
        if live.swarm_network(name) is None and any(network.get('Name') == name for network in live.objects['network']):
            raise SwarmError(
                'A network named %s exists on this node but is not swarm-scoped; the stack needs an '
                'overlay network of that name. Remove or rename the local one.' % name
            )


def _plan_network(deployment, plan, name, request):
    existing = deployment.live.swarm_network(name)
    if existing is not None:
        differences = _network_differences(request, existing)
        if differences:
            plan.warn(
                'Network %s differs from the compose file (%s). Networks cannot change in place: remove the '
                'stack (state: absent) and deploy it again to re-create it.' % (name, '; '.join(differences))
            )
        return
    plan.before.setdefault('networks', {})[name] = dict(state='absent')
    plan.after.setdefault('networks', {})[name] = _network_view(request)
    plan.add(
        'create network %s (%s)'
        % (
            name,
            ', '.join([request['Driver']] + [flag.lower() for flag in ('Attachable', 'Internal') if request.get(flag)]),
        ),
        lambda: deployment.create_network(request),
    )


def _network_differences(request, live):
    differences = []
    for key in ('Driver', 'Internal', 'Attachable'):
        wanted, actual = request.get(key) or False, live.get(key) or False
        if wanted != actual:
            differences.append('%s %r, not %r' % (key.lower(), actual, wanted))
    live_options = live.get('Options') or {}
    for key, value in sorted((request.get('Options') or {}).items()):
        if live_options.get(key) != value:
            differences.append('driver option %s %r, not %r' % (key, live_options.get(key), value))
    if (live.get('Labels') or {}) != request['Labels']:
        differences.append('labels %r, not %r' % (live.get('Labels') or {}, request['Labels']))
    wanted_subnets = [item['Subnet'] for item in (request.get('IPAM') or {}).get('Config') or []]
    live_subnets = [item.get('Subnet') for item in (live.get('IPAM') or {}).get('Config') or []]
    if wanted_subnets and sorted(wanted_subnets) != sorted(live_subnets):
        differences.append('subnets %s, not %s' % (', '.join(live_subnets), ', '.join(wanted_subnets)))
    return differences


def _network_view(request):
    view = dict(
        state='present',
        driver=request['Driver'],
        attachable=bool(request.get('Attachable')),
        internal=bool(request.get('Internal')),
        labels=request['Labels'],
    )
    if request.get('Options'):
        view['driver_opts'] = request['Options']
    if request.get('IPAM'):
        view['ipam'] = request['IPAM']
    return view


# -- configs and secrets -----------------------------------------------------------------------


def _content_digest(kind, declared):
    return content_digest(kind, declared.name, declared.spec)


def _same_content(kind, declared, digest, live_object):
    return same_content(kind, declared.name, declared.spec, digest, live_object)


def _plan_file_object(deployment, plan, kind, declared):
    """The name of the version of a config or secret the services use: the live one with the same content, or
    a new one (planned here)."""
    live_objects = deployment.live.objects[kind]
    digest = _content_digest(kind, declared)
    candidates = [item for item in live_objects if is_version_of(object_name(item), declared.name)]
    # Of the versions with this content, the one the stack's services use now, then the plain name. A secret
    # another tool created under the plain name (docker stack deploy does) carries no digest: its content cannot
    # be compared, so it is taken as it is.
    used = deployment.used_by_stack_services(kind)
    matches = sorted(
        (
            item
            for item in candidates
            if _same_content(kind, declared, digest, item)
            or (object_name(item) == declared.name and _same_content(kind, declared, digest, item) is None)
        ),
        key=lambda item: (object_id(item) not in used, object_name(item) != declared.name),
    )
    match = matches[0] if matches else None
    if match is not None:
        _plan_label_update(deployment, plan, kind, declared, match)
        return object_name(match)
    name = version_name(kind, declared.name, digest, set(object_name(item) for item in live_objects))
    spec = copy.deepcopy(declared.spec)
    spec['Name'] = name
    if kind == 'secret':
        spec['Labels'][SECRET_DIGEST_LABEL] = digest
    replaced = [object_name(item) for item in candidates]
    plan.before.setdefault(kind + 's', {})[name] = dict(state='absent')
    plan.after.setdefault(kind + 's', {})[name] = file_object_view(kind, spec)
    plan.add(
        'create %s %s%s'
        % (
            kind,
            name,
            ' (new content of %ss.%s, replacing %s)' % (kind, declared.key, ', '.join(sorted(replaced)))
            if replaced
            else '',
        ),
        lambda: deployment.create_file_object(kind, spec),
    )
    return name


def _plan_label_update(deployment, plan, kind, declared, live_object):
    live_spec = live_object['Spec']
    live_labels = dict(live_spec.get('Labels') or {})
    recorded = live_labels.pop(SECRET_DIGEST_LABEL, None)
    if live_labels == declared.spec['Labels']:
        return
    name = live_spec['Name']
    labels = dict(declared.spec['Labels'])
    if recorded:
        labels[SECRET_DIGEST_LABEL] = recorded
    plan.before.setdefault(kind + 's', {})[name] = dict(state='present', labels=live_labels)
    plan.after.setdefault(kind + 's', {})[name] = dict(state='present', labels=declared.spec['Labels'])
    plan.add(
        'update the labels of %s %s' % (kind, name), lambda: update_labels(deployment.client, kind, live_object, labels)
    )


def _with_versions(spec, chosen):
    """The desired spec with config and secret names replaced by the versions the plan chose."""
    spec = copy.deepcopy(spec)
    container = spec['TaskTemplate']['ContainerSpec']
    for kind in ('Config', 'Secret'):
        for reference in container.get('%ss' % kind) or []:
            reference['%sName' % kind] = chosen.get(reference['%sName' % kind], reference['%sName' % kind])
        if container.get('%ss' % kind):
            container['%ss' % kind].sort(key=lambda reference: reference['%sName' % kind])
    credential_spec = (container.get('Privileges') or {}).get('CredentialSpec') or {}
    if credential_spec.get('Config'):
        credential_spec['Config'] = chosen.get(credential_spec['Config'], credential_spec['Config'])
    return spec


# -- services ----------------------------------------------------------------------------------


def _plan_service(deployment, plan, desired, service):
    """Plan the creation or update of one service; whether it planned one."""
    name = desired['Name']
    desired_view = comparable_spec(deployment.with_image(desired, service))
    if service is None:
        plan.before.setdefault('services', {})[name] = dict(state='absent')
        plan.after.setdefault('services', {})[name] = _service_view(desired_view, _set_option_names(desired_view))
        plan.add(
            'create service %s (%s, image %s)' % (name, mode_summary(desired), image_of(desired_view)),
            lambda: deployment.create_service(desired),
        )
        return True
    live_view = comparable_spec(live_spec_of(service), deployment.live)
    changed, others = spec_differences(live_view, desired_view)
    if not changed and not others:
        paused = paused_update(service)
        if paused is None:
            return False
        plan.add(
            'resume the paused update of service %s (%s)' % (name, paused),
            lambda: deployment.update_service(service, desired),
        )
        return True
    if 'mode' in changed:
        raise SwarmError(
            'Service %s is %s; the compose file asks for %s. The engine cannot change the mode of a service in place: '
            'remove the service first (docker service rm %s), then deploy again.'
            % (name, mode_of(live_view.get('Mode')), mode_of(desired_view.get('Mode')), name)
        )
    before = _service_view(live_view, changed)
    after = _service_view(desired_view, changed)
    if others:
        before['other_fields'] = dict((path, dotted_get(live_view, path)) for path in others)
        after['other_fields'] = dict((path, dotted_get(desired_view, path)) for path in others)
    plan.before.setdefault('services', {})[name] = before
    plan.after.setdefault('services', {})[name] = after
    plan.add(
        'update service %s: %s' % (name, changes_summary(before, after, changed, others)),
        lambda: deployment.update_service(service, desired),
    )
    return True


def _plan_service_removal(deployment, plan, service, reason):
    name = service['Spec']['Name']
    spec = live_spec_of(service)
    plan.before.setdefault('services', {})[name] = dict(
        state='present', image=image_of(spec), mode=mode_of(spec.get('Mode'))
    )
    plan.after.setdefault('services', {})[name] = dict(state='absent')
    plan.add('remove service %s (%s)' % (name, reason), lambda: deployment.remove_service(service))


def _set_option_names(spec):
    return [
        option.name
        for option in leaves_of(SERVICE_OPTIONS)
        if option.path_in(spec) is not None and get_path(spec, option.path_in(spec)) is not None
    ]


def _service_view(spec, names):
    view = dict(state='present')
    view.update(options_view(SERVICE_OPTIONS, spec, None, names))
    return view


# -- cleaning up -------------------------------------------------------------------------------


def _plan_cleanup(deployment, plan, specs, chosen, desired_specs, pruned):
    """Remove the old versions of configs and secrets once unused and, with prune, the stack's networks, configs
    and secrets the compose file no longer declares."""
    live = deployment.live
    pruned_names = set(service['Spec']['Name'] for service in pruned)
    in_use = dict((kind, set()) for kind in _KINDS)
    for service in live.services:
        name = service['Spec']['Name']
        if name in pruned_names or (name in desired_specs and deployment.params['wait']):
            continue
        _collect_references(comparable_spec(live_spec_of(service), live), in_use)
    for spec in desired_specs.values():
        _collect_references(spec, in_use)
    declared = dict(
        config=set(item.name for item in specs.configs.values()),
        secret=set(item.name for item in specs.secrets.values()),
    )
    for kind in ('config', 'secret'):
        for item in sorted(live.objects[kind], key=object_name):
            name = object_name(item)
            if not live.in_stack(item) or name in in_use[kind] or name in chosen.values():
                continue
            base = next((base for base in declared[kind] if is_version_of(name, base)), None)
            if base is not None:
                reason = 'an old version of %s' % base
            elif deployment.params['prune']:
                reason = 'no longer in the compose file'
            else:
                continue
            _plan_object_removal(deployment, plan, kind, item, reason)
    if deployment.params['prune']:
        for network in sorted(live.objects['network'], key=object_name):
            name = object_name(network)
            if (
                live.in_stack(network)
                and network.get('Scope') == 'swarm'
                and name not in specs.networks
                and name not in in_use['network']
            ):
                _plan_object_removal(deployment, plan, 'network', network, 'no longer in the compose file')


def _collect_references(spec, in_use):
    template = spec.get('TaskTemplate') or {}
    in_use['network'].update(attachment.get('Target') for attachment in template.get('Networks') or [])
    container = template.get('ContainerSpec') or {}
    for kind in ('Config', 'Secret'):
        in_use[kind.lower()].update(reference.get('%sName' % kind) for reference in container.get('%ss' % kind) or [])


def _plan_object_removal(deployment, plan, kind, item, reason):
    name = object_name(item)
    plan.before.setdefault(kind + 's', {})[name] = dict(state='present')
    plan.after.setdefault(kind + 's', {})[name] = dict(state='absent')
    plan.add('remove %s %s (%s)' % (kind, name, reason), lambda: deployment.remove_object(kind, item))


# -- planning a removal ------------------------------------------------------------------------


def _plan_removal(deployment):
    """state absent: the stack's services first, then its secrets, configs and networks (as docker stack rm
    does), each awaited until it is really gone."""
    live = deployment.live
    plan = Plan(before={}, after={})
    for service in sorted(live.stack_services().values(), key=lambda service: service['Spec']['Name']):
        _plan_service_removal(deployment, plan, service, 'state absent')
    for kind in ('secret', 'config', 'network'):
        for item in sorted(live.objects[kind], key=object_name):
            if live.in_stack(item) and (kind != 'network' or item.get('Scope') == 'swarm'):
                _plan_object_removal(deployment, plan, kind, item, 'state absent')
    return plan


# -- applying ----------------------------------------------------------------------------------


class _Deployment:
    """Applies the plan's steps: knows the IDs of the objects the services refer to (listed or just created),
    and waits for what the steps started."""

    def __init__(self, client, params, live):
        self.client = client
        self.params = params
        self.live = live
        self._ids = dict(
            (
                kind,
                dict(
                    (object_name(item), object_id(item))
                    for item in live.objects[kind]
                    if kind != 'network' or item.get('Scope') == 'swarm'
                ),
            )
            for kind in _KINDS
        )
        self._created_services = {}
        self._rollouts = {}
        self._removed_service_ids = set()
        self._settled = False
        self._result_names = None
        self._resolved_images = {}
        self.warnings = []
        self.waits = Waits()

    # -- images --

    def with_image(self, desired, service):
        """The desired spec with the image the CLI would send: the live one (pinned to a digest or not) while the
        compose image is what the service was deployed with, else the compose image, pinned to its registry
        digest when resolve_image asks for it."""
        resolve = self.params['resolve_image']
        image = image_of(desired)
        live_spec = live_spec_of(service) if service else {}
        deployed_with = (live_spec.get('Labels') or {}).get(STACK_IMAGE_LABEL)
        live_image = image_of(live_spec)
        if (
            service is not None
            and resolve != 'always'
            and image == deployed_with
            and live_image
            and _same_image(deployed_with, live_image)
        ):
            return _with_live_platforms(_with_image(desired, live_image), live_spec)
        if resolve == 'never':
            return desired
        return self._resolved(desired, image)

    def _resolved(self, desired, image):
        if '@' in image:
            return desired
        if image not in self._resolved_images:
            self._resolved_images[image] = self._registry_digest(image)
        digest, platforms = self._resolved_images[image]
        if not digest:
            return desired
        resolved = _with_image(desired, '%s@%s' % (image, digest))
        if platforms:
            resolved['TaskTemplate'].setdefault('Placement', {})['Platforms'] = platforms
        return resolved

    def _registry_digest(self, image):
        try:
            answer = self.client.distribution_inspect(image, self.params['with_registry_auth']) or {}
        except EngineError as error:
            # As with the docker CLI: the nodes then pull the tag themselves, possibly at different digests.
            self.warnings.append(
                'Image %s could not be resolved to a digest (%s); each node pulls it on its own, '
                'possibly at different versions.' % (image, error.explanation or error)
            )
            return None, []
        platforms = [
            dict(Architecture=item.get('architecture') or '', OS=item.get('os') or '')
            for item in answer.get('Platforms') or []
        ]
        return (answer.get('Descriptor') or {}).get('digest'), platforms

    # -- writes --

    def create_network(self, request):
        request = dict(request, CheckDuplicate=True)
        created = self.client.network_create(request)
        self._ids['network'][request['Name']] = created['Id']

    def create_file_object(self, kind, spec):
        self._ids[kind][spec['Name']] = create_file_object(self.client, kind, spec)

    def create_service(self, desired):
        payload = self._payload(desired, None)
        created = self.client.service_create(payload, with_registry_auth=self.params['with_registry_auth'])
        self._created_services[desired['Name']] = created['ID']
        if self.params['wait']:
            self._rollouts[desired['Name']] = Rollout(
                self.client, created['ID'], stability=stability_seconds(self.params)
            )

    def update_service(self, service, desired):
        attempts = []

        def read_and_write():
            # The listed version first; after a concurrent write, the service as it is now.
            current = service if not attempts else self.client.service_inspect(service['ID'])
            attempts.append(current)
            self.client.service_update(
                service['ID'],
                current['Version']['Index'],
                self._payload(desired, current),
                with_registry_auth=self.params['with_registry_auth'],
            )

        self.client.retry_out_of_sequence(read_and_write)
        if self.params['wait']:
            self._rollouts[desired['Name']] = Rollout.after_update(
                self.client, service['ID'], stability_seconds(self.params)
            )

    def remove_service(self, service):
        self.client.service_remove(service['ID'])
        self._removed_service_ids.add(service['ID'])

    def remove_object(self, kind, item):
        self.settle()
        name = object_name(item)
        if kind != 'network':
            getattr(self.client, kind + '_remove')(object_id(item), name)
            return
        # A network stays in use until the tasks that were attached to it are gone.
        waited = remove_network_once_free(self.client, object_id(item), name, self.params['wait_timeout'])
        self.waits.add(waited, 'network %s to be gone' % name)

    def _payload(self, desired, current):
        """The spec sent to the engine: names turned into IDs, the live ForceUpdate kept (a stack deploy forces
        nothing), and the live image where the CLI would keep it."""
        payload = copy.deepcopy(self.with_image(desired, current))
        template = payload['TaskTemplate']
        if current is not None:
            template['ForceUpdate'] = (current['Spec'].get('TaskTemplate') or {}).get('ForceUpdate') or 0
        for attachment in template.get('Networks') or []:
            if attachment['Target'] not in BUILTIN_NETWORKS:
                attachment['Target'] = self._id('network', attachment['Target'])
        container = template['ContainerSpec']
        for kind in ('Config', 'Secret'):
            for reference in container.get('%ss' % kind) or []:
                reference['%sID' % kind] = self._id(kind.lower(), reference['%sName' % kind])
        credential_spec = (container.get('Privileges') or {}).get('CredentialSpec') or {}
        if credential_spec.get('Config'):
            credential_spec['Config'] = self._id('config', credential_spec['Config'])
        return payload

    def used_by_stack_services(self, kind):
        """IDs of the configs or secrets the stack's services refer to now."""
        field = '%ss' % kind.capitalize()
        return set(
            reference.get('%sID' % kind.capitalize())
            for service in self.live.stack_services().values()
            for reference in ((live_spec_of(service).get('TaskTemplate') or {}).get('ContainerSpec') or {}).get(field)
            or []
        )

    def _id(self, kind, name):
        if name not in self._ids[kind]:
            raise SwarmError('The %s %s the stack needs does not exist (removed while deploying?).' % (kind, name))
        return self._ids[kind][name]

    # -- waiting --

    def settle(self):
        """Wait (once) until created and updated services converged and removed services' tasks are gone."""
        if self._settled or not self.params['wait']:
            return
        self._settled = True
        if self._rollouts:
            self.waits.rollouts(
                self._rollouts,
                self.params['wait_timeout'],
                'the services of stack %s to converge' % self.live.stack,
                stack=self.live.stack,
            )
        if self._removed_service_ids:
            stack_tasks = {'label': '%s=%s' % (STACK_NAMESPACE_LABEL, self.live.stack)}
            self.waits.until(
                lambda: tasks_stopped(self.client.tasks(stack_tasks), self._removed_service_ids),
                self.params['wait_timeout'],
                'the tasks of the removed services of stack %s to stop' % self.live.stack,
            )

    def settle_unchanged(self, names):
        """A deploy that changes nothing still returns only once the stack's services run as declared: an earlier
        run may have left a rollout unfinished. One listing with task counts tells the converged services, which
        cost nothing more; the others are awaited like a rollout of this run (a paused update fails)."""
        listed = self.client.services(
            filters={'label': '%s=%s' % (STACK_NAMESPACE_LABEL, self.live.stack)}, status=True
        )
        by_name = dict((service['Spec']['Name'], service) for service in listed or [])
        for name in names:
            service = by_name.get(name)
            if service is None or not _looks_unfinished(service):
                continue
            rollout = Rollout(self.client, service['ID'], settling=True, stability=stability_seconds(self.params))
            if not rollout.converged_now():
                self._rollouts[name] = rollout
        self.settle()

    # -- result --

    def result_names(self, specs, chosen):
        self._result_names = (specs, chosen)

    def report(self, check_mode):
        if not check_mode:
            self.settle()
        result = dict(self.waits.result(), stack=None)
        if self._result_names is None:
            return result
        specs, chosen = self._result_names
        live_services = self.live.stack_services()
        services = []
        for compose_name, spec in sorted(specs.services.items()):
            live = live_services.get(spec['Name'])
            services.append(
                dict(
                    name=spec['Name'],
                    compose_name=compose_name,
                    mode=mode_of(spec.get('Mode')),
                    image=spec['Labels'][STACK_IMAGE_LABEL],
                    id=live['ID'] if live else self._created_services.get(spec['Name']),
                )
            )
        result['stack'] = dict(
            name=self.live.stack,
            services=services,
            networks=sorted(set(specs.networks) | set(specs.external_networks)),
            configs=dict((key, chosen[item.name]) for key, item in specs.configs.items()),
            secrets=dict((key, chosen[item.name]) for key, item in specs.secrets.items()),
        )
        return result


def _with_image(spec, image):
    spec = copy.deepcopy(spec)
    spec['TaskTemplate']['ContainerSpec']['Image'] = image
    return spec


def _with_live_platforms(spec, live_spec):
    # The platforms came with the digest the live image was resolved to; keeping that image keeps them.
    platforms = ((live_spec.get('TaskTemplate') or {}).get('Placement') or {}).get('Platforms')
    if platforms and not (spec['TaskTemplate'].get('Placement') or {}).get('Platforms'):
        spec['TaskTemplate'].setdefault('Placement', {})['Platforms'] = copy.deepcopy(platforms)
    return spec


def _same_image(first, second):
    image_option = next(option for option in SERVICE_OPTIONS if option.name == 'image')
    return image_option.same(first, second)

# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services: read the live service by name, compare it with the task, plan create/update/remove/rollback, and
wait until the rollout converged (swarm_service).

Only the options the task sets are managed (``update_mode: merge``); ``update_mode: replace`` makes every declared
option the task's, unset ones back to the engine's defaults. Fields no option declares are always kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError, refuse_newer_api
from ansible_collections.swarmops.swarm.plugins.module_utils.facts import service_facts
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import ServiceNetworks
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import placement_warning
from ansible_collections.swarmops.swarm.plugins.module_utils.plan import Plan
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import (
    SERVICE_OPTIONS,
    check_service_name,
    mode_of,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import (
    apply_to_spec,
    argument_spec_of,
    changed_options,
    desired_api_values,
    get_path,
    leaves_of,
    normalise,
    options_needing_newer_api,
    options_view,
    reset_options,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import (
    Rollout,
    Waits,
    paused_update,
    rollout_wait_argument_spec,
    stability_seconds,
    tasks_stopped,
)


SWARM_SERVICE_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    update_mode=dict(type='str', default='merge', choices=['merge', 'replace']),
    recreate=dict(type='bool', default=False),
    force_update=dict(type='bool', default=False),
    rollback=dict(type='bool', default=False),
    resolve_image=dict(type='str', default='never', choices=['never']),
    with_registry_auth=dict(type='bool', default=False),
)
SWARM_SERVICE_ARGUMENT_SPEC.update(rollout_wait_argument_spec())
SWARM_SERVICE_ARGUMENT_SPEC.update(argument_spec_of(SERVICE_OPTIONS))


class ServiceReferences:
    """Names of networks, configs and secrets resolved to the IDs a service spec holds, and back; read once."""

    def __init__(self, client):
        self._client = client
        self._listed = {}
        self._networks = ServiceNetworks(client)

    def _objects(self, kind):
        if kind not in self._listed:
            listing = {
                'config': self._client.configs,
                'secret': self._client.secrets,
            }[kind]()
            self._listed[kind] = [
                (item.get('ID') or item.get('Id'), item.get('Name') or item['Spec']['Name']) for item in listing or []
            ]
        return self._listed[kind]

    def object_id(self, kind, name):
        if kind == 'network':
            network_id = self._networks.service_target(name)
            if network_id is None:
                raise SwarmError(_missing_reference(kind, name))
            return network_id
        objects = self._objects(kind)
        for object_id, object_name in objects:
            if name in (object_name, object_id):
                return object_id
        matches = [object_id for object_id, _name in objects if object_id.startswith(name)]
        if len(matches) == 1:
            return matches[0]
        raise SwarmError(_missing_reference(kind, name))

    def network_name(self, network_id):
        return self._networks.name_of(network_id) or network_id


def _missing_reference(kind, name):
    return 'The %s %r does not exist in this swarm: create it before the service that uses it.' % (kind, name)


def find_service(client, name, status=False):
    """The service named exactly ``name`` (the API's name filter also matches prefixes), or None; ``status``
    adds its task counts."""
    for service in client.services({'name': name}, status=status) or []:
        if (service.get('Spec') or {}).get('Name') == name:
            return service
    return None


def live_spec_of(service):
    """The service's spec; networks attached the deprecated way (Spec.Networks) are read where they belong now."""
    spec = copy.deepcopy(service.get('Spec') or {})
    legacy_networks = spec.pop('Networks', None)
    if legacy_networks and not (spec.get('TaskTemplate') or {}).get('Networks'):
        spec.setdefault('TaskTemplate', {})['Networks'] = legacy_networks
    return spec


def plan_service(client, params):
    name = params['name']
    stability_seconds(params)
    service = find_service(client, name)
    waits = Waits()
    if params['state'] == 'absent':
        plan = _plan_removal(client, params, service, waits)
    elif params['rollback']:
        plan = _plan_rollback(client, params, service, waits)
    else:
        check_service_name(name)
        references = ServiceReferences(client)
        desired = desired_api_values(SERVICE_OPTIONS, params, references)
        _check_api_version(client, desired)
        others = [other for other in client.services() or [] if (other.get('Spec') or {}).get('Name') != name]
        spec = desired_spec(params, desired, live_spec_of(service) if service else {})
        check_published_ports(others, spec)
        if service is None:
            plan = _plan_creation(client, params, desired, references, waits)
        else:
            plan = _plan_update(client, params, service, desired, references, waits)
        unplaced = placement_warning(client.nodes() or [], spec, plan.changed, params['wait'])
        if unplaced:
            plan.warn(unplaced)
            # Its tasks cannot start until a node matches: a run that changes nothing does not wait for them.
            plan.settle = None
    plan.report = lambda check_mode: _report(client, name, waits)
    return plan


def _check_api_version(client, desired):
    too_new = options_needing_newer_api(SERVICE_OPTIONS, desired, client.api_version)
    refuse_newer_api(client.docker_host, client.api_version, too_new, 'options')


# -- desired specs -------------------------------------------------------------------------


def desired_spec(params, desired, live_spec):
    """The spec the task asks for: the live spec with the task's options written in (merge), or with every
    declared option reset to the engine's default first (replace); a forced update bumps ForceUpdate."""
    base = live_spec if params['update_mode'] == 'merge' else reset_options(SERVICE_OPTIONS, live_spec)
    spec = apply_to_spec(SERVICE_OPTIONS, desired, base)
    spec['Name'] = params['name']
    if params['force_update'] and live_spec:
        template = spec.setdefault('TaskTemplate', {})
        template['ForceUpdate'] = ((live_spec.get('TaskTemplate') or {}).get('ForceUpdate') or 0) + 1
    return spec


def managed_option_names(params, desired):
    """The options the task manages: those it sets, or every declared option with update_mode replace."""
    if params['update_mode'] == 'replace':
        return [option.name for option in leaves_of(SERVICE_OPTIONS)]
    return [option.name for option in leaves_of(SERVICE_OPTIONS) if option.name in desired]


def service_options_of(service, references):
    """A live service in swarm_service's own option names, with the options the engine leaves unset left out:
    module arguments that give the same service back (swarm_info's service_specs).

    Only the fields the spec holds are read: an absent field stays out rather than showing the engine's default,
    so a service read on an engine gives back no option that engine's API does not have."""
    spec = live_spec_of(service)
    present = [option.name for option in leaves_of(SERVICE_OPTIONS) if _holds(spec, option)]
    options = dict(name=(service.get('Spec') or {}).get('Name'))
    options.update(_set_values(options_view(SERVICE_OPTIONS, spec, references, present)) or {})
    return options


def _holds(spec, option):
    path = option.path_in(spec)
    return path is not None and get_path(spec, path) is not None


def _set_values(view):
    if not isinstance(view, dict):
        return view
    values = dict((key, _set_values(value)) for key, value in view.items())
    return dict((key, value) for key, value in values.items() if value is not None) or None


def _view(spec, names, references, state='present'):
    view = dict(state=state)
    view.update(options_view(SERVICE_OPTIONS, spec, references, names))
    return view


def changes_summary(before, after, changed, others=()):
    """What an update changes, in the words of the module's ``actions`` (swarm_service and swarm_stack alike): each
    changed option as ``name old -> new``, a mapping (env, labels) by the keys that changed (the diff shows all of
    it), then the fields no option manages that differ."""
    parts = []
    for name in changed:
        old, new = dotted_get(before, name), dotted_get(after, name)
        if isinstance(old, dict) and isinstance(new, dict):
            parts.extend(
                '%s.%s %s -> %s' % (name, key, _brief(old.get(key)), _brief(new.get(key)))
                for key in sorted(set(old) | set(new))
                if old.get(key) != new.get(key)
            )
        else:
            parts.append('%s %s -> %s' % (name, _brief(old), _brief(new)))
    parts.extend('%s changed' % path for path in others)
    return ', '.join(parts)


def dotted_get(view, dotted):
    """view['a']['b'] for 'a.b', None where a level is missing."""
    for key in dotted.split('.'):
        view = (view or {}).get(key)
    return view


def _brief(value):
    if isinstance(value, list) and value and all(isinstance(item, dict) and 'source' in item for item in value):
        value = [item['source'] for item in value]  # configs and secrets by name; the diff has the rest
    if isinstance(value, (dict, list)):
        text = json.dumps(value, sort_keys=True)
    else:
        text = value if isinstance(value, str) else '%r' % (value,)
    return text if len(text) <= 80 else text[:77] + '...'


# -- planning ------------------------------------------------------------------------------


def _plan_creation(client, params, desired, references, waits):
    if 'image' not in desired:
        raise SwarmError('Service %s does not exist; creating it needs image.' % params['name'])
    spec = desired_spec(params, desired, {})
    names = managed_option_names(params, desired)
    plan = Plan(before=dict(state='absent'), after=_view(spec, names, references))
    plan.add(
        'create service %s (%s, image %s)' % (params['name'], mode_summary(spec), desired['image']),
        lambda: _create(client, params, spec, waits),
    )
    return plan


def _plan_update(client, params, service, desired, references, waits):
    if params['update_mode'] == 'replace' and 'image' not in desired:
        raise SwarmError('update_mode replace makes the spec exactly the task\'s, which needs image.')
    live_spec = live_spec_of(service)
    spec = desired_spec(params, desired, live_spec)
    names = managed_option_names(params, desired)
    changed = changed_options(SERVICE_OPTIONS, live_spec, spec, names)
    before = _view(live_spec, names, references)
    after = _view(spec, names, references)
    plan = Plan(before=before, after=after)
    name = params['name']
    if 'mode' in changed:
        if not params['recreate']:
            raise SwarmError(
                'Service %s is %s; the task asks for %s. The engine cannot change the mode of a service in place. '
                'Set recreate: true to remove the service and create it again (all its tasks are replaced at once), '
                'or keep mode: %s.'
                % (name, mode_of(live_spec.get('Mode')), mode_of(spec.get('Mode')), mode_of(live_spec.get('Mode')))
            )
        plan.add(
            'remove service %s to re-create it: %s' % (name, changes_summary(before, after, changed)),
            lambda: _remove(client, params, service['ID'], waits),
        )
        plan.add(
            'create service %s (%s, image %s)' % (name, mode_summary(spec), image_of(spec)),
            lambda: _create(client, params, spec, waits),
        )
        return plan
    paused = paused_update(service)
    if not changed and not params['force_update'] and paused is None:
        if params['wait']:
            plan.settle = lambda: _settle(client, params, service['ID'], waits)
        return plan
    if not changed and not params['force_update']:
        plan.add(
            'resume the paused update of service %s (%s)' % (name, paused),
            lambda: _update(client, params, service['ID'], desired, waits),
        )
        return plan
    if changed or params['force_update']:
        what = [changes_summary(before, after, changed)] if changed else []
        if params['force_update']:
            what.append(
                'force new tasks (ForceUpdate %d -> %d)'
                % ((live_spec.get('TaskTemplate') or {}).get('ForceUpdate') or 0, spec['TaskTemplate']['ForceUpdate'])
            )
        plan.add(
            'update service %s: %s' % (name, '; '.join(what)),
            lambda: _update(client, params, service['ID'], desired, waits),
        )
    return plan


def _plan_rollback(client, params, service, waits):
    name = params['name']
    set_options = [option.name for option in leaves_of(SERVICE_OPTIONS) if option.param_value(params) is not None]
    if set_options or params['force_update']:
        raise SwarmError(
            'rollback: true returns service %s to its previous spec; it cannot be combined with options '
            'that change the spec (%s).' % (name, ', '.join(set_options or ['force_update']))
        )
    if service is None:
        raise SwarmError('Service %s does not exist: there is nothing to roll back.' % name)
    live_spec = live_spec_of(service)
    previous = service.get('PreviousSpec')
    references = ServiceReferences(client)
    plan = Plan(before=_view(live_spec, None, references))
    update_state = (service.get('UpdateStatus') or {}).get('State') or ''
    # The engine swaps Spec and PreviousSpec on a rollback: rolling back again would re-apply the update that was
    # just undone, so a service whose last change was a rollback is where rollback: true wants it.
    if not previous or update_state.startswith('rollback_') or _same_spec(previous, live_spec):
        return plan
    previous_spec = live_spec_of({'Spec': previous})
    plan.after = _view(previous_spec, None, references)
    changed = changed_options(SERVICE_OPTIONS, live_spec, previous_spec)
    plan.add(
        'roll service %s back to its previous spec: %s'
        % (name, changes_summary(plan.before, plan.after, changed) or 'fields no option manages'),
        lambda: _roll_back(client, params, service['ID'], waits),
    )
    return plan


def _same_spec(previous, live_spec):
    # A rollback keeps the current ForceUpdate, so it does not tell the specs apart.
    def comparable(spec):
        spec = live_spec_of({'Spec': spec})
        spec.get('TaskTemplate', {}).pop('ForceUpdate', None)
        return normalise(spec)

    return comparable(previous) == comparable(live_spec)


def _plan_removal(client, params, service, waits):
    if service is None:
        return Plan(before=dict(state='absent'))
    live_spec = live_spec_of(service)
    plan = Plan(before=_view(live_spec, None, ServiceReferences(client)), after=dict(state='absent'))
    plan.add('remove service %s' % params['name'], lambda: _remove(client, params, service['ID'], waits))
    return plan


_REPLICAS = next(option for option in SERVICE_OPTIONS if option.name == 'replicas')


def mode_summary(spec):
    """A service spec's mode for ``actions``: 'replicated, 3 replicas', 'replicated-job, 1 completion', 'global'."""
    mode = mode_of(spec.get('Mode'))
    count = _REPLICAS.live_value(spec)
    if mode == 'replicated':
        return 'replicated, %d replica%s' % (count, '' if count == 1 else 's')
    if mode == 'replicated-job':
        return 'replicated-job, %d completion%s' % (count, '' if count == 1 else 's')
    return mode


def image_of(spec):
    return ((spec.get('TaskTemplate') or {}).get('ContainerSpec') or {}).get('Image')


# -- applying ------------------------------------------------------------------------------


def _create(client, params, spec, waits):
    created = client.service_create(spec, with_registry_auth=params['with_registry_auth'])
    if params['wait']:
        _wait(waits, Rollout(client, created['ID'], stability=stability_seconds(params)), params)


def _update(client, params, service_id, desired, waits):
    def read_and_write():
        service = client.service_inspect(service_id)
        spec = desired_spec(params, desired, live_spec_of(service))
        client.service_update(
            service_id, service['Version']['Index'], spec, with_registry_auth=params['with_registry_auth']
        )

    client.retry_out_of_sequence(read_and_write)
    if params['wait']:
        _wait(waits, Rollout.after_update(client, service_id, stability_seconds(params)), params)


def _settle(client, params, service_id, waits):
    """A run that changes nothing still returns only once the service runs as declared: an earlier run may have
    left a rollout unfinished (timed out, its manager gone, its tasks unplaceable then). A converged service costs
    two reads and no wait; a paused update fails as it would have failed the run that started it."""
    rollout = Rollout(client, service_id, settling=True, stability=stability_seconds(params))
    if not rollout.converged_now():
        _wait(waits, rollout, params)


def _roll_back(client, params, service_id, waits):
    def read_and_write():
        service = client.service_inspect(service_id)
        client.service_update(service_id, service['Version']['Index'], service['Spec'], rollback='previous')

    client.retry_out_of_sequence(read_and_write)
    if params['wait']:
        _wait(waits, Rollout(client, service_id, rolling_back=True, stability=stability_seconds(params)), params)


def _remove(client, params, service_id, waits):
    client.service_remove(service_id)
    if params['wait']:
        # Containers stop after the service is gone; host-mode ports and volumes are free only then.
        waits.until(
            lambda: tasks_stopped(client.tasks(), (service_id,)),
            params['wait_timeout'],
            'the tasks of service %s to stop' % params['name'],
        )


def _wait(waits, rollout, params):
    waits.rollouts({params['name']: rollout}, params['wait_timeout'], 'service %s to converge' % params['name'])


def check_published_ports(services, spec, ports_option='publish'):
    """Refuse, before any write, a port published in ingress mode that another service holds: it is taken on every
    node, so no other service may publish it, in any mode (``ports_option`` names where the ports were given)."""
    wanted = [port for port in (spec.get('EndpointSpec') or {}).get('Ports') or [] if port.get('PublishedPort')]
    for service in services:
        held = (service.get('Endpoint') or {}).get('Ports') or (
            (service.get('Spec') or {}).get('EndpointSpec') or {}
        ).get('Ports')
        for port in wanted:
            for other in held or []:
                same_port = (other.get('PublishedPort'), other.get('Protocol') or 'tcp') == (
                    port['PublishedPort'],
                    port.get('Protocol') or 'tcp',
                )
                modes = (port.get('PublishMode') or 'ingress', other.get('PublishMode') or 'ingress')
                if same_port and 'ingress' in modes:
                    raise SwarmError(
                        '%s: port %d/%s of service %s (%s mode) is already published by service %s (%s mode); '
                        'a port published in ingress mode is taken on every node. Choose another published port.'
                        % (
                            ports_option,
                            port['PublishedPort'],
                            port.get('Protocol') or 'tcp',
                            spec.get('Name'),
                            modes[0],
                            service['Spec']['Name'],
                            modes[1],
                        )
                    )


# -- result --------------------------------------------------------------------------------


def _report(client, name, waits):
    service = find_service(client, name, status=True)
    return dict(service=describe_service(client, service) if service else None, **waits.result())


def describe_service(client, service, references=None):
    """The service as swarm_info reports it, plus every option of this module as the live spec holds it."""
    facts = service_facts(service)
    facts['options'] = options_view(SERVICE_OPTIONS, live_spec_of(service), references or ServiceReferences(client))
    return facts

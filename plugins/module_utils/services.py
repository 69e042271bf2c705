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
import time

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError, refuse_newer_api
from ansible_collections.swarmops.swarm.plugins.module_utils.facts import service_facts, task_name
from ansible_collections.swarmops.swarm.plugins.module_utils.networks import ServiceNetworks
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import node_matches, placement_warning
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
    duration_to_ns,
    get_path,
    leaves_of,
    normalise,
    options_needing_newer_api,
    options_view,
    reset_options,
)
from ansible_collections.swarmops.swarm.plugins.module_utils.wait import wait_until


def rollout_wait_argument_spec():
    """wait, wait_timeout and wait_stability: the options of every module that waits for service rollouts
    (swarm_service, swarm_stack, and the object modules that update the services using them)."""
    return dict(
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
        wait_stability=dict(type='raw'),
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

# Task states before a task runs, and the ones it can end in.
_STARTING_STATES = ('new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting')
ENDED_TASK_STATES = ('complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned')
_SHOWN_FAILING_TASKS = 5
_SHOWN_UNSTABLE_TASKS = 3
# A service's UpdateStatus.State while its last update (or the rollback of it) is still being rolled out, and once
# the swarm paused it on failed tasks: a service in either has not finished becoming what its spec says.
UPDATE_IN_PROGRESS_STATES = ('updating', 'rollback_started')
UPDATE_PAUSED_STATES = ('paused', 'rollback_paused')
# What the docker CLI waits, after the tasks run, to verify they are stable when the service sets no update monitor.
_DEFAULT_STABILITY_SECONDS = 5.0


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
    outcome = _Outcome()
    if params['state'] == 'absent':
        plan = _plan_removal(client, params, service, outcome)
    elif params['rollback']:
        plan = _plan_rollback(client, params, service, outcome)
    else:
        check_service_name(name)
        references = ServiceReferences(client)
        desired = desired_api_values(SERVICE_OPTIONS, params, references)
        _check_api_version(client, desired)
        others = [other for other in client.services() or [] if (other.get('Spec') or {}).get('Name') != name]
        spec = desired_spec(params, desired, live_spec_of(service) if service else {})
        check_published_ports(others, spec)
        if service is None:
            plan = _plan_creation(client, params, desired, references, outcome)
        else:
            plan = _plan_update(client, params, service, desired, references, outcome)
        unplaced = placement_warning(client.nodes() or [], spec, plan.changed, params['wait'])
        if unplaced:
            plan.warn(unplaced)
            # Its tasks cannot start until a node matches: a run that changes nothing does not wait for them.
            plan.settle = None
    plan.report = lambda check_mode: _report(client, name, outcome)
    return plan


class _Outcome:
    """What applying the plan learnt, for the result: how long it waited, and for what."""

    def __init__(self):
        self.waited_seconds = 0.0
        self.waited_for = []


def stability_seconds(params):
    """The task's wait_stability in seconds, or None for each service's own update monitor (read when waiting)."""
    value = params.get('wait_stability')
    if value is None:
        return None
    nanoseconds = duration_to_ns(value, 'wait_stability')
    if nanoseconds < 0:
        raise SwarmError('wait_stability must not be negative, not %r.' % (value,))
    return nanoseconds / 1e9


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


def _plan_creation(client, params, desired, references, outcome):
    if 'image' not in desired:
        raise SwarmError('Service %s does not exist; creating it needs image.' % params['name'])
    spec = desired_spec(params, desired, {})
    names = managed_option_names(params, desired)
    plan = Plan(before=dict(state='absent'), after=_view(spec, names, references))
    plan.add(
        'create service %s (%s, image %s)' % (params['name'], mode_summary(spec), desired['image']),
        lambda: _create(client, params, spec, outcome),
    )
    return plan


def _plan_update(client, params, service, desired, references, outcome):
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
            lambda: _remove(client, params, service['ID'], outcome),
        )
        plan.add(
            'create service %s (%s, image %s)' % (name, mode_summary(spec), image_of(spec)),
            lambda: _create(client, params, spec, outcome),
        )
        return plan
    if not changed and not params['force_update']:
        if params['wait']:
            plan.settle = lambda: _settle(client, params, service['ID'], outcome)
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
            lambda: _update(client, params, service['ID'], desired, outcome),
        )
    return plan


def _plan_rollback(client, params, service, outcome):
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
        lambda: _roll_back(client, params, service['ID'], outcome),
    )
    return plan


def _same_spec(previous, live_spec):
    # A rollback keeps the current ForceUpdate, so it does not tell the specs apart.
    def comparable(spec):
        spec = live_spec_of({'Spec': spec})
        spec.get('TaskTemplate', {}).pop('ForceUpdate', None)
        return normalise(spec)

    return comparable(previous) == comparable(live_spec)


def _plan_removal(client, params, service, outcome):
    if service is None:
        return Plan(before=dict(state='absent'))
    live_spec = live_spec_of(service)
    plan = Plan(before=_view(live_spec, None, ServiceReferences(client)), after=dict(state='absent'))
    plan.add('remove service %s' % params['name'], lambda: _remove(client, params, service['ID'], outcome))
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


def _create(client, params, spec, outcome):
    created = client.service_create(spec, with_registry_auth=params['with_registry_auth'])
    if params['wait']:
        _wait(outcome, Rollout(client, created['ID'], stability=stability_seconds(params)), params)


def _update(client, params, service_id, desired, outcome):
    def read_and_write():
        service = client.service_inspect(service_id)
        spec = desired_spec(params, desired, live_spec_of(service))
        client.service_update(
            service_id, service['Version']['Index'], spec, with_registry_auth=params['with_registry_auth']
        )

    client.retry_out_of_sequence(read_and_write)
    if params['wait']:
        attempted = (client.service_inspect(service_id)['Spec'] or {}).get('TaskTemplate')
        _wait(
            outcome,
            Rollout(client, service_id, attempted_template=attempted, stability=stability_seconds(params)),
            params,
        )


def _settle(client, params, service_id, outcome):
    """A run that changes nothing still returns only once the service runs as declared: an earlier run may have
    left a rollout unfinished (timed out, its manager gone, its tasks unplaceable then). A converged service costs
    two reads and no wait; a paused update fails as it would have failed the run that started it."""
    rollout = Rollout(client, service_id, settling=True, stability=stability_seconds(params))
    if not rollout.converged_now():
        _wait(outcome, rollout, params)


def _roll_back(client, params, service_id, outcome):
    def read_and_write():
        service = client.service_inspect(service_id)
        client.service_update(service_id, service['Version']['Index'], service['Spec'], rollback='previous')

    client.retry_out_of_sequence(read_and_write)
    if params['wait']:
        _wait(outcome, Rollout(client, service_id, rolling_back=True, stability=stability_seconds(params)), params)


def _remove(client, params, service_id, outcome):
    client.service_remove(service_id)
    if params['wait']:
        # Containers stop after the service is gone; host-mode ports and volumes are free only then.
        what = 'the tasks of service %s to stop' % params['name']
        waited = wait_until(lambda: _tasks_stopped(client, service_id), params['wait_timeout'], what)[1]
        outcome.waited_seconds += waited
        outcome.waited_for.append(what)


def _tasks_stopped(client, service_id):
    # The engine no longer filters by a removed service, so its leftover tasks are picked from the whole list.
    active = [
        task
        for task in client.tasks()
        if task.get('ServiceID') == service_id and (task.get('Status') or {}).get('State') not in ENDED_TASK_STATES
    ]
    return not active, '%d tasks still running or starting' % len(active)


def _wait(outcome, rollout, params):
    try:
        wait_until(rollout.check, params['wait_timeout'], 'service %s to converge' % params['name'])
        outcome.waited_for.append('service %s: %s' % (params['name'], rollout.outcome))
    finally:
        outcome.waited_seconds += rollout.elapsed()


# -- waiting for a rollout -----------------------------------------------------------------


class Rollout:
    """Whether a service's rollout converged: every desired task running the current spec (or completed, for
    jobs) and the update finished. A paused or rolled back update fails with the tasks that failed and why.

    Running is not yet converged: a task that crashes a second after it starts is running for that second. As
    the docker CLI does, the running tasks must then stay running for a stability window (``stability`` seconds;
    None for the service's update monitor, or 5 seconds without one). A task that stops within the window starts
    it again once the swarm replaced the task, and is named in the progress, so a timeout says which tasks failed
    and why. Jobs are converged when their tasks completed; they have no window.
    """

    def __init__(
        self,
        client,
        service_id,
        attempted_template=None,
        rolling_back=False,
        settling=False,
        stability=None,
        clock=None,
    ):
        self._client = client
        self._service_id = service_id
        # Settling: no update of this run to follow; the service's own last update only has to be finished.
        self._settling = settling
        # The task template of the update this rollout follows: its tasks are the ones that can have failed it.
        self._attempted_template = _comparable_task_spec(attempted_template) if attempted_template else None
        self._rolling_back = rolling_back
        self._stability = stability
        self._clock = clock or time.monotonic
        self._started = self._clock()
        # The running tasks the stability window watches (IDs), from when; the tasks that stopped within a window.
        self._watched = None
        self._watched_since = None
        self._unstable = []
        self.outcome = None

    def elapsed(self):
        return round(self._clock() - self._started, 1)

    def check(self):
        service = self._client.service_inspect(self._service_id)
        tasks = self._client.tasks({'service': self._service_id})
        update = service.get('UpdateStatus') or {}
        state = update.get('State')
        if state in self._failed_states():
            raise SwarmError(
                self._failure_message(service, tasks, update), waited_seconds=self.elapsed(), update_status=update
            )
        done, progress = self._converged(service, tasks)
        if state in UPDATE_IN_PROGRESS_STATES:
            done, progress = False, 'update %s; %s' % (state, progress)
        if mode_of((service.get('Spec') or {}).get('Mode')) in ('replicated-job', 'global-job'):
            self.outcome = progress
            return done, progress
        return self._stable(service, tasks, done, progress)

    def _stable(self, service, tasks, converged, progress):
        """Whether the converged tasks stayed running for the whole stability window, and the progress with the
        window's state and the tasks that stopped within a window."""
        name = service['Spec']['Name']
        if self._watched is not None:
            states = dict((task['ID'], task) for task in tasks)
            stopped = [
                states.get(task_id) or dict(ID=task_id, Status=dict(State='removed'))
                for task_id in sorted(self._watched)
                if _task_state(states.get(task_id)) != 'running'
            ]
            if stopped:
                self._unstable = ([self._describe_task(name, task) for task in stopped] + self._unstable)[
                    :_SHOWN_UNSTABLE_TASKS
                ]
                self._watched = None
        window = self._window(service)
        running = set(
            task['ID'] for task in tasks if task.get('DesiredState') == 'running' and _task_state(task) == 'running'
        )
        if not converged:
            self._watched = None
        elif self._watched is None or not self._watched <= running:
            self._watched, self._watched_since = running, self._clock()
        if self._watched is not None:
            stable_for = self._clock() - self._watched_since
            if stable_for >= window:
                self.outcome = '%s, none stopped within the %s stability window' % (progress, _seconds(window))
                return True, self.outcome
            progress += '; verifying they stay running (%s of %s)' % (_seconds(stable_for), _seconds(window))
        if self._unstable:
            progress += '; stopped within the stability window: %s' % ', '.join(self._unstable)
        return False, progress

    def _window(self, service):
        if self._stability is not None:
            return self._stability
        monitor = ((service['Spec'].get('UpdateConfig') or {}).get('Monitor') or 0) / 1e9
        return monitor or _DEFAULT_STABILITY_SECONDS

    def converged_now(self):
        """Whether the service runs as declared at this moment, its last update finished: no stability window, as
        its tasks have been running since before this run."""
        service = self._client.service_inspect(self._service_id)
        if (service.get('UpdateStatus') or {}).get('State') in self._failed_states() + UPDATE_IN_PROGRESS_STATES:
            return False
        return self._converged(service, self._client.tasks({'service': self._service_id}))[0]

    def _failed_states(self):
        if self._rolling_back or self._settling:
            return UPDATE_PAUSED_STATES
        return UPDATE_PAUSED_STATES + ('rollback_completed',)

    def _converged(self, service, tasks):
        spec = service.get('Spec') or {}
        name = spec.get('Name')
        mode = mode_of(spec.get('Mode'))
        template = _comparable_task_spec(spec.get('TaskTemplate'))
        if mode in ('replicated-job', 'global-job'):
            return self._job_converged(service, tasks, mode, name)
        desired_running = [task for task in tasks if task.get('DesiredState') == 'running']
        current = [task for task in desired_running if _comparable_task_spec(task.get('Spec')) == template]
        running = [task for task in current if _task_state(task) == 'running']
        outdated = [task for task in desired_running if task not in current]
        if mode == 'replicated':
            wanted = ((spec.get('Mode') or {}).get('Replicated') or {}).get('Replicas', 1)
            done = len(running) == wanted and len(desired_running) == wanted
        else:
            eligible = self._eligible_nodes(spec, desired_running)
            wanted = len(eligible)
            done = eligible <= set(task.get('NodeID') for task in running) and len(running) == len(desired_running)
        progress = '%d/%d tasks running' % (len(running), wanted)
        waiting = [task for task in current if task not in running] + outdated
        if waiting:
            progress += '; ' + ', '.join(self._describe_task(name, task, outdated) for task in waiting[:5])
        # Tasks of the current spec that ended say why nothing runs (a failing health check, a crash).
        ended = sorted(
            (
                task
                for task in tasks
                if task.get('DesiredState') != 'running'
                and _task_state(task) in ENDED_TASK_STATES
                and _comparable_task_spec(task.get('Spec')) == template
            ),
            key=lambda task: (task.get('Status') or {}).get('Timestamp') or '',
            reverse=True,
        )
        if ended and not done:
            progress += '; recently ended: ' + ', '.join(self._describe_task(name, task) for task in ended[:3])
        return done, progress

    def _job_converged(self, service, tasks, mode, name):
        spec = service['Spec']
        iteration = ((service.get('JobStatus') or {}).get('JobIteration') or {}).get('Index', 0)
        of_iteration = [task for task in tasks if (task.get('JobIteration') or {}).get('Index', 0) == iteration]
        completed = [task for task in of_iteration if _task_state(task) == 'complete']
        if mode == 'replicated-job':
            job = (spec.get('Mode') or {}).get('ReplicatedJob') or {}
            wanted = job.get('TotalCompletions') or job.get('MaxConcurrent') or 1
            done = len(completed) >= wanted
        else:
            eligible = self._eligible_nodes(spec, of_iteration)
            wanted = len(eligible)
            done = eligible <= set(task.get('NodeID') for task in completed)
        progress = '%d/%d tasks completed' % (len(completed), wanted)
        unfinished = [task for task in of_iteration if task not in completed and task.get('DesiredState') != 'shutdown']
        if unfinished:
            progress += '; ' + ', '.join(self._describe_task(name, task) for task in unfinished[:5])
        return done, progress

    def _eligible_nodes(self, spec, tasks):
        """IDs of the nodes a global service must run on: ready, active, and matching its constraints.

        A constraint this check cannot read (platform, engine labels of unknown nodes) makes a node count only if
        the orchestrator already gave it a task.
        """
        constraints = ((spec.get('TaskTemplate') or {}).get('Placement') or {}).get('Constraints') or []
        with_tasks = set(task.get('NodeID') for task in tasks)
        eligible = set()
        for node in self._client.nodes():
            if (node.get('Status') or {}).get('State') != 'ready' or (node.get('Spec') or {}).get(
                'Availability'
            ) != 'active':
                continue
            verdict = node_matches(node, constraints)
            if verdict or (verdict is None and node['ID'] in with_tasks):
                eligible.add(node['ID'])
        return eligible

    def _describe_task(self, name, task, outdated=()):
        status = task.get('Status') or {}
        label = '%s (%s)' % (task_name(task, name), task['ID'][:12])
        text = '%s: %s' % (label, status.get('State'))
        reason = status.get('Err') or (status.get('Message') if status.get('Message') != status.get('State') else '')
        if reason:
            text += ' (%s)' % reason
        exit_code = (status.get('ContainerStatus') or {}).get('ExitCode')
        if exit_code and status.get('State') in ENDED_TASK_STATES:
            text += ', exit code %d' % exit_code
        if task in outdated:
            text += ', previous spec'
        return text

    def _failure_message(self, service, tasks, update):
        name = service['Spec']['Name']
        state = update.get('State')
        if self._rolling_back or state == 'rollback_paused':
            headline = 'Service %s: the rollback did not finish: it is %s (%s).' % (name, state, update.get('Message'))
        elif state == 'paused':
            headline = (
                'Service %s: the update is paused (%s). Fix the cause and run again, or return to the previous '
                'spec with rollback: true.' % (name, update.get('Message'))
            )
        else:
            headline = (
                'Service %s: the update failed and the engine rolled it back (%s: %s); the service is on its '
                'previous spec.' % (name, state, update.get('Message'))
            )
        failing = self._failing_tasks(tasks)
        if failing:
            headline += ' Failing tasks: %s.' % '; '.join(self._describe_task(name, task) for task in failing)
        return headline

    def _failing_tasks(self, tasks):
        if self._attempted_template is not None:
            tasks = [task for task in tasks if _comparable_task_spec(task.get('Spec')) == self._attempted_template]
        ended = [task for task in tasks if _task_state(task) not in ('running',) + _STARTING_STATES]
        # Tasks that failed on their own first; those the engine shut down while undoing the update after them.
        ended.sort(key=lambda task: (_task_state(task) == 'shutdown', task.get('CreatedAt') or ''))
        return ended[:_SHOWN_FAILING_TASKS]


def _task_state(task):
    return ((task or {}).get('Status') or {}).get('State')


def _seconds(seconds):
    return '%gs' % round(seconds, 1)


def _comparable_task_spec(template):
    """A service's task template or a task's spec, comparable with each other: the engine does not copy
    Runtime into a task's spec, and leaves out empty fields."""
    template = copy.deepcopy(template or {})
    template.pop('Runtime', None)
    return normalise(template)


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


def _report(client, name, outcome):
    service = find_service(client, name, status=True)
    return dict(
        service=describe_service(client, service) if service else None,
        waited_seconds=outcome.waited_seconds,
        waited_for=outcome.waited_for,
    )


def describe_service(client, service, references=None):
    """The service as swarm_info reports it, plus every option of this module as the live spec holds it."""
    facts = service_facts(service)
    facts['options'] = options_view(SERVICE_OPTIONS, live_spec_of(service), references or ServiceReferences(client))
    return facts

# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for the swarm to converge, for every module that waits: the wait options, one polling loop with
timeouts that say what was awaited and what was last seen, a service's rollout (:class:`Rollout`), tasks going
away, a drained node, and the account of what a run waited for (:class:`Waits`).

The polling loop rides through the answers of a swarm electing a leader. Services, stacks and the object modules
wait for rollouts with :meth:`Waits.rollouts`, node drains with :func:`node_drained`. CA rotation, unlocking, role
changes and networks going away wait with :func:`wait_until` and a check that reads their own objects (ca.py,
autolock.py, nodes.py, networks.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError, SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.placement import node_matches
from ansible_collections.swarmops.swarm.plugins.module_utils.service_spec import mode_of
from ansible_collections.swarmops.swarm.plugins.module_utils.spec import duration_to_ns, normalise

# When the leader goes away, the other managers elect a new one; meanwhile a manager answers that the swarm has no
# leader, or, having forwarded the request to the old leader, that the request's deadline passed (about 20 s on a
# 3-manager swarm). The swarm carries on with a rollout or a drain once it has a leader again, so a wait rides
# through such answers for this long; a swarm that stays leaderless longer has lost its quorum, and the wait fails
# with the engine's answer (which says how to recover).
LEADER_ELECTION_GRACE_SECONDS = 60

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
# The modes whose tasks run to completion: they converge when completed, have no stability window, and leave a
# drained node on their own.
JOB_MODES = ('replicated-job', 'global-job')


def is_job(service):
    return mode_of((service.get('Spec') or {}).get('Mode')) in JOB_MODES


def paused_update(service):
    """The engine's message when the service's last update is paused on failed tasks (not its rollback), else None.

    A paused update stays paused until the service is written again, even once its cause is gone (a node back, a
    disk freed). As with ``docker service update`` and ``docker stack deploy``, writing the same spec again resumes
    it: the modules plan that as a step of its own when the task changes nothing else.
    """
    update = service.get('UpdateStatus') or {}
    if update.get('State') != 'paused':
        return None
    return update.get('Message') or 'update paused'


def rollout_wait_argument_spec():
    """wait, wait_timeout and wait_stability: the options of every module that waits for service rollouts
    (swarm_service, swarm_stack, and the object modules that update the services using them)."""
    return dict(
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
        wait_stability=dict(type='raw'),
    )


def stability_seconds(params):
    """The task's wait_stability in seconds, or None for each service's own update monitor (read when waiting)."""
    value = params.get('wait_stability')
    if value is None:
        return None
    nanoseconds = duration_to_ns(value, 'wait_stability')
    if nanoseconds < 0:
        raise SwarmError('wait_stability must not be negative, not %r.' % (value,))
    return nanoseconds / 1e9


class WaitTimeout(SwarmError):
    pass


def wait_until(check, timeout, what, interval=0.5, clock=None, sleep=None):
    """Call ``check()`` until it returns ``(True, value)``; return ``(value, seconds waited)``.

    ``check`` returns ``(done, status)``; while not done, ``status`` describes what is still missing and ends up
    in the timeout message, so the operator sees both what we waited for and how far it got. A check that fails
    because the swarm has no leader is tried again for up to LEADER_ELECTION_GRACE_SECONDS. The clock and the
    sleep are looked up when called, so tests can put a fake ``time`` in this module.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    started = clock()
    leaderless_since = None
    while True:
        try:
            done, status = check()
            leaderless_since = None
        except EngineError as error:
            if not error.leaderless:
                raise
            if leaderless_since is None:
                leaderless_since = clock()
            elif clock() - leaderless_since >= LEADER_ELECTION_GRACE_SECONDS:
                raise
            done, status = False, 'the swarm had no leader for %ds (%s)' % (clock() - leaderless_since, error)
        elapsed = clock() - started
        if done:
            return status, round(elapsed, 1)
        if elapsed >= timeout:
            raise WaitTimeout(
                'Timed out after %ds waiting for %s; last seen: %s' % (timeout, what, status),
                waited_seconds=round(elapsed, 1),
            )
        sleep(min(interval, max(timeout - elapsed, 0.01)))


class Waits:
    """What a run waited for and how long, as the modules that wait report it (``waited_for``,
    ``waited_seconds``); its methods wait and keep the account, also of a wait that failed."""

    def __init__(self):
        self.seconds = 0.0
        self.waited_for = []

    def until(self, check, timeout, what):
        """:func:`wait_until`, recorded under ``what``; returns the last status."""
        status, seconds = wait_until(check, timeout, what)
        self.add(seconds, what)
        return status

    def add(self, seconds, what=None):
        self.seconds += seconds
        if what:
            self.waited_for.append(what)

    def rollouts(self, rollouts, timeout, what, stack=None):
        """Wait until every rollout of ``{service name: Rollout}`` converged, checking them together (a stack's
        services converge side by side); each one's outcome is recorded. A failed rollout fails the wait; with
        ``stack``, the name of the stack they belong to, its message says so and the progress names each service.
        The time counted is the longest rollout's, also when the wait failed."""
        pending = dict(rollouts)
        progress = {}

        def check():
            for name, rollout in sorted(pending.items()):
                try:
                    done, status = rollout.check()
                except EngineError:
                    raise  # as it is: wait_until rides through the answers of a swarm without a leader
                except SwarmError as error:
                    if stack is None:
                        raise
                    raise SwarmError('Stack %s: %s' % (stack, error), **error.details)
                if done:
                    del pending[name]
                else:
                    progress[name] = status
            if stack is None:
                return not pending, '; '.join(progress[name] for name in sorted(pending))
            return not pending, '; '.join('%s: %s' % (name, progress[name]) for name in sorted(pending))

        try:
            wait_until(check, timeout, what)
            self.waited_for.extend(
                'service %s: %s' % (name, rollout.outcome) for name, rollout in sorted(rollouts.items())
            )
        finally:
            self.seconds += max(rollout.elapsed() for rollout in rollouts.values())

    def result(self):
        return dict(waited_seconds=round(self.seconds, 1), waited_for=self.waited_for)


def tasks_stopped(tasks, service_ids):
    """Whether the tasks of these services all ended (their containers stopped: host-mode ports and volumes are
    free only then), for :func:`wait_until`. The engine no longer filters by a removed service, so callers pass a
    listing the tasks are picked from."""
    active = [
        task
        for task in tasks or []
        if task.get('ServiceID') in service_ids and _task_state(task) not in ENDED_TASK_STATES
    ]
    return not active, '%d tasks still running or starting' % len(active)


def node_drained(client, node_id):
    """(done, what is still on the node) for a drain: tasks of services (jobs excepted) that have not stopped yet.

    A task counts until the orchestrator stopped wanting it (desired state) and, on a node that still reports,
    until its container really stopped: a task told to shut down runs on through its stop grace period. A down
    node reports nothing, so there only the desired state counts.
    """
    node = client.node_inspect(node_id)
    node_reports = (node.get('Status') or {}).get('State') != 'down'
    services = dict((service['ID'], service) for service in client.services())
    remaining = []
    for task in client.tasks({'node': node_id}):
        service = services.get(task.get('ServiceID'))
        if service is None or is_job(service):
            continue
        observed = _task_state(task)
        if task.get('DesiredState') not in ENDED_TASK_STATES or (node_reports and observed not in ENDED_TASK_STATES):
            remaining.append('%s (task %s, %s)' % (task_name(task, service['Spec']['Name']), task['ID'], observed))
    if not remaining:
        return True, 'no task left'
    return False, '%d task(s) still on the node: %s' % (len(remaining), ', '.join(sorted(remaining)))


def task_name(task, service_name):
    """The name the docker CLI shows: service.slot for replicated tasks, service.node-id for global ones."""
    suffix = task.get('Slot') or task.get('NodeID') or task.get('ID')
    return '%s.%s' % (service_name or task.get('ServiceID'), suffix)


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

    @classmethod
    def after_update(cls, client, service_id, stability=None):
        """The rollout of the update just written: its task template, read back, tells the tasks that can fail it."""
        attempted = (client.service_inspect(service_id)['Spec'] or {}).get('TaskTemplate')
        return cls(client, service_id, attempted_template=attempted, stability=stability)

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
        if is_job(service):
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
        if mode in JOB_MODES:
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

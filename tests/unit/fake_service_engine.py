# -*- coding: utf-8 -*-
"""An in-memory manager for the swarm_service planner: services, their tasks, networks, configs and secrets.

Services start from the real inspects recorded in tests/unit/fixtures/service_*.json; writes behave the way the
engine's do where the planner depends on it (versions, PreviousSpec, the Spec/PreviousSpec swap of a rollback,
the reset of UpdateStatus by an update). Tasks are whatever a test puts in ``tasks``; a write makes every
service's tasks converge at once unless ``converge`` is off.
"""

import copy
import itertools

from ansible_collections.swarmops.swarm.plugins.module_utils import wait
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import EngineError
from tests.unit.fake_engine import load_fixture
from tests.unit.fake_networks import swarm_network

REFERENCES = load_fixture('service_references.json')


class FakeClock:
    """A monotonic clock that moves only when slept on."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeTime(FakeClock):
    """Stands in for the ``time`` module where waits read it: sleeping advances the clock at once."""

    def monotonic(self):
        return self()


def use_fake_time(monkeypatch):
    """Waits (stability windows included) take no real time; returns the clock, which tests may advance."""
    fake = FakeTime()
    monkeypatch.setattr(wait, 'time', fake)
    return fake


def crash_loop_tasks(service_id, template, now, runs_for=1.0, restart_delay=2.0):
    """The tasks of one replica that crashes ``runs_for`` seconds after it starts and is replaced by the swarm
    ``restart_delay`` seconds later, as seen at ``now``: the failed tasks so far and the current one."""
    period = runs_for + restart_delay
    current = int(now // period)
    tasks = []
    for attempt in range(max(current - 2, 0), current + 1):
        running = attempt == current and now - attempt * period < runs_for
        status = (
            {'State': 'running', 'Message': 'started', 'ContainerStatus': {'ExitCode': 0}}
            if running
            else {
                'State': 'failed',
                'Message': 'started',
                'Err': 'task: non-zero exit (3)',
                'ContainerStatus': {'ExitCode': 3},
            }
        )
        tasks.append(
            {
                'ID': 'crash%020d' % attempt,
                'ServiceID': service_id,
                'Slot': 1,
                'Spec': copy.deepcopy(template),
                'DesiredState': 'running' if running else 'shutdown',
                'Status': status,
            }
        )
    return tasks


class FakeServiceEngine:
    docker_host = 'unix:///var/run/docker.sock'

    def __init__(self, *fixtures, api_version='1.41'):
        self.api_version = api_version
        self.services_by_id = {}
        self.tasks_by_service = {}
        self.nodes_list = []
        self.calls = []
        self.converge = True
        self._ids = ('fakeservice%014d' % number for number in itertools.count(1))
        for fixture in fixtures:
            service = load_fixture('service_%s.json' % fixture)
            self.services_by_id[service['ID']] = service
            self.tasks_by_service[service['ID']] = []

    # -- what the planner calls --------------------------------------------------------------

    def services(self, filters=None, status=False):
        name = (filters or {}).get('name')
        return [
            copy.deepcopy(service)
            for service in self.services_by_id.values()
            if name is None or service['Spec']['Name'].startswith(name)
        ]

    def service_inspect(self, service_id):
        if service_id not in self.services_by_id:
            raise EngineError('no such service', status_code=404, explanation='service %s not found' % service_id)
        return copy.deepcopy(self.services_by_id[service_id])

    def service_create(self, spec, with_registry_auth=False):
        self.calls.append(('create', copy.deepcopy(spec)))
        service_id = next(self._ids)
        self.services_by_id[service_id] = {'ID': service_id, 'Version': {'Index': 1}, 'Spec': copy.deepcopy(spec)}
        self._converge(service_id)
        return {'ID': service_id}

    def service_update(self, service_id, version, spec, rollback=None, with_registry_auth=False):
        self.calls.append(('update', service_id, version, copy.deepcopy(spec), rollback))
        service = self.services_by_id[service_id]
        if version != service['Version']['Index']:
            raise EngineError('out of sequence', status_code=500, explanation='update out of sequence')
        if rollback == 'previous':
            current = service['Spec']
            service['Spec'] = service.pop('PreviousSpec')
            service['PreviousSpec'] = current
            service['UpdateStatus'] = {'State': 'rollback_completed', 'Message': 'rollback completed'}
        else:
            service['PreviousSpec'] = service['Spec']
            service['Spec'] = copy.deepcopy(spec)
            service.pop('UpdateStatus', None)
        service['Version']['Index'] += 1
        self._converge(service_id)

    def service_remove(self, service_id):
        self.calls.append(('remove', service_id))
        del self.services_by_id[service_id]
        self.tasks_by_service.pop(service_id, None)

    def tasks(self, filters=None):
        return copy.deepcopy(self.tasks_by_service.get((filters or {}).get('service'), []))

    def networks(self, filters=None):
        return REFERENCES['networks']

    def network_inspect(self, network, scope=None):
        return swarm_network(REFERENCES['networks'], network)

    def configs(self, filters=None):
        return REFERENCES['configs']

    def secrets(self, filters=None):
        return REFERENCES['secrets']

    def nodes(self):
        return copy.deepcopy(self.nodes_list)

    def retry_out_of_sequence(self, read_and_write):
        return read_and_write()

    # -- test helpers -----------------------------------------------------------------------

    def _converge(self, service_id):
        if not self.converge:
            return
        service = self.services_by_id[service_id]
        template = copy.deepcopy(service['Spec'].get('TaskTemplate') or {})
        template.pop('Runtime', None)
        replicas = ((service['Spec'].get('Mode') or {}).get('Replicated') or {}).get('Replicas', 1)
        self.tasks_by_service[service_id] = [
            {
                'ID': 'task%021d' % slot,
                'ServiceID': service_id,
                'Slot': slot,
                'Spec': copy.deepcopy(template),
                'DesiredState': 'running',
                'Status': {'State': 'running', 'Message': 'started'},
            }
            for slot in range(1, replicas + 1)
        ]

    def service_named(self, name):
        for service in self.services_by_id.values():
            if service['Spec']['Name'] == name:
                return service
        return None

    def writes(self):
        return [call[0] for call in self.calls]

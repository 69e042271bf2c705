# -*- coding: utf-8 -*-
"""The swarm_service planner over recorded services: what it plans, what it writes, and how it waits."""

import copy
import json

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.services import (
    SWARM_SERVICE_ARGUMENT_SPEC,
    ServiceReferences,
    changes_summary,
    check_published_ports,
    mode_summary,
    plan_service,
    service_options_of,
)
from tests.unit.fake_engine import load_fixture
from tests.unit.fake_networks import SWARM_PREDEFINED
from tests.unit.fake_service_engine import REFERENCES, FakeServiceEngine, use_fake_time
from tests.unit.plugins.module_utils.test_placement import SWARM_NODES


@pytest.fixture(autouse=True)
def fake_time(monkeypatch):
    """Stability windows and polls pass without real time."""
    return use_fake_time(monkeypatch)


SWARM_HOST = next(network['Id'] for network in SWARM_PREDEFINED if network['Name'] == 'host')
LOCAL_HOST = next(network['ID'] for network in REFERENCES['networks'] if network['Name'] == 'host')


def params(**task):
    values = dict((name, spec.get('default')) for name, spec in SWARM_SERVICE_ARGUMENT_SPEC.items())
    values.update(task)
    return values


def apply(engine, **task):
    plan = plan_service(engine, params(**task))
    plan.execute(check_mode=False)
    return plan


def test_an_unchanged_task_plans_nothing():
    engine = FakeServiceEngine('updated')
    plan = plan_service(engine, params(name='apimin', image='swarmops/web:2', replicas=2, endpoint_mode='dnsrr'))
    assert plan.summaries == [] and plan.before == plan.after


def test_a_new_service_is_created_with_only_what_the_task_sets():
    engine = FakeServiceEngine()
    plan = apply(engine, name='web', image='swarmops/web:1', replicas=3, networks=['svc_front'])
    assert plan.summaries == ['create service web (replicated, 3 replicas, image swarmops/web:1)']
    assert plan.before == dict(state='absent')
    assert plan.after == dict(state='present', image='swarmops/web:1', replicas=3, networks=['svc_front'])
    (create_call,) = [call for call in engine.calls if call[0] == 'create']
    spec = create_call[1]
    assert spec == {
        'Name': 'web',
        'TaskTemplate': {
            'ContainerSpec': {'Image': 'swarmops/web:1'},
            'Networks': [{'Target': 'bcpvcb0uohram0bqke7wfgits'}],
        },
        'Mode': {'Replicated': {'Replicas': 3}},
    }
    assert plan_service(engine, params(name='web', image='swarmops/web:1', replicas=3)).summaries == []


def test_creating_needs_an_image():
    with pytest.raises(SwarmError, match='Service web does not exist; creating it needs image'):
        plan_service(FakeServiceEngine(), params(name='web', replicas=2))


def test_merge_changes_only_what_the_task_sets():
    engine = FakeServiceEngine('full')
    plan = apply(engine, name='full', replicas=3)
    assert plan.summaries == ['update service full: replicas 2 -> 3']
    assert plan.before == dict(state='present', replicas=2) and plan.after == dict(state='present', replicas=3)
    (update_call,) = [call for call in engine.calls if call[0] == 'update']
    version, spec, rollback = update_call[2:]
    live = load_fixture('service_full.json')
    assert version == live['Version']['Index'] and rollback is None
    expected = copy.deepcopy(live['Spec'])
    expected['Mode']['Replicated']['Replicas'] = 3
    assert spec == expected


def test_replace_resets_what_the_task_leaves_out():
    engine = FakeServiceEngine('full')
    plan = apply(engine, name='full', image='swarmops/web:1', replicas=2, update_mode='replace')
    assert len(plan.summaries) == 1 and 'env' in plan.summaries[0] and 'image' not in plan.summaries[0]
    spec = engine.service_named('full')['Spec']
    assert spec['TaskTemplate']['ContainerSpec'] == {'Image': 'swarmops/web:1', 'DNSConfig': {}}
    assert 'UpdateConfig' not in spec and 'Networks' not in spec['TaskTemplate']
    assert spec['TaskTemplate']['Runtime'] == 'container', 'fields no option declares are kept'
    assert plan.after['update_config']['parallelism'] == 1, 'the diff shows the engine default that now applies'
    again = plan_service(engine, params(name='full', image='swarmops/web:1', replicas=2, update_mode='replace'))
    assert again.summaries == []


def test_replace_needs_an_image():
    with pytest.raises(SwarmError, match='update_mode replace .* needs image'):
        plan_service(FakeServiceEngine('full'), params(name='full', replicas=2, update_mode='replace'))


def test_a_mode_change_is_refused_without_recreate():
    engine = FakeServiceEngine('full')
    with pytest.raises(SwarmError) as refused:
        plan_service(engine, params(name='full', mode='global'))
    assert 'Service full is replicated; the task asks for global' in str(refused.value)
    assert 'Set recreate: true' in str(refused.value)
    assert engine.calls == []


def test_recreate_removes_and_creates_keeping_the_other_live_values():
    engine = FakeServiceEngine('full')
    plan = apply(engine, name='full', mode='global', recreate=True, wait=False)
    assert [summary.split(': ')[0] for summary in plan.summaries] == [
        'remove service full to re-create it',
        'create service full (global, image swarmops/web:1)',
    ]
    assert engine.writes() == ['remove', 'create']
    created = engine.service_named('full')['Spec']
    assert created['Mode'] == {'Global': {}}
    assert (
        created['TaskTemplate']['ContainerSpec']['Env']
        == load_fixture('service_full.json')['Spec']['TaskTemplate']['ContainerSpec']['Env']
    )


def test_force_update_bumps_the_counter_every_run():
    engine = FakeServiceEngine('updated')
    for counter in (1, 2):
        plan = apply(engine, name='apimin', force_update=True)
        assert plan.summaries == [
            'update service apimin: force new tasks (ForceUpdate %d -> %d)' % (counter - 1, counter)
        ]
    assert engine.service_named('apimin')['Spec']['TaskTemplate']['ForceUpdate'] == 2


def test_rollback_returns_to_the_previous_spec_once():
    engine = FakeServiceEngine('updated')
    plan = apply(engine, name='apimin', rollback=True)
    assert plan.summaries == [
        'roll service apimin back to its previous spec: image swarmops/web:2 -> swarmops/web:1, replicas 2 -> 1'
    ]
    (update_call,) = [call for call in engine.calls if call[0] == 'update']
    rollback = update_call[4]
    assert rollback == 'previous'
    assert engine.service_named('apimin')['Spec']['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:1'
    again = plan_service(engine, params(name='apimin', rollback=True))
    assert again.summaries == [], 'the swapped PreviousSpec is the update just undone; it is not re-applied'


def test_rollback_without_a_previous_spec_is_no_change():
    engine = FakeServiceEngine('rolled_back')
    assert plan_service(engine, params(name='hc', rollback=True)).summaries == []
    assert plan_service(FakeServiceEngine('full'), params(name='full', rollback=True)).summaries == []


def test_rollback_when_the_spec_already_equals_the_previous_one_is_no_change():
    engine = FakeServiceEngine('updated')
    service = engine.service_named('apimin')
    service['PreviousSpec'] = copy.deepcopy(service['Spec'])
    service['PreviousSpec']['TaskTemplate']['ForceUpdate'] = 7
    assert plan_service(engine, params(name='apimin', rollback=True)).summaries == []


def test_rollback_refuses_spec_options_and_missing_services():
    with pytest.raises(SwarmError, match='cannot be combined with options that change the spec \\(image\\)'):
        plan_service(FakeServiceEngine('updated'), params(name='apimin', rollback=True, image='swarmops/web:3'))
    with pytest.raises(SwarmError, match='Service gone does not exist: there is nothing to roll back'):
        plan_service(FakeServiceEngine(), params(name='gone', rollback=True))


def test_absent_removes_once():
    engine = FakeServiceEngine('updated')
    plan = apply(engine, name='apimin', state='absent', wait=False)
    assert plan.summaries == ['remove service apimin'] and plan.after == dict(state='absent')
    assert plan.before['image'] == 'swarmops/web:2'
    assert plan_service(engine, params(name='apimin', state='absent')).summaries == []


def test_the_name_must_match_exactly():
    engine = FakeServiceEngine('updated')
    plan = plan_service(engine, params(name='apim', image='swarmops/web:1'))
    assert plan.summaries[0].startswith('create service apim ')


def test_start_interval_on_an_old_engine_is_a_clear_failure():
    with pytest.raises(SwarmError, match='speaks API 1.41; healthcheck.start_interval needs API 1.44 or newer'):
        plan_service(FakeServiceEngine('updated'), params(name='apimin', healthcheck=dict(start_interval='1s')))
    plan = plan_service(
        FakeServiceEngine('updated', api_version='1.44'), params(name='apimin', healthcheck=dict(start_interval='1s'))
    )
    assert plan.summaries == ['update service apimin: healthcheck.start_interval None -> 1s']


def test_check_mode_plans_the_same_and_writes_nothing():
    engine = FakeServiceEngine('full')
    task = params(name='full', image='swarmops/web:2', update_config=dict(parallelism=3))
    predicted = plan_service(engine, task)
    predicted.execute(check_mode=True)
    assert engine.calls == []
    applied = plan_service(engine, task)
    applied.execute(check_mode=False)
    assert (predicted.summaries, predicted.before, predicted.after) == (
        applied.summaries,
        applied.before,
        applied.after,
    )


UNCHANGED = dict(name='apimin', image='swarmops/web:2', replicas=2, endpoint_mode='dnsrr')


def converged_engine():
    engine = FakeServiceEngine('updated')
    engine._converge(engine.service_named('apimin')['ID'])
    return engine


def test_a_run_that_changes_nothing_does_not_wait_for_a_converged_service(fake_time):
    plan = apply(converged_engine(), **UNCHANGED)
    assert plan.summaries == [] and fake_time.now == 0
    assert plan.report(False)['waited_for'] == [] and plan.report(False)['waited_seconds'] == 0


def test_a_run_that_changes_nothing_waits_for_what_an_earlier_run_left_unfinished(fake_time):
    engine = converged_engine()
    running = engine.tasks({'service': engine.service_named('apimin')['ID']})
    unplaced = copy.deepcopy(running)
    unplaced[1]['Status'] = {'State': 'pending', 'Err': 'no suitable node (1 node not available for new tasks)'}
    answers = [unplaced, unplaced, running]
    engine.tasks = lambda filters=None: copy.deepcopy(answers.pop(0) if len(answers) > 1 else answers[0])
    plan = apply(engine, **UNCHANGED)
    report = plan.report(False)
    assert plan.summaries == [] and not plan.changed
    assert report['waited_for'][0].startswith('service apimin: 2/2 tasks running') and report['waited_seconds'] > 0


def test_a_run_that_changes_nothing_resumes_the_update_an_earlier_run_left_paused(fake_time):
    # A paused update stays paused once its cause is gone; the same spec written again resumes it, as the CLI does.
    engine = converged_engine()
    service = engine.service_named('apimin')
    service['UpdateStatus'] = {'State': 'paused', 'Message': 'update paused due to failure'}
    predicted = plan_service(engine, params(**UNCHANGED))
    assert predicted.summaries == ['resume the paused update of service apimin (update paused due to failure)']
    assert predicted.before == predicted.after
    predicted.execute(check_mode=True)
    assert engine.calls == []
    plan = apply(engine, **UNCHANGED)
    assert plan.summaries == predicted.summaries
    (write,) = [call for call in engine.calls if call[0] == 'update']
    assert write[1] == service['ID']
    assert plan.report(False)['waited_for'][0].startswith('service apimin: 2/2 tasks running')
    assert plan_service(engine, params(**UNCHANGED)).summaries == [], 'the resumed update completed'


def test_a_waited_update_says_how_long_and_for_what(fake_time):
    engine = FakeServiceEngine('updated')
    plan = apply(engine, name='apimin', replicas=3, wait_stability='2s')
    assert plan.report(False)['waited_for'] == [
        'service apimin: 3/3 tasks running, none stopped within the 2s stability window'
    ]
    assert plan.report(False)['waited_seconds'] == 2.0
    with pytest.raises(SwarmError, match='wait_stability must not be negative'):
        plan_service(engine, params(name='apimin', wait_stability=-1))


# -- refused before any write: a published port another service holds -----------------------------


def publishing(name, *ports):
    return dict(
        Spec=dict(Name=name),
        Endpoint=dict(
            Ports=[dict(PublishedPort=port, TargetPort=80, Protocol='tcp', PublishMode=mode) for port, mode in ports]
        ),
    )


def wanting(*ports):
    return dict(
        Name='web',
        EndpointSpec=dict(Ports=[dict(PublishedPort=port, TargetPort=80, PublishMode=mode) for port, mode in ports]),
    )


@pytest.mark.parametrize(
    'mine, theirs',
    [('ingress', 'ingress'), ('host', 'ingress'), ('ingress', 'host')],
)
def test_a_port_another_service_holds_in_ingress_mode_is_refused(mine, theirs):
    with pytest.raises(SwarmError) as refused:
        check_published_ports([publishing('occupant', (8080, theirs))], wanting((8080, mine)))
    assert str(refused.value).startswith(
        'publish: port 8080/tcp of service web (%s mode) is already published by service occupant (%s mode)'
        % (mine, theirs)
    )


def test_host_mode_ports_on_both_sides_and_other_ports_pass():
    occupant = publishing('occupant', (8080, 'host'), (9000, 'ingress'))
    check_published_ports([occupant], wanting((8080, 'host'), (9001, 'ingress')))


# -- a service no node can take yet: fails a run that would wait for it, else deployed with a warning ---------

PCI = dict(name='pci', image='swarmops/web:1', replicas=1, placement=dict(constraints=['node.labels.pcidss == yes']))
PCI_WARNING = (
    'No node matches the placement constraints of service pci (node.labels.pcidss == yes) yet: its tasks stay '
    'pending until a node does, and this run did not wait for them. The nodes: manager1 (manager); worker1 (worker, '
    'labels zone=a).'
)


def unlabelled_engine():
    engine = FakeServiceEngine()
    engine.nodes_list = SWARM_NODES
    engine.converge = False  # the tasks of a service no node can take stay pending: none runs
    return engine


def test_a_service_no_node_can_take_fails_before_any_write_when_the_run_would_wait_for_it():
    engine = unlabelled_engine()
    for check_mode in (True, False):
        with pytest.raises(SwarmError) as refused:
            plan_service(engine, params(**PCI)).execute(check_mode)
        assert str(refused.value).startswith(
            'No node matches the placement constraints of service pci (node.labels.pcidss == yes), so its tasks '
            'cannot start until a node does, and this run would wait for them.'
        )
    assert engine.calls == []


def test_without_wait_it_is_created_with_a_warning_and_a_run_that_changes_nothing_never_fails_or_waits(fake_time):
    engine = unlabelled_engine()
    predicted = plan_service(engine, params(wait=False, **PCI))
    created = apply(engine, wait=False, **PCI)
    assert (
        predicted.summaries == created.summaries == ['create service pci (replicated, 1 replica, image swarmops/web:1)']
    )
    assert predicted.warnings == created.warnings == [PCI_WARNING]
    assert engine.service_named('pci')['Spec']['TaskTemplate']['Placement'] == {
        'Constraints': ['node.labels.pcidss == yes']
    }
    for wait in (False, True):
        again = apply(engine, wait=wait, **PCI)
        assert again.summaries == [] and again.warnings == [PCI_WARNING]
        assert again.report(False)['waited_for'] == [] and fake_time.now == 0
    assert engine.writes() == ['create']


def test_a_change_to_a_service_no_node_can_take_fails_with_wait_and_is_applied_with_a_warning_without():
    engine = unlabelled_engine()
    apply(engine, wait=False, **PCI)
    scaled = dict(PCI)
    scaled['replicas'] = 2
    with pytest.raises(SwarmError, match='No node matches the placement constraints of service pci'):
        plan_service(engine, params(**scaled))
    plan = apply(engine, wait=False, **scaled)
    assert plan.summaries == ['update service pci: replicas 1 -> 2'] and plan.warnings == [PCI_WARNING]
    assert engine.writes() == ['create', 'update']


def test_a_service_a_node_can_take_has_no_warning():
    engine = unlabelled_engine()
    engine.converge = True
    placeable = dict(PCI)
    placeable['placement'] = dict(constraints=['node.labels.zone==a'])
    plan = apply(engine, **placeable)
    assert plan.changed and plan.warnings == []


# -- networks compare by what they resolve to: the swarm's host network by name or by any of its IDs -------------


@pytest.mark.parametrize(
    'given',
    ['host', SWARM_HOST, SWARM_HOST[:12], LOCAL_HOST],
    ids=['name', 'swarm-id', 'swarm-id-prefix', 'local-id'],
)
def test_the_host_network_is_unchanged_on_the_next_run_however_it_is_named(given):
    engine = FakeServiceEngine()
    created = apply(engine, name='agent', image='swarmops/web:1', networks=['host'])
    assert created.after['networks'] == ['host']
    (create_call,) = [call for call in engine.calls if call[0] == 'create']
    assert create_call[1]['TaskTemplate']['Networks'] == [{'Target': SWARM_HOST}], 'the ID the engine stores'
    again = plan_service(engine, params(name='agent', image='swarmops/web:1', networks=[given]))
    assert again.summaries == [] and again.before == again.after
    assert again.after == dict(state='present', image='swarmops/web:1', networks=['host'])


def test_a_move_from_the_host_network_to_an_overlay_is_a_change_named_by_names():
    engine = FakeServiceEngine()
    apply(engine, name='agent', image='swarmops/web:1', networks=['host'])
    plan = plan_service(engine, params(name='agent', networks=['svc_front']))
    assert plan.summaries == ['update service agent: networks ["host"] -> ["svc_front"]']


@pytest.mark.parametrize('fixture', ['full', 'global', 'replicated_job', 'global_job', 'updated'])
@pytest.mark.parametrize('update_mode', ['merge', 'replace'])
def test_a_service_read_as_options_is_accepted_back_and_changes_nothing(fixture, update_mode):
    """swarm_info's service_specs: what it returns is valid swarm_service arguments that apply as a no-op."""
    engine = FakeServiceEngine(fixture)
    (service,) = engine.services()
    options = service_options_of(service, ServiceReferences(engine))
    assert options['name'] == service['Spec']['Name'] and 'image' in options
    validation = ArgumentSpecValidator(SWARM_SERVICE_ARGUMENT_SPEC).validate(
        dict(options, update_mode=update_mode, wait=False)
    )
    assert validation.error_messages == []
    plan = plan_service(engine, validation.validated_parameters)
    assert plan.summaries == [] and not plan.changed
    plan.execute(check_mode=False)
    assert engine.writes() == []


def test_a_service_read_as_options_names_its_networks_configs_and_secrets():
    engine = FakeServiceEngine('full')
    options = service_options_of(engine.services()[0], ServiceReferences(engine))
    assert options['networks'] == [dict(name='svc_front', aliases=['web', 'www']), 'svc_back']
    assert [item['source'] for item in options['configs']] == ['web_conf']
    assert [item['source'] for item in options['secrets']] == ['web_secret']
    assert ': null' not in json.dumps(options)  # unset options are left out, not returned as null


@pytest.mark.parametrize(
    'mode, summary',
    [
        ({'Replicated': {'Replicas': 1}}, 'replicated, 1 replica'),
        ({'Replicated': {'Replicas': 3}}, 'replicated, 3 replicas'),
        ({'Replicated': {}}, 'replicated, 1 replica'),
        ({'ReplicatedJob': {'TotalCompletions': 1}}, 'replicated-job, 1 completion'),
        ({'ReplicatedJob': {'TotalCompletions': 4}}, 'replicated-job, 4 completions'),
        ({'Global': {}}, 'global'),
    ],
)
def test_a_service_mode_reads_the_same_in_both_modules_actions(mode, summary):
    assert mode_summary({'Mode': mode}) == summary


def test_a_change_reads_by_option_a_mapping_by_key_and_long_values_cut():
    before = {'env': {'A': '1', 'KEEP': 'x'}, 'replicas': 2, 'command': ['sleep', '1' * 100], 'secrets': None}
    after = {
        'env': {'A': '2', 'KEEP': 'x', 'B': '3'},
        'replicas': 3,
        'command': ['sleep', '2'],
        'secrets': [{'source': 'db_password', 'target': 'pw'}],
    }
    summary = changes_summary(before, after, ['env', 'replicas', 'command', 'secrets'], ['TaskTemplate.Runtime'])
    assert summary == (
        'env.A 1 -> 2, env.B None -> 3, replicas 2 -> 3, command ["sleep", "%s... -> ["sleep", "2"], '
        'secrets None -> ["db_password"], TaskTemplate.Runtime changed' % ('1' * 66)
    )

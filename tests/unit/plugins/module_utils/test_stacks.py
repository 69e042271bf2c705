# -*- coding: utf-8 -*-
"""The swarm_stack planner over a fake engine seeded with real listings: what it plans, writes, waits for."""

import base64
import copy
import os
import shutil

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import stacks, swarm_objects
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.stacks import SWARM_STACK_ARGUMENT_SPEC, plan_stack
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import (
    SECRET_DIGEST_LABEL,
    is_version_of,
    secret_digest,
)
from tests.unit.fake_networks import SWARM_PREDEFINED
from tests.unit.fake_service_engine import crash_loop_tasks, use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.module_utils.test_compose import COMPOSE, FULL, INGRESS, OVERRIDE

SWARM_HOST = next(network['Id'] for network in SWARM_PREDEFINED if network['Name'] == 'host')
_FIXTURE_VARIABLES = ('WEB_IMAGE', 'WEB_REPLICAS', 'FROM_ENV', 'EMPTY', 'OUTSIDE_NETWORK')


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in _FIXTURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    """Waits (stability windows too) take no real time; secret digests take fewer rounds (except where the rounds
    are the point)."""
    use_fake_time(monkeypatch)
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)


def truncated(text):
    """A long value as ``actions`` shows it: the first 77 characters and an ellipsis."""
    return text if len(text) <= 80 else text[:77] + '...'


@pytest.fixture
def project(tmp_path):
    """A copy of the full fixture whose files a test may change."""
    folder = tmp_path / 'full'
    shutil.copytree(os.path.join(COMPOSE, 'full'), str(folder))
    return folder


def params(**task):
    values = dict((name, spec.get('default')) for name, spec in SWARM_STACK_ARGUMENT_SPEC.items())
    values.update(task)
    return values


def apply(engine, **task):
    plan = plan_stack(engine, params(**task))
    plan.execute(check_mode=False)
    plan.result = plan.report(False)
    return plan


def deployed(folder, stack='shop', **task):
    """A fresh engine with the stack deployed by swarm_stack from ``folder``."""
    engine = FakeStackEngine()
    engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
    apply(engine, name=stack, compose=[str(folder / 'stack.yml')], **task)
    engine.calls = []
    return engine


# -- no change ---------------------------------------------------------------------------------


def test_a_stack_deployed_by_the_docker_cli_is_unchanged_and_costs_one_list_per_kind():
    for stack, files in (('rec', [FULL]), ('ing', [INGRESS, OVERRIDE])):
        engine = FakeStackEngine(recorded=True)
        for node in engine.nodes_list:
            # The ingress stack's override places it on nodes labelled zone=a, as the recording swarm's were.
            node['Spec']['Labels'] = dict(node['Spec'].get('Labels') or {}, zone='a')
        plan = plan_stack(engine, params(name=stack, compose=files))
        assert plan.summaries == [] and plan.before == plan.after == {}
        assert sorted(engine.reads) == ['configs', 'networks', 'secrets', 'services']
        plan.execute(check_mode=False)
        assert plan.report(False)['stack']['configs'] == ({'site': 'rec_site'} if stack == 'rec' else {})
        assert engine.calls == []


def test_a_redeploy_that_changes_nothing_resumes_an_update_an_earlier_run_left_paused(project):
    engine = deployed(project)
    service = engine.service_named('shop_web')
    service['UpdateStatus'] = dict(State='paused', Message='update paused due to failure')
    predicted = plan_stack(engine, params(name='shop', compose=[str(project / 'stack.yml')]))
    assert predicted.summaries == ['resume the paused update of service shop_web (update paused due to failure)']
    predicted.execute(check_mode=True)
    assert engine.calls == []
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert plan.summaries == predicted.summaries
    assert [call[1] for call in engine.calls if call[0] == 'service_update'] == [service['ID']]
    assert plan_stack(engine, params(name='shop', compose=[str(project / 'stack.yml')])).summaries == []


def test_a_fresh_deploy_creates_in_the_cli_order_and_the_next_run_changes_nothing(project):
    engine = FakeStackEngine()
    engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
    engine.calls = []
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert plan.summaries == [
        'create network shop_back (overlay)',
        'create network shop_default (overlay)',
        'create network shop_front (overlay, attachable)',
        'create secret shop_pw',
        'create secret shop_token',
        'create config shop_site',
        'create service shop_agent (global, image swarmops/web:2)',
        'create service shop_web (replicated, 2 replicas, image swarmops/web:1)',
        'create service shop_worker (replicated, 1 replica, image swarmops/web:1)',
    ]
    assert plan.after['networks']['shop_front'] == dict(
        state='present',
        driver='overlay',
        attachable=True,
        internal=False,
        labels={'com.docker.stack.namespace': 'shop', 'purpose': 'front'},
    )
    assert plan.after['configs']['shop_site'] == dict(
        state='present',
        labels={'com.docker.stack.namespace': 'shop', 'kind': 'httpd'},
        content='server { listen 80; }\n',
    )
    assert plan.after['services']['shop_web']['replicas'] == 2
    assert plan.after['secrets']['shop_pw'] == dict(state='present', labels={'com.docker.stack.namespace': 'shop'})
    (network,) = [call[1] for call in engine.calls if call[0] == 'network_create' and call[1]['Name'] == 'shop_back']
    assert network == dict(
        Name='shop_back',
        Driver='overlay',
        CheckDuplicate=True,
        Options={'encrypted': ''},
        Labels={'com.docker.stack.namespace': 'shop', 'purpose': 'back'},
        IPAM=dict(Config=[dict(Subnet='10.77.0.0/24')]),
    )
    (web,) = [call[1] for call in engine.calls if call[0] == 'service_create' and call[1]['Name'] == 'shop_web']
    secrets = web['TaskTemplate']['ContainerSpec']['Secrets']
    assert [(secret['SecretName'], secret['SecretID']) for secret in secrets] == [
        ('shop_pw', engine.secrets_by_id[secrets[0]['SecretID']]['ID']),
        ('shop_token', engine.secrets_by_id[secrets[1]['SecretID']]['ID']),
    ]
    assert all(not target['Target'].startswith('shop_') for target in web['TaskTemplate']['Networks']), (
        'networks are sent by ID'
    )
    result = plan.result['stack']
    assert [service['id'] for service in result['services']] == [
        engine.service_named('shop_%s' % name)['ID'] for name in ('agent', 'web', 'worker')
    ]
    assert result['secrets'] == dict(pw='shop_pw', token='shop_token') and result['configs'] == dict(site='shop_site')
    engine.calls = []
    again = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert again.summaries == [] and engine.calls == []


def test_secrets_carry_a_slow_salted_digest_of_their_content(project, monkeypatch):
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 100000)
    engine = deployed(project)
    (secret,) = [item for item in engine.secrets_by_id.values() if item['Spec']['Name'] == 'shop_pw']
    digest = secret['Spec']['Labels'][SECRET_DIGEST_LABEL]
    assert digest == secret_digest(b's3cr3t\n', 'shop_pw') and digest.startswith('pbkdf2-sha256$100000$shop_pw$')
    assert 's3cr3t' not in digest


# -- changes -----------------------------------------------------------------------------------


def test_changing_one_service_updates_only_it_and_keeps_force_update_and_the_pinned_image(project):
    engine = deployed(project)
    web = engine.service_named('shop_web')
    web['Spec']['TaskTemplate']['ForceUpdate'] = 3
    web['Spec']['TaskTemplate']['ContainerSpec']['Image'] = 'swarmops/web:1@sha256:' + 'a' * 64
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')], env=dict(WEB_REPLICAS=3))
    assert plan.summaries == ["update service shop_web: env.REPLICAS_NOTE 2 replicas -> 3 replicas, replicas 2 -> 3"]
    assert plan.before['services']['shop_web']['replicas'] == 2 and plan.after['services']['shop_web']['replicas'] == 3
    (update,) = [call for call in engine.calls if call[0] == 'service_update']
    sent = update[3]
    assert sent['TaskTemplate']['ForceUpdate'] == 3
    assert sent['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:1@sha256:' + 'a' * 64
    assert sent['Mode'] == {'Replicated': {'Replicas': 3}}


def test_fields_no_service_option_covers_are_compared_too():
    engine = FakeStackEngine()
    apply(engine, name='s', compose=[SMALL])
    interactive = copy.deepcopy(SMALL)
    interactive['services']['app']['stdin_open'] = True
    plan = apply(engine, name='s', compose=[interactive])
    assert plan.summaries == ['update service s_app: TaskTemplate.ContainerSpec.OpenStdin changed']
    assert plan.before['services']['s_app'] == dict(
        state='present', other_fields={'TaskTemplate.ContainerSpec.OpenStdin': None}
    )
    assert plan.after['services']['s_app'] == dict(
        state='present', other_fields={'TaskTemplate.ContainerSpec.OpenStdin': True}
    )
    assert apply(engine, name='s', compose=[interactive]).summaries == []


def test_a_changed_config_gets_a_new_version_and_the_old_one_goes_once_unused(project):
    engine = deployed(project)
    (project / 'site.conf').write_text('server { listen 81; }\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    (new_name,) = [name for name in engine.names('config') if name != 'shop_site']
    assert is_version_of(new_name, 'shop_site') and new_name != 'shop_site'
    assert plan.summaries == [
        'create config %s (new content of configs.site, replacing shop_site)' % new_name,
        'update service shop_web: configs ["shop_site"] -> ["%s"]' % new_name,
        'remove config shop_site (an old version of shop_site)',
    ]
    assert engine.writes() == ['config_create', 'service_update', 'config_remove']
    assert plan.result['stack']['configs'] == dict(site=new_name)
    assert apply(engine, name='shop', compose=[str(project / 'stack.yml')]).summaries == []
    # Back to the first content: the plain name is free again.
    (project / 'site.conf').write_text('server { listen 80; }\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert plan.summaries[0] == 'create config shop_site (new content of configs.site, replacing %s)' % new_name
    assert engine.names('config') == ['shop_site']


def test_a_changed_secret_is_detected_by_its_digest_label(project):
    engine = deployed(project)
    (project / 'pw.txt').write_text('n3w\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    new_name = plan.result['stack']['secrets']['pw']
    assert new_name.startswith('shop_pw-') and plan.summaries[0] == (
        'create secret %s (new content of secrets.pw, replacing shop_pw)' % new_name
    )
    assert plan.summaries[-1] == 'remove secret shop_pw (an old version of shop_pw)'
    assert apply(engine, name='shop', compose=[str(project / 'stack.yml')]).summaries == []


def test_a_secret_without_digest_label_is_taken_as_it_is(project):
    # rec_pw was created by docker stack deploy: its content cannot be read back, so a changed file goes unseen.
    (project / 'pw.txt').write_text('changed\n')
    plan = plan_stack(FakeStackEngine(recorded=True), params(name='rec', compose=[str(project / 'stack.yml')]))
    assert plan.summaries == []


@pytest.mark.parametrize(
    'old, new, summary, kind, name',
    [
        (
            'labels: {kind: httpd}',
            'labels: {kind: nginx}',
            'update the labels of config shop_site',
            'config',
            'shop_site',
        ),
        ('rotated: "2026-11"', 'rotated: "2026-12"', 'update the labels of secret shop_token', 'secret', 'shop_token'),
    ],
)
def test_changed_labels_are_updated_in_place_and_a_secret_keeps_its_digest(project, old, new, summary, kind, name):
    engine = deployed(project)
    stack_file = project / 'stack.yml'
    stack_file.write_text(stack_file.read_text().replace(old, new))
    plan = apply(engine, name='shop', compose=[str(stack_file)])
    assert plan.summaries == [summary]
    assert apply(engine, name='shop', compose=[str(stack_file)]).summaries == []
    store = engine.configs_by_id if kind == 'config' else engine.secrets_by_id
    (live,) = [item for item in store.values() if item['Spec']['Name'] == name]
    assert (SECRET_DIGEST_LABEL in live['Spec']['Labels']) is (kind == 'secret')
    assert plan.after['%ss' % kind][name] == dict(
        state='present',
        labels=dict((key, value) for key, value in live['Spec']['Labels'].items() if key != SECRET_DIGEST_LABEL),
    )


def test_an_old_version_a_service_outside_the_stack_uses_is_kept(project):
    engine = deployed(project)
    site = next(item for item in engine.configs_by_id.values() if item['Spec']['Name'] == 'shop_site')
    engine.service_create(
        dict(
            Name='other',
            TaskTemplate=dict(
                ContainerSpec=dict(
                    Image='x',
                    Configs=[
                        dict(
                            ConfigID=site['ID'],
                            ConfigName='shop_site',
                            File=dict(Name='/s', UID='0', GID='0', Mode=292),
                        )
                    ],
                )
            ),
        )
    )
    (project / 'site.conf').write_text('changed\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert not any(summary.startswith('remove config') for summary in plan.summaries)


def test_without_wait_old_versions_go_on_a_later_run(project):
    engine = deployed(project)
    (project / 'site.conf').write_text('changed\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')], wait=False)
    assert [summary.split(' ')[0] for summary in plan.summaries] == ['create', 'update']
    later = apply(engine, name='shop', compose=[str(project / 'stack.yml')], wait=False)
    assert later.summaries == ['remove config shop_site (an old version of shop_site)']


# -- prune and removal -------------------------------------------------------------------------


def test_prune_removes_services_first_and_unused_networks_last(project):
    engine = deployed(project)
    stack_file = project / 'stack.yml'
    text = stack_file.read_text()
    stack_file.write_text(text[: text.index('  worker:')] + text[text.index('networks:\n  front:') :])
    without_prune = apply(engine, name='shop', compose=[str(stack_file)])
    assert without_prune.summaries == []
    plan = apply(engine, name='shop', compose=[str(stack_file)], prune=True)
    assert plan.summaries == [
        'remove service shop_worker (no longer in the compose file)',
        'remove network shop_default (no longer in the compose file)',
    ]
    assert plan.before['services']['shop_worker'] == dict(state='present', image='swarmops/web:1', mode='replicated')
    assert engine.service_named('shop_worker') is None and 'shop_default' not in engine.names('network')


def test_state_absent_removes_everything_of_the_stack_and_waits_for_busy_networks(project):
    engine = deployed(project)
    engine.network_busy_answers = 2
    plan = apply(engine, name='shop', state='absent')
    assert plan.summaries == [
        'remove service shop_agent (state absent)',
        'remove service shop_web (state absent)',
        'remove service shop_worker (state absent)',
        'remove secret shop_pw (state absent)',
        'remove secret shop_token (state absent)',
        'remove config shop_site (state absent)',
        'remove network shop_back (state absent)',
        'remove network shop_default (state absent)',
        'remove network shop_front (state absent)',
    ]
    assert engine.names('network') == ['bridge', 'docker_gwbridge', 'host', 'ingress', 'none', 'shared_outside']
    assert engine.names('config') == engine.names('secret') == [] and engine.services_by_id == {}
    assert [call[0] for call in engine.calls].count('network_remove') == 5, 'two busy answers, retried'
    assert plan.result == dict(
        stack=None, waited_seconds=plan.result['waited_seconds'], waited_for=plan.result['waited_for']
    )
    assert apply(engine, name='shop', state='absent').summaries == []


# -- refused before anything changes -----------------------------------------------------------


def test_a_mode_change_is_refused_before_anything_is_written(project):
    engine = deployed(project)
    stack_file = project / 'stack.yml'
    stack_file.write_text(stack_file.read_text().replace('      mode: global\n', '      mode: replicated\n'))
    (project / 'site.conf').write_text('changed\n')
    with pytest.raises(
        SwarmError,
        match='Service shop_agent is global; the compose file asks for replicated. The '
        'engine cannot change the mode of a service in place',
    ):
        plan_stack(engine, params(name='shop', compose=[str(stack_file)]))
    assert engine.calls == []


@pytest.mark.parametrize(
    'prepare, message',
    [
        (
            lambda engine: engine.networks_by_id.pop(
                next(key for key, network in engine.networks_by_id.items() if network['Name'] == 'shared_outside')
            ),
            'networks.outside: the external network shared_outside does not exist',
        ),
        (
            lambda engine: engine.service_create(
                dict(Name='shop_web', TaskTemplate=dict(ContainerSpec=dict(Image='x')))
            ),
            'A service named shop_web exists but does not belong to stack shop',
        ),
    ],
)
def test_missing_externals_and_foreign_services_fail_before_anything_is_written(project, prepare, message):
    engine = FakeStackEngine()
    engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
    prepare(engine)
    engine.calls = []
    with pytest.raises(SwarmError, match=message):
        plan_stack(engine, params(name='shop', compose=[str(project / 'stack.yml')]))
    assert engine.calls == []


def test_an_external_config_must_exist():
    content = dict(services=dict(app=dict(image='w', configs=['tls'])), configs=dict(tls=dict(external=True)))
    with pytest.raises(SwarmError, match='configs.tls: the external config tls does not exist'):
        plan_stack(FakeStackEngine(), params(name='s', compose=[content]))


def test_fields_the_engine_does_not_have_are_refused():
    content = dict(services=dict(app=dict(image='w', healthcheck=dict(test='true', start_interval='1s'))))
    with pytest.raises(SwarmError, match='speaks API 1.41; services.app.healthcheck.start_interval needs API 1.44'):
        plan_stack(FakeStackEngine(), params(name='s', compose=[content]))
    assert plan_stack(FakeStackEngine(api_version='1.44'), params(name='s', compose=[content])).changed


def test_an_invalid_stack_name_is_refused():
    with pytest.raises(SwarmError, match="'my stack' is not a valid stack name"):
        plan_stack(FakeStackEngine(), params(name='my stack', compose=[{}]))


# -- images ------------------------------------------------------------------------------------

SMALL = dict(services=dict(app=dict(image='swarmops/web:1', deploy=dict(endpoint_mode='dnsrr'))))


def test_resolve_image_never_contacts_no_registry():
    engine = FakeStackEngine()
    apply(engine, name='s', compose=[SMALL])
    assert 'distribution_inspect' not in [call[0] for call in engine.calls]


def test_resolve_image_pins_digests_and_platforms_and_always_follows_a_moved_tag():
    engine = FakeStackEngine()
    digest = 'sha256:' + 'b' * 64
    engine.registry['swarmops/web:1'] = (digest, [dict(architecture='amd64', os='linux')])
    apply(engine, name='s', compose=[SMALL], resolve_image='changed')
    created = engine.service_named('s_app')['Spec']
    assert created['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:1@' + digest
    assert created['TaskTemplate']['Placement']['Platforms'] == [dict(Architecture='amd64', OS='linux')]
    assert created['Labels']['com.docker.stack.image'] == 'swarmops/web:1'
    engine.calls = []
    assert apply(engine, name='s', compose=[SMALL], resolve_image='changed').summaries == []
    assert engine.calls == [], 'changed asks the registry only for changed images'
    assert apply(engine, name='s', compose=[SMALL], resolve_image='always').summaries == []
    engine.registry['swarmops/web:1'] = ('sha256:' + 'c' * 64, [])
    plan = apply(engine, name='s', compose=[SMALL], resolve_image='always')
    assert plan.summaries == [
        # The new digest names no platforms, so the placement the old one set goes with it, as with the CLI.
        'update service s_app: image %s -> %s, placement.platforms %s -> None'
        % (
            truncated('swarmops/web:1@sha256:' + 'b' * 64),
            truncated('swarmops/web:1@sha256:' + 'c' * 64),
            '[{"architecture": "amd64", "os": "linux"}]',
        )
    ]


def test_an_unreachable_registry_is_a_warning():
    engine = FakeStackEngine()
    plan = apply(engine, name='s', compose=[SMALL], resolve_image='always')
    assert plan.warnings == [
        'Image swarmops/web:1 could not be resolved to a digest (Get https://registry/v2/: no '
        'route to host); each node pulls it on its own, possibly at different versions.'
    ]
    assert engine.service_named('s_app')['Spec']['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:1'


def test_a_changed_image_is_sent_as_written_with_resolve_image_never():
    engine = FakeStackEngine()
    apply(engine, name='s', compose=[SMALL])
    engine.service_named('s_app')['Spec']['TaskTemplate']['ContainerSpec']['Image'] += '@sha256:' + 'd' * 64
    assert apply(engine, name='s', compose=[SMALL]).summaries == [], 'the pinned digest of the same image is kept'
    changed = copy.deepcopy(SMALL)
    changed['services']['app']['image'] = 'swarmops/web:2'
    plan = apply(engine, name='s', compose=[changed])
    assert plan.summaries == [
        'update service s_app: image %s -> swarmops/web:2, labels.com.docker.stack.image swarmops/web:1 -> '
        'swarmops/web:2' % truncated('swarmops/web:1@sha256:' + 'd' * 64)
    ]
    assert engine.service_named('s_app')['Spec']['TaskTemplate']['ContainerSpec']['Image'] == 'swarmops/web:2'


# -- waiting -----------------------------------------------------------------------------------


def test_a_rolled_back_update_fails_naming_the_stack_and_keeps_the_old_config(project, monkeypatch):
    engine = deployed(project)
    update = engine.service_update

    def update_that_fails(service_id, version, spec, rollback=None, with_registry_auth=False):
        update(service_id, version, spec, rollback, with_registry_auth)
        service = engine.services_by_id[service_id]
        service['UpdateStatus'] = {'State': 'rollback_completed', 'Message': 'update rolled back due to failure'}

    monkeypatch.setattr(engine, 'service_update', update_that_fails)
    (project / 'site.conf').write_text('broken\n')
    plan = plan_stack(engine, params(name='shop', compose=[str(project / 'stack.yml')]))
    with pytest.raises(
        SwarmError, match='^Stack shop: Service shop_web: the update failed and the engine rolled it back'
    ):
        plan.execute(check_mode=False)
    assert 'shop_site' in engine.names('config'), 'not removed: the rolled back spec uses it'


def test_with_registry_auth_and_the_data_sent_for_configs(project, monkeypatch):
    engine = FakeStackEngine()
    engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
    sent = []
    create = engine.service_create
    monkeypatch.setattr(
        engine,
        'service_create',
        lambda spec, with_registry_auth=False: (sent.append(with_registry_auth), create(spec))[1],
    )
    apply(engine, name='shop', compose=[str(project / 'stack.yml')], with_registry_auth=True)
    assert sent == [True, True, True]
    (config,) = engine.configs_by_id.values()
    assert base64.b64decode(config['Spec']['Data']) == b'server { listen 80; }\n'


def test_a_crash_looping_service_times_out_naming_its_task_error(project, monkeypatch):
    engine = deployed(project)
    clock = use_fake_time(monkeypatch)
    listed_tasks = engine._tasks_of

    def crash_looping_web(service):
        if service['Spec']['Name'] != 'shop_web':
            return listed_tasks(service)
        return crash_loop_tasks(service['ID'], service['Spec']['TaskTemplate'], clock.now)

    monkeypatch.setattr(engine, '_tasks_of', crash_looping_web)
    (project / 'site.conf').write_text('crashes\n')
    plan = plan_stack(engine, params(name='shop', compose=[str(project / 'stack.yml')], wait_timeout=20))
    with pytest.raises(SwarmError) as timed_out:
        plan.execute(check_mode=False)
    message = str(timed_out.value)
    assert message.startswith(
        'Timed out after 20s waiting for the services of stack shop to converge; last seen: shop_web: '
    )
    assert 'failed (task: non-zero exit (3)), exit code 3' in message


def test_the_services_converge_after_their_window_and_the_result_says_so(project, monkeypatch):
    engine = deployed(project)
    (project / 'site.conf').write_text('new\n')
    plan = apply(engine, name='shop', compose=[str(project / 'stack.yml')], wait_stability='3s')
    assert (
        plan.result['waited_for'][0] == 'service shop_web: 2/2 tasks running, none stopped within the 3s '
        'stability window'
    )
    assert plan.result['waited_seconds'] >= 3
    again = apply(engine, name='shop', compose=[str(project / 'stack.yml')])
    assert again.summaries == [] and again.result['waited_for'] == [] and again.result['waited_seconds'] == 0


def test_secret_env_interpolates_like_env_and_wins_over_it():
    assert stacks._variables(dict(env=None, secret_env=None)) is None
    assert stacks._variables(dict(env=dict(TAG='1', TOKEN='env'), secret_env=dict(TOKEN='secret'))) == dict(
        TAG='1', TOKEN='secret'
    )
    assert stacks.SWARM_STACK_ARGUMENT_SPEC['secret_env']['no_log']


def test_no_new_privileges_false_as_the_docker_cli_26_writes_it_is_the_default():
    # Docker CLI 26 deploys every service with Privileges.NoNewPrivileges false; without the field the engine does
    # the same. True is a real setting and stays.
    bare = {'TaskTemplate': {'ContainerSpec': {'Image': 'web:1'}}}
    from_cli_26 = {'TaskTemplate': {'ContainerSpec': {'Image': 'web:1', 'Privileges': {'NoNewPrivileges': False}}}}
    hardened = {'TaskTemplate': {'ContainerSpec': {'Image': 'web:1', 'Privileges': {'NoNewPrivileges': True}}}}
    assert stacks.spec_differences(stacks.comparable_spec(from_cli_26), stacks.comparable_spec(bare)) == ([], [])
    assert stacks.spec_differences(stacks.comparable_spec(hardened), stacks.comparable_spec(bare)) == (
        ['privileges.no_new_privileges'],
        [],
    )
    assert from_cli_26['TaskTemplate']['ContainerSpec']['Privileges'] == {'NoNewPrivileges': False}


# -- the external host network, as monitoring agents use it -----------------------------------------

HOST_AGENT = dict(
    services=dict(agent=dict(image='swarmops/web:1', networks=['hostnet'], deploy=dict(mode='global'))),
    networks=dict(hostnet=dict(external=True, name='host')),
)


def test_a_service_on_the_external_host_network_is_unchanged_on_the_next_run():
    engine = FakeStackEngine()
    first = apply(engine, name='mon', compose=[HOST_AGENT])
    assert first.summaries == ['create service mon_agent (global, image swarmops/web:1)']
    stored = engine.service_named('mon_agent')['Spec']['TaskTemplate']['Networks']
    assert stored == [{'Target': SWARM_HOST}], 'the engine stores the ID of the swarm-scoped host network'
    engine.calls = []
    again = apply(engine, name='mon', compose=[HOST_AGENT])
    assert again.summaries == [] and again.before == again.after == {}
    assert engine.calls == []


def test_a_move_from_the_host_network_to_an_overlay_shows_both_by_name():
    engine = FakeStackEngine()
    apply(engine, name='mon', compose=[HOST_AGENT])
    moved = copy.deepcopy(HOST_AGENT)
    moved['services']['agent']['networks'] = ['default']
    plan = plan_stack(engine, params(name='mon', compose=[moved]))
    assert plan.summaries == [
        'create network mon_default (overlay)',
        'update service mon_agent: networks ["host"] -> [{"aliases": ["agent"], "name": "mon_default"}]',
    ]


# -- a service no node can take yet ------------------------------------------------------------------

PCI_STACK = dict(
    services=dict(
        web=dict(
            image='swarmops/web:1',
            deploy=dict(endpoint_mode='dnsrr', placement=dict(constraints=['node.labels.pcidss == yes'])),
        )
    )
)


def test_a_stack_service_no_node_can_take_fails_before_any_write_when_the_run_would_wait_for_it():
    engine = FakeStackEngine()
    with pytest.raises(SwarmError) as refused:
        plan_stack(engine, params(name='pci', compose=[PCI_STACK]))
    assert str(refused.value).startswith(
        'No node matches the placement constraints of service pci_web (node.labels.pcidss == yes), so its tasks '
        'cannot start until a node does, and this run would wait for them.'
    )
    assert engine.writes() == []


def test_without_wait_the_stack_deploys_with_a_warning_and_a_run_that_changes_nothing_never_fails_or_waits():
    engine = FakeStackEngine()
    created = apply(engine, name='pci', compose=[PCI_STACK], wait=False)
    assert created.summaries == [
        'create network pci_default (overlay)',
        'create service pci_web (replicated, 1 replica, image swarmops/web:1)',
    ]
    (warning,) = created.warnings
    assert warning.startswith(
        'No node matches the placement constraints of service pci_web (node.labels.pcidss == yes) yet: its tasks '
        'stay pending until a node does'
    )
    assert engine.service_named('pci_web')['Spec']['TaskTemplate']['Placement'] == {
        'Constraints': ['node.labels.pcidss == yes']
    }
    assert [task['Status']['State'] for task in engine.tasks({'label': 'com.docker.stack.namespace=pci'})] == [
        'pending'
    ]
    engine.calls = []
    for wait in (False, True):
        again = apply(engine, name='pci', compose=[PCI_STACK], wait=wait)
        assert again.summaries == [] and again.warnings == [warning]
        assert again.result['waited_for'] == [] and again.result['waited_seconds'] == 0
    assert engine.writes() == []
    # A change would wait for the service's tasks again: refused before anything is written.
    scaled = copy.deepcopy(PCI_STACK)
    scaled['services']['web']['deploy']['replicas'] = 2
    with pytest.raises(SwarmError, match='No node matches the placement constraints of service pci_web'):
        plan_stack(engine, params(name='pci', compose=[scaled]))
    assert apply(engine, name='pci', compose=[scaled], wait=False).summaries == [
        'update service pci_web: replicas 1 -> 2'
    ]

# -*- coding: utf-8 -*-
"""The swarm_secret and swarm_config planner over the stack's fake engine: versions, rotation, removal."""

import base64
import json

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import swarm_objects
from ansible_collections.swarmops.swarm.plugins.module_utils.errors import SwarmError
from ansible_collections.swarmops.swarm.plugins.module_utils.swarm_objects import (
    SECRET_DIGEST_LABEL,
    is_version_of,
    object_argument_spec,
    plan_object,
    secret_digest,
)
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine

PASSWORD = 's3cr3t-pw'


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    use_fake_time(monkeypatch)
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)


def params(kind, **task):
    values = dict((name, spec.get('default')) for name, spec in object_argument_spec(kind).items())
    values.update(task)
    return values


def plan_for(engine, kind, **task):
    return plan_object(engine, params(kind, **task), kind)


def apply(engine, kind, **task):
    """Plan in check mode and for real, assert both agree, apply; the plan with the real run's result."""
    predicted = plan_for(engine, kind, **task)
    predicted.result = predicted.report(True)
    plan = plan_for(engine, kind, **task)
    assert (plan.summaries, plan.before, plan.after) == (predicted.summaries, predicted.before, predicted.after)
    plan.execute(check_mode=False)
    plan.result = plan.report(False)
    assert plan.result['updated_services'] == predicted.result['updated_services']
    assert (plan.result[kind] or {}).get('name') == (predicted.result[kind] or {}).get('name')
    return plan


def unchanged(engine, kind, **task):
    engine.calls = []
    plan = plan_for(engine, kind, **task)
    assert plan.summaries == [] and plan.before == plan.after
    plan.execute(check_mode=False)
    assert engine.calls == []
    return plan


def service_using(engine, kind, name, target, uid='0', gid='0', mode=0o444, service='app'):
    store = engine.secrets_by_id if kind == 'secret' else engine.configs_by_id
    (object_id,) = [key for key, item in store.items() if item['Spec']['Name'] == name]
    field = kind.capitalize()
    reference = {
        '%sID' % field: object_id,
        '%sName' % field: name,
        'File': dict(Name=target, UID=uid, GID=gid, Mode=mode),
    }
    engine.service_create(
        dict(Name=service, TaskTemplate=dict(ContainerSpec={'Image': 'swarmops/web:1', '%ss' % field: [reference]}))
    )
    engine.calls = []


def references(engine, kind, service='app'):
    container = engine.service_named(service)['Spec']['TaskTemplate']['ContainerSpec']
    return container.get('%ss' % kind.capitalize()) or []


def names(engine, kind):
    return engine.names(kind)


# -- create, labels, no change ----------------------------------------------------------------------


def test_a_secret_is_created_with_its_digest_and_never_shown():
    engine = FakeStackEngine()
    plan = apply(engine, 'secret', name='db_pw', data=PASSWORD, labels=dict(app='shop'))
    assert plan.summaries == ['create secret db_pw']
    (secret,) = engine.secrets_by_id.values()
    assert secret['Spec']['Labels'] == {'app': 'shop', SECRET_DIGEST_LABEL: secret_digest(PASSWORD.encode(), 'db_pw')}
    assert base64.b64decode(engine.secret_data[secret['ID']]) == PASSWORD.encode()
    assert PASSWORD not in json.dumps([plan.before, plan.after, plan.result, plan.summaries])
    assert plan.before == {'state': 'absent'}
    assert plan.after['name'] == 'db_pw' and plan.after['content'].startswith('not shown (digest ')
    assert plan.result['secret'] == dict(name='db_pw', id=secret['ID'], labels={'app': 'shop'})
    unchanged(engine, 'secret', name='db_pw', data=PASSWORD, labels=dict(app='shop'))


def test_check_mode_of_a_creation_returns_no_id():
    plan = plan_for(FakeStackEngine(), 'config', name='site', data='listen 80\n')
    assert plan.report(True)['config'] == dict(name='site', id=None, labels={}, template_driver=None)


def test_labels_change_in_place_and_a_secret_keeps_its_digest():
    engine = FakeStackEngine()
    apply(engine, 'secret', name='db_pw', data=PASSWORD, labels=dict(app='shop'))
    plan = apply(engine, 'secret', name='db_pw', data=PASSWORD, labels=dict(app='shop', rotated='2026-12'))
    assert plan.summaries == ['update the labels of secret db_pw']
    assert plan.before['labels'] == {'app': 'shop'} and plan.after['labels'] == {'app': 'shop', 'rotated': '2026-12'}
    (secret,) = engine.secrets_by_id.values()
    assert SECRET_DIGEST_LABEL in secret['Spec']['Labels']
    # Without content, only the labels are managed.
    plan = apply(engine, 'secret', name='db_pw', labels={})
    assert plan.summaries == ['update the labels of secret db_pw'] and plan.result['secret']['labels'] == {}
    assert list(secret['Spec']['Labels']) == [SECRET_DIGEST_LABEL]
    unchanged(engine, 'secret', name='db_pw')


def test_without_content_a_missing_object_cannot_be_created():
    with pytest.raises(SwarmError, match='Config site does not exist; give data or data_src to create it.'):
        plan_for(FakeStackEngine(), 'config', name='site', labels=dict(a='b'))


def test_content_from_base64_and_from_a_file_on_the_managed_node(tmp_path):
    engine = FakeStackEngine()
    blob = bytes(range(256))
    apply(engine, 'config', name='blob', data=base64.b64encode(blob).decode(), data_is_b64=True)
    (config,) = engine.configs_by_id.values()
    assert base64.b64decode(config['Spec']['Data']) == blob
    path = tmp_path / 'blob.bin'
    path.write_bytes(blob)
    unchanged(engine, 'config', name='blob', data_src=str(path))
    with pytest.raises(SwarmError, match='not valid base64'):
        plan_for(engine, 'config', name='blob', data='not base64!', data_is_b64=True)
    with pytest.raises(SwarmError, match='Could not read data_src /nowhere/x on the managed node'):
        plan_for(engine, 'config', name='blob', data_src='/nowhere/x')
    with pytest.raises(SwarmError, match='needs the action plugin'):
        plan_for(engine, 'config', name='blob', data_src='/c/x', data_source='controller')
    controller = base64.b64encode(base64.b64encode(blob)).decode()
    unchanged(engine, 'config', name='blob', data_src='/c/x', data_source='controller', _controller_data=controller,
              data_is_b64=True)  # fmt: skip


def test_a_config_is_compared_by_its_content_and_shown_in_the_diff():
    engine = FakeStackEngine()
    plan = apply(engine, 'config', name='site', data='listen 80\n')
    assert plan.after['content'] == 'listen 80\n'
    unchanged(engine, 'config', name='site', data='listen 80\n')
    with pytest.raises(SwarmError, match="The content of config site differs from the task's.*rotate: true"):
        plan_for(engine, 'config', name='site', data='listen 81\n')
    with pytest.raises(SwarmError, match='differs'):
        plan_for(engine, 'config', name='site', data='listen 80\n', template_driver='golang')


# -- rotation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize('kind', ['secret', 'config'])
def test_rotation_switches_every_service_keeping_the_file_and_removes_the_old_version(kind):
    engine = FakeStackEngine()
    apply(engine, kind, name='db_pw', data=PASSWORD, labels=dict(app='shop'))
    service_using(engine, kind, 'db_pw', 'password', uid='70', gid='70', mode=0o400)
    service_using(engine, kind, 'db_pw', '/etc/pw', service='backup')
    with pytest.raises(SwarmError, match=r'switch the services that use it \(app, backup\)'):
        plan_for(engine, kind, name='db_pw', data='n3w')
    plan = apply(engine, kind, name='db_pw', data='n3w', rotate=True)
    new_name = plan.result[kind]['name']
    assert is_version_of(new_name, 'db_pw') and new_name != 'db_pw'
    assert plan.summaries == [
        'create %s %s (new content, replacing db_pw)' % (kind, new_name),
        'update service app: %s db_pw -> %s' % (kind, new_name),
        'update service backup: %s db_pw -> %s' % (kind, new_name),
        'remove %s db_pw (an old version of db_pw)' % kind,
    ]
    assert engine.writes() == ['%s_create' % kind, 'service_update', 'service_update', '%s_remove' % kind]
    assert plan.result['updated_services'] == ['app', 'backup']
    assert len(plan.result['waited_for']) == 2 and plan.result['waited_for'][0].startswith('service app: 1/1')
    assert plan.before['used_by'] == plan.after['used_by'] == ['app', 'backup']
    assert plan.before['name'] == 'db_pw' and plan.after['name'] == new_name
    assert plan.result[kind]['labels'] == {'app': 'shop'}, 'the new version keeps the labels'
    field = kind.capitalize()
    (reference,) = references(engine, kind)
    assert reference['%sName' % field] == new_name and reference['%sID' % field] == plan.result[kind]['id']
    assert reference['File'] == dict(Name='password', UID='70', GID='70', Mode=0o400)
    assert names(engine, kind) == [new_name]
    if kind == 'secret':
        assert 'n3w' not in json.dumps([plan.before, plan.after, plan.result, plan.summaries])
    else:
        assert (plan.before['content'], plan.after['content']) == (PASSWORD, 'n3w')
    unchanged(engine, kind, name='db_pw', data='n3w', rotate=True)
    unchanged(engine, kind, name='db_pw', data='n3w')
    # Back to the first content: the plain name is free again.
    plan = apply(engine, kind, name='db_pw', data=PASSWORD, rotate=True)
    assert plan.result[kind]['name'] == 'db_pw' and names(engine, kind) == ['db_pw']


def test_a_rotation_interrupted_after_the_switch_is_finished_by_the_next_run():
    engine = FakeStackEngine()
    apply(engine, 'config', name='site', data='one')
    service_using(engine, 'config', 'site', '/etc/site')
    old = dict(engine.configs_by_id)
    plan = plan_for(engine, 'config', name='site', data='two', rotate=True)
    for step in plan.steps[:-1]:  # the old version is not removed
        step.apply()
    new_name = [name for name in names(engine, 'config') if name != 'site'][0]
    # Without rotate, the version in use is the current one: nothing to do, the leftover stays.
    unchanged(engine, 'config', name='site', data='two')
    plan = apply(engine, 'config', name='site', data='two', rotate=True)
    assert (
        plan.summaries == ['remove config site (an old version of site)'] and list(old)[0] not in engine.configs_by_id
    )
    assert plan.result['config']['name'] == new_name and plan.result['updated_services'] == []


def test_a_secret_without_digest_label_is_taken_as_it_is_and_rotate_replaces_it_once():
    engine = FakeStackEngine()
    engine.secret_create(dict(Name='cli_pw', Labels={}, Data=base64.b64encode(b'whatever').decode()))
    service_using(engine, 'secret', 'cli_pw', 'pw')
    plan = plan_for(engine, 'secret', name='cli_pw', data=PASSWORD)
    assert plan.summaries == [] and 'carries no swarmops.swarm.content-digest label' in plan.warnings[0]
    assert plan.before['content'] == 'not shown (created without a digest label: unknown)'
    plan = apply(engine, 'secret', name='cli_pw', data=PASSWORD, rotate=True)
    assert [summary.split(' ')[0] for summary in plan.summaries] == ['create', 'update', 'remove']
    unchanged(engine, 'secret', name='cli_pw', data=PASSWORD, rotate=True)


def test_a_paused_update_fails_the_rotation_and_leaves_the_old_version(monkeypatch):
    engine = FakeStackEngine()
    apply(engine, 'secret', name='db_pw', data=PASSWORD)
    service_using(engine, 'secret', 'db_pw', 'pw')
    inspect = engine.service_inspect

    def paused(service_id):
        service = inspect(service_id)
        service['UpdateStatus'] = dict(State='paused', Message='update paused due to failure')
        return service

    monkeypatch.setattr(engine, 'service_inspect', paused)
    plan = plan_for(engine, 'secret', name='db_pw', data='n3w', rotate=True)
    with pytest.raises(SwarmError, match='paused'):
        plan.execute(check_mode=False)
    assert 'db_pw' in names(engine, 'secret') and engine.writes()[-1] == 'service_update'


# -- removal -----------------------------------------------------------------------------------------


def test_removal_is_refused_while_services_use_it_unless_force_takes_it_out_of_them():
    engine = FakeStackEngine()
    apply(engine, 'config', name='site', data='one')
    service_using(engine, 'config', 'site', '/etc/site')
    service_using(engine, 'config', 'site', '/etc/site', service='other')
    with pytest.raises(SwarmError, match='Config site is used by services app, other; .*force: true'):
        plan_for(engine, 'config', name='site', state='absent')
    plan = apply(engine, 'config', name='site', state='absent', force=True)
    assert plan.summaries == [
        'update service app: remove config site',
        'update service other: remove config site',
        'remove config site',
    ]
    assert references(engine, 'config') == [] and names(engine, 'config') == []
    assert plan.after == {'state': 'absent'} and plan.result['config'] is None
    unchanged(engine, 'config', name='site', state='absent')


def test_removal_takes_every_version():
    engine = FakeStackEngine()
    apply(engine, 'secret', name='pw', data='one')
    engine.secret_create(dict(Name='pw-0123456789ab', Labels={}, Data=''))
    engine.secret_create(dict(Name='pw-other', Labels={}, Data=''))
    plan = apply(engine, 'secret', name='pw', state='absent')
    assert plan.summaries == ['remove secret pw', 'remove secret pw-0123456789ab']
    assert names(engine, 'secret') == ['pw-other']

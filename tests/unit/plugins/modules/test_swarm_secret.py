# -*- coding: utf-8 -*-
"""swarm_secret through its main(): check mode predicts the real run, and the content never reaches the output."""

import json

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import swarm_objects
from ansible_collections.swarmops.swarm.plugins.modules import swarm_secret
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.module_utils.test_swarm_objects import service_using
from tests.unit.plugins.modules.module_runner import run_module_main

PASSWORD = 'correct horse battery staple'


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)
    use_fake_time(monkeypatch)


def run(engine, monkeypatch, capsys, check=False, **args):
    args.update(_ansible_check_mode=check, _ansible_diff=True)
    return run_module_main(swarm_secret.main, engine, monkeypatch, capsys, args)


def test_check_mode_predicts_creation_and_rotation_and_the_content_is_never_shown(monkeypatch, capsys):
    engine = FakeStackEngine()
    outputs = []
    for task in (dict(name='db_pw', data=PASSWORD), dict(name='db_pw', data=PASSWORD + '!', rotate=True)):
        predicted = run(engine, monkeypatch, capsys, check=True, **task)
        assert engine.calls == []
        applied = run(engine, monkeypatch, capsys, **task)
        assert predicted['changed'] is applied['changed'] is True
        assert (predicted['actions'], predicted['diff']) == (applied['actions'], applied['diff'])
        assert predicted['secret']['name'] == applied['secret']['name'] and applied['secret']['id']
        again = run(engine, monkeypatch, capsys, **task)
        assert again['changed'] is False and again['actions'] == []
        engine.calls = []
        outputs.extend([predicted, applied, again])
        if not task.get('rotate'):
            service_using(engine, 'secret', 'db_pw', 'db_password')
    assert outputs[3]['updated_services'] == outputs[4]['updated_services'] == ['app']
    assert outputs[4]['diff']['after']['used_by'] == ['app']
    assert PASSWORD not in json.dumps(outputs)


def test_a_content_change_without_rotate_fails_and_names_the_services(monkeypatch, capsys):
    engine = FakeStackEngine()
    run(engine, monkeypatch, capsys, name='db_pw', data=PASSWORD)
    service_using(engine, 'secret', 'db_pw', 'db_password')
    for check in (True, False):
        result = run(engine, monkeypatch, capsys, check=check, name='db_pw', data='other')
        assert result['failed'] and 'Set rotate: true' in result['msg'] and '(app)' in result['msg']
    assert engine.calls == []


def test_data_and_data_src_are_mutually_exclusive(monkeypatch, capsys):
    result = run(FakeStackEngine(), monkeypatch, capsys, name='x', data=PASSWORD, data_src='/tmp/a')
    assert result['failed'] and 'mutually exclusive' in result['msg']

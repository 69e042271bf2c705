# -*- coding: utf-8 -*-
"""swarm_config through its main(): template_driver, rotation predicted by check mode, removal refused in use."""

import pytest

from ansible_collections.swarmops.swarm.plugins.modules import swarm_config
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.module_utils.test_swarm_objects import references, service_using
from tests.unit.plugins.modules.module_runner import run_module_main

TEMPLATE = 'node={{.Node.Hostname}}\n'


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    use_fake_time(monkeypatch)


def run(engine, monkeypatch, capsys, check=False, **args):
    args.update(_ansible_check_mode=check, _ansible_diff=True)
    return run_module_main(swarm_config.main, engine, monkeypatch, capsys, args)


def test_a_templated_config_then_a_rotation_that_drops_the_template(monkeypatch, capsys):
    engine = FakeStackEngine()
    created = run(engine, monkeypatch, capsys, name='agent', data=TEMPLATE, template_driver='golang')
    (config,) = engine.configs_by_id.values()
    assert config['Spec']['Templating'] == {'Name': 'golang'}
    assert created['config']['template_driver'] == 'golang' and created['diff']['after']['content'] == TEMPLATE
    service_using(engine, 'config', 'agent', '/etc/agent.conf', mode=0o440)
    task = dict(name='agent', data=TEMPLATE, rotate=True)
    predicted = run(engine, monkeypatch, capsys, check=True, **task)
    assert engine.calls == []
    applied = run(engine, monkeypatch, capsys, **task)
    assert (predicted['actions'], predicted['diff'], predicted['updated_services']) == (
        applied['actions'],
        applied['diff'],
        applied['updated_services'],
    )
    assert applied['updated_services'] == ['app'] and applied['config']['template_driver'] is None
    assert (
        applied['diff']['before']['template_driver'] == 'golang' and 'template_driver' not in applied['diff']['after']
    )
    (reference,) = references(engine, 'config')
    assert reference['ConfigName'] == applied['config']['name'] and reference['File']['Mode'] == 0o440
    assert run(engine, monkeypatch, capsys, **task)['changed'] is False


def test_removal_in_use_fails_in_check_mode_too(monkeypatch, capsys):
    engine = FakeStackEngine()
    run(engine, monkeypatch, capsys, name='site', data='x')
    service_using(engine, 'config', 'site', '/etc/site')
    for check in (True, False):
        result = run(engine, monkeypatch, capsys, check=check, name='site', state='absent')
        assert result['failed'] and result['msg'].startswith('Config site is used by service app;')
    assert engine.calls == []
    result = run(engine, monkeypatch, capsys, name='site', state='absent', force=True)
    assert result['changed'] and result['updated_services'] == ['app'] and engine.names('config') == []

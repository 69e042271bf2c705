# -*- coding: utf-8 -*-
import os
import shutil

import pytest

from ansible_collections.swarmops.swarm.plugins.module_utils import swarm_objects
from ansible_collections.swarmops.swarm.plugins.modules import swarm_stack
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.module_utils.test_compose import COMPOSE, FULL
from tests.unit.plugins.modules.module_runner import run_module_main


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """Secret digests take fewer rounds; stability windows pass without real time."""
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)
    use_fake_time(monkeypatch)


def run(engine, monkeypatch, capsys, check=False, **args):
    args.update(_ansible_check_mode=check, _ansible_diff=True)
    return run_module_main(swarm_stack.main, engine, monkeypatch, capsys, args)


def test_check_mode_predicts_the_real_run_and_the_next_run_changes_nothing(monkeypatch, capsys, tmp_path):
    folder = tmp_path / 'full'
    shutil.copytree(os.path.join(COMPOSE, 'full'), str(folder))
    engine = FakeStackEngine()
    engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
    engine.calls = []
    task = dict(name='shop', compose=[str(folder / 'stack.yml')])
    for change in (None, lambda: (folder / 'site.conf').write_text('new\n')):
        if change:
            change()
        predicted = run(engine, monkeypatch, capsys, check=True, **task)
        assert engine.calls == []
        applied = run(engine, monkeypatch, capsys, **task)
        assert predicted['changed'] is applied['changed'] is True
        assert (predicted['actions'], predicted['diff']) == (applied['actions'], applied['diff'])
        engine.calls = []
        again = run(engine, monkeypatch, capsys, **task)
        assert again['changed'] is False and again['actions'] == [] and engine.calls == []
        assert again['diff'] == dict(before={}, after={})
    assert applied['stack']['configs']['site'].startswith('shop_site-')
    # Other in-process module runs may leave warnings of their own; ours name the ignored keys.
    assert 'services.worker.container_name is ignored' in str(applied['warnings'])
    assert 'services.worker.depends_on is ignored' in str(applied['warnings'])


def test_a_stack_deployed_by_the_cli_reports_no_change(monkeypatch, capsys):
    result = run(FakeStackEngine(recorded=True), monkeypatch, capsys, name='rec', compose=[FULL])
    assert result['changed'] is False
    assert [service['name'] for service in result['stack']['services']] == ['rec_agent', 'rec_web', 'rec_worker']


def test_an_invalid_compose_file_is_a_message_not_a_traceback(monkeypatch, capsys):
    engine = FakeStackEngine()
    result = run(engine, monkeypatch, capsys, name='s', compose=[os.path.join(COMPOSE, 'invalid', 'unknown_key.yml')])
    assert result['failed'] and 'services.web.deploy.placment is not a known key' in result['msg']
    assert 'Traceback' not in result['msg'] and engine.calls == []


def test_compose_is_required_to_deploy(monkeypatch, capsys):
    result = run(FakeStackEngine(), monkeypatch, capsys, name='s')
    assert result['failed'] and 'state is present but all of the following are missing: compose' in result['msg']

# -*- coding: utf-8 -*-
import pytest

from ansible_collections.swarmops.swarm.plugins.modules import swarm_service
from tests.unit.fake_service_engine import FakeServiceEngine, use_fake_time
from tests.unit.plugins.modules.module_runner import run_module_main


@pytest.fixture(autouse=True)
def fake_time(monkeypatch):
    """Stability windows pass without real time."""
    return use_fake_time(monkeypatch)


def run(engine, monkeypatch, capsys, check=False, **args):
    args.update(_ansible_check_mode=check, _ansible_diff=True)
    return run_module_main(swarm_service.main, engine, monkeypatch, capsys, args)


def test_check_mode_predicts_the_real_run_and_the_next_run_changes_nothing(monkeypatch, capsys):
    engine = FakeServiceEngine('full')
    task = dict(name='full', image='swarmops/web:2', update_config=dict(delay='10s'), networks=['svc_front'])
    predicted = run(engine, monkeypatch, capsys, check=True, **task)
    assert engine.calls == []
    applied = run(engine, monkeypatch, capsys, **task)
    assert predicted['changed'] is applied['changed'] is True
    assert (predicted['actions'], predicted['diff']) == (applied['actions'], applied['diff'])
    assert applied['diff']['before']['networks'] == [dict(name='svc_front', aliases=['web', 'www']), 'svc_back']
    assert applied['diff']['after'] == dict(
        state='present', image='swarmops/web:2', update_config=dict(delay='10s'), networks=['svc_front']
    )
    assert applied['service']['options']['update_config']['parallelism'] == 2, 'left out, kept'
    again = run(engine, monkeypatch, capsys, **task)
    assert again['changed'] is False and again['actions'] == []


def test_a_created_service_is_returned_with_its_options(monkeypatch, capsys):
    engine = FakeServiceEngine()
    result = run(engine, monkeypatch, capsys, name='web', image='swarmops/web:1', replicas=2)
    assert result['service']['name'] == 'web' and result['service']['options']['replicas'] == 2
    assert result['waited_seconds'] >= 0
    predicted = run(FakeServiceEngine(), monkeypatch, capsys, check=True, name='web', image='swarmops/web:1')
    assert predicted['changed'] and predicted['service'] is None


def test_a_refused_change_is_a_message_not_a_traceback(monkeypatch, capsys):
    result = run(FakeServiceEngine('full'), monkeypatch, capsys, name='full', mode='global-job')
    assert result['failed'] and result['msg'].startswith('Service full is replicated; the task asks for global-job.')

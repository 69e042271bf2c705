# -*- coding: utf-8 -*-
from ansible_collections.swarmops.swarm.plugins.modules import swarm_init
from tests.unit.fake_engine import WORKER_TOKEN, FakeEngine
from tests.unit.plugins.modules.module_runner import run_module_main


def test_check_mode_and_diff_then_real_run_agree(monkeypatch, capsys):
    engine = FakeEngine(state='active')
    args = dict(snapshot_interval=20000, _ansible_check_mode=True, _ansible_diff=True)
    predicted = run_module_main(swarm_init.main, engine, monkeypatch, capsys, args)
    args['_ansible_check_mode'] = False
    applied = run_module_main(swarm_init.main, engine, monkeypatch, capsys, args)
    assert predicted['changed'] is applied['changed'] is True
    assert predicted['diff'] == applied['diff']
    assert applied['diff']['after']['snapshot_interval'] == 20000
    again = run_module_main(swarm_init.main, engine, monkeypatch, capsys, args)
    assert again['changed'] is False and again['actions'] == []


def test_failures_become_a_message_not_a_traceback(monkeypatch, capsys):
    result = run_module_main(swarm_init.main, FakeEngine(state='active', is_manager=False), monkeypatch, capsys, {})
    assert result['failed'] is True
    assert 'Run it on a manager' in result['msg']


def test_bad_durations_are_reported_with_the_option_name(monkeypatch, capsys):
    result = run_module_main(swarm_init.main, FakeEngine(), monkeypatch, capsys, dict(node_cert_expiry='soon'))
    assert result['failed'] and result['msg'].startswith('node_cert_expiry must be a duration')


def test_tokens_are_returned_for_registering(monkeypatch, capsys):
    result = run_module_main(swarm_init.main, FakeEngine(), monkeypatch, capsys, {})
    assert result['join_tokens']['worker'] == WORKER_TOKEN

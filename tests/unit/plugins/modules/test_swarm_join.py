# -*- coding: utf-8 -*-
from ansible_collections.swarmops.swarm.plugins.modules import swarm_join
from tests.unit.fake_engine import WORKER_TOKEN, FakeEngine
from tests.unit.plugins.modules.module_runner import run_module_main


def test_the_token_never_appears_in_the_result(monkeypatch, capsys):
    result = run_module_main(
        swarm_join.main,
        FakeEngine(),
        monkeypatch,
        capsys,
        dict(remote_addrs=['172.30.0.2'], join_token=WORKER_TOKEN, _ansible_diff=True),
    )
    assert result['changed'] is True
    assert WORKER_TOKEN not in str(result)


def test_remote_addrs_are_required_to_join(monkeypatch, capsys):
    result = run_module_main(swarm_join.main, FakeEngine(), monkeypatch, capsys, dict(join_token=WORKER_TOKEN))
    assert result['failed'] and 'remote_addrs' in result['msg']


def test_join_token_and_role_tokens_exclude_each_other(monkeypatch, capsys):
    result = run_module_main(
        swarm_join.main,
        FakeEngine(),
        monkeypatch,
        capsys,
        dict(remote_addrs=['a'], join_token=WORKER_TOKEN, worker_token=WORKER_TOKEN),
    )
    assert result['failed'] and 'mutually exclusive' in result['msg']

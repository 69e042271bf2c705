# -*- coding: utf-8 -*-
"""swarm_network through its main(): check mode predicts the real run, and a refusal names what differs."""

import pytest

from ansible_collections.swarmops.swarm.plugins.modules import swarm_network
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.module_utils.test_swarm_networks import ENCRYPTED_NET, encrypted_net, service_on
from tests.unit.plugins.modules.module_runner import run_module_main


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    use_fake_time(monkeypatch)


def run(engine, monkeypatch, capsys, check=False, **args):
    args.update(_ansible_check_mode=check, _ansible_diff=True)
    return run_module_main(swarm_network.main, engine, monkeypatch, capsys, args)


def test_check_mode_predicts_creation_and_a_forced_recreation(monkeypatch, capsys):
    engine = FakeStackEngine()
    recreate = encrypted_net(internal=True, recreate=True, force=True)
    for task in (ENCRYPTED_NET, recreate):
        predicted = run(engine, monkeypatch, capsys, check=True, **task)
        assert engine.calls == []
        applied = run(engine, monkeypatch, capsys, **task)
        assert predicted['changed'] is applied['changed'] is True
        assert (predicted['actions'], predicted['diff']) == (applied['actions'], applied['diff'])
        assert predicted['network']['id'] is None and applied['network']['id']
        assert predicted['reattached_services'] == applied['reattached_services']
        again = run(engine, monkeypatch, capsys, **task)
        assert again['changed'] is False and again['actions'] == []
        assert again['network'] == applied['network']
        if task is ENCRYPTED_NET:
            service_on(engine, 'back')
        engine.calls = []
    assert applied['reattached_services'] == applied['detached_services'] == ['api']
    assert applied['network']['internal'] is True


def test_a_settings_change_without_recreate_fails_naming_the_settings(monkeypatch, capsys):
    engine = FakeStackEngine()
    run(engine, monkeypatch, capsys, **ENCRYPTED_NET)
    engine.calls = []
    for check in (True, False):
        result = run(engine, monkeypatch, capsys, check=check, **encrypted_net(attachable=False))
        assert result['failed'] and 'attachable true -> false' in result['msg'] and 'recreate: true' in result['msg']
        assert result['differences'] == ['attachable true -> false']
        assert (result['diff']['before']['attachable'], result['diff']['after']['attachable']) == (True, False)
    assert engine.calls == []

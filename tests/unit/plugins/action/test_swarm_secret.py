# -*- coding: utf-8 -*-
"""The swarm_secret and swarm_config action plugins: with data_source=controller they find data_src like the src of
copy (a Vault file decrypted), hand the module its bytes in a hidden argument, and leave other tasks alone."""

import base64
import json

import pytest

try:
    from ansible.module_utils import _internal
except ImportError:  # older cores have no such switch, so there is nothing to restore
    _internal = None

from ansible_collections.swarmops.swarm.plugins.module_utils import swarm_objects
from ansible_collections.swarmops.swarm.plugins.modules import swarm_secret
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.action.action_runner import ActionUnderTest
from tests.unit.plugins.modules.module_runner import run_module_main

SECRET = b'-----BEGIN PRIVATE KEY-----\nnot really\n'
VAULT_PASSWORD = 'vault-pw-for-tests'


@pytest.fixture(autouse=True)
def controller_context(monkeypatch):
    """As in test_swarm_stack: importing the action plugin switches module_utils into controller mode."""
    if _internal is not None:
        monkeypatch.setattr(_internal, 'is_controller', _internal.is_controller)
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)


@pytest.fixture
def playbook_dir(tmp_path):
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'tls.key').write_bytes(SECRET)
    return tmp_path


def _action(basedir, args, module='swarm_secret', vault=False):
    vault_secrets = None
    if vault:
        from ansible.parsing.vault import VaultSecret

        vault_secrets = [('default', VaultSecret(VAULT_PASSWORD.encode()))]
    return ActionUnderTest(basedir, args, module, vault_secrets=vault_secrets)


@pytest.mark.parametrize('module', ['swarm_secret', 'swarm_config'])
def test_data_src_on_the_controller_is_found_like_copy_src_and_sent_hidden(playbook_dir, module):
    action = _action(playbook_dir, dict(name='tls', data_src='tls.key', data_source='controller'), module=module)
    action.run()
    ((module_name, args),) = action.module_calls
    assert module_name == 'swarmops.swarm.%s' % module
    assert args['data_src'] == str(playbook_dir / 'files' / 'tls.key')
    assert base64.b64decode(args['_controller_data']) == SECRET


def test_a_vault_encrypted_file_arrives_decrypted(playbook_dir):
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([('default', VaultSecret(VAULT_PASSWORD.encode()))])
    (playbook_dir / 'files' / 'tls.key').write_bytes(vault.encrypt(SECRET))
    action = _action(playbook_dir, dict(name='tls', data_src='tls.key', data_source='controller'), vault=True)
    action.run()
    assert base64.b64decode(action.module_calls[0][1]['_controller_data']) == SECRET


def test_other_tasks_go_to_the_module_unchanged(playbook_dir):
    for args in (
        dict(name='tls', data_src='/etc/tls.key'),
        dict(name='tls', data='x', data_source='controller'),
        dict(name='tls', data_src='nowhere', data_source='controller', state='absent'),
    ):
        action = _action(playbook_dir, args)
        action.run()
        assert action.module_calls == [('swarmops.swarm.swarm_secret', args)]


def test_a_missing_file_fails_before_the_module_runs(playbook_dir):
    action = _action(playbook_dir, dict(name='tls', data_src='absent.key', data_source='controller'))
    result = action.run()
    assert result['failed'] is True and action.module_calls == []
    assert "Could not find or access 'absent.key'" in result['msg']


def test_the_module_creates_from_the_sent_bytes_and_shows_neither_them_nor_the_hidden_argument(
    playbook_dir, monkeypatch, capsys
):
    action = _action(playbook_dir, dict(name='tls', data_src='tls.key', data_source='controller'))
    action.run()
    args = action.module_calls[0][1]
    if _internal is not None:  # as on a managed node
        monkeypatch.setattr(_internal, 'is_controller', False)
    engine = FakeStackEngine()
    result = run_module_main(swarm_secret.main, engine, monkeypatch, capsys, dict(args, _ansible_diff=True))
    assert result['changed'] and result['secret']['name'] == 'tls'
    assert [base64.b64decode(data) for data in engine.secret_data.values()] == [SECRET]
    output = json.dumps(result)
    assert args['_controller_data'] not in output and 'not really' not in output

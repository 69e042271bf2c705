# -*- coding: utf-8 -*-
"""The swarm_stack action plugin: with compose_source=controller it finds the compose files on the controller, reads
them and every file they name with the module's own loader, and hands the module their bytes; the module then plans
exactly what it plans from the same files on the managed node, and never shows a secret's content."""

import base64
import json
import os
import shutil
from unittest import mock

import pytest

try:
    # ansible-core 2.19 and newer: the switch between controller and module behaviour of module_utils.
    from ansible.module_utils import _internal
except ImportError:  # older cores have no such switch, so there is nothing to restore
    _internal = None

from ansible_collections.swarmops.swarm.plugins.module_utils import swarm_objects
from ansible_collections.swarmops.swarm.plugins.modules import swarm_stack
from tests.unit.fake_service_engine import use_fake_time
from tests.unit.fake_stack_engine import FakeStackEngine
from tests.unit.plugins.action.action_runner import ActionUnderTest
from tests.unit.plugins.module_utils.test_compose import COMPOSE
from tests.unit.plugins.modules.module_runner import run_module_main

# What the full fixture interpolates; the environment of neither host is read with compose_source=controller.
VARIABLES = dict(FROM_ENV='from env', WEB_REPLICAS='2')
SECRET = 's3cr3t'


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """Secret digests take fewer rounds; stability windows pass without real time; no variable of ours leaks in
    from the test process's environment."""
    monkeypatch.setattr(swarm_objects, '_PBKDF2_ITERATIONS', 1000)
    use_fake_time(monkeypatch)
    for name in ('FROM_ENV', 'WEB_REPLICAS', 'WEB_IMAGE'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def controller_context(monkeypatch):
    """The action plugin is controller code: importing it (or any of ansible's controller side) switches ansible's
    module_utils into controller mode for the whole process, and modules run in-process afterwards would send their
    warnings to the display instead of their result. These tests import it lazily and switch back after each."""
    if _internal is not None:
        monkeypatch.setattr(_internal, 'is_controller', _internal.is_controller)


@pytest.fixture
def playbook_dir(tmp_path):
    """A playbook folder with the full stack (compose file, config, secrets, env file) under files/shop/."""
    shutil.copytree(os.path.join(COMPOSE, 'full'), str(tmp_path / 'files' / 'shop'))
    return tmp_path


def _action(basedir, args, check_mode=False):
    return ActionUnderTest(basedir, args, 'swarm_stack', check_mode=check_mode)


def controller_files(module_args):
    return dict((path, base64.b64decode(data)) for path, data in module_args['_controller_files'].items())


def test_managed_node_paths_go_to_the_module_unchanged_and_nothing_is_read_here(tmp_path):
    args = dict(name='shop', compose=['/srv/shop/stack.yml'], project_dir='/srv/shop')
    for task_args in (args, dict(args, compose_source='managed_node')):
        action = _action(tmp_path, task_args)
        assert action.run() == dict(changed=False)
        assert action.module_calls == [('swarmops.swarm.swarm_stack', task_args)]


def test_controller_files_are_found_like_copy_src_and_sent_with_every_file_they_name(playbook_dir):
    action = _action(
        playbook_dir, dict(name='shop', compose_source='controller', compose=['shop/stack.yml'], env=VARIABLES)
    )
    action.run()
    folder = str(playbook_dir / 'files' / 'shop')
    assert action.module_args['compose'] == [os.path.join(folder, 'stack.yml')]
    assert action.module_args['project_dir'] is None
    sent = controller_files(action.module_args)
    assert sorted(sent) == [
        os.path.join(folder, name) for name in ('pw.txt', 'site.conf', 'stack.yml', 'token.txt', 'web.env')
    ]
    with open(os.path.join(folder, 'pw.txt'), 'rb') as handle:
        assert sent[os.path.join(folder, 'pw.txt')] == handle.read()


def test_project_dir_on_the_controller_resolves_the_relative_files_of_inline_content(playbook_dir):
    inline = dict(
        services=dict(web=dict(image='swarmops/web:1', configs=['site'], env_file='./web.env')),
        configs=dict(site=dict(file='./site.conf')),
    )
    action = _action(playbook_dir, dict(name='shop', compose_source='controller', compose=[inline], project_dir='shop'))
    action.run()
    folder = str(playbook_dir / 'files' / 'shop')
    assert action.module_args['compose'] == [inline]
    assert action.module_args['project_dir'] == folder
    assert sorted(controller_files(action.module_args)) == [
        os.path.join(folder, 'site.conf'),
        os.path.join(folder, 'web.env'),
    ]


def test_a_missing_file_fails_before_the_module_runs_naming_the_controller_file(playbook_dir):
    os.remove(str(playbook_dir / 'files' / 'shop' / 'site.conf'))
    action = _action(
        playbook_dir, dict(name='shop', compose_source='controller', compose=['shop/stack.yml'], env=VARIABLES)
    )
    result = action.run()
    assert result['failed'] is True and action.module_calls == []
    site = os.path.join(str(playbook_dir / 'files' / 'shop'), 'site.conf')
    assert 'configs.site.file: could not read %s on the controller: No such file or directory.' % site in result['msg']

    action = _action(playbook_dir, dict(name='shop', compose_source='controller', compose=['shop/absent.yml']))
    result = action.run()
    assert result['failed'] is True and action.module_calls == []
    assert "Could not find or access 'shop/absent.yml'" in result['msg']


@pytest.mark.parametrize(
    'volume, accepted',
    [('/srv/data:/data', True), ('./data:/data', False), ('~/data:/data', False), ('cache:/data', True)],
)
def test_bind_mount_sources_stay_absolute_paths_of_the_managed_node(tmp_path, volume, accepted):
    inline = dict(services=dict(web=dict(image='swarmops/web:1', volumes=[volume])), volumes=dict(cache=None))
    action = _action(
        tmp_path, dict(name='shop', compose_source='controller', compose=[inline], project_dir=str(tmp_path))
    )
    result = action.run()
    if accepted:
        assert action.module_args['_controller_files'] == {}
    else:
        assert action.module_calls == []
        assert 'services.web.volumes[0].source' in result['msg'] and 'managed node' in result['msg']


def test_a_home_relative_path_in_a_controller_compose_file_is_refused(tmp_path):
    inline = dict(services=dict(web=dict(image='swarmops/web:1', env_file='~/web.env')))
    result = _action(tmp_path, dict(name='shop', compose_source='controller', compose=[inline])).run()
    assert result['failed'] is True
    assert '"~" is not expanded in compose files on the controller' in result['msg']


def test_removing_a_stack_reads_nothing_on_the_controller(tmp_path):
    args = dict(name='shop', state='absent', compose_source='controller', compose=['nowhere.yml'])
    action = _action(tmp_path, args)
    action.run()
    assert action.module_args == args


def run_module(engine, monkeypatch, capsys, check, args):
    if _internal is not None:  # as on a managed node
        monkeypatch.setattr(_internal, 'is_controller', False)
    return run_module_main(
        swarm_stack.main, engine, monkeypatch, capsys, dict(args, _ansible_check_mode=check, _ansible_diff=True)
    )


def test_the_module_plans_from_controller_files_as_from_the_same_files_on_the_node(playbook_dir, monkeypatch, capsys):
    """Check mode, the real run, the diff and the result are those of node paths; neither the secret's content nor
    the hidden argument's is in any output."""
    action = _action(
        playbook_dir, dict(name='shop', compose_source='controller', compose=['shop/stack.yml'], env=VARIABLES)
    )
    action.run()
    from_controller = action.module_args
    on_node = dict(name='shop', compose=from_controller['compose'], env=VARIABLES)

    results = {}
    for label, args in (('node', on_node), ('controller', from_controller)):
        engine = FakeStackEngine()
        engine.network_create(dict(Name='shared_outside', Driver='overlay', Labels={}))
        runs = [run_module(engine, monkeypatch, capsys, check, args) for check in (True, False, False)]
        output = json.dumps(runs)
        assert SECRET not in output
        assert not [data for data in from_controller['_controller_files'].values() if data in output]
        results[label] = [dict((key, run[key]) for key in ('changed', 'actions', 'diff', 'stack')) for run in runs]
    assert results['controller'] == results['node']
    assert [run['changed'] for run in results['controller']] == [True, True, False]


def test_the_module_without_its_action_plugin_says_so(monkeypatch, capsys):
    result = run_module(
        FakeStackEngine(), monkeypatch, capsys, True, dict(name='shop', compose_source='controller', compose=['/x.yml'])
    )
    assert result['failed'] is True
    assert 'compose_source=controller needs the swarmops.swarm.swarm_stack action plugin' in result['msg']


def test_the_remote_temporary_folder_goes_even_when_the_module_call_fails(playbook_dir):
    action = _action(
        playbook_dir, dict(name='shop', compose_source='controller', compose=['shop/stack.yml'], env=VARIABLES)
    )
    action.plugin._connection._shell.tmpdir = '/root/.ansible/tmp/ansible-tmp-1-2'
    from ansible.errors import AnsibleConnectionFailure

    action.plugin._execute_module = mock.Mock(side_effect=AnsibleConnectionFailure('the node went away'))
    action.plugin._remove_tmp_path = mock.Mock()
    with pytest.raises(AnsibleConnectionFailure):
        action.run()
    action.plugin._remove_tmp_path.assert_called_once_with('/root/.ansible/tmp/ansible-tmp-1-2')


def test_paths_interpolate_with_env_and_secret_env_as_the_module_does(playbook_dir):
    inline = dict(services=dict(web=dict(image='swarmops/web:1', env_file='./${ENV_NAME}.env')))
    args = dict(name='shop', compose_source='controller', compose=[inline], project_dir='shop')
    for variables in (
        dict(env=dict(ENV_NAME='web')),
        dict(env=dict(ENV_NAME='other'), secret_env=dict(ENV_NAME='web')),
    ):
        action = _action(playbook_dir, dict(args, **variables))
        action.run()
        assert sorted(controller_files(action.module_args)) == [str(playbook_dir / 'files' / 'shop' / 'web.env')]


def test_a_secret_env_value_in_a_path_that_fails_is_masked(tmp_path):
    inline = dict(services=dict(web=dict(image='swarmops/web:1', env_file='./${TOKEN}.env')))
    args = dict(name='shop', compose_source='controller', compose=[inline], project_dir=str(tmp_path))
    result = _action(tmp_path, dict(args, secret_env=dict(TOKEN='tok-4711'))).run()
    assert result['failed'] is True and 'tok-4711' not in result['msg']
    assert '%s/********.env on the controller' % tmp_path in result['msg']

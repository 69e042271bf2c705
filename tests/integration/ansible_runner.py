# -*- coding: utf-8 -*-
"""Run the collection's modules and playbooks through the real ansible CLI against the sandbox, and read results.

Modules are run the way users run them: over the community.docker.docker connection into a sandbox node, with
check and diff mode set by command-line flags. Results are read from the ansible.posix.json stdout callback.
"""

import json
import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get('VIRTUAL_ENV', REPO_ROOT / '.venv')) / 'bin'


def ansible_environment(**extra):
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(REPO_ROOT / 'ansible.cfg'),
        ANSIBLE_COLLECTIONS_PATH=str(REPO_ROOT / '.ansible' / 'collections'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        PATH='%s:%s' % (VENV_BIN, env.get('PATH', '')),
    )
    env.update(extra)
    return env


class ModuleResult(dict):
    @property
    def changed(self):
        return bool(self.get('changed'))

    @property
    def failed(self):
        return bool(self.get('failed'))


def run_module(inventory, host, module, args, check=False, diff=True, expect_failure=False, extra_vars=None):
    """Run one module on one host and return its result dict (expect_failure None: whether it fails or not)."""
    command = [str(VENV_BIN / 'ansible'), host, '-i', str(inventory), '-m', module]
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    if args:
        command += ['-a', json.dumps(args)]
    if check:
        command.append('--check')
    if diff:
        command.append('--diff')
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        env=ansible_environment(ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_LOAD_CALLBACK_PLUGINS='1'),
    )
    try:
        output = json.loads(completed.stdout)
        result = ModuleResult(output['plays'][0]['tasks'][0]['hosts'][host])
    except (ValueError, KeyError, IndexError):
        raise AssertionError(
            'ansible gave no result for %s on %s (rc %d):\n%s\n%s'
            % (module, host, completed.returncode, completed.stdout, completed.stderr)
        )
    if expect_failure is not None and result.failed != expect_failure:
        raise AssertionError(
            '%s on %s %s: %s'
            % (module, host, 'failed' if result.failed else 'did not fail', json.dumps(result, indent=2))
        )
    return result


def run_four_times(inventory, host, module, args, extra_vars=None):
    """The collection's integration pattern: check mode, real run, real run again, check mode again.

    The check run must predict the real one exactly (changed, actions, diff); the second real run and the last
    check run must report no change. Returns the real run's result.
    """
    predicted = run_module(inventory, host, module, args, check=True, extra_vars=extra_vars)
    applied = run_module(inventory, host, module, args, extra_vars=extra_vars)
    assert predicted['changed'] == applied['changed'], (predicted, applied)
    assert predicted['actions'] == applied['actions']
    assert predicted['diff'] == applied['diff']
    again = run_module(inventory, host, module, args, extra_vars=extra_vars)
    assert not again.changed, 'second run changed: %s' % again['actions']
    assert again['diff']['before'] == again['diff']['after']
    checked_again = run_module(inventory, host, module, args, check=True, extra_vars=extra_vars)
    assert not checked_again.changed, 'check run after converging predicted: %s' % checked_again['actions']
    return applied


def run_playbook(inventory, playbook, *extra_args, check=True, env=None, cwd=REPO_ROOT):
    """Run a playbook (a path, or a collection playbook's FQCN); return (returncode, combined output)."""
    command = [str(VENV_BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook)] + list(extra_args)
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, check=False, env=env or ansible_environment()
    )
    output = completed.stdout + completed.stderr
    if check and completed.returncode != 0:
        raise AssertionError('%s failed (rc %d):\n%s' % (playbook, completed.returncode, output))
    return completed.returncode, output

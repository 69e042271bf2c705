# -*- coding: utf-8 -*-
"""ansible-doc is the manual: every module's documentation renders and matches the argument spec it runs with."""

import importlib
import importlib.util
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

# `ansible-test units` runs module tests with only the module side of ansible importable: ansible-doc is the
# controller's, so this check runs in the project's own pytest run (scripts/test.sh), where ansible-core is whole.
# (Only looked up, not imported: importing the controller changes how modules in this process report warnings.)
if importlib.util.find_spec('ansible.cli') is None:
    pytest.skip('ansible-doc (the controller side of ansible-core) is not importable here', allow_module_level=True)

from ansible_collections.swarmops.swarm.plugins import modules as modules_package  # noqa: E402
from ansible_collections.swarmops.swarm.plugins.module_utils import plan as plan_module  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[4]
# The folder holding the ansible_collections/ tree this test imported the collection from: the repository's
# .ansible/collections link, or the tree ansible-test lays out for `ansible-test units`.
COLLECTIONS_ROOT = Path(modules_package.__path__[0]).parents[4]
MODULE_NAMES = sorted(module.name for module in pkgutil.iter_modules(modules_package.__path__))


class _ArgumentSpecCaptured(Exception):
    pass


def argument_spec_of(module_name, monkeypatch):
    """The argument spec the module really builds its AnsibleModule with (shared connection options included)."""
    captured = {}

    def capture(argument_spec, **kwargs):
        captured.update(argument_spec)
        raise _ArgumentSpecCaptured()

    monkeypatch.setattr(plan_module, 'AnsibleModule', capture)
    module = importlib.import_module('ansible_collections.swarmops.swarm.plugins.modules.%s' % module_name)
    with pytest.raises(_ArgumentSpecCaptured):
        module.main()
    return captured


@pytest.fixture(scope='module')
def rendered_docs():
    # ansible-doc through this interpreter: ansible-test's unit test venv has ansible importable but no scripts.
    completed = subprocess.run(
        [sys.executable, '-m', 'ansible.cli.doc', '--json'] + ['swarmops.swarm.%s' % name for name in MODULE_NAMES],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT)),
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize('module_name', MODULE_NAMES)
def test_documentation_renders_with_examples_and_return_values(module_name, rendered_docs):
    entry = rendered_docs['swarmops.swarm.%s' % module_name]
    assert entry['doc']['short_description']
    assert entry['doc']['description']
    assert entry['examples'].strip().startswith('- name:')
    assert entry['return'], 'RETURN is empty'
    assert 'actions' in entry['return']


@pytest.mark.parametrize('module_name', MODULE_NAMES)
def test_every_option_is_documented_as_it_is_declared(module_name, rendered_docs, monkeypatch):
    documented = rendered_docs['swarmops.swarm.%s' % module_name]['doc']['options']
    # Hidden options (a leading "_", set by an action plugin) are not documented, as validate-modules allows.
    declared = dict(
        (name, spec) for name, spec in argument_spec_of(module_name, monkeypatch).items() if not name.startswith('_')
    )
    assert sorted(documented) == sorted(declared)
    for name, spec in declared.items():
        doc = documented[name]
        assert doc.get('type', 'str') == spec.get('type', 'str'), name
        assert doc.get('default') == spec.get('default'), name
        assert sorted(doc.get('choices') or []) == sorted(spec.get('choices') or []), name
        assert sorted(doc.get('aliases') or []) == sorted(spec.get('aliases') or []), name
        if spec.get('type') == 'list':
            assert doc.get('elements') == spec.get('elements'), name
        assert doc['description'], name

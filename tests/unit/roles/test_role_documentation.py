# -*- coding: utf-8 -*-
"""`ansible-doc -t role` is the manual of every role: it renders from meta/argument_specs.yml, with every variable
of defaults/main.yml documented and every documented variable role-prefixed."""

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# ansible-doc is the controller's; `ansible-test units` may run this where only the module side is importable.
if importlib.util.find_spec('ansible.cli') is None:
    pytest.skip('ansible-doc (the controller side of ansible-core) is not importable here', allow_module_level=True)

REPO_ROOT = Path(__file__).resolve().parents[3]
# The folder holding the ansible_collections/ tree this collection is imported from: the repository's
# .ansible/collections link, or the tree ansible-test lays out.
COLLECTIONS_ROOT = Path(list(importlib.import_module('ansible_collections.swarmops.swarm').__path__)[0]).parents[2]
ROLES = sorted(path.parent.parent.name for path in (REPO_ROOT / 'roles').glob('*/meta/argument_specs.yml'))


def test_every_role_has_argument_specs():
    assert sorted(path.name for path in (REPO_ROOT / 'roles').iterdir() if path.is_dir()) == ROLES


@pytest.mark.parametrize('role', ROLES)
def test_role_documentation_renders_and_covers_its_defaults(role):
    completed = subprocess.run(
        [sys.executable, '-m', 'ansible.cli.doc', '-t', 'role', '--json', 'swarmops.swarm.%s' % role],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT)),
    )
    assert completed.returncode == 0, completed.stderr
    entry = json.loads(completed.stdout)['swarmops.swarm.%s' % role]['entry_points']['main']
    assert entry['short_description'] and entry['description']
    documented = entry['options']
    assert all(name.startswith(role + '_') for name in documented), sorted(documented)
    defaults = yaml.safe_load((REPO_ROOT / 'roles' / role / 'defaults' / 'main.yml').read_text()) or {}
    assert sorted(set(defaults) - set(documented)) == []
    for name, option in documented.items():
        assert option.get('description'), name

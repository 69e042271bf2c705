# -*- coding: utf-8 -*-
"""Every Molecule scenario passes `molecule test`: create, converge, idempotence, verify, destroy.

The scenarios start their own nodes (molecule/shared/create.yml, from the sandbox's node image) on networks of
their own, so they do not touch the integration sandbox; they run one after another.
"""

import subprocess

import pytest

from tests.integration import cpu_account
from tests.integration.ansible_runner import REPO_ROOT, VENV_BIN, ansible_environment

SCENARIOS = sorted(path.parent.name for path in (REPO_ROOT / 'molecule').glob('*/molecule.yml'))


@pytest.fixture(scope='module', autouse=True)
def scenario_nodes_counted():
    cpu_account.own_molecule_nodes(True)
    yield
    cpu_account.own_molecule_nodes(False)


@pytest.mark.parametrize('scenario', SCENARIOS)
def test_molecule_scenario(scenario):
    # Molecule points ANSIBLE_CONFIG at an ansible.cfg of its own, made from the scenario's `ansible.cfg`.
    completed = subprocess.run(
        [str(VENV_BIN / 'molecule'), 'test', '-s', scenario],
        cwd=REPO_ROOT,
        env=ansible_environment(NO_COLOR='1'),
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, 'molecule test -s %s failed:\n%s' % (scenario, output[-20000:])

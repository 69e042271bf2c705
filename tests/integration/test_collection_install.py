# -*- coding: utf-8 -*-
"""The collection as users get it: built into a tarball, installed offline, and run by its FQCNs."""

import subprocess
import tarfile

from tests.integration.ansible_runner import REPO_ROOT, VENV_BIN, ansible_environment, run_playbook


def test_the_built_tarball_installs_offline_and_its_playbook_forms_a_swarm(swarm_sandbox, tmp_path):
    subprocess.run([str(VENV_BIN / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path),
                    str(REPO_ROOT)], check=True, capture_output=True, cwd=REPO_ROOT, env=ansible_environment())
    tarball, = tmp_path.glob('swarmops-swarm-*.tar.gz')
    with tarfile.open(tarball) as archive:
        members = archive.getnames()
    assert 'plugins/modules/swarm_init.py' in members and 'meta/runtime.yml' in members
    assert 'playbooks/cluster.yml' in members
    development_only = ('tests', 'sandbox', 'scripts', '.venv', '.git', '.sandbox', '.ansible', 'bench')
    assert not [name for name in members if name.split('/')[0] in development_only]

    installed = tmp_path / 'collections'
    # Only the fresh path is searched: the working tree's own link must not satisfy (or shadow) the install.
    env = ansible_environment(ANSIBLE_COLLECTIONS_PATH=str(installed))
    subprocess.run([str(VENV_BIN / 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(installed),
                    str(tarball)], check=True, capture_output=True, cwd=tmp_path, env=env)
    doc = subprocess.run([str(VENV_BIN / 'ansible-doc'), 'swarmops.swarm.swarm_join'],
                         check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert str(installed) in doc.partition('\n')[0], 'ansible-doc did not read the installed copy: %r' % doc[:300]

    swarm_sandbox.reset()
    run_playbook(swarm_sandbox.inventory, 'swarmops.swarm.cluster', env=env, cwd=tmp_path)
    assert len(swarm_sandbox.node_list('manager1')) == len(swarm_sandbox.managers + swarm_sandbox.workers)

# -*- coding: utf-8 -*-
"""The collection as users get it: built into a tarball or taken from git, installed offline, run by its FQCNs."""

import re
import shutil
import subprocess
import tarfile

from tests.integration.ansible_runner import REPO_ROOT, VENV_BIN, ansible_environment, run_playbook

DEVELOPMENT_ONLY = (
    'tests',
    'sandbox',
    'scripts',
    'molecule',
    'bench',
    '.venv',
    '.git',
    '.sandbox',
    '.ansible',
    '.ci',
    'Makefile',
    'requirements-test.txt',
    'requirements-oldest.txt',
    'ruff.toml',
)


def _galaxy(*arguments, cwd, env=None):
    return subprocess.run(
        [str(VENV_BIN / 'ansible-galaxy')] + list(arguments),
        check=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or ansible_environment(),
    )


def _only_searching(installed):
    """Only the fresh path is searched: the working tree's own link must not satisfy (or shadow) the install."""
    return ansible_environment(ANSIBLE_COLLECTIONS_PATH=str(installed))


def _assert_ansible_reads_the_installed_copy(installed, cwd):
    env = _only_searching(installed)
    doc = subprocess.run(
        [str(VENV_BIN / 'ansible-doc'), 'swarmops.swarm.swarm_join'],
        check=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    ).stdout
    assert str(installed) in doc.partition('\n')[0], 'ansible-doc did not read the installed copy: %r' % doc[:300]
    role_doc = subprocess.run(
        [str(VENV_BIN / 'ansible-doc'), '-t', 'role', 'swarmops.swarm.swarm_cluster'],
        check=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    ).stdout
    assert 'swarm_cluster_managers_group' in role_doc


def _clean_checkout(destination):
    """The working tree's files as a fresh clone has them (tracked or new, none that git ignores): a build in the
    working tree itself would walk its venvs and sandbox state, gigabytes that build_ignore then leaves out."""
    listed = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    ).stdout
    for name in filter(None, listed.decode().split('\0')):
        source = REPO_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _installed_files(installed):
    root = installed / 'ansible_collections' / 'swarmops' / 'swarm'
    return [path.relative_to(root).as_posix() for path in root.rglob('*')]


def _assert_shipped_without_development_files(names):
    assert 'plugins/modules/swarm_init.py' in names and 'meta/runtime.yml' in names
    assert 'playbooks/cluster.yml' in names and 'roles/swarm_cluster/meta/argument_specs.yml' in names
    assert not [name for name in names if name.split('/')[0] in DEVELOPMENT_ONLY]
    assert not [name for name in names if '__pycache__' in name or name.endswith('.pyc')]


def test_the_built_tarball_installs_offline_and_its_playbook_forms_a_swarm(swarm_sandbox, tmp_path):
    checkout = _clean_checkout(tmp_path / 'checkout')
    _galaxy('collection', 'build', '--output-path', str(tmp_path), str(checkout), cwd=checkout)
    (tarball,) = tmp_path.glob('swarmops-swarm-*.tar.gz')
    with tarfile.open(tarball) as archive:
        _assert_shipped_without_development_files(archive.getnames())

    installed = tmp_path / 'collections'
    _galaxy(
        'collection',
        'install',
        '--offline',
        '-p',
        str(installed),
        str(tarball),
        cwd=tmp_path,
        env=_only_searching(installed),
    )
    _assert_ansible_reads_the_installed_copy(installed, tmp_path)

    swarm_sandbox.reset()
    run_playbook(swarm_sandbox.inventory, 'swarmops.swarm.cluster', env=_only_searching(installed), cwd=tmp_path)
    assert len(swarm_sandbox.node_list('manager1')) == len(swarm_sandbox.managers + swarm_sandbox.workers)


def test_a_git_url_and_a_requirements_file_install_offline_and_run(swarm_sandbox, tmp_path):
    # A bare clone of the committed tree stands for the project's git server.
    repository = tmp_path / 'swarm.git'
    subprocess.run(
        ['git', 'clone', '--quiet', '--bare', str(REPO_ROOT), str(repository)], check=True, capture_output=True
    )
    source = 'git+file://%s' % repository
    from_url = tmp_path / 'from-url'
    _galaxy(
        'collection',
        'install',
        '--offline',
        '-p',
        str(from_url),
        '%s,HEAD' % source,
        cwd=tmp_path,
        env=_only_searching(from_url),
    )
    _assert_shipped_without_development_files(_installed_files(from_url))
    _assert_ansible_reads_the_installed_copy(from_url, tmp_path)

    requirements = tmp_path / 'requirements.yml'
    requirements.write_text('collections:\n  - name: %s\n    type: git\n    version: HEAD\n' % source)
    from_requirements = tmp_path / 'from-requirements'
    _galaxy(
        'collection',
        'install',
        '--offline',
        '-r',
        str(requirements),
        '-p',
        str(from_requirements),
        cwd=tmp_path,
        env=_only_searching(from_requirements),
    )
    _assert_ansible_reads_the_installed_copy(from_requirements, tmp_path)

    # The copy from the requirements file forms the swarm; the copy from the URL finds nothing left to do.
    swarm_sandbox.reset()
    run_playbook(
        swarm_sandbox.inventory, 'swarmops.swarm.cluster', env=_only_searching(from_requirements), cwd=tmp_path
    )
    assert len(swarm_sandbox.node_list('manager1')) == len(swarm_sandbox.managers + swarm_sandbox.workers)
    _returncode, output = run_playbook(
        swarm_sandbox.inventory, 'swarmops.swarm.cluster', env=_only_searching(from_url), cwd=tmp_path
    )
    changed_counts = re.findall(r'changed=(\d+)', output)
    assert changed_counts and set(changed_counts) == {'0'}, output
